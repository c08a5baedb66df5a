// Bureau: extension requests (延期) waiting for a decision.
import {h, replace, field} from '../dom.js';
import * as api from '../api.js';
import {fmtTime} from '../format.js';
import {ticketLink, departments, deptName, act, debounced, deadlineBadge} from '../ui.js';

export async function render(ctx) {
  const list = h('ul', {class: 'cards-list', id: 'extension-list'});
  ctx.main.append(h('h1', null, '延期审批'),
    h('p', {class: 'hint'}, '部门在办理时限前提出的延期申请。待批期间不会因超期亮黄牌;批准后时限按申请的工作日顺延。'), list);
  let depts = [];

  async function load() {
    const [inProgress, dispatched, d] = await Promise.all([
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = IN_PROGRESS'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = DISPATCHED'}),
      departments(),
    ]);
    if (!ctx.isCurrent()) return;
    depts = d;
    const pending = [...inProgress.items, ...dispatched.items].filter((t) => t.pendingExtension);
    const now = ctx.nowMs();
    replace(list, pending.length ? pending.map((t) => {
      const x = t.pendingExtension;
      const reason = h('input', {type: 'text', maxlength: 2000});
      const approve = h('button', {type: 'button', class: 'primary'}, '批准');
      const reject = h('button', {type: 'submit', class: 'danger'}, '驳回');
      const form = h('form', {class: 'inline-form'}, approve, field('驳回原因', reason), reject);
      approve.addEventListener('click', async () => {
        if (await act(ctx, approve, () => api.post(`/v1/${t.name}:approveExtension`, {etag: t.etag, requestId: api.requestId()}), `已批准工单 #${api.idOf(t.name)} 延期。`)) load();
      });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!reason.value.trim()) { ctx.flash('驳回需要填写原因。', 'error'); reason.focus(); return; }
        if (await act(ctx, reject, () => api.post(`/v1/${t.name}:rejectExtension`, {reason: reason.value, etag: t.etag, requestId: api.requestId()}), `已驳回工单 #${api.idOf(t.name)} 的延期申请。`)) load();
      });
      return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
        h('div', {class: 'ticket-head'}, ticketLink(t)),
        h('div', null, `${deptName(depts, t.department)} 申请延长 ${x.workingDays} 个工作日(${fmtTime(x.requestTime)})`),
        h('div', null, '当前办理时限:', deadlineBadge(t.replyDueAt, now), ` · 已批延期 ${t.extensionCount || 0} 次`),
        h('p', {class: 'content'}, `理由:${x.reason || ''}`),
        form);
    }) : h('li', {class: 'empty'}, '没有待审批的延期申请。'));
  }
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => { if (ev.type.startsWith('EXTENSION_') || ev.type === 'REPLIED' || ev.type === 'RETURNED') reload(); });
  await load();
  return () => reload.cancel();
}
