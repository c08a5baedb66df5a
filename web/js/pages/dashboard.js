// Bureau dashboard: live figures, updated from the change feed.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, STATE_ORDER, EVENT, COLOR, label, fmtTime, addDays, monthStart, localDate, permille, num} from '../format.js';
import {table, debounced, departments, deptName, panel, act} from '../ui.js';
import {columnChart, departmentChart, deadlineChart, chartWidth} from '../charts.js';
import {principalLabel} from '../names.js';
import {cardNote, noteNodes} from '../texts.js';
import {hasAssists, assistCells, ASSIST_HEADERS, scrollable, hasSentBack, hasNotices, noticeCells, NOTICE_HEADERS,
  hasCallbacks, callbackCells, CALLBACK_HEADERS, satisfactionCell} from './report.js';
import {reviewPending} from '../review.js';
import {appealPending} from '../callbacks.js';

const OPEN_STATES = ['RECEIVED', 'RETURNED', 'DISPATCHED', 'IN_PROGRESS', 'SUSPENDED', 'REPLIED'];

// A figure that opens the list it counts.
function tile(key, title, value, cls, href, note) {
  return h('a', {class: ['tile', cls], 'data-kpi': key, href},
    h('span', {class: 'tile-title'}, title),
    h('span', {class: 'value'}, String(value)),
    note ? h('span', {class: 'tile-note'}, note) : null);
}

