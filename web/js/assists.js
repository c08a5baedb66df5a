// Lead and assisting departments (主办/协办), as the pages show them: the
// bureau picks zero or more assisting departments beside the lead when it
// dispatches; each assisting department has its own part (Ticket.assists)
// with its own sign-for, return and opinion deadlines; the lead replies
// when every opinion is in, or earlier with a reason (未收齐意见说明).
// Shared by the dispatch queue, the ticket page and the department desk.
// The server decides; these pieces only offer the steps a part's state
// allows and say the server's refusals in Chinese (errors.js).
import {h, field, uid} from './dom.js';
import * as api from './api.js';
import {ASSIST_STATE, label, fmtTime, fmtDue} from './format.js';
import {table, deptName, act} from './ui.js';

// Ticket states in which a part can still move (after the lead's reply
// the parts are over).
export const PART_OPEN_STATES = new Set(['DISPATCHED', 'IN_PROGRESS', 'SUSPENDED']);
// The states of a part that still counts (not returned, not removed).
const LIVE = new Set(['DISPATCHED', 'ACKNOWLEDGED', 'OPINION_GIVEN']);

// "department/transport" (the caller's principal) -> "departments/transport";
// '' for any other caller.
export function ownDepartment(caller) {
  const p = (caller && caller.principal) || '';
  return p.startsWith('department/') ? `departments/${p.slice('department/'.length)}` : '';
}

export const liveParts = (t) => (t.assists || []).filter((a) => LIVE.has(a.state));

// The caller's department's live part of the ticket, or undefined.
export function ownPart(t, dept) {
  return liveParts(t).find((a) => a.department === dept);
}

// The parts whose opinion is still owed: what a reply now would miss.
export const missingParts = (t) => (t.assists || []).filter((a) => a.state === 'DISPATCHED' || a.state === 'ACKNOWLEDGED');

// The part's state; `prefix` ("协办") tells it apart from the ticket's.
export function assistBadge(state, prefix = '') {
  return h('span', {class: `badge assist-${(state || '').toLowerCase()}`}, `${prefix ? `${prefix}:` : ''}${label(ASSIST_STATE, state)}`);
}

// Checkboxes of the departments that may assist: every department but the
// lead (chosen in `leadSelect`, whose box is disabled and cleared as it
// changes) and those in `exclude`. `kept`: names checked at the start.
// `onChange()` hears every change, `onToggle(open)` the list unfolded or
// folded. Returns {el, values()}.
export function assistPicker(depts, leadSelect, {kept = [], exclude = [], onChange = null, open = false, onToggle = null} = {}) {
  const boxes = [];
  const count = h('span', {class: 'muted'});
  const list = h('div', {class: 'assist-choices'});
  for (const d of depts) {
    if (exclude.includes(d.name)) continue;
    const box = h('input', {type: 'checkbox', name: 'assistingDepartment', value: d.name, id: uid('assist'),
      checked: kept.includes(d.name)});
    boxes.push(box);
    list.append(h('label', {class: 'check', for: box.id}, box, ` ${d.displayName || d.name}`));
  }
  const values = () => boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value);
  const sync = () => {
    for (const b of boxes) {
      const lead = b.value === leadSelect.value;
      b.disabled = lead;
      if (lead) b.checked = false;
      b.parentElement.classList.toggle('is-lead', lead);
      b.parentElement.title = lead ? '已选为主办单位' : '';
    }
    const n = values().length;
    count.textContent = n ? `已选 ${n} 个` : '无';
  };
  leadSelect.addEventListener('change', () => { sync(); if (onChange) onChange(); });
  for (const b of boxes) b.addEventListener('change', () => { sync(); if (onChange) onChange(); });
  const el = h('details', {class: 'assist-picker'},
    h('summary', null, '协办单位(可选,可多选):', count),
    boxes.length ? h('div', {role: 'group', 'aria-label': '协办单位'}, list)
      : h('p', {class: 'muted'}, '没有其他部门可选。'));
  el.open = open || kept.length > 0;
  if (onToggle) el.addEventListener('toggle', () => onToggle(el.open));
  sync();
  return {el, values};
}

