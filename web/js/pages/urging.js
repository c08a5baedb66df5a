// Bureau: 催办督办 — the urging and supervision notices (催办, 督办,
// ListNotices) across tickets, by state, department and level, open ones
// by default; and the circulated notice (通报) of one department for a
// month: its overdue tickets (cards) and its notices not answered by their
// deadline, in the same words and CSV as `hotlinectl circular`.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {NOTICE_LEVEL, NOTICE_LEVEL_ORDER, NOTICE_STATE, nextMonthStart, fmtTime} from '../format.js';
import {departments, panel, debounced} from '../ui.js';
import {noticesTable, OPEN_NOTICE_STATES, loadCircular, circularZh, circularCsv} from '../notices.js';
import {scrollable} from './report.js';

// Offers `text` as a file to save.
function download(text, filename) {
  const blob = new Blob(['\ufeff', text], {type: 'text/csv;charset=utf-8'});
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function render(ctx) {
  const caller = await ctx.refreshCaller();
  const depts = await departments();
  if (!ctx.isCurrent()) return undefined;
  const deptOptions = (empty) => [...(empty ? [{value: '', label: empty}] : []),
    ...depts.map((d) => ({value: d.name, label: d.displayName || d.name}))];

  // The list.
  const state = select([{value: 'open', label: '待签收、待反馈'}, {value: '', label: '全部'},
    ...Object.entries(NOTICE_STATE).map(([value, label]) => ({value, label}))], {id: 'notice-state'});
  const dept = select(deptOptions('全部部门'), {id: 'notice-department'});
  const level = select([{value: '', label: '全部级别'}, ...NOTICE_LEVEL_ORDER.map((v) => ({value: v, label: NOTICE_LEVEL[v]}))],
    {id: 'notice-level'});
  const filter = h('form', {class: 'toolbar', id: 'notice-filter'}, field('状态', state), field('部门', dept), field('级别', level),
    h('button', {type: 'submit'}, '查询'));
  const list = h('div', {id: 'notice-list', 'aria-live': 'polite'});

  // The circulated notice (通报).
  const cDept = select(deptOptions(depts.length ? '' : '(没有部门)'), {id: 'circular-department', required: true});
  const month = h('input', {type: 'month', id: 'circular-month', value: caller.today.slice(0, 7), required: true});
  const make = h('button', {type: 'submit', class: 'primary'}, '生成通报');
  const cForm = h('form', {class: 'toolbar', id: 'circular-form'}, field('部门', cDept), field('月份', month), make);
  const cOut = h('div', {id: 'circular-output', 'aria-live': 'polite'});

  ctx.main.append(h('h1', null, '催办督办'),
    panel('催办、督办通知', h('p', {class: 'hint'}, '逾期未反馈的通知自动升级:催办 → 督办 → 提级督办 → 通报批评;'
      + '工单离开该部门(回复、退单、挂起、改派、并单)时未反馈的通知失效。在工单页发出通知。'), filter, list),
    panel('通报', h('p', {class: 'hint'}, '一个部门某月的逾期工单(亮黄牌、红牌)和未按期反馈的催办、督办通知,'
      + '与 hotlinectl circular 的文字和 CSV 相同。'), cForm, cOut));

  async function load() {
    const params = {department: dept.value, level: level.value,
      states: state.value === 'open' ? OPEN_NOTICE_STATES : state.value ? [state.value] : undefined};
    const {items, more} = await api.listAll('/v1/notices', 'notices', params, 2000);
    if (!ctx.isCurrent()) return;
    replace(list, scrollable(noticesTable(items, depts, ctx.nowMs(), {ticket: true, department: true,
      caption: `${items.length}${more ? '+' : ''} 件`}), '催办、督办通知'));
  }

  async function circular() {
    if (!cDept.value || !/^\d{4}-\d{2}$/.test(month.value)) return;
    const from = `${month.value}-01`;
    make.disabled = true;
    try {
      const c = await loadCircular(cDept.value, from, nextMonthStart(from));
      if (!ctx.isCurrent()) return;
      const csv = circularCsv(c);
      const save = h('button', {type: 'button', id: 'circular-csv'}, '下载 CSV');
      save.addEventListener('click', () => download(csv, `hotline-circular-${c.department.split('/').pop()}-${month.value}.csv`));
      replace(cOut, h('pre', {class: 'zh-report', id: 'circular-zh'}, circularZh(c)),
        h('p', {class: 'hint'}, `截至 ${fmtTime(ctx.caller.now)}`), h('div', {class: 'actions'}, save));
    } catch (e) {
      ctx.fail(e);
    } finally {
      make.disabled = false;
    }
  }

  filter.addEventListener('submit', (e) => { e.preventDefault(); load().catch((x) => ctx.fail(x)); });
  for (const x of [state, dept, level]) x.addEventListener('change', () => load().catch((err) => ctx.fail(err)));
  cForm.addEventListener('submit', (e) => { e.preventDefault(); circular(); });
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => { if (ev.type.startsWith('NOTICE_')) reload(); });
  await load();
  return () => reload.cancel();
}
