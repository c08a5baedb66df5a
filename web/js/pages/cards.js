// Bureau: yellow and red cards — list, issue by hand, revoke with a reason.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {COLOR, label, fmtTime} from '../format.js';
import {table, departments, deptName, act, debounced, panel} from '../ui.js';
import {principalLabel} from '../names.js';
import {cardNote, noteNodes} from '../texts.js';

export async function render(ctx) {
  const depts = await departments();
  const which = select([{value: 'ACTIVE', label: '有效'}, {value: 'REVOKED', label: '已撤销'}, {value: '', label: '全部'}], {id: 'cards-which'});
  const color = select([{value: '', label: '全部'}, {value: 'YELLOW', label: '黄牌'}, {value: 'RED', label: '红牌'}], {id: 'cards-color'});
  const dept = select([{value: '', label: '全部部门'}, ...depts.map((d) => ({value: d.name, label: d.displayName || d.name}))], {id: 'cards-dept'});
  // #/cards?color=RED&department=departments/x (the dashboard's tiles).
  if (['YELLOW', 'RED'].includes(ctx.query.get('color'))) color.value = ctx.query.get('color');
  if (depts.some((d) => d.name === ctx.query.get('department'))) dept.value = ctx.query.get('department');
  const filters = h('form', {class: 'toolbar'}, field('状态', which), field('颜色', color), field('部门', dept));
  const list = h('div', {id: 'cards-table'});

  const ticket = h('input', {type: 'text', required: true, inputmode: 'numeric', placeholder: '工单编号', id: 'issue-ticket'});
  const issueColor = select([{value: 'YELLOW', label: '黄牌'}, {value: 'RED', label: '红牌'}], {id: 'issue-color'});
  const reason = h('input', {type: 'text', required: true, maxlength: 2000, id: 'issue-reason'});
  const issueButton = h('button', {type: 'submit', class: 'danger'}, '亮牌');
  const issue = h('form', {class: 'inline-form', id: 'issue-form'}, field('工单编号', ticket), field('颜色', issueColor), field('原因', reason), issueButton);

  ctx.main.append(h('h1', null, '黄红牌'), panel('人工亮牌', issue), panel('黄红牌列表', filters, list));

  async function load() {
    const {items, more} = await api.listAll('/v1/cards', 'cards', {which: which.value, color: color.value, department: dept.value}, 2000);
    if (!ctx.isCurrent()) return;
    items.sort((a, b) => Date.parse(b.issueTime || 0) - Date.parse(a.issueTime || 0));
    replace(list, table(['牌', '编号', '工单', '部门', '亮牌时间', '亮牌人', '原因', '状态', '撤销'], items.map((c) => {
      let revoke = null;
      if (!c.revokeTime) {
        const r = h('input', {type: 'text', required: true, maxlength: 2000});
        const b = h('button', {type: 'submit'}, '撤销');
        revoke = h('form', {class: 'inline-form'}, field('撤销原因', r), b);
        revoke.addEventListener('submit', async (e) => {
          e.preventDefault();
          if (await act(ctx, b, () => api.post(`/v1/${c.name}:revoke`, {reason: r.value, requestId: api.requestId()}), `已撤销 ${c.name}。`)) load();
        });
      }
      return h('tr', {dataset: {card: c.name}},
        h('td', null, h('span', {class: `badge card-${(c.color || '').toLowerCase()}`}, label(COLOR, c.color))),
        h('td', null, c.name), h('td', null, h('a', {href: `#/tickets/${api.idOf(c.ticket)}`}, `#${api.idOf(c.ticket)}`)),
        h('td', null, deptName(depts, c.department)), h('td', null, fmtTime(c.issueTime)), h('td', null, principalLabel(c.issuer, depts)),
        h('td', {class: 'note'}, ...noteNodes(cardNote(c))), h('td', null, c.revokeTime ? `已撤销(${fmtTime(c.revokeTime)}):${c.revokeReason || ''}` : '有效'),
        h('td', null, revoke));
    }), {caption: `${items.length}${more ? '+' : ''} 张`}));
  }

  filters.addEventListener('change', () => load().catch(ctx.fail));
  issue.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = ticket.value.trim().replace(/^#|^tickets\//, '');
    const card = await act(ctx, issueButton, () => api.post('/v1/cards', {ticket: `tickets/${id}`, color: issueColor.value, reason: reason.value, requestId: api.requestId()}));
    if (card) {
      ctx.flash(`已对工单 #${id} 亮${label(COLOR, card.color)}(${card.name})。`);
      issue.reset();
      load();
    }
  });
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => { if (ev.type === 'CARD_ISSUED' || ev.type === 'CARD_REVOKED') reload(); });
  await load();
  return () => reload.cancel();
}
