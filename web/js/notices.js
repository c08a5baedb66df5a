// Urging notices (催办通知) and supervision (督办), as the pages show them:
// the bureau issues a notice on a DISPATCHED or IN_PROGRESS ticket
// (:issueNotice, with a level, a reason and whom it is copied to, 抄送),
// addressed to the department holding it; the department signs for it
// (签收, :acknowledge) and answers it (反馈, :answer) by its deadline. An
// unanswered one climbs the ladder at its deadline (催办 → 督办 → 提级督办
// → 通报批评, the sweeper); one still open when the ticket leaves the
// department lapses. Shared by the ticket page, the department desk and
// the bureau's 催办督办 page, which also builds the circulated notice
// (通报) exactly as `hotlinectl circular` prints it (tools/circular_format.cc).
// The server decides; these pieces only show the notices, offer the steps
// a notice's state allows and say the refusals in Chinese (errors.js).
import {h, field, select} from './dom.js';
import * as api from './api.js';
import {NOTICE_LEVEL, NOTICE_LEVEL_ORDER, NOTICE_STATE, NOTICE_TRIGGER, label, fmtTime, fmtDue, zhDate, addDays,
  localInputValue, zonedTimeMs} from './format.js';
import {table, deptName, act, deadlineBadge, ticketLink} from './ui.js';
import {principalLabel} from './names.js';
import {noticeNote, noteNodes} from './texts.js';
import {csvField} from './pages/report.js';

// A notice still waiting for the department (signed for or not).
export const OPEN_NOTICE_STATES = ['ISSUED', 'ACKNOWLEDGED'];
export const isOpen = (n) => OPEN_NOTICE_STATES.includes(n.state);
// The steps the department may take: sign for an ISSUED one; answer one
// signed for, or one left UNANSWERED at the top of the ladder (late).
export const canAnswer = (n) => n.state === 'ACKNOWLEDGED' || n.state === 'UNANSWERED';

// "tickets/7/notices/2" -> "tickets/7".
export const ticketOfNotice = (name) => String(name || '').replace(/\/notices\/\d+$/, '');

// The ticket's open notice, or undefined.
export const openNotice = (t) => (t.notices || []).find(isOpen);

export function levelBadge(level) {
  return h('span', {class: `badge notice-level-${(level || '').toLowerCase()}`}, label(NOTICE_LEVEL, level));
}

export function noticeStateBadge(n) {
  return h('span', {class: `badge notice-${(n.state || '').toLowerCase()}`, dataset: {noticeState: n.state || ''}},
    label(NOTICE_STATE, n.state), n.overdue && n.state === 'ANSWERED' ? '(逾期)' : '');
}

// "督办通知(第 2 号)".
export const noticeTitle = (n) => `${label(NOTICE_LEVEL, n.level)}通知(第 ${n.number} 号)`;

// When the answer is due, or when it came.
function dueCell(n, now) {
  if (n.answerTime) {
    return h('td', null, `已于 ${fmtTime(n.answerTime)} 反馈`, n.overdue ? h('span', {class: 'badge due-overdue'}, '逾期反馈') : null,
      h('div', {class: 'muted'}, `时限 ${fmtDue(n.answerDueAt)}`));
  }
  if (isOpen(n)) return h('td', null, deadlineBadge(n.answerDueAt, now));
  return h('td', {class: n.overdue ? 'bad' : ''}, fmtDue(n.answerDueAt), n.endTime ? h('div', {class: 'muted'}, `${label(NOTICE_STATE, n.state)}于 ${fmtTime(n.endTime)}`) : null);
}

// Notices as a table. `ticket`: a column with the ticket (lists across
// tickets); `department`: one with the department addressed; `actions(n)`:
// the cell of the department's steps; `tokens` names the issuer;
// `tickets`: a Map of the tickets known by name (their titles are shown).
export function noticesTable(notices, depts, now, {ticket = false, department = false, actions = null, tokens = [], caption,
  tickets = new Map()} = {}) {
  const headers = [...(ticket ? ['工单'] : []), '通知', '状态', ...(department ? ['部门'] : []), '发出', '反馈时限', '理由', '抄送', '反馈'];
  if (actions) headers.push('');
  return table(headers, notices.map((n) => {
    const from = n.escalatedFrom ? h('div', {class: 'muted'}, `由第 ${n.escalatedFrom} 号升级`) : null;
    return h('tr', {dataset: {notice: n.name, state: n.state || '', level: n.level || ''}},
      ticket ? h('td', null, tickets.has(ticketOfNotice(n.name)) ? ticketLink(tickets.get(ticketOfNotice(n.name)))
        : h('a', {href: `#/tickets/${api.idOf(ticketOfNotice(n.name))}`}, `工单 #${api.idOf(ticketOfNotice(n.name))}`)) : null,
      h('th', {scope: 'row'}, levelBadge(n.level), ` 第 ${n.number} 号`, from),
      h('td', null, noticeStateBadge(n)),
      department ? h('td', null, deptName(depts, n.department)) : null,
      h('td', null, fmtTime(n.issueTime), h('div', {class: 'muted'},
        n.issuedBy === 'sweeper' ? label(NOTICE_TRIGGER, n.trigger) : principalLabel(n.issuedBy, depts, tokens))),
      dueCell(n, now),
      h('td', {class: 'pre note'}, ...noteNodes(noticeNote(n))),
      h('td', {class: 'note notice-copy-to'}, n.copyTo || '—'),
      h('td', {class: 'pre note notice-answer'}, n.answer || (n.acknowledgedAt ? `已于 ${fmtTime(n.acknowledgedAt)} 签收` : '—')),
      actions ? h('td', null, actions(n)) : null);
  }), {caption});
}

