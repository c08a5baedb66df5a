// Pieces several pages share: badges, ticket rows, tables, small forms.
import {h} from './dom.js';
import * as api from './api.js';
import {STATE, TYPE, URGENCY, label, fmtDue, urgencyOf, remaining} from './format.js';

export function stateBadge(state) {
  return h('span', {class: `badge state-${(state || '').toLowerCase()}`}, label(STATE, state));
}

export function deadlineBadge(ts, now) {
  const u = urgencyOf(ts, now);
  if (!ts) return h('span', {class: `badge ${u.cls}`}, u.text);
  return h('span', {class: `badge ${u.cls}`, title: u.text},
    fmtDue(ts), ' · ', remaining(ts, now));
}

export function cardBadges(t) {
  return [
    t.yellowCards ? h('span', {class: 'badge card-yellow'}, `黄牌×${t.yellowCards}`) : null,
    t.redCards ? h('span', {class: 'badge card-red'}, `红牌×${t.redCards}`) : null,
    t.dueSoon ? h('span', {class: 'badge due-today'}, '预警') : null,
    t.pendingExtension ? h('span', {class: 'badge ext'}, '延期待批') : null,
    t.pendingSuspension ? h('span', {class: 'badge ext'}, '挂起待批') : null,
    (t.finalAnswer || {}).state === 'PENDING' ? h('span', {class: 'badge ext'}, '最终答复待批') : null,
  ];
}

export function ticketLink(t) {
  const id = api.idOf(t.name);
  return h('a', {href: `#/tickets/${id}`, class: 'ticket-link'}, `#${id} `, t.title || '(无标题)');
}

// The ticket's deadline that matters now: sign-for while DISPATCHED,
// reply otherwise.
export function currentDue(t) {
  if (t.state === 'DISPATCHED') return t.ackDueAt || t.replyDueAt;
  if (t.state === 'IN_PROGRESS') return t.replyDueAt;
  return '';
}

export function table(headers, rows, {caption, cls} = {}) {
  // A column of buttons still has a header (screen readers announce it).
  headers = headers.map((x) => (x === '' ? '操作' : x));
  // Each cell knows its column's name: at phone width rows stack as cards
  // and show it (console.css).
  for (const row of rows) {
    [...row.children].forEach((cell, i) => { if (headers[i]) cell.dataset.label = headers[i]; });
  }
  return h('div', {class: 'table-wrap'},
    h('table', {class: cls || 'grid'},
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, headers.map((x) => h('th', {scope: 'col'}, x)))),
      h('tbody', null, rows.length ? rows
        : h('tr', null, h('td', {colspan: headers.length, class: 'empty'}, '暂无')))));
}

export function ticketSummary(t) {
  return h('span', {class: 'muted'},
    [label(TYPE, t.type), t.topic, t.urgency && t.urgency !== 'NORMAL' ? label(URGENCY, t.urgency) : null]
      .filter(Boolean).join(' · '));
}

// Runs an action with its button disabled; shows the server's message on
// refusal. Returns the result or undefined.
export async function act(ctx, button, fn, okText) {
  if (button) button.disabled = true;
  try {
    const result = await fn();
    if (okText) ctx.flash(okText, 'ok');
    return result;
  } catch (e) {
    ctx.fail(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// Debounces reloads that the feed triggers.
export function debounced(fn, ms = 250) {
  let timer = 0;
  const wrapped = () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

export async function departments() {
  const {items} = await api.listAll('/v1/departments', 'departments');
  return items;
}

export function deptName(list, name) {
  const d = list.find((x) => x.name === name);
  return d ? d.displayName || name : name || '—';
}

// The server's own text of a refusal or a stored message (English, for
// operators), folded under the Chinese one.
export function serverDetail(text, summary = '服务器原文') {
  return h('details', {class: 'server-text'}, h('summary', null, summary), h('span', {lang: 'en'}, text));
}

export function panel(title, ...children) {
  return h('section', {class: 'panel'}, h('h2', null, title), ...children);
}
