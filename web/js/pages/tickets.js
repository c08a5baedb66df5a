// Ticket search: by state, type and urgency, page by page (everyone; a
// department sees its own tickets only). The dashboard's tiles open it
// with the matching filter in the address: #/tickets?state=DISPATCHED,
// ?received=YYYY-MM-DD (received that day), ?flag=dueSoon or ?flag=overdue
// (open tickets near or past their reply deadline), ?flag=reviewPending
// (待审核: replies waiting for the bureau's review, 办结审核),
// ?flag=appealPending (待处理申诉: appeals of a dissatisfied rating waiting
// for the bureau's decision), ?flag=dissatisfied (差评: closed tickets
// rated 不满意; a department finds the ones it may appeal here).
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, TYPE, URGENCY, STATE_ORDER, fmtTime, label, zhDate, addDays, timeZone} from '../format.js';
import {reviewPending, reviewBadge} from '../review.js';
import {appealPending, appealBadge} from '../callbacks.js';
import {table, stateBadge, ticketLink, ticketSummary, deadlineBadge, currentDue, cardBadges, departments, deptName} from '../ui.js';

// `states`: the server's filter the flag's test runs over, client side.
const OPEN = ['DISPATCHED', 'IN_PROGRESS'];
const FLAGS = {
  dueSoon: {text: '预警(临近办理时限)', states: OPEN, test: (t, now) => t.dueSoon && !overdue(t, now)},
  overdue: {text: '超期未回复', states: OPEN, test: (t, now) => overdue(t, now)},
  reviewPending: {text: '待审核(答复待局端办结审核)', states: ['REPLIED'], test: (t) => reviewPending(t),
    order: (a, b) => Date.parse(a.repliedAt || 0) - Date.parse(b.repliedAt || 0)},
  appealPending: {text: '待处理申诉(差评申诉待局端裁定)', states: ['CLOSED'], test: (t) => appealPending(t),
    order: (a, b) => Date.parse(a.ratingAppeal.appealTime || 0) - Date.parse(b.ratingAppeal.appealTime || 0)},
  dissatisfied: {text: '差评(回访评价为不满意)', states: ['CLOSED'], test: (t) => t.satisfaction === 'DISSATISFIED',
    order: (a, b) => Date.parse(b.closedAt || 0) - Date.parse(a.closedAt || 0)},
};
function overdue(t, now) {
  return Boolean(t.replyOverdue || (t.replyDueAt && Date.parse(t.replyDueAt) < now));
}

// The UTC offset of the bureau's zone at a date's midnight, "+08:00".
function zoneOffset(date) {
  const parts = new Intl.DateTimeFormat('en-US', {timeZone: timeZone(), timeZoneName: 'longOffset'})
    .formatToParts(new Date(`${date}T12:00:00Z`));
  const name = (parts.find((p) => p.type === 'timeZoneName') || {}).value || 'GMT';
  const m = name.match(/GMT([+-]\d{2}:\d{2})/);
  return m ? m[1] : '+00:00';
}