export async function render(ctx) {
  const root = h('div', {class: 'dashboard'});
  const updated = h('span', {class: 'muted', id: 'dash-updated'});
  const head = h('div', {class: 'page-head'}, h('h1', null, '总览'), updated);
  const tiles = h('div', {class: 'tiles', id: 'kpis', 'aria-live': 'polite'});
  const charts = h('div', {class: 'charts'});
  const deptCharts = h('div');
  const deptBox = h('div');
  const cardsBox = h('div');
  const log = h('ol', {class: 'event-log', id: 'event-log', reversed: true, 'aria-label': '实时动态'});
  const logItems = [];
  const clockBox = h('div');
  root.append(head, clockBox, tiles, charts, deptCharts,
    panel('各部门(本月)', deptBox),
    h('div', {class: 'two-col'},
      panel('最近的黄红牌', cardsBox),
      panel('实时动态', h('p', {class: 'hint'}, '来自变更推送(SSE),无需刷新页面。'), log)));
  // The page goes in once its figures are there: nothing moves as they
  // arrive (layout shift).

  let depts = [];

  async function load() {
    const caller = await ctx.refreshCaller();
    const today = caller.today;
    const now = ctx.nowMs();
    const [lists, todayStats, monthStats, cardList, deptList, closed] = await Promise.all([
      Promise.all(OPEN_STATES.map((st) => api.listAll('/v1/tickets', 'tickets', {filter: `state = ${st}`}, 2000))),
      api.get('/v1/statistics', {fromDate: today, toDate: addDays(today, 1)}),
      api.get('/v1/statistics', {fromDate: monthStart(today), toDate: addDays(today, 1)}),
      api.listAll('/v1/cards', 'cards', {which: 'ACTIVE'}, 5000),
      departments(),
      // 待处理申诉: appeals of a rating wait on CLOSED tickets.
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = CLOSED'}, 2000),
    ]);
    if (!ctx.isCurrent()) return;
    depts = deptList;
    const byState = {};
    const open = [];
    OPEN_STATES.forEach((st, i) => {
      byState[st] = {n: lists[i].items.length, more: lists[i].more};
      open.push(...lists[i].items);
    });
    const count = (st) => `${byState[st].n}${byState[st].more ? '+' : ''}`;
    const active = open.filter((t) => t.state === 'DISPATCHED' || t.state === 'IN_PROGRESS');
    const overdue = active.filter((t) => t.replyOverdue || (t.replyDueAt && Date.parse(t.replyDueAt) < now));
    const dueSoon = active.filter((t) => t.dueSoon && !overdue.includes(t));
    const yellow = cardList.items.filter((c) => c.color === 'YELLOW').length;
    const red = cardList.items.filter((c) => c.color === 'RED').length;
    const month = monthStats.total || {};
    // 办结审核: replies waiting for the bureau (a tile only while there are any).
    const toReview = open.filter(reviewPending).length;
    // 申诉: dissatisfied ratings appealed, waiting for the bureau's decision.
    const appeals = closed.items.filter(appealPending).length;

    replace(tiles,
      tile('received-today', '今日受理', num((todayStats.total || {}).received), 'tile-info', `#/tickets?received=${today}`, today),
      // Open states only (a merged ticket, 已并单, follows its main: no tile).
      ...STATE_ORDER.filter((st) => byState[st]).map((st) =>
        tile(`state-${st.toLowerCase()}`, label(STATE, st), count(st), `state-${st.toLowerCase()}`, `#/tickets?state=${st}`)),
      toReview ? tile('review-pending', '待审核(办结审核)', toReview, 'tile-warn', '#/tickets?flag=reviewPending') : null,
      appeals ? tile('appeal-pending', '待处理申诉(差评申诉)', appeals, 'tile-warn', '#/tickets?flag=appealPending') : null,
      tile('due-soon', '预警(临近时限)', dueSoon.length, dueSoon.length ? 'tile-warn' : '', '#/tickets?flag=dueSoon'),
      tile('overdue', '超期未回复', overdue.length, overdue.length ? 'tile-bad' : '', '#/tickets?flag=overdue'),
      tile('yellow', '黄牌(有效)', yellow, 'tile-yellow', '#/cards?color=YELLOW'),
      tile('red', '红牌(有效)', red, 'tile-red', '#/cards?color=RED'),
      tile('on-time', '本月按时办结率', permille(month.onTimeRatePermille), 'tile-info', '#/report'));

    // Open tickets by deadline.
    const buckets = {overdue: 0, today: 0, soon: 0, later: 0, none: 0, suspended: 0};
    for (const t of open) {
      if (t.state === 'REPLIED') continue;
      // Its clock stands: neither due nor overdue.
      if (t.state === 'SUSPENDED') { buckets.suspended += 1; continue; }
      const due = t.replyDueAt;
      if (!due) { buckets.none += 1; continue; }
      const ms = Date.parse(due);
      if (ms < now) buckets.overdue += 1;
      else if (localDate(due) === today) buckets.today += 1;
      else if (ms - now <= 3 * 86400e3) buckets.soon += 1;
      else buckets.later += 1;
    }
    const perDay = (monthStats.perDay || []).map((d) => ({label: d.date.slice(5), value: num((d.figures || {}).received)}));
    const rows = (monthStats.departments || []).map((r) => ({
      label: r.department ? r.displayName || deptName(depts, r.department) : '未转派(含退回)',
      permille: (r.figures || {}).onTimeRatePermille,
      yellow: num((r.figures || {}).yellowCards),
      red: num((r.figures || {}).redCards),
    }));
    const avail = ctx.main.clientWidth - 40;
    const pair = avail >= 2 * 380 + 16 ? 2 : 1;
    replace(charts,
      deadlineChart('未办结工单按时限', buckets, {width: chartWidth(avail, pair)}),
      columnChart(`本月每日受理(${monthStart(today)} 起)`, perDay, {width: chartWidth(avail, pair)}));
    replace(deptCharts, departmentChart('各部门本月', rows.filter((r) => r.label !== '未转派(含退回)'),
      {width: chartWidth(avail, window.matchMedia('(max-width: 760px)').matches ? 1 : 2)}));

    // 挂起, 以最终答复办结, 并单 and 不当退单 only in a month that has
    // them: a month without looks as it always did.
    const showSuspended = num(month.suspended) > 0;
    const showClosed = num(month.closedByFinalAnswer) > 0;
    const showMerged = num(month.merged) > 0;
    const showRefused = num(month.refusedReturns) > 0;
    // 协办 (assisting figures) only in a month that has them.
    const showAssists = hasAssists(monthStats);
    // 退回重办 (replies the review sent back) only in a month that has them.
    const showSentBack = hasSentBack(monthStats);
    // 催办 (urging notices) only in a month that has them.
    const showNotices = hasNotices(monthStats);
    // 回访未果, 差评申诉 only in a month that has them.
    const showCallbacks = hasCallbacks(monthStats);
    replace(deptBox, scrollable(table(
      ['部门', '受理', '已回复', '按时回复', '未超期未回复', '超期未回复', ...(showSuspended ? ['挂起'] : []),
        ...(showClosed ? ['以最终答复办结'] : []), ...(showMerged ? ['并单'] : []),
        ...(showRefused ? ['不当退单'] : []), '黄牌', '红牌', '按时办结率', '满意率', '一日一报', ...(showAssists ? ASSIST_HEADERS : []),
        ...(showSentBack ? ['退回重办'] : []), ...(showNotices ? NOTICE_HEADERS : []), ...(showCallbacks ? CALLBACK_HEADERS : [])],
      (monthStats.departments || []).map((r) => {
        const f = r.figures || {};
        return h('tr', {dataset: {department: r.department || ''}},
          h('th', {scope: 'row'}, r.department ? r.displayName || deptName(depts, r.department) : '未转派(含退回)'),
          h('td', null, num(f.received)), h('td', null, num(f.replied)), h('td', null, num(f.repliedOnTime)),
          h('td', null, num(f.pendingNotOverdue)), h('td', {class: num(f.pendingOverdue) ? 'bad' : ''}, num(f.pendingOverdue)),
          showSuspended ? h('td', {dataset: {figure: 'suspended'}}, num(f.suspended)) : null,
          showClosed ? h('td', {dataset: {figure: 'closedByFinalAnswer'}}, num(f.closedByFinalAnswer)) : null,
          showMerged ? h('td', {dataset: {figure: 'merged'}}, num(f.merged)) : null,
          showRefused ? h('td', {dataset: {figure: 'refusedReturns'}}, num(f.refusedReturns)) : null,
          h('td', null, num(f.yellowCards)), h('td', null, num(f.redCards)),
          h('td', {class: 'rate'}, permille(f.onTimeRatePermille)), satisfactionCell(f),
          h('td', null, `${num(f.reportsGiven)}/${num(f.reportsOwed)}`), ...(showAssists ? assistCells(f) : []),
          showSentBack ? h('td', {dataset: {figure: 'repliesSentBack'}}, num(f.repliesSentBack)) : null,
          ...(showNotices ? noticeCells(f) : []), ...(showCallbacks ? callbackCells(f) : []));
      }), {caption: `${monthStart(today)} 至 ${today},截至 ${fmtTime(monthStats.asOf)}`}), '各部门本月'));

    const recent = cardList.items.slice().sort((a, b) => Date.parse(b.issueTime || 0) - Date.parse(a.issueTime || 0)).slice(0, 10);
    replace(cardsBox, table(['牌', '工单', '部门', '时间', '原因'], recent.map((c) => h('tr', {class: 'card-row', dataset: {color: (c.color || '').toLowerCase()}},
      h('td', null, h('span', {class: `badge card-${(c.color || '').toLowerCase()}`}, label(COLOR, c.color))),
      h('td', null, h('a', {href: `#/tickets/${api.idOf(c.ticket)}`}, `#${api.idOf(c.ticket)}`)),
      h('td', null, deptName(depts, c.department)),
      h('td', null, fmtTime(c.issueTime)),
      h('td', {class: 'note'}, ...noteNodes(cardNote(c)))))));

    updated.textContent = `更新于 ${fmtTime(caller.now)}`;
    renderClock(caller);
  }

  function renderClock(caller) {
    if (!caller.rehearsal) { replace(clockBox); return; }
    const by = select([{value: '3600s', label: '1 小时'}, {value: '86400s', label: '1 天'},
      {value: '604800s', label: '7 天'}, {value: '2592000s', label: '30 天'}], {id: 'advance-by'});
    const button = h('button', {type: 'submit'}, '推进时钟');
    const form = h('form', {class: 'inline-form', id: 'advance-form'}, field('演练:推进', by), button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await act(ctx, button, () => api.post('/v1/clock:advance', {by: by.value, requestId: api.requestId()}));
      if (r) {
        ctx.flash(`时钟已到 ${fmtTime(r.now)}:预警 ${r.warnings || 0},黄牌 ${r.yellowCards || 0},红牌 ${r.redCards || 0},缺报 ${r.dailyReportMisses || 0}`);
        reload();
      }
    });
    replace(clockBox, h('div', {class: 'panel slim'}, form));
  }

  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => {
    logItems.unshift(ev);
    logItems.length = Math.min(logItems.length, 15);
    replace(log, logItems.map((e) => h('li', {dataset: {type: e.type}},
      h('span', {class: 'muted'}, fmtTime(e.time)), ' ',
      h('a', {href: `#/tickets/${api.idOf(e.ticket)}`}, `#${api.idOf(e.ticket)}`), ' ',
      label(EVENT, e.type),
      e.department ? `→${deptName(depts, e.department)}` : '',
      e.cardColor ? `(${label(COLOR, e.cardColor)})` : '',
      e.actor ? h('span', {class: 'muted'}, ' · ', principalLabel(e.actor, depts)) : null)));
    reload();
  });
  await load();
  if (!ctx.isCurrent()) return undefined;
  ctx.main.appendChild(root);
  return () => reload.cancel();
}
