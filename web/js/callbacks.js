// Callbacks (回访) and rating appeals (申诉), as the pages show them.
//
// The bureau calls the caller back about a REPLIED ticket and records each
// attempt (:recordCallback {channel, result, note}); Ticket.callbackAttempts
// keeps them in order. The policy's callbackMaxAttempts-th attempt that does
// not reach the caller closes the ticket without a rating (回访未果,
// Ticket.closedUnreachable). Reached, the bureau closes it with the rating,
// and with 不满意 the reasons (dissatisfactionReasons, only with
// DISSATISFIED). The department whose reply was rated 不满意 may appeal
// (:appealRating {grounds}) within the policy's appealWorkingDays working
// days of the close; the bureau decides (:decideAppeal {uphold, note}):
// upheld (不合理差评) sets the rating aside in the satisfaction rate,
// rejected (合理差评) lets it stand. Ticket.ratingAppeal keeps the appeal and
// the decision. The server decides; these pieces only show the state and
// build the forms' fields (their refusals are said in errors.js). Shared by
// the ticket page, the ticket search (待处理申诉, 差评) and the dashboard.
import {h, uid, select, field} from './dom.js';
import {CALLBACK_CHANNEL, CALLBACK_RESULT, DISSATISFACTION_REASON, APPEAL_STATE, SATISFACTION, label, fmtTime, fmtDue} from './format.js';
import {principalLabel} from './names.js';
import {table} from './ui.js';

// Whether an appeal of the ticket's rating waits for the bureau.
export const appealPending = (t) => t.state === 'CLOSED' && (t.ratingAppeal || {}).state === 'PENDING';

// "问题未解决、办理拖延".
export const dissatisfactionText = (reasons) => (reasons || []).map((r) => label(DISSATISFACTION_REASON, r)).join('、');

// The appeal's state as a badge, or null without an appeal.
export function appealBadge(t) {
  const state = (t.ratingAppeal || {}).state;
  if (!APPEAL_STATE[state]) return null;
  return h('span', {class: `badge appeal-${state.toLowerCase()}`, dataset: {appeal: state}},
    state === 'PENDING' ? '差评申诉待裁定' : label(APPEAL_STATE, state));
}

// The rating line of the ticket's facts: the rating and why, or 回访未果.
export function ratingNote(t) {
  if (t.closedUnreachable) {
    return h('span', {id: 'rating', class: 'bad', dataset: {unreachable: 'true'}},
      `回访未果:${(t.callbackAttempts || []).length} 次回访均未联系上来电人,未评价(不计入满意率)。`);
  }
  if (!t.satisfaction) return null;
  const why = dissatisfactionText(t.dissatisfactionReasons);
  return h('span', {id: 'rating', dataset: {satisfaction: t.satisfaction}}, label(SATISFACTION, t.satisfaction),
    why ? h('span', {class: 'dissatisfaction-reasons'}, `(不满意原因:${why})`) : null);
}

// The attempts (回访记录), in order; null without any.
export function attemptsTable(t, depts, tokens) {
  const list = t.callbackAttempts || [];
  if (!list.length) return null;
  return table(['次序', '时间', '方式', '结果', '回访人', '说明'], list.map((a, i) =>
    h('tr', {dataset: {attempt: String(i + 1), result: a.result || ''}},
      h('td', null, `第 ${i + 1} 次`), h('td', null, fmtTime(a.attemptTime)), h('td', null, label(CALLBACK_CHANNEL, a.channel)),
      h('td', {class: a.result === 'REACHED' ? '' : 'bad'}, label(CALLBACK_RESULT, a.result)),
      h('td', null, principalLabel(a.recordedBy, depts, tokens)), h('td', {class: 'pre note'}, a.note || ''))),
  {caption: `共 ${list.length} 次`});
}

// The appeal (申诉) as it stands: who, when, the grounds, the deadline, and
// the bureau's decision with its note. Null without an appeal.
export function appealBox(t, depts, tokens) {
  const a = t.ratingAppeal || {};
  if (!APPEAL_STATE[a.state]) return null;
  return h('div', {class: 'appeal-note', id: 'rating-appeal', dataset: {appeal: a.state}},
    h('div', null, h('span', {class: `badge appeal-${a.state.toLowerCase()}`}, label(APPEAL_STATE, a.state)),
      h('span', {class: 'muted'}, ' ', principalLabel(a.appealedBy, depts, tokens), `于 ${fmtTime(a.appealTime)} 申诉`,
        a.appealDueAt ? `(申诉期限 ${fmtDue(a.appealDueAt)})` : '')),
    h('div', {class: 'pre appeal-grounds'}, `申诉理由:${a.grounds || ''}`),
    a.state === 'PENDING' ? h('div', {class: 'muted'}, '待局端裁定:申诉成立则不计入满意率(不合理差评),不成立则差评有效(合理差评)。')
      : h('div', {class: 'appeal-decision'}, principalLabel(a.decidedBy, depts, tokens), `于 ${fmtTime(a.decideTime)} 裁定:`,
        a.state === 'UPHELD' ? '申诉成立,不合理差评,不计入满意率' : '申诉不成立,合理差评,计入满意率',
        a.decisionNote ? `。说明:${a.decisionNote}` : '。'));
}

// The 回访 form's fields: channel, result, note.
export function callbackFields() {
  const channel = select(Object.entries(CALLBACK_CHANNEL).map(([value, text]) => ({value, label: text, selected: value === 'PHONE'})),
    {required: true, name: 'channel'});
  const result = select([{value: '', label: '— 回访结果 —'}, ...Object.entries(CALLBACK_RESULT).map(([value, text]) => ({value, label: text}))],
    {required: true, name: 'result'});
  const note = h('input', {type: 'text', maxlength: 2000, name: 'callbackNote'});
  return {fields: [field('回访方式', channel), field('回访结果', result), field('说明(可选,如“无人接听”)', note)],
    body: () => ({channel: channel.value, result: result.value, note: note.value})};
}

// The dissatisfaction reasons as checkboxes, shown only while `rating`
// (the close form's select) says 不满意; `values()` the ones ticked then.
export function dissatisfactionPicker(rating) {
  const boxes = Object.keys(DISSATISFACTION_REASON).map((value) => h('input', {type: 'checkbox', name: 'dissatisfactionReason', value, id: uid('dsr')}));
  const el = h('fieldset', {class: 'dissatisfaction-picker', id: 'dissatisfaction-reasons'}, h('legend', null, '不满意原因(可多选)'),
    h('div', {class: 'assist-choices'}, ...boxes.map((b) => h('label', {class: 'check', for: b.id}, b, ` ${label(DISSATISFACTION_REASON, b.value)}`))));
  const sync = () => {
    el.hidden = rating.value !== 'DISSATISFIED';
    if (el.hidden) for (const b of boxes) b.checked = false;
  };
  rating.addEventListener('change', sync);
  sync();
  return {el, values: () => (rating.value === 'DISSATISFIED' ? boxes.filter((b) => b.checked).map((b) => b.value) : [])};
}