// The department's steps on one notice: 签收 (ISSUED), 反馈 (signed for,
// or late at the top of the ladder). `etag`: the ticket's, when known.
// `onDone(ticket)` after a step the server accepted. Returns a node or null.
export function noticeActions(ctx, n, {etag = '', onDone = () => {}} = {}) {
  const number = n.number;
  const id = api.idOf(ticketOfNotice(n.name));
  if (n.state === 'ISSUED') {
    const b = h('button', {type: 'button', class: 'primary', dataset: {action: 'acknowledgeNotice', notice: n.name}}, '签收');
    b.addEventListener('click', async () => {
      const done = await act(ctx, b, () => api.post(`/v1/${n.name}:acknowledge`, {etag, requestId: api.requestId()}),
        `已签收工单 #${id} 的第 ${number} 号${label(NOTICE_LEVEL, n.level)}通知,请在反馈时限内反馈。`);
      if (done) onDone(done);
    });
    return h('div', {class: 'notice-actions'}, b, h('div', {class: 'muted'}, '签收后反馈办理情况'));
  }
  if (!canAnswer(n)) return null;
  const text = h('textarea', {required: true, rows: 2, maxlength: 20000, name: 'noticeAnswer'});
  const b = h('button', {type: 'submit', class: 'primary'}, '反馈');
  const f = h('form', {class: 'inline-form notice-answer-form', dataset: {action: 'answerNotice', notice: n.name}},
    field(n.state === 'UNANSWERED' ? '反馈(已逾期,仍可补报)' : '反馈办理情况', text), b);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const done = await act(ctx, b, () => api.post(`/v1/${n.name}:answer`, {answer: text.value, etag, requestId: api.requestId()}),
      `已反馈工单 #${id} 的第 ${number} 号${label(NOTICE_LEVEL, n.level)}通知。`);
    if (done) onDone(done);
  });
  return f;
}

// The bureau's form fields for a notice on ticket `t`: the level (the one
// above the open notice by default: the same or a lower one is refused,
// NOTICE_OPEN), the reason and 抄送. Returns {fields, body(), hint}.
export function issueFields(t) {
  const open = openNotice(t);
  const next = open ? NOTICE_LEVEL_ORDER[Math.min(NOTICE_LEVEL_ORDER.indexOf(open.level) + 1, NOTICE_LEVEL_ORDER.length - 1)] : 'URGING';
  const level = select(NOTICE_LEVEL_ORDER.map((v) => ({value: v, label: label(NOTICE_LEVEL, v), selected: v === next})), {name: 'level'});
  const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'noticeReason'});
  const copyTo = h('input', {type: 'text', maxlength: 200, name: 'copyTo', placeholder: '如 分管副局长'});
  const fields = [
    open ? h('p', {class: 'hint', id: 'open-notice-hint'}, `已有尚未反馈的${noticeTitle(open)}(反馈时限 ${fmtDue(open.answerDueAt)}):`
      + '只能发出更高级别的通知,原通知随之升级;否则请等部门反馈或时限届满(逾期自动升级)。')
      : h('p', {class: 'hint'}, '通知承办部门加快办理,部门签收后在反馈时限内反馈;逾期未反馈自动升级(催办→督办→提级督办→通报批评)。'),
    field('级别', level), field('催办理由', reason), field('抄送(可选)', copyTo, '如 分管领导,不超过 200 字')];
  return {fields, body: () => ({level: level.value, reason: reason.value, copyTo: copyTo.value})};
}

// ---- the circulated notice (通报) ----

// An instant as hotlinectl's FormatTime prints it: "2021-03-23 00:00" in
// the bureau's zone.
const cliTime = (ts) => (ts ? localInputValue(Date.parse(ts)).replace('T', ' ') : '');
// A deadline as FormatDeadline: midnight is 24:00 of the day before.
function cliDeadline(ts) {
  if (!ts) return '';
  const text = cliTime(ts);
  if (!text.endsWith(' 00:00') || new Date(ts).getUTCMilliseconds()) return text;
  return `${addDays(text.slice(0, 10), -1)} 24:00`;
}
// "GD-1001《夜间施工》", or the ticket's name when it cannot be read.
const ticketLabel = (ticket, sourceId, title) => (!sourceId && !title ? ticket : `${sourceId || ticket}《${title || ''}》`);
const LEVEL_ZH = {SUPERVISION: '督办', ESCALATED_SUPERVISION: '提级督办', CIRCULATED_CRITICISM: '通报批评'};
function outcomeZh(n) {
  if (n.state === 'ESCALATED') return '未按期反馈,已升级';
  if (n.state === 'ANSWERED') return `逾期反馈(${cliTime(n.answerTime)})`;
  return '未反馈';
}

