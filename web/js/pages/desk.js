// Department desk: my queue — tickets to sign for, what is due first on
// top and marked by how close it is; tickets in progress with their
// deadlines coloured the same way, due soon first; and what today's daily
// report (一日一报) asks, by the working-day calendar: on a day off nothing
// is owed, and the desk says when the next report is due. Suspended
// tickets (挂起) have a list of their own: their clock stands, so they are
// neither due nor overdue. Live: a ticket the bureau dispatches appears
// without a reload.
//
// 协办任务: the tickets this department assists (ListTickets filter
// `assisting = "departments/<own>"`; its plain list holds only what it
// leads), each with the steps its part allows: 签收, 退回 (a reason) and
// 提交协办意见 (the text), parts waiting for this department first.
//
// 退回重办 (reply review): a ticket the bureau sent back shows its reasons
// and note in the in-progress list, on top; replied tickets say whether
// their reply waits for the bureau's review.
//
// 催办通知: the urging and supervision notices (催办, 督办) addressed to
// this department still open (ListNotices states ISSUED, ACKNOWLEDGED),
// on top, those to sign for first, each with 签收 or 反馈.
import {h, replace} from '../dom.js';
import * as api from '../api.js';
import {fmtTime, localDate, zhDate, zhWeekday, urgencyOf, URGENCY, label} from '../format.js';
import {stateBadge, ticketLink, ticketSummary, deadlineBadge, cardBadges, table, act, debounced, panel, departments, deptName} from '../ui.js';
import {ownDepartment, ownPart, partActions, assistBadge} from '../assists.js';
import {reviewBadge, reasonsText} from '../review.js';
import {noticesTable, noticeActions, OPEN_NOTICE_STATES} from '../notices.js';

// The part's order on the desk: to sign for, to give an opinion, done.
const PART_ORDER = {DISPATCHED: 0, ACKNOWLEDGED: 1, OPINION_GIVEN: 2};

// The first deadline still ahead of a ticket waiting to be signed for: the
// sign-for one, or the reply one when that comes first (a clock-hour
// limit of an urgent ticket).
function firstDue(t) {
  const due = [t.ackDueAt, t.replyDueAt].filter(Boolean).map((x) => Date.parse(x));
  return due.length ? Math.min(...due) : Infinity;
}

// The working day whose report a ticket owes next ("YYYY-MM-DD"): the day
// its daily_report_due_at (24:00 of that day) closes.
function reportDay(t) {
  return t.dailyReportDueAt ? localDate(Date.parse(t.dailyReportDueAt) - 1) : '';
}

