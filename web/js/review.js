// Reply review (办结审核), as the pages show it: when the policy reviews
// replies (GET /v1/policy: reviewReplies), a department's reply waits for
// the bureau (Ticket.replyReview.state PENDING) before the callback and
// close. The bureau accepts it (审核通过, :acceptReply) or sends it back
// (退回重办, :sendBackReply) with reasons from the catalogue, at least one,
// and a note: the ticket goes back IN_PROGRESS to the same department with
// a new reply deadline, and Ticket.lastSendBack keeps the reasons, the note
// and the reply sent back. Shared by the ticket page, the department desk
// and the ticket search (待审核). The server decides; these pieces only
// show the review and say its refusals in Chinese (errors.js).
import {h, uid} from './dom.js';
import {REVIEW_STATE, SEND_BACK_REASON, label, fmtTime} from './format.js';
import {principalLabel} from './names.js';

// Whether the ticket's reply waits for the bureau's review.
export const reviewPending = (t) => t.state === 'REPLIED' && (t.replyReview || {}).state === 'PENDING';

// "答复不规范、未联系诉求人".
export const reasonsText = (reasons) => (reasons || []).map((r) => label(SEND_BACK_REASON, r)).join('、');

// The review's state as a badge, or null when the reply is not reviewed.
export function reviewBadge(t) {
  const state = (t.replyReview || {}).state;
  if (!REVIEW_STATE[state] || t.state !== 'REPLIED') return null;
  return h('span', {class: `badge review-${state.toLowerCase()}`, dataset: {review: state}}, `办结审核:${label(REVIEW_STATE, state)}`);
}

// The review line of the ticket's facts: state, who accepted, when.
export function reviewNote(t, depts, tokens) {
  const r = t.replyReview || {};
  if (!REVIEW_STATE[r.state]) return null;
  return h('div', {class: 'review-note', id: 'reply-review', dataset: {review: r.state}},
    h('span', {class: `badge review-${r.state.toLowerCase()}`}, label(REVIEW_STATE, r.state)),
    r.state === 'PENDING' ? ' 答复待局端审核:审核通过后回访、办结;不通过则退回重办。'
      : h('span', {class: 'muted'}, ' ', principalLabel(r.reviewedBy, depts, tokens), `于 ${fmtTime(r.reviewTime)} 审核通过。`));
}

// The last send-back (退回重办): reasons, note, who and when, and the reply
// that was sent back. `lead`: the words for the department that redoes it.
export function sendBackBox(t, depts, tokens, {lead = false, id = 'last-send-back'} = {}) {
  const sb = t.lastSendBack;
  if (!sb || !(sb.reasons || []).length) return null;
  const redo = lead && ['IN_PROGRESS', 'DISPATCHED'].includes(t.state);
  return h('div', {class: 'send-back-note', id, dataset: {count: String(t.sendBackCount || 1)}},
    h('div', {class: 'send-back-head'}, h('strong', null, redo ? '答复被局端退回重办' : '最近一次退回重办'),
      t.sendBackCount > 1 ? `(共退回 ${t.sendBackCount} 次)` : '',
      h('span', {class: 'muted'}, ' ', principalLabel(sb.sentBy, depts, tokens), `于 ${fmtTime(sb.sendTime)}`)),
    h('div', {class: 'send-back-reasons'}, '退回理由:', h('span', {class: 'reasons'}, reasonsText(sb.reasons))),
    sb.note ? h('div', {class: 'pre send-back-text'}, `说明:${sb.note}`) : null,
    sb.replyText ? h('details', {class: 'send-back-reply'}, h('summary', null, '被退回的答复'), h('div', {class: 'pre'}, sb.replyText)) : null,
    redo ? h('div', {class: 'muted'}, '请按以上意见重新办理,在新的办理时限内重新回复;重新回复后仍由局端审核。') : null);
}

// The catalogue as checkboxes; `values()` the ones ticked, `first` the
// first box (for focus when none is ticked).
export function reasonPicker() {
  const boxes = Object.entries(SEND_BACK_REASON).map(([value]) => h('input', {type: 'checkbox', name: 'sendBackReason', value, id: uid('sbr')}));
  const el = h('fieldset', {class: 'send-back-reasons-picker'}, h('legend', null, '退回理由(至少选一项,可多选)'),
    h('div', {class: 'assist-choices'}, ...boxes.map((b) => h('label', {class: 'check', for: b.id}, b, ` ${label(SEND_BACK_REASON, b.value)}`))));
  return {el, values: () => boxes.filter((b) => b.checked).map((b) => b.value), first: boxes[0]};
}