export async function render(ctx) {
  const q = ctx.query;
  const state = select([{value: '', label: '全部状态'}, ...STATE_ORDER.map((s) => ({value: s, label: STATE[s]}))], {id: 'q-state'});
  const type = select([{value: '', label: '全部类型'}, ...Object.entries(TYPE).map(([v, l]) => ({value: v, label: l}))], {id: 'q-type'});
  const urgency = select([{value: '', label: '全部'}, ...Object.entries(URGENCY).map(([v, l]) => ({value: v, label: l}))], {id: 'q-urgency'});
  const topic = h('input', {type: 'text', id: 'q-topic', maxlength: 50});
  const number = h('input', {type: 'text', id: 'q-open', inputmode: 'numeric', placeholder: '如 12'});
  const result = h('div', {id: 'ticket-results'});
  const more = h('button', {type: 'button', hidden: true}, '下一页');
  const note = h('p', {class: 'hint', id: 'ticket-filter-note'});
  const form = h('form', {class: 'toolbar'}, field('状态', state), field('类型', type), field('紧急程度', urgency),
    field('类别', topic), h('button', {type: 'submit', class: 'primary'}, '查询'));
  const open = h('form', {class: 'toolbar'}, field('按编号打开', number), h('button', {type: 'submit'}, '打开'));

  if (STATE[q.get('state')]) state.value = q.get('state');
  let received = /^\d{4}-\d{2}-\d{2}$/.test(q.get('received') || '') ? q.get('received') : '';
  let flag = FLAGS[q.get('flag')] ? q.get('flag') : '';
  const depts = await departments().catch(() => []);
  if (!ctx.isCurrent()) return;
  ctx.main.appendChild(h('div', null, h('h1', null, '工单查询'), open, form, note, result, more));

  let pageToken = '';
  let rows = [];

  function filter() {
    const parts = [];
    if (state.value) parts.push(`state = ${state.value}`);
    if (type.value) parts.push(`type = ${type.value}`);
    if (urgency.value) parts.push(`urgency = ${urgency.value}`);
    if (topic.value.trim()) parts.push(`topic = ${JSON.stringify(topic.value.trim())}`);
    if (received) {
      const off = zoneOffset(received);
      parts.push(`received_at >= "${received}T00:00:00${off}"`, `received_at < "${addDays(received, 1)}T00:00:00${off}"`);
    }
    return parts.join(' AND ');
  }

  function row(t, now) {
    return h('tr', {dataset: {ticket: t.name}},
      h('td', null, ticketLink(t)), h('td', null, stateBadge(t.state), ' ', reviewBadge(t), appealBadge(t)), h('td', null, ticketSummary(t)),
      h('td', {class: 'dept'}, t.department ? deptName(depts, t.department) : '—'),
      h('td', null, fmtTime(t.receivedAt)), h('td', null, currentDue(t) ? deadlineBadge(currentDue(t), now) : '—'),
      h('td', null, cardBadges(t)));
  }

  function show() {
    const notes = [received ? `受理日期:${zhDate(received)}` : '', flag ? `筛选:${FLAGS[flag].text}` : ''].filter(Boolean);
    note.textContent = notes.join(';');
    note.hidden = !notes.length;
    replace(result, table(['工单', '状态', '类型/类别', '承办部门', '受理时间', '当前时限', '标记'], rows));
  }

  async function load(reset) {
    if (reset) { pageToken = ''; rows = []; }
    try {
      const now = ctx.nowMs();
      if (flag) {
        // No server filter for these: the open tickets, checked here.
        const lists = await Promise.all(FLAGS[flag].states.map((st) =>
          api.listAll('/v1/tickets', 'tickets', {filter: [`state = ${st}`, filter()].filter(Boolean).join(' AND ')}, 2000)));
        if (!ctx.isCurrent()) return;
        rows = lists.flatMap((l) => l.items).filter((t) => FLAGS[flag].test(t, now))
          .sort(FLAGS[flag].order || ((a, b) => Date.parse(a.replyDueAt || 0) - Date.parse(b.replyDueAt || 0))).map((t) => row(t, now));
        pageToken = '';
      } else {
        const page = await api.get('/v1/tickets', {filter: filter(), pageSize: 50, pageToken});
        if (!ctx.isCurrent()) return;
        rows.push(...(page.tickets || []).map((t) => row(t, now)));
        pageToken = page.nextPageToken || '';
      }
      more.hidden = !pageToken;
      show();
    } catch (e) {
      ctx.fail(e);
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // The form's own filters replace the ones the address brought.
    received = ''; flag = '';
    load(true);
  });
  open.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = number.value.trim().replace(/^#|^tickets\//, '');
    if (/^\d+$/.test(id)) ctx.go(`#/tickets/${id}`);
    else ctx.flash('请输入工单编号(数字)。', 'error');
  });
  more.addEventListener('click', () => load(false));
  await load(true);
}
