// Bureau: the requests departments make of it, in one place (审批): an
// extension (延期), a suspension of the time limit (挂起) or a final answer
// (最终答复) waiting for a decision, and the tickets suspended now, which
// the bureau may resume.
import {h, replace, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, label, fmtTime, fmtDue} from '../format.js';
import {ticketLink, departments, deptName, act, debounced, deadlineBadge, panel} from '../ui.js';

const DAY_MS = 86400e3;

// Whole calendar days from one instant to another, rounded up ("共 30 天").
function days(fromTs, toTs) {
  return Math.max(0, Math.ceil((Date.parse(toTs) - Date.parse(fromTs)) / DAY_MS));
}

export async function render(ctx) {
  const extensions = h('ul', {class: 'cards-list', id: 'extension-list'});
  const suspensions = h('ul', {class: 'cards-list', id: 'suspension-list'});
  const suspended = h('ul', {class: 'cards-list', id: 'suspended-list'});
  const finalAnswers = h('ul', {class: 'cards-list', id: 'final-answer-list'});
  ctx.main.append(h('h1', null, '审批:延期、挂起与最终答复'),
    panel('延期申请',
      h('p', {class: 'hint'}, '部门在办理时限前提出的延期申请。待批期间不会因超期亮黄牌;批准后时限按申请的工作日顺延。'),
      extensions),
    panel('挂起申请',
      h('p', {class: 'hint'}, '部门因等待法院裁判、征收等长周期事项申请暂停时限。待批期间时限照常计算;'
        + '批准后时限停止,不亮牌、无需一日一报,恢复办理时按挂起时剩余的工作时间顺延。'),
      suspensions),
    panel('挂起中', h('p', {class: 'hint'}, '到预计结束时间自动恢复办理;也可提前恢复。'), suspended),
    panel('最终答复',
      h('p', {class: 'hint'}, '部门对已依法依规答复到位的诉求提交的最终答复及其依据。批准后,同一来电人就同一事项'
        + '再次来电的工单可在派单页以此答复办结,无需再派单;审批不改变工单本身的状态。驳回后部门可重新提交。'),
      finalAnswers));
  let depts = [];

  function decisionForm(t, {approvePath, rejectPath, approveOk, rejectOk, lapsed}) {
    const reason = h('input', {type: 'text', maxlength: 2000, name: 'reason'});
    const approve = h('button', {type: 'button', class: 'primary', disabled: Boolean(lapsed)}, '批准');
    const reject = h('button', {type: 'submit', class: 'danger'}, '驳回');
    const form = h('form', {class: 'inline-form'}, approve, field('驳回原因', reason), reject);
    approve.addEventListener('click', async () => {
      if (await act(ctx, approve, () => api.post(`/v1/${t.name}:${approvePath}`, {etag: t.etag, requestId: api.requestId()}), approveOk)) load();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) { ctx.flash('驳回需要填写原因。', 'error'); reason.focus(); return; }
      if (await act(ctx, reject, () => api.post(`/v1/${t.name}:${rejectPath}`, {reason: reason.value, etag: t.etag, requestId: api.requestId()}), rejectOk)) load();
    });
    return form;
  }

  function extensionItem(t, now) {
    const x = t.pendingExtension;
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, ticketLink(t)),
      h('div', null, `${deptName(depts, t.department)} 申请延长 ${x.workingDays} 个工作日(${fmtTime(x.requestTime)})`),
      h('div', null, '当前办理时限:', deadlineBadge(t.replyDueAt, now), ` · 已批延期 ${t.extensionCount || 0} 次`),
      h('p', {class: 'content'}, `理由:${x.reason || ''}`),
      decisionForm(t, {approvePath: 'approveExtension', rejectPath: 'rejectExtension',
        approveOk: `已批准工单 #${api.idOf(t.name)} 延期。`, rejectOk: `已驳回工单 #${api.idOf(t.name)} 的延期申请。`}));
  }

  function suspensionItem(t, now) {
    const x = t.pendingSuspension;
    // A request whose expected end has passed lapsed: the server refuses
    // to approve it (SUSPENSION_NOT_PENDING); it can only be rejected.
    const lapsed = Date.parse(x.expectedEnd) <= now;
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, ticketLink(t)),
      h('div', null, `${deptName(depts, t.department)} 申请挂起至 ${fmtTime(x.expectedEnd)}`
        + `(约 ${days(x.requestTime, x.expectedEnd)} 天;申请于 ${fmtTime(x.requestTime)})`),
      h('div', null, '当前办理时限:', deadlineBadge(t.replyDueAt, now),
        t.suspensionCount ? ` · 已挂起过 ${t.suspensionCount} 次` : ''),
      h('p', {class: 'content'}, `理由:${x.reason || ''}`),
      lapsed ? h('p', {class: 'hint'}, '预计结束时间已过,申请已失效,只能驳回;部门可重新申请。') : null,
      decisionForm(t, {approvePath: 'approveSuspension', rejectPath: 'rejectSuspension', lapsed,
        approveOk: `已批准工单 #${api.idOf(t.name)} 挂起。`, rejectOk: `已驳回工单 #${api.idOf(t.name)} 的挂起申请。`}));
  }

  function finalAnswerItem(t) {
    const x = t.finalAnswer;
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, ticketLink(t)),
      h('div', null, `${deptName(depts, x.department || t.department)} 提交最终答复(${fmtTime(x.submitTime)})`
        + ` · 工单${label(STATE, t.state)}`),
      h('div', {class: 'final-answer-note'}, h('div', {class: 'pre final-answer-text'}, x.answer || ''),
        h('div', {class: 'pre'}, `依据:${x.basis || ''}`)),
      decisionForm(t, {approvePath: 'approveFinalAnswer', rejectPath: 'rejectFinalAnswer',
        approveOk: `已批准工单 #${api.idOf(t.name)} 的最终答复。`, rejectOk: `已驳回工单 #${api.idOf(t.name)} 的最终答复。`}));
  }

  function suspendedItem(t) {
    const x = t.suspension || {};
    const note = h('input', {type: 'text', maxlength: 2000, name: 'note', placeholder: '可选'});
    const resume = h('button', {type: 'submit', class: 'secondary'}, '恢复办理');
    const form = h('form', {class: 'inline-form', dataset: {action: 'resume'}}, field('恢复说明', note), resume);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (await act(ctx, resume, () => api.post(`/v1/${t.name}:resume`, {note: note.value, etag: t.etag, requestId: api.requestId()}),
        `工单 #${api.idOf(t.name)} 已恢复办理,时限已顺延。`)) load();
    });
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, ticketLink(t)),
      h('div', null, `${deptName(depts, t.department)} · 自 ${fmtTime(x.startTime)} 起挂起,预计 ${fmtTime(x.expectedEnd)} 恢复`),
      h('div', {class: 'muted'}, `挂起时的办理时限 ${fmtDue(t.replyDueAt)}(恢复后按剩余工作时间顺延)`),
      h('p', {class: 'content'}, `理由:${x.reason || ''}`),
      form);
  }

  async function load() {
    const [inProgress, dispatched, stopped, replied, d] = await Promise.all([
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = IN_PROGRESS'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = DISPATCHED'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = SUSPENDED'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = REPLIED'}),
      departments(),
    ]);
    if (!ctx.isCurrent()) return;
    depts = d;
    const now = ctx.nowMs();
    const asked = [...inProgress.items, ...dispatched.items];
    const ext = asked.filter((t) => t.pendingExtension);
    replace(extensions, ext.length ? ext.map((t) => extensionItem(t, now)) : h('li', {class: 'empty'}, '没有待审批的延期申请。'));
    const sus = asked.filter((t) => t.pendingSuspension);
    replace(suspensions, sus.length ? sus.map((t) => suspensionItem(t, now)) : h('li', {class: 'empty'}, '没有待审批的挂起申请。'));
    const byEnd = stopped.items.slice().sort((a, b) =>
      Date.parse((a.suspension || {}).expectedEnd || 0) - Date.parse((b.suspension || {}).expectedEnd || 0));
    replace(suspended, byEnd.length ? byEnd.map(suspendedItem) : h('li', {class: 'empty'}, '没有挂起中的工单。'));
    // Final answers are given on tickets in progress or replied; the oldest first.
    const fa = [...inProgress.items, ...replied.items].filter((t) => (t.finalAnswer || {}).state === 'PENDING')
      .sort((a, b) => Date.parse(a.finalAnswer.submitTime || 0) - Date.parse(b.finalAnswer.submitTime || 0));
    replace(finalAnswers, fa.length ? fa.map(finalAnswerItem) : h('li', {class: 'empty'}, '没有待审批的最终答复。'));
  }
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => {
    if (ev.type.startsWith('EXTENSION_') || ev.type.startsWith('SUSPENSION_') || ev.type.startsWith('FINAL_ANSWER_')
      || ['RESUMED', 'REPLIED', 'RETURNED', 'DISPATCHED'].includes(ev.type)) reload();
  });
  await load();
  return () => reload.cancel();
}