// The parts of a ticket: department, state, deadlines, opinion, reasons.
// `removeForm(part)` (the bureau's) gives the cell of its 撤销 step.
export function partsTable(t, depts, now, {removeForm = null} = {}) {
  const headers = ['协办单位', '状态', '签收时限', '退回时限', '意见反馈时限', '协办意见', '说明'];
  if (removeForm) headers.push('');
  return table(headers, (t.assists || []).map((a) => {
    const flags = [a.ackOverdue ? h('span', {class: 'badge due-overdue'}, '签收超时') : null,
      a.opinionOverdue ? h('span', {class: 'badge due-overdue'}, a.longOverdue ? '意见超期(已达红牌)' : '意见超期') : null];
    const open = PART_OPEN_STATES.has(t.state);
    const note = [a.note ? `派单说明:${a.note}` : '',
      a.state === 'RETURNED' ? `${fmtTime(a.endTime)} 退回:${a.endReason || ''}` : '',
      a.state === 'REMOVED' ? `${fmtTime(a.endTime)} 撤销:${a.endReason || ''}` : ''].filter(Boolean).join('\n');
    return h('tr', {dataset: {department: a.department, state: a.state || ''}},
      h('th', {scope: 'row'}, deptName(depts, a.department)),
      h('td', null, assistBadge(a.state), ...flags),
      h('td', null, a.acknowledgedAt ? `已于 ${fmtTime(a.acknowledgedAt)} 签收` : fmtDue(a.ackDueAt)),
      h('td', null, fmtDue(a.returnDueAt)),
      h('td', {class: open && a.opinionDueAt && !a.opinionTime && Date.parse(a.opinionDueAt) < now ? 'bad' : ''},
        a.opinionTime ? `已于 ${fmtTime(a.opinionTime)} 反馈` : fmtDue(a.opinionDueAt)),
      h('td', {class: 'pre note assist-opinion'}, a.opinion || '—'),
      h('td', {class: 'pre note'}, note || '—'),
      removeForm ? h('td', null, LIVE.has(a.state) ? removeForm(a) : null) : null);
  }), {caption: `协办单位 ${liveParts(t).length} 个`});
}

// The opinions the lead's reply rests on, and why it went without the
// missing ones (未收齐意见说明).
export function opinionsBox(t, depts) {
  const given = (t.assists || []).filter((a) => a.opinion);
  if (!given.length && !t.missingOpinionsReason) return null;
  return h('div', {class: 'assist-opinions', id: 'assist-opinions'},
    h('ul', null, given.map((a) => h('li', {dataset: {department: a.department}},
      h('strong', null, `${deptName(depts, a.department)}:`), h('span', {class: 'pre'}, a.opinion),
      h('span', {class: 'muted'}, `(${fmtTime(a.opinionTime)})`)))),
    t.missingOpinionsReason ? h('p', {class: 'missing-reason'}, `未收齐意见说明:${t.missingOpinionsReason}`) : null);
}

// The assisting department's own steps on its part, as its state allows:
// 签收, 退回 (with a reason, within its return window, before its
// opinion) and 提交协办意见 (after the sign-for). `onDone(ticket)` after
// a step the server accepted. `evidence`: the opinion's file picker
// (attachments.js evidencePicker), whose files are uploaded before the
// opinion. Returns the forms (possibly none).
export function partActions(ctx, t, part, {onDone = () => {}, compact = false, evidence = null} = {}) {
  if (!part || !PART_OPEN_STATES.has(t.state)) return [];
  const id = api.idOf(t.name);
  const post = (path, body, etag = t.etag) => api.post(`/v1/${t.name}:${path}`, {...body, etag, requestId: api.requestId()});
  const form = (action, title, fields, buttonText, cls, body, ok, files = null) => {
    const b = h('button', {type: 'submit', class: cls}, buttonText);
    const f = h('form', {class: compact ? 'inline-form assist-action' : 'panel action assist-action', dataset: {action, ticket: t.name}},
      compact ? null : h('h2', null, title), ...fields, files ? files.el : null, compact ? b : h('div', {class: 'actions'}, b));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const done = await act(ctx, b, async () => post(action, body(), files ? await files.upload(t) : t.etag), ok);
      if (done) onDone(done);
    });
    return f;
  };
  const forms = [];
  if (part.state === 'DISPATCHED') {
    forms.push(form('acknowledgeAssist', '签收协办任务', [compact ? null : h('p', {class: 'hint'}, `签收时限 ${fmtDue(part.ackDueAt)};`
      + '签收后在意见反馈时限内提交协办意见。')], '签收协办', 'primary', () => ({}), `已签收工单 #${id} 的协办任务。`));
  }
  if (part.state === 'ACKNOWLEDGED') {
    const text = h('textarea', {required: true, rows: compact ? 2 : 4, maxlength: 20000, name: 'opinion'});
    forms.push(form('submitAssistOpinion', '提交协办意见', [field('协办意见', text,
      `反馈时限 ${fmtDue(part.opinionDueAt)};意见交主办单位,随答复一并引用。`)], '提交协办意见', 'primary',
    () => ({opinion: text.value}), `已提交工单 #${id} 的协办意见。`, compact ? null : evidence));
  }
  if (part.state === 'DISPATCHED' || part.state === 'ACKNOWLEDGED') {
    const returnOpen = !part.returnDueAt || Date.parse(part.returnDueAt) > ctx.nowMs();
    if (returnOpen) {
      const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'assistReturnReason'});
      forms.push(form('returnAssist', '退回协办任务', [field('退回理由(非本单位职责的依据)', reason,
        part.returnDueAt ? `退回时限 ${fmtDue(part.returnDueAt)}` : '')], '退回协办', 'danger',
      () => ({reason: reason.value}), `已退回工单 #${id} 的协办任务。`));
    } else if (!compact) {
      forms.push(h('section', {class: 'panel action', id: 'assist-return-closed'}, h('h2', null, '退回协办任务'),
        h('p', null, `退回时限(${fmtDue(part.returnDueAt)})已过,不能再退回;如确非本单位职责,请联系局端撤销协办。`)));
    }
  }
  return forms;
}
