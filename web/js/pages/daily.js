// Department: today's 一日一报 for all tickets in progress, in one form
// (POST /v1/dailyReports with date = the bureau's today).
import {h, replace, field} from '../dom.js';
import * as api from '../api.js';
import {fmtTime, localDate, zhDate, zhWeekday} from '../format.js';
import {ticketLink, deadlineBadge, act, panel} from '../ui.js';

export async function render(ctx) {
  const caller = await ctx.refreshCaller();
  const today = caller.today;
  const [{items}, reports] = await Promise.all([
    api.listAll('/v1/tickets', 'tickets', {filter: 'state = IN_PROGRESS'}),
    api.listAll('/v1/dailyReports', 'reports', {fromDate: today, toDate: today}),
  ]);
  if (!ctx.isCurrent()) return;
  // A ticket in progress owes its next report on the working day its
  // daily_report_due_at (24:00) closes: not today means today is a day off.
  const dueDays = items.map((t) => (t.dailyReportDueAt ? localDate(Date.parse(t.dailyReportDueAt) - 1) : '')).filter(Boolean);
  if (dueDays.length && !dueDays.includes(today)) {
    const next = dueDays.filter((d) => d > today).sort()[0];
    ctx.main.append(h('h1', null, `一日一报 · ${zhDate(today)}`),
      panel('今日无需填报', h('p', {id: 'daily-day-off'},
        `今天(${zhDate(today)} ${zhWeekday(today)})不是工作日,无需一日一报。`,
        next ? `下次应报:${zhDate(next)} ${zhWeekday(next)}(当天 24:00 前)。` : '')));
    return;
  }
  const given = new Map(reports.items.map((r) => [r.ticket, r]));
  const now = ctx.nowMs();
  const areas = [];
  const list = h('ol', {class: 'daily-list'}, items.map((t) => {
    const prior = given.get(t.name);
    const area = h('textarea', {rows: 2, maxlength: 2000, name: t.name, dataset: {ticket: t.name}, value: prior ? prior.progress : ''});
    areas.push({t, area});
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, ticketLink(t), ' ', deadlineBadge(t.replyDueAt, now),
        prior ? h('span', {class: 'badge due-later'}, `今日已报 ${fmtTime(prior.submitTime)}`) : h('span', {class: 'badge due-today'}, '今日未报')),
      field(`工单 #${api.idOf(t.name)} 今日进展`, area));
  }));
  const button = h('button', {type: 'submit', class: 'primary'}, '提交今日一日一报');
  const status = h('p', {class: 'muted', id: 'daily-status', 'aria-live': 'polite'});
  const form = h('form', {id: 'daily-form'}, items.length ? list : h('p', {class: 'empty'}, '今天没有办理中的工单,无需填报。'),
    items.length ? h('div', {class: 'actions'}, button) : null, status);
  ctx.main.append(h('h1', null, `一日一报 · ${today}`),
    h('p', {class: 'hint'}, '每个工作日对每件办理中的工单报一次进展;当天结束前可修改(以最后一次为准)。留空的工单本次不提交。'),
    panel(`办理中的工单(${items.length} 件)`, form));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const entries = areas.filter(({area}) => area.value.trim()).map(({t, area}) => ({ticket: t.name, progress: area.value.trim()}));
    if (!entries.length) { ctx.flash('请至少填写一件工单的进展。', 'error'); return; }
    const c = await ctx.refreshCaller();
    const r = await act(ctx, button, () => api.post('/v1/dailyReports', {date: c.today, entries, requestId: api.requestId()}));
    if (r) {
      status.textContent = `已提交 ${(r.reports || []).length} 件工单的 ${c.today} 进展。`;
      ctx.flash(status.textContent);
      replace(ctx.main);
      render(ctx);
    }
  });
}
