// Department desk: my queue — tickets to sign for, and tickets in progress
// with their deadlines coloured by how close they are, due soon first.
// Live: a ticket the bureau dispatches appears without a reload.
import {h, replace} from '../dom.js';
import * as api from '../api.js';
import {fmtTime} from '../format.js';
import {stateBadge, ticketLink, ticketSummary, deadlineBadge, cardBadges, table, act, debounced, panel} from '../ui.js';

export async function render(ctx) {
  const toSign = h('div', {id: 'queue-dispatched'});
  const working = h('div', {id: 'queue-in-progress'});
  const replied = h('div', {id: 'queue-replied'});
  const counts = h('p', {class: 'muted', id: 'queue-counts', 'aria-live': 'polite'});
  ctx.main.append(
    h('div', {class: 'page-head'}, h('h1', null, `我的工单 · ${ctx.caller.displayName || ctx.caller.principal}`), counts),
    panel('待签收', toSign),
    panel('办理中(临近时限的在前)', h('p', {class: 'legend'},
      h('span', {class: 'badge due-overdue'}, '已超期'), h('span', {class: 'badge due-today'}, '24小时内'),
      h('span', {class: 'badge due-soon'}, '3日内'), h('span', {class: 'badge due-later'}, '时限充足'),
      ' ', h('a', {href: '#/daily'}, '填写今日一日一报 →')), working),
    panel('已回复,待局端办结', replied));

  async function load() {
    await ctx.refreshCaller();
    const [d, p, r] = await Promise.all(['DISPATCHED', 'IN_PROGRESS', 'REPLIED'].map((st) =>
      api.listAll('/v1/tickets', 'tickets', {filter: `state = ${st}`}, 2000)));
    if (!ctx.isCurrent()) return;
    const now = ctx.nowMs();
    const today = ctx.caller.today;
    counts.textContent = `待签收 ${d.items.length} 件 · 办理中 ${p.items.length} 件 · 待办结 ${r.items.length} 件`;
    replace(toSign, table(['工单', '类型/类别', '派单时间', '签收时限', '办理时限', ''], d.items
      .sort((a, b) => Date.parse(a.ackDueAt || 0) - Date.parse(b.ackDueAt || 0))
      .map((t) => {
        const sign = h('button', {type: 'button', class: 'primary sign', dataset: {ticket: t.name}}, '签收');
        sign.addEventListener('click', async () => {
          if (await act(ctx, sign, () => api.post(`/v1/${t.name}:acknowledge`, {etag: t.etag, requestId: api.requestId()}), `已签收工单 #${api.idOf(t.name)}。`)) reload();
        });
        return h('tr', {dataset: {ticket: t.name}}, h('td', null, ticketLink(t)), h('td', null, ticketSummary(t)),
          h('td', null, fmtTime(t.dispatchedAt)), h('td', null, deadlineBadge(t.ackDueAt, now)),
          h('td', null, deadlineBadge(t.replyDueAt, now)), h('td', null, sign));
      })));
    const key = (t) => (t.replyOverdue || t.dueSoon ? 0 : 1) * 1e15 + Date.parse(t.replyDueAt || '9999-12-31T00:00:00Z');
    replace(working, table(['工单', '类型/类别', '办理时限', '标记', '今日一日一报', ''], p.items
      .sort((a, b) => key(a) - key(b))
      .map((t) => h('tr', {dataset: {ticket: t.name}}, h('td', null, ticketLink(t)), h('td', null, ticketSummary(t)),
        h('td', null, deadlineBadge(t.replyDueAt, now)), h('td', null, cardBadges(t)),
        h('td', null, t.lastReportDate === today ? h('span', {class: 'badge due-later'}, '已报') : h('span', {class: 'badge due-today'}, '未报')),
        h('td', null, h('a', {href: `#/tickets/${api.idOf(t.name)}`, class: 'button-link'}, '回复 / 退单 / 延期'))))));
    replace(replied, table(['工单', '状态', '回复时间'], r.items.map((t) => h('tr', {dataset: {ticket: t.name}},
      h('td', null, ticketLink(t)), h('td', null, stateBadge(t.state)), h('td', null, fmtTime(t.repliedAt))))));
  }
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 200);
  ctx.onFeed(() => reload());
  await load();
  return () => reload.cancel();
}
