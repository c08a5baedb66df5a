// Bureau: 热点分析 — the hotspots (热点) of a month (GET /v1/hotspots): the
// categories, townships (乡镇/街道) and addresses with the most tickets and
// those growing fastest against the month before, the repeated requests
// (the same caller, or the same place, on the same matter; their tickets
// linked), a bar chart of the top categories this month beside the month
// before, and the 热点问题 sentence as `hotlinectl report --format zh` ends
// with it. Below, the figures by category at every level and the dispatch
// catalogue's rules with their return rate (退单率, GET
// /v1/categoryStatistics): a rule often returned is a rule to revise.
import {h, replace, field} from '../dom.js';
import * as api from '../api.js';
import {nextMonthStart, num, zhDate, addDays} from '../format.js';
import {panel, table, departments} from '../ui.js';
import {barList, chartWidth} from '../charts.js';
import {scrollable} from './report.js';
import {categories, categoryLabel, ruleDepartments, permilleText, hotspotsZh, levelSelect} from '../catalogue.js';

// "+25.0%" / "-10.0%" / "上期无".
function growthText(r) {
  if (r.growthPermille === undefined || r.growthPermille === null) return '上期无';
  const p = Number(r.growthPermille);
  return `${p > 0 ? '+' : p < 0 ? '-' : '±'}${permilleText(p)}`;
}

function rowsTable(id, first, rows, caption) {
  return h('div', {id}, table([first, '本期', '上期', '环比'], (rows || []).map((r) =>
    h('tr', {dataset: {key: r.key || ''}},
      h('th', {scope: 'row'}, r.name && r.name !== r.key ? `${r.key} ${r.name}` : r.key || '—'),
      h('td', {dataset: {cell: 'count'}}, String(num(r.count))),
      h('td', null, String(num(r.previousCount))),
      h('td', null, growthText(r)))), {caption}));
}

function repeatsTable(hot, cats) {
  return h('div', {id: 'hot-repeats'}, table(['类型', '来电人/地点', '诉求事项', '工单'], (hot.repeats || []).map((r) =>
    h('tr', {dataset: {kind: r.kind || ''}},
      h('td', null, r.kind === 'CALLER' ? '同一来电人' : '同一地点'),
      h('th', {scope: 'row'}, r.who || '—'),
      h('td', null, r.matterName ? (/^\d+$/.test(r.matter || '') ? categoryLabel(cats, r.matter) : `${r.matter} ${r.matterName}`)
        : r.matter || '—'),
      h('td', null, (r.tickets || []).map((t, i) => [i ? '、' : '', h('a', {href: `#/tickets/${api.idOf(t)}`}, `#${api.idOf(t)}`)])))),
  {caption: `重复诉求涉及工单 ${num(hot.repeatedTickets)} 件(同一来电人或同一地点、同一事项两件以上)`}));
}

// The figures by category: 大类, then its 中类, then their 小类 (the
// server lists them by level; here each under its parent), 未分类 last.
function categoryTree(stats) {
  const list = stats.categories || [];
  const children = new Map();
  const roots = [];
  const byCode = new Map(list.filter((c) => c.code).map((c) => [c.code, c]));
  for (const c of list) {
    if (!c.code) continue;
    const parentCode = c.level > 1 ? c.code.slice(0, c.code.length - 2) : '';
    if (parentCode && byCode.has(parentCode)) {
      if (!children.has(parentCode)) children.set(parentCode, []);
      children.get(parentCode).push(c);
    } else {
      roots.push(c);
    }
  }
  const ordered = [];
  const walk = (c) => { ordered.push(c); for (const k of children.get(c.code) || []) walk(k); };
  for (const c of roots) walk(c);
  for (const c of list) if (!c.code) ordered.push(c);
  return table(['分类', '受理', '已回复', '已办结', '退单'], ordered.map((c) =>
    h('tr', {class: `level-${c.level || 0}`, dataset: {code: c.code || '', level: c.level || 0}},
      h('th', {scope: 'row', class: `indent-${Math.min(3, Math.max(1, c.level || 1))}`},
        c.code ? `${c.code} ${c.name}` : c.name || '未分类'),
      h('td', null, String(num(c.received))), h('td', null, String(num(c.replied))),
      h('td', null, String(num(c.closed))), h('td', null, String(num(c.returned))))),
  {caption: '按大类、中类、小类逐级统计;一张工单计入其分类及各上级分类', cls: 'grid figures category-tree'});
}

