// Bureau: the dispatch queue — received and returned tickets to a
// department, with search.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {fmtTime} from '../format.js';
import {stateBadge, ticketLink, ticketSummary, departments, deptName, debounced, act} from '../ui.js';

export async function render(ctx) {
  const search = h('input', {type: 'search', id: 'dispatch-search', class: 'wide-search', placeholder: '编号、标题、内容、地址、类别…'});
  const count = h('span', {class: 'muted', id: 'dispatch-count', 'aria-live': 'polite'});
  const list = h('ul', {class: 'cards-list', id: 'dispatch-list'});
  ctx.main.appendChild(h('div', null,
    h('div', {class: 'page-head'}, h('h1', null, '派单'), count),
    h('p', {class: 'hint'}, '待派单(新受理)与已退单的工单。选择承办部门后派单;派单后部门实时收到。'),
    h('div', {class: 'toolbar'}, field('搜索', search)),
    list));

  let tickets = [];
  let depts = [];
  const drafts = new Map(); // ticket name -> {department, note}
  // A returned ticket's latest return: {department, reason, time}. The
  // ticket does not carry it; its history does (RETURNED events).
  const returns = new Map();

  function matches(t, q) {
    if (!q) return true;
    const hay = [t.name, `#${api.idOf(t.name)}`, t.sourceId, t.title, t.content, t.address, t.topic]
      .filter(Boolean).join(' ').toLowerCase();
    return q.toLowerCase().split(/\s+/).every((w) => hay.includes(w));
  }

  function row(t) {
    const options = [{value: '', label: '— 选择部门 —'}, ...depts.map((d) => ({value: d.name, label: d.displayName || d.name}))];
    const dept = select(options, {name: 'department', required: true});
    const note = h('input', {type: 'text', name: 'note', maxlength: 2000, placeholder: '可选'});
    // What the person chose or typed survives the live refreshes.
    const kept = drafts.get(t.name);
    if (kept) { dept.value = kept.department; note.value = kept.note; }
    const keep = () => drafts.set(t.name, {department: dept.value, note: note.value});
    dept.addEventListener('change', keep);
    note.addEventListener('input', keep);
    const button = h('button', {type: 'submit', class: 'primary'}, '派单');
    const form = h('form', {class: 'inline-form dispatch-form'}, field('承办部门', dept), field('派单说明', note), button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!dept.value) { ctx.flash('请选择承办部门。', 'error'); dept.focus(); return; }
      const done = await act(ctx, button, () => api.post(`/v1/${t.name}:dispatch`, {
        department: dept.value, note: note.value, etag: t.etag, requestId: api.requestId()}));
      if (done) {
        drafts.delete(t.name);
        ctx.flash(`工单 #${api.idOf(t.name)} 已派往 ${dept.selectedOptions[0].textContent}`);
        reload();
      }
    });
    return h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, stateBadge(t.state), ' ', ticketLink(t)),
      h('div', null, ticketSummary(t), h('span', {class: 'muted'}, ` · 受理于 ${fmtTime(t.receivedAt)}`),
        t.returnCount ? h('span', {class: 'badge state-returned'}, `退单 ${t.returnCount} 次`) : null),
      returnNote(t),
      t.address ? h('div', {class: 'muted'}, `地址:${t.address}`) : null,
      h('p', {class: 'content'}, (t.content || '').slice(0, 200)),
      form);
  }

  function returnNote(t) {
    const r = t.state === 'RETURNED' ? returns.get(t.name) : null;
    if (!r) return null;
    return h('div', {class: 'return-note'},
      h('strong', null, `${r.department ? deptName(depts, r.department) : '承办部门'}退单`),
      h('span', {class: 'muted'}, `(${fmtTime(r.time)})`), ':', r.reason || '(未说明理由)');
  }

  async function loadReturns(list) {
    const missing = list.filter((t) => t.state === 'RETURNED'
      && (!returns.has(t.name) || returns.get(t.name).etag !== t.etag));
    await Promise.all(missing.map(async (t) => {
      const {items} = await api.listAll(`/v1/${t.name}/events`, 'events');
      const last = items.filter((e) => e.type === 'RETURNED').pop();
      if (last) returns.set(t.name, {etag: t.etag, department: last.previousDepartment, reason: last.reason, time: last.time});
    }));
  }

  function show() {
    const q = search.value.trim();
    const shown = tickets.filter((t) => matches(t, q));
    count.textContent = `共 ${tickets.length} 件${q ? `,匹配 ${shown.length} 件` : ''}`;
    const active = document.activeElement;
    const inList = active && list.contains(active) ? active : null;
    const focusTicket = inList ? inList.closest('li[data-ticket]')?.dataset.ticket : '';
    const focusName = inList ? inList.getAttribute('name') : '';
    replace(list, shown.length ? shown.map(row) : h('li', {class: 'empty'}, '没有待派的工单。'));
    if (focusTicket && focusName) {
      const again = [...list.querySelectorAll('li[data-ticket]')].find((li) => li.dataset.ticket === focusTicket);
      const el = again && again.querySelector(`[name="${focusName}"]`);
      if (el) el.focus();
    }
  }

  async function load() {
    const [received, returned, d] = await Promise.all([
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = RECEIVED'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = RETURNED'}),
      departments(),
    ]);
    if (!ctx.isCurrent()) return;
    depts = d;
    await loadReturns(returned.items);
    if (!ctx.isCurrent()) return;
    tickets = [...returned.items, ...received.items];
    show();
  }

  search.addEventListener('input', show);
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => { if (['CREATED', 'DISPATCHED', 'RETURNED'].includes(ev.type)) reload(); });
  await load();
  return () => reload.cancel();
}