// The circulated notice's facts for `department` ("departments/housing")
// and the days [fromDate, toDate) ("YYYY-MM-DD"), read as hotlinectl reads
// them: its active cards issued in the period grouped by ticket (an
// assisting part's left out), and its notices due in the period that went
// past their deadline unanswered.
export async function loadCircular(department, fromDate, toDate) {
  const at = (date) => new Date(zonedTimeMs(`${date}T00:00`)).toISOString();
  const [dept, cards, notices] = await Promise.all([
    api.get(api.v1(department)),
    api.listAll('/v1/cards', 'cards', {department, which: 'ACTIVE', issuedFrom: at(fromDate), issuedTo: at(toDate)}, 1e6),
    api.listAll('/v1/notices', 'notices', {department, dueFrom: at(fromDate), dueTo: at(toDate)}, 1e6),
  ]);
  const tickets = new Map();
  const ticketOf = async (name) => {
    if (!tickets.has(name)) tickets.set(name, await api.get(api.v1(name)).catch(() => ({})));
    return tickets.get(name);
  };
  const overdue = [];
  const row = new Map();
  for (const card of cards.items) {
    if (card.assist) continue;
    if (!row.has(card.ticket)) {
      const t = await ticketOf(card.ticket);
      row.set(card.ticket, overdue.length);
      overdue.push({ticket: card.ticket, sourceId: t.sourceId || '', title: t.title || '', cards: []});
    }
    overdue[row.get(card.ticket)].cards.push(card);
  }
  const unanswered = [];
  for (const notice of notices.items) {
    if (!notice.overdue) continue;
    const t = await ticketOf(ticketOfNotice(notice.name));
    unanswered.push({sourceId: t.sourceId || '', title: t.title || '', notice});
  }
  return {department, displayName: dept.displayName || '', fromDate, toDate, overdue, unanswered};
}

// The text, as `hotlinectl circular` prints it.
export function circularZh(c) {
  const who = c.displayName || c.department.replace(/^departments\//, '');
  let out = `关于${who}逾期工单和催办未反馈情况的通报\n${zhDate(c.fromDate)}至${zhDate(addDays(c.toDate, -1))}\n`;
  let yellow = 0;
  let red = 0;
  for (const t of c.overdue) for (const card of t.cards) { if (card.color === 'RED') red += 1; else yellow += 1; }
  out += c.overdue.length ? `一、逾期工单${c.overdue.length}件(黄牌${yellow}张,红牌${red}张):\n` : '一、本期无逾期工单。\n';
  c.overdue.forEach((t, i) => {
    const cards = t.cards.map((card) => `${card.color === 'RED' ? '红牌' : '黄牌'}${cliTime(card.issueTime)}`).join(',');
    out += `  ${i + 1}. ${ticketLabel(t.ticket, t.sourceId, t.title)} ${cards}\n`;
  });
  out += c.unanswered.length ? `二、未按期反馈的催办、督办通知${c.unanswered.length}件:\n` : '二、本期无未按期反馈的催办通知。\n';
  c.unanswered.forEach((u, i) => {
    const n = u.notice;
    out += `  ${i + 1}. ${ticketLabel(ticketOfNotice(n.name), u.sourceId, u.title)} ${LEVEL_ZH[n.level] || '催办'}通知(第${n.number}号),`
      + `应于${cliDeadline(n.answerDueAt)}前反馈,${outcomeZh(n)}\n`;
  });
  return out;
}

// The CSV, as `hotlinectl circular --format csv` prints it.
export function circularCsv(c) {
  const line = (cells) => `${cells.map((x) => csvField(x ?? '')).join(',')}\n`;
  let out = line(['kind', 'ticket', 'source_id', 'title', 'item', 'level_or_color', 'time', 'state']);
  for (const t of c.overdue) {
    for (const card of t.cards) {
      out += line(['card', t.ticket, t.sourceId, t.title, card.name, card.color || 'COLOR_UNSPECIFIED', cliTime(card.issueTime), card.reason || '']);
    }
  }
  for (const u of c.unanswered) {
    const n = u.notice;
    out += line(['notice', ticketOfNotice(n.name), u.sourceId, u.title, n.name, n.level || 'LEVEL_UNSPECIFIED', cliDeadline(n.answerDueAt),
      n.state || 'STATE_UNSPECIFIED']);
  }
  return out;
}