function rulesTable(stats, cats, depts) {
  return h('div', {id: 'hot-rules'}, table(['目录条目', '建议承办', '建议次数', '按目录派单', '其后退单', '退单率'],
    (stats.rules || []).map((r) => {
      const rule = r.rule || {};
      return h('tr', {dataset: {category: rule.category || '', township: rule.township || ''}},
        h('th', {scope: 'row'}, `${categoryLabel(cats, rule.category)} · ${rule.township || '全部乡镇'}`),
        h('td', null, ruleDepartments(rule, depts)),
        h('td', null, String(num(r.suggested))), h('td', null, String(num(r.followed))), h('td', null, String(num(r.returned))),
        h('td', {dataset: {cell: 'returnRate'}, class: num(r.returnRatePermille) >= 500 ? 'bad' : ''}, permilleText(r.returnRatePermille)));
    }), {caption: `退单率 = 按目录派单后被退单的次数 / 按目录派单次数;无建议派单 ${num(stats.dispatchedWithoutSuggestion)} 次,`
      + `未按建议派单 ${num(stats.dispatchedAgainstSuggestion)} 次`}));
}

export async function render(ctx) {
  const caller = await ctx.refreshCaller();
  const [cats, depts] = await Promise.all([categories().catch(() => ({categories: []})), departments().catch(() => [])]);
  if (!ctx.isCurrent()) return;
  const month = h('input', {type: 'month', id: 'hotspots-month', value: caller.today.slice(0, 7), required: true});
  const level = levelSelect('2', {id: 'hotspots-level'});
  const button = h('button', {type: 'submit', class: 'primary'}, '查看');
  const form = h('form', {class: 'toolbar', id: 'hotspots-form'}, field('月份', month), field('分类层级', level), button);
  const out = h('div', {id: 'hotspots-output', 'aria-live': 'polite'});
  ctx.main.append(h('h1', null, '热点分析'), form, out);

  let shown = 0;
  async function run() {
    if (!/^\d{4}-\d{2}$/.test(month.value)) return;
    const fromDate = `${month.value}-01`;
    const toDate = nextMonthStart(fromDate);
    const mine = ++shown;
    button.disabled = true;
    try {
      const [hot, stats] = await Promise.all([
        api.get('/v1/hotspots', {fromDate, toDate, level: level.value, limit: 10}),
        api.get('/v1/categoryStatistics', {fromDate, toDate}),
      ]);
      if (!ctx.isCurrent() || mine !== shown) return;
      const avail = ctx.main.clientWidth - 40;
      const chartItems = [];
      for (const r of hot.topCategories || []) {
        const labelText = r.name || r.key;
        chartItems.push({label: labelText, suffix: '本期', value: num(r.count), cls: 'bar'});
        chartItems.push({label: labelText, suffix: '上期', value: num(r.previousCount), cls: 'bar-muted'});
      }
      const sentence = hotspotsZh(hot);
      replace(out,
        panel('概况', h('p', {class: 'hint', id: 'hotspots-summary'},
          `${zhDate(fromDate)}至${zhDate(addDays(toDate, -1))}受理 ${num(hot.received)} 件;`
          + `上期(${hot.previousFromDate || '—'} 起)${num(hot.previousReceived)} 件。`),
        sentence ? h('pre', {class: 'zh-report', id: 'hotspots-zh'}, sentence) : h('p', {class: 'hint'}, '本期没有已分类的工单。')),
        h('div', {class: 'charts'}, barList('热点分类:本期与上期', chartItems, {unit: '件', width: chartWidth(avail, 1)})),
        panel('热点分类', rowsTable('hot-top-categories', '诉求分类', hot.topCategories, '工单最多的分类'),
          rowsTable('hot-rising-categories', '诉求分类', hot.risingCategories, '增长最快的分类')),
        panel('热点地区', rowsTable('hot-top-townships', '乡镇/街道', hot.topTownships, '工单最多的乡镇/街道'),
          rowsTable('hot-rising-townships', '乡镇/街道', hot.risingTownships, '增长最快的乡镇/街道'),
          rowsTable('hot-top-addresses', '地址', hot.topAddresses, '工单最多的地址')),
        panel('重复诉求', repeatsTable(hot, cats)),
        panel('分类统计', scrollable(categoryTree(stats), '分类统计表')),
        panel('派单目录条目的退单率', scrollable(rulesTable(stats, cats, depts), '派单目录退单率')));
    } catch (e) {
      if (ctx.isCurrent()) ctx.fail(e);
    } finally {
      button.disabled = false;
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  level.addEventListener('change', run);
  await run();
}