export async function render(ctx) {
  const toSign = h('div', {id: 'queue-dispatched'});
  const working = h('div', {id: 'queue-in-progress'});
  const replied = h('div', {id: 'queue-replied'});
  const suspended = h('div', {id: 'queue-suspended'});
  const assisting = h('ul', {class: 'cards-list', id: 'assist-tasks'});
  const noticeTasks = h('div', {id: 'notice-tasks'});
  const noticePanel = panel('催办、督办通知(待签收、待反馈)', noticeTasks);
  noticePanel.id = 'notice-panel';
  const own = ownDepartment(ctx.caller);
  let depts = [];
  const counts = h('p', {class: 'muted', id: 'queue-counts', 'aria-live': 'polite'});
  const daily = h('p', {class: 'daily-status', id: 'daily-status'});
  const page = h('div', null,
    h('div', {class: 'page-head'}, h('h1', null, `我的工单 · ${ctx.caller.displayName || '职能部门'}`), counts),
    noticePanel,
    panel('待签收(先到期的在前)', toSign),
    panel('办理中(临近时限的在前)', h('p', {class: 'legend'},
      h('span', {class: 'badge due-overdue'}, '已超期'), h('span', {class: 'badge due-today'}, '24小时内'),
      h('span', {class: 'badge due-soon'}, '3日内'), h('span', {class: 'badge due-later'}, '时限充足')), daily, working),
    panel('协办任务(本单位协办的工单)', assisting),
    panel('已挂起(时限暂停)', suspended),
    panel('已回复,待局端办结', replied));

  function showDaily(items, today) {
    if (!items.length) {
      replace(daily, '没有办理中的工单,无需一日一报。');
      return;
    }
    const owedToday = items.filter((t) => reportDay(t) === today);
    if (owedToday.length) {
      const left = owedToday.filter((t) => t.lastReportDate !== today).length;
      replace(daily, left
        ? [`今天(${zhDate(today)})有 ${left} 件工单未报一日一报。`, h('a', {href: '#/daily'}, '填写今日一日一报 →')]
        : `今天(${zhDate(today)})的一日一报已全部提交。`);
      daily.dataset.owed = 'today';
      return;
    }
    const next = items.map(reportDay).filter((d) => d && d > today).sort()[0];
    replace(daily, `今天(${zhDate(today)} ${zhWeekday(today)})不是工作日,无需一日一报`,
      next ? `;下次应报:${zhDate(next)} ${zhWeekday(next)}。` : '。');
    daily.dataset.owed = 'none';
    if (next) daily.dataset.next = next;
  }

  async function load() {
    await ctx.refreshCaller();
    const [d, p, r, s, a, ds, ns] = await Promise.all([...['DISPATCHED', 'IN_PROGRESS', 'REPLIED', 'SUSPENDED'].map((st) =>
      api.listAll('/v1/tickets', 'tickets', {filter: `state = ${st}`}, 2000)),
    api.listAll('/v1/tickets', 'tickets', {filter: `assisting = "${own}"`}, 2000),
    departments().catch(() => depts),
    api.listAll('/v1/notices', 'notices', {states: OPEN_NOTICE_STATES}, 2000)]);
    if (!ctx.isCurrent()) return;
    depts = ds;
    showNotices(ns.items, new Map([...d.items, ...p.items].map((t) => [t.name, t])));
    showAssisting(a.items);
    const now = ctx.nowMs();
    const today = ctx.caller.today;
    const tasks = a.items.filter((t) => ['DISPATCHED', 'ACKNOWLEDGED'].includes((ownPart(t, own) || {}).state)).length;
    counts.textContent = `${ns.items.length ? `催办待反馈 ${ns.items.length} 件 · ` : ''}`
      + `待签收 ${d.items.length} 件 · 办理中 ${p.items.length} 件${tasks ? ` · 协办待办 ${tasks} 件` : ''}`
      + `${s.items.length ? ` · 已挂起 ${s.items.length} 件` : ''} · 待办结 ${r.items.length} 件`;
    replace(toSign, table(['工单', '紧急程度', '类型/类别', '派单时间', '签收时限', '办理时限', ''], d.items
      .sort((a, b) => firstDue(a) - firstDue(b) || Number(api.idOf(a.name)) - Number(api.idOf(b.name)))
      .map((t) => {
        const sign = h('button', {type: 'button', class: 'primary sign', dataset: {ticket: t.name}}, '签收');
        sign.addEventListener('click', async () => {
          if (await act(ctx, sign, () => api.post(`/v1/${t.name}:acknowledge`, {etag: t.etag, requestId: api.requestId()}), `已签收工单 #${api.idOf(t.name)}。`)) reload();
        });
        const u = urgencyOf(Number.isFinite(firstDue(t)) ? new Date(firstDue(t)).toISOString() : '', now);
        return h('tr', {class: `due-row row-${u.cls}`, dataset: {ticket: t.name, due: u.cls}},
          h('td', null, ticketLink(t)),
          h('td', null, t.urgency && t.urgency !== 'NORMAL'
            ? h('span', {class: `badge urgency-${t.urgency.toLowerCase()}`}, label(URGENCY, t.urgency)) : '一般'),
          h('td', null, ticketSummary(t)),
          h('td', null, fmtTime(t.dispatchedAt)), h('td', null, deadlineBadge(t.ackDueAt, now)),
          h('td', null, deadlineBadge(t.replyDueAt, now)), h('td', null, sign));
      })));
    // Sent back (退回重办) with the overdue and due-soon ones, first.
    const key = (t) => (t.replyOverdue || t.dueSoon || sentBack(t) ? 0 : 1) * 1e15 + Date.parse(t.replyDueAt || '9999-12-31T00:00:00Z');
    replace(working, table(['工单', '类型/类别', '办理时限', '标记', '今日一日一报', ''], p.items
      .sort((a, b) => key(a) - key(b))
      .map((t) => h('tr', {dataset: {ticket: t.name}}, h('td', null, ticketLink(t)), h('td', null, ticketSummary(t), sentBackNote(t)),
        h('td', null, deadlineBadge(t.replyDueAt, now)), h('td', null, cardBadges(t)),
        h('td', {class: 'daily-cell'}, dailyBadge(t, today)),
        h('td', null, h('a', {href: `#/tickets/${api.idOf(t.name)}`, class: 'button-link'}, '回复 / 退单 / 延期 / 挂起'))))));
    showDaily(p.items, today);
    const end = (t) => Date.parse((t.suspension || {}).expectedEnd || '9999-12-31T00:00:00Z');
    replace(suspended, table(['工单', '类型/类别', '挂起起始', '预计恢复', '挂起理由', ''], s.items
      .sort((a, b) => end(a) - end(b))
      .map((t) => h('tr', {dataset: {ticket: t.name}}, h('td', null, ticketLink(t), ' ', stateBadge(t.state)), h('td', null, ticketSummary(t)),
        h('td', null, fmtTime((t.suspension || {}).startTime)), h('td', null, fmtTime((t.suspension || {}).expectedEnd)),
        h('td', {class: 'note'}, (t.suspension || {}).reason || ''),
        h('td', null, h('a', {href: `#/tickets/${api.idOf(t.name)}`, class: 'button-link'}, '恢复办理'))))));
    replace(replied, table(['工单', '状态', '回复时间'], r.items.map((t) => h('tr', {dataset: {ticket: t.name}},
      h('td', null, ticketLink(t)), h('td', null, stateBadge(t.state), ' ', reviewBadge(t)), h('td', null, fmtTime(t.repliedAt))))));
  }

  // 催办通知: the open notices, those to sign for first, then by deadline;
  // the panel only when there are any. An answer being typed survives
  // the live redraw.
  function showNotices(items, tickets) {
    noticePanel.hidden = !items.length;
    const typed = new Map([...noticeTasks.querySelectorAll('form[data-notice] textarea')].map((x) => [x.form.dataset.notice, x.value]));
    const rank = (n) => (n.state === 'ISSUED' ? 0 : 1) * 1e15 + Date.parse(n.answerDueAt || '9999-12-31T00:00:00Z');
    const shown = items.slice().sort((x, y) => rank(x) - rank(y));
    replace(noticeTasks, noticesTable(shown, depts, ctx.nowMs(), {ticket: true, tickets,
      // No etag: the list may lag the ticket; the notice's own state decides.
      actions: (n) => noticeActions(ctx, n, {onDone: () => reload()})}));
    for (const x of noticeTasks.querySelectorAll('form[data-notice] textarea')) {
      if (typed.get(x.form.dataset.notice)) x.value = typed.get(x.form.dataset.notice);
    }
  }

  // A ticket in progress again because the bureau sent its reply back.
  const sentBack = (t) => t.state === 'IN_PROGRESS' && Boolean(t.lastSendBack) && !t.repliedAt;
  function sentBackNote(t) {
    if (!sentBack(t)) return null;
    const sb = t.lastSendBack;
    return h('div', {class: 'send-back-note compact', dataset: {sentBack: 'true'}},
      h('strong', null, '局端退回重办:'), reasonsText(sb.reasons), sb.note ? h('div', {class: 'pre'}, `说明:${sb.note}`) : null);
  }

  // 协办任务: one item per ticket this department assists.
  function showAssisting(items) {
    const now = ctx.nowMs();
    const rank = (t) => PART_ORDER[(ownPart(t, own) || {}).state] ?? 3;
    const shown = items.filter((t) => ownPart(t, own))
      .sort((x, y) => rank(x) - rank(y) || Number(api.idOf(x.name)) - Number(api.idOf(y.name)));
    if (!shown.length) { replace(assisting, h('li', {class: 'empty'}, '暂无协办任务。')); return; }
    // What the person typed (an opinion, a reason) survives the live redraw.
    const typed = new Map([...assisting.querySelectorAll('form[data-ticket] textarea')]
      .map((x) => [`${x.form.dataset.ticket} ${x.name}`, x.value]));
    replace(assisting, ...shown.map((t) => {
      const part = ownPart(t, own);
      const due = part.state === 'DISPATCHED' ? ['签收时限', part.ackDueAt] : part.state === 'ACKNOWLEDGED' ? ['意见反馈时限', part.opinionDueAt] : null;
      return h('li', {class: 'ticket-card assist-task', dataset: {ticket: t.name, part: part.state}},
        h('div', {class: 'ticket-head'}, assistBadge(part.state, '本单位协办'), ' ', ticketLink(t), ' ',
          h('span', {class: 'muted'}, '工单:'), stateBadge(t.state)),
        h('div', null, ticketSummary(t), h('span', {class: 'muted'}, ` · 主办单位:${deptName(depts, t.department)}`)),
        part.note ? h('div', {class: 'muted'}, `协办说明:${part.note}`) : null,
        due ? h('div', null, `${due[0]}:`, deadlineBadge(due[1], now)) : null,
        part.opinion ? h('div', {class: 'pre note'}, `本单位意见:${part.opinion}`) : null,
        ...partActions(ctx, t, part, {compact: true, onDone: () => reload()}));
    }));
    for (const x of assisting.querySelectorAll('form[data-ticket] textarea')) {
      const kept = typed.get(`${x.form.dataset.ticket} ${x.name}`);
      if (kept) x.value = kept;
    }
  }

  function dailyBadge(t, today) {
    if (t.lastReportDate === today) return h('span', {class: 'badge due-later'}, '已报');
    const day = reportDay(t);
    if (!day || day === today) return h('span', {class: 'badge due-today'}, '未报');
    return h('span', {class: 'badge due-none', title: `下次应报 ${day}`}, `今日无需报 · 下次 ${zhDate(day).replace(/^\d+年/, '')}`);
  }

  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 200);
  ctx.onFeed(() => reload());
  // The page goes in once its lists are there: nothing moves as they
  // arrive (layout shift).
  await load();
  if (!ctx.isCurrent()) return undefined;
  ctx.main.appendChild(page);
  return () => reload.cancel();
}
