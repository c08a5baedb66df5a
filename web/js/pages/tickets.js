// Ticket search: by state, type and urgency, page by page (everyone; a
// department sees its own tickets only).
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, TYPE, URGENCY, STATE_ORDER, fmtTime, label} from '../format.js';
import {table, stateBadge, ticketLink, ticketSummary, deadlineBadge, currentDue, cardBadges} from '../ui.js';

export async function render(ctx) {
  const state = select([{value: '', label: '全部状态'}, ...STATE_ORDER.map((s) => ({value: s, label: STATE[s]}))], {id: 'q-state'});
  const type = select([{value: '', label: '全部类型'}, ...Object.entries(TYPE).map(([v, l]) => ({value: v, label: l}))], {id: 'q-type'});
  const urgency = select([{value: '', label: '全部'}, ...Object.entries(URGENCY).map(([v, l]) => ({value: v, label: l}))], {id: 'q-urgency'});
  const topic = h('input', {type: 'text', id: 'q-topic', maxlength: 50});
  const number = h('input', {type: 'text', id: 'q-open', inputmode: 'numeric', placeholder: '如 12'});
  const result = h('div', {id: 'ticket-results'});
  const more = h('button', {type: 'button', hidden: true}, '下一页');
  const form = h('form', {class: 'toolbar'}, field('状态', state), field('类型', type), field('紧急程度', urgency),
    field('类别', topic), h('button', {type: 'submit', class: 'primary'}, '查询'));
  const open = h('form', {class: 'toolbar'}, field('按编号打开', number), h('button', {type: 'submit'}, '打开'));
  ctx.main.appendChild(h('div', null, h('h1', null, '工单查询'), open, form, result, more));

  let pageToken = '';
  let rows = [];

  function filter() {
    const parts = [];
    if (state.value) parts.push(`state = ${state.value}`);
    if (type.value) parts.push(`type = ${type.value}`);
    if (urgency.value) parts.push(`urgency = ${urgency.value}`);
    if (topic.value.trim()) parts.push(`topic = ${JSON.stringify(topic.value.trim())}`);
    return parts.join(' AND ');
  }

  async function load(reset) {
    if (reset) { pageToken = ''; rows = []; }
    try {
      const page = await api.get('/v1/tickets', {filter: filter(), pageSize: 50, pageToken});
      if (!ctx.isCurrent()) return;
      const now = ctx.nowMs();
      rows.push(...(page.tickets || []).map((t) => h('tr', {dataset: {ticket: t.name}},
        h('td', null, ticketLink(t)), h('td', null, stateBadge(t.state)), h('td', null, ticketSummary(t)),
        h('td', null, fmtTime(t.receivedAt)), h('td', null, currentDue(t) ? deadlineBadge(currentDue(t), now) : '—'),
        h('td', null, cardBadges(t)))));
      pageToken = page.nextPageToken || '';
      more.hidden = !pageToken;
      replace(result, table(['工单', '状态', '类型/类别', '受理时间', '当前时限', '标记'], rows));
    } catch (e) {
      ctx.fail(e);
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(true); });
  open.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = number.value.trim().replace(/^#|^tickets\//, '');
    if (/^\d+$/.test(id)) ctx.go(`#/tickets/${id}`);
    else ctx.flash('请输入工单编号(数字)。', 'error');
  });
  more.addEventListener('click', () => load(false));
  await load(true);
}
