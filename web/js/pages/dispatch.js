// Bureau: the dispatch queue — received and returned tickets to a
// department, with search. A returned ticket (退单) is under review
// (派单异议审核): the bureau accepts the return by dispatching it to
// another department (改派), or refuses it (驳回退单, with a reason): the
// ticket goes back to the department that returned it, its first
// dispatch's deadlines still running.
//
// A ticket whose caller's demand an approved final answer (最终答复) already
// answered is closed here without a dispatch (以最终答复办结): the bureau
// types the number of the ticket that carries the answer, sees the answer
// (GET) before it closes, and the server checks that the answer is approved
// and the caller the same.
//
// Each row shows its likely duplicates (可能重复, ListDuplicateCandidates),
// fetched only for the rows on screen, a few at a time, and again after
// the queue changes; one click merges the ticket into one of them (并单)
// with the reason typed in the row (重复诉求 unless changed).
//
// A dispatch names the lead department (主办) and, folded under it, zero
// or more assisting departments (协办): any department but the lead.
//
// Catalogues (诉求分类, 派单目录; catalogue.js): each row shows the ticket's
// category as a picker (the bureau classifies at dispatch: the category
// goes with the dispatch) and the dispatch catalogue's suggestion for it
// and the township in the address beside the department picker; 采用 fills
// the lead and assisting departments.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, FINAL_ANSWER_STATE, label, fmtTime, fmtDue} from '../format.js';
import {stateBadge, ticketLink, ticketSummary, departments, deptName, debounced, act} from '../ui.js';
import {CandidateFetcher, candidatesBox, DEFAULT_MERGE_REASON} from '../duplicates.js';
import {assistPicker} from '../assists.js';
import {categories, categoryPicker, suggestionBox} from '../catalogue.js';

export async function render(ctx) {
  const search = h('input', {type: 'search', id: 'dispatch-search', class: 'wide-search', placeholder: '编号、标题、内容、地址、类别…'});
  const count = h('span', {class: 'muted', id: 'dispatch-count', 'aria-live': 'polite'});
  const list = h('ul', {class: 'cards-list', id: 'dispatch-list'});
  ctx.main.appendChild(h('div', null,
    h('div', {class: 'page-head'}, h('h1', null, '派单'), count),
    h('p', {class: 'hint'}, '待派单(新受理)与已退单的工单。选择承办部门后派单;派单后部门实时收到。'
      + '退单须审核:同意退单则改派其他部门;不同意则填写理由驳回退单,工单退回原部门,时限仍从首次派单起计算。'),
    h('div', {class: 'toolbar'}, field('搜索', search)),
    list));

  let tickets = [];
  let depts = [];
  let cats = {categories: []};
  const drafts = new Map(); // ticket name -> {department, note, refusal, answerTicket, closeNote}
  // A typed ticket number -> {ticket} or {error}: the final answer previews.
  const answers = new Map();
  // A returned ticket's latest return, {department, reason, time}, for a
  // return made before returns were kept for review (the ticket has no
  // pendingReturn): from its history (RETURNED events).
  const returns = new Map();
  // Ticket name -> its candidates ({candidates} or {error}), fetched for
  // the rows on screen; asked again when the queue is read again, the
  // last answer shown meanwhile (`stale`).
  const dups = new Map();
  let stale = new Map();
  const fetcher = new CandidateFetcher();
  const asking = new Set();
  let generation = 0;
  const onScreen = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      askCandidates(e.target.dataset.ticket);
      // The catalogue's suggestion, asked for the rows on screen only.
      if (e.target.suggestNow) { e.target.suggestNow(); e.target.suggestNow = null; }
    }
  });

  function matches(t, q) {
    if (!q) return true;
    const hay = [t.name, `#${api.idOf(t.name)}`, t.sourceId, t.title, t.content, t.address, t.topic, t.category]
      .filter(Boolean).join(' ').toLowerCase();
    return q.toLowerCase().split(/\s+/).every((w) => hay.includes(w));
  }

  function row(t) {
    const review = t.state === 'RETURNED' ? t.pendingReturn : null;
    // Sending a returned ticket back to the department that returned it is
    // the refusal below (its deadlines keep running), not a new dispatch.
    const choices = depts.filter((d) => !review || d.name !== review.department);
    const options = [{value: '', label: '— 选择部门 —'}, ...choices.map((d) => ({value: d.name, label: d.displayName || d.name}))];
    const dept = select(options, {name: 'department', required: true});
    const note = h('input', {type: 'text', name: 'note', maxlength: 2000, placeholder: '可选'});
    const refusal = review ? h('input', {type: 'text', name: 'refusal', maxlength: 2000, placeholder: '为何属于该部门职责'}) : null;
    // What the person chose or typed survives the live refreshes.
    const kept = drafts.get(t.name);
    if (kept) {
      dept.value = kept.department || '';
      note.value = kept.note || '';
      if (refusal) refusal.value = kept.refusal || '';
    }
    let picker = null;
    const keep = () => drafts.set(t.name, {...drafts.get(t.name), department: dept.value, note: note.value,
      refusal: refusal ? refusal.value : '', assists: picker ? picker.values() : []});
    picker = assistPicker(choices, dept, {kept: (kept && kept.assists) || [], onChange: keep, open: Boolean(kept && kept.assistsOpen),
      onToggle: (open) => drafts.set(t.name, {...drafts.get(t.name), assistsOpen: open})});
    const category = categoryPicker(cats, {value: kept && kept.category !== undefined ? kept.category : t.category || ''});
    const suggest = suggestionBox(ctx, depts, dept, picker.el);
    category.addEventListener('change', () => {
      drafts.set(t.name, {...drafts.get(t.name), category: category.value});
      li.suggestNow = null;
      suggest.update(t, category.value);
    });
    dept.addEventListener('change', keep);
    note.addEventListener('input', keep);
    if (refusal) refusal.addEventListener('input', keep);
    const button = h('button', {type: 'submit', class: 'primary'}, review ? '改派' : '派单');
    const form = h('form', {class: 'inline-form dispatch-form'}, field('诉求分类', category),
      field(review ? '改派部门(同意退单)' : '承办部门(主办)', dept),
      field('派单说明', note), button, suggest.el, picker.el);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!dept.value) { ctx.flash('请选择承办部门。', 'error'); dept.focus(); return; }
      const assisting = picker.values();
      const done = await act(ctx, button, () => api.post(`/v1/${t.name}:dispatch`, {
        department: dept.value, assistingDepartments: assisting, note: note.value, category: category.value || undefined,
        etag: t.etag, requestId: api.requestId()}));
      if (done) {
        drafts.delete(t.name);
        ctx.flash(`工单 #${api.idOf(t.name)} 已派往 ${dept.selectedOptions[0].textContent}`
          + `${assisting.length ? `,协办:${assisting.map((d) => deptName(depts, d)).join('、')}` : ''}`);
        reload();
      }
    });
    const li = h('li', {class: 'ticket-card', dataset: {ticket: t.name}},
      h('div', {class: 'ticket-head'}, stateBadge(t.state), ' ', ticketLink(t)),
      h('div', null, ticketSummary(t), h('span', {class: 'muted'}, ` · 受理于 ${fmtTime(t.receivedAt)}`),
        t.returnCount ? h('span', {class: 'badge state-returned'}, `退单 ${t.returnCount} 次`) : null),
      returnNote(t),
      t.address ? h('div', {class: 'muted'}, `地址:${t.address}`) : null,
      t.duplicateOfSourceId ? h('div', {class: 'muted'}, `平台标记:重复平台编号 ${t.duplicateOfSourceId} 的工单`) : null,
      h('p', {class: 'content'}, (t.content || '').slice(0, 200)),
      form,
      review ? refuseForm(t, review, refusal) : null,
      closeForm(t, kept, keep),
      h('div', {class: 'dup-slot'}, dupBox(t)));
    li.suggestNow = () => suggest.update(t, category.value);
    return li;
  }

  // The row's 可能重复, with the merge reason the person typed kept.
  function dupBox(t) {
    const reason = h('input', {type: 'text', name: 'mergeReason', maxlength: 2000, required: true});
    const kept = drafts.get(t.name);
    reason.value = kept && kept.mergeReason !== undefined ? kept.mergeReason : DEFAULT_MERGE_REASON;
    reason.addEventListener('input', () => drafts.set(t.name, {...drafts.get(t.name), mergeReason: reason.value}));
    return candidatesBox(ctx, t, dups.get(t.name) || stale.get(t.name), reason, () => {
      drafts.delete(t.name);
      reload();
    }, {open: Boolean(kept && kept.dupsOpen),
      onToggle: (open) => drafts.set(t.name, {...drafts.get(t.name), dupsOpen: open})});
  }

  async function askCandidates(name) {
    if (!name || dups.has(name) || asking.has(name)) return;
    asking.add(name);
    const asked = generation;
    const got = await fetcher.get(name);
    asking.delete(name);
    if (!ctx.isCurrent()) return;
    const li = [...list.querySelectorAll('li[data-ticket]')].find((x) => x.dataset.ticket === name);
    // The queue was read again meanwhile: ask again for a row still shown.
    if (asked !== generation) { if (li) askCandidates(name); return; }
    dups.set(name, got);
    const t = tickets.find((x) => x.name === name);
    const slot = li && li.querySelector('.dup-slot');
    if (!t || !slot) return;
    // Focus in the slot stays where it was when it is redrawn.
    const focusName = slot.contains(document.activeElement) ? document.activeElement.getAttribute('name') : '';
    replace(slot, dupBox(t));
    if (focusName) slot.querySelector(`[name="${focusName}"]`)?.focus();
  }

  // "#12", "12" or "tickets/12" -> "12"; '' when it is not a number.
  const ticketNumber = (text) => {
    const m = /^\s*(?:#|tickets\/)?(\d{1,18})\s*$/.exec(text || '');
    return m ? String(BigInt(m[1])) : '';
  };

  // What the preview says of the ticket typed: its final answer's text
  // when approved, else why it cannot close this ticket.
  function previewOf(t, number) {
    if (!number) return [];
    const got = answers.get(number);
    if (!got) return [h('span', {class: 'muted'}, `正在读取工单 #${number}…`)];
    if (got.error) return [h('span', {class: 'refusal'}, got.error)];
    const other = got.ticket;
    if (other.name === t.name) return [h('span', {class: 'refusal'}, '不能引用本工单自己。')];
    const fa = other.finalAnswer;
    if (!fa || fa.state !== 'APPROVED') {
      return [h('span', {class: 'refusal'}, `工单 #${number} ${fa ? `的最终答复${label(FINAL_ANSWER_STATE, fa.state)}` : '没有最终答复'},`
        + '只有局端已批准的最终答复可以用来办结。')];
    }
    const samePhone = t.callerPhone && other.callerPhone && t.callerPhone === other.callerPhone;
    return [
      h('div', null, h('strong', null, `工单 #${number}「${other.title || ''}」的最终答复`),
        h('span', {class: 'muted'}, `(${deptName(depts, fa.department)},已批准)`)),
      h('div', {class: 'pre final-answer-text'}, fa.answer || ''),
      h('div', {class: 'pre muted'}, `依据:${fa.basis || ''}`),
      samePhone ? h('div', {class: 'muted'}, '来电号码相同。')
        : h('div', {class: 'refusal'}, '两张工单的来电号码不同或缺失:只能以同一来电人的最终答复办结。'),
    ];
  }

  // 以最终答复办结: the number of the ticket carrying the approved final
  // answer, an optional note; the answer shown once the number is typed.
  function closeForm(t, kept, keepOthers) {
    const number = h('input', {type: 'text', name: 'finalAnswerTicket', inputmode: 'numeric', size: 8, placeholder: '如 12',
      autocomplete: 'off'});
    const note = h('input', {type: 'text', name: 'closeNote', maxlength: 2000, placeholder: '可选'});
    const preview = h('div', {class: 'final-preview', 'aria-live': 'polite'});
    if (kept) {
      number.value = kept.answerTicket || '';
      note.value = kept.closeNote || '';
    }
    const keep = () => {
      keepOthers();
      drafts.set(t.name, {...drafts.get(t.name), answerTicket: number.value, closeNote: note.value});
    };
    const showPreview = () => replace(preview, ...previewOf(t, ticketNumber(number.value)));
    const fetchPreview = debounced(async () => {
      const n = ticketNumber(number.value);
      // A refusal (no such ticket yet) is asked again.
      if (!n || (answers.has(n) && !answers.get(n).error)) { showPreview(); return; }
      try {
        answers.set(n, {ticket: await api.get(`/v1/tickets/${n}`)});
      } catch (e) {
        answers.set(n, {error: e.message});
      }
      if (ticketNumber(number.value) === n) showPreview();
    }, 300);
    number.addEventListener('input', () => { keep(); showPreview(); fetchPreview(); });
    note.addEventListener('input', keep);
    showPreview();
    if (ticketNumber(number.value) && !answers.has(ticketNumber(number.value))) fetchPreview();
    const button = h('button', {type: 'submit', class: 'secondary'}, '以最终答复办结');
    const form = h('form', {class: 'inline-form close-final-form', dataset: {action: 'closeByFinalAnswer'}},
      field('以最终答复办结:引用工单编号', number), field('办结说明', note), button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const n = ticketNumber(number.value);
      if (!n) {
        ctx.flash('请填写载有已批准最终答复的工单编号(数字)。', 'error');
        number.focus();
        return;
      }
      const done = await act(ctx, button, () => api.post(`/v1/${t.name}:closeByFinalAnswer`, {
        finalAnswerTicket: `tickets/${n}`, note: note.value, etag: t.etag, requestId: api.requestId()}));
      if (done) {
        drafts.delete(t.name);
        ctx.flash(`工单 #${api.idOf(t.name)} 已以工单 #${n} 的最终答复办结。`);
        reload();
      }
    });
    return h('div', {class: 'close-final'}, form, preview);
  }

  // 驳回退单: the ticket goes back to the department that returned it.
  function refuseForm(t, review, refusal) {
    const button = h('button', {type: 'submit', class: 'danger'}, '驳回退单');
    const form = h('form', {class: 'inline-form refuse-form', dataset: {action: 'refuseReturn'}},
      field(`驳回理由(退回${deptName(depts, review.department)})`, refusal), button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!refusal.value.trim()) {
        ctx.flash('驳回退单需要填写理由:说明为何属于该部门职责。', 'error');
        refusal.focus();
        return;
      }
      const done = await act(ctx, button, () => api.post(`/v1/${t.name}:refuseReturn`, {
        reason: refusal.value, etag: t.etag, requestId: api.requestId()}));
      if (done) {
        drafts.delete(t.name);
        ctx.flash(`已驳回退单:工单 #${api.idOf(t.name)} 退回 ${deptName(depts, review.department)},原时限继续计算。`);
        reload();
      }
    });
    return form;
  }

  function returnNote(t) {
    if (t.state !== 'RETURNED') return null;
    const review = t.pendingReturn;
    const r = review ? {department: review.department, reason: review.reason, time: review.returnTime} : returns.get(t.name);
    if (!r) return null;
    return h('div', {class: 'return-note'},
      h('strong', null, `${r.department ? deptName(depts, r.department) : '承办部门'}退单`),
      h('span', {class: 'muted'}, `(${fmtTime(r.time)})`), ':', r.reason || '(未说明理由)',
      review ? h('div', {class: 'muted'}, `退单前:${label(STATE, review.state)},办理时限 ${fmtDue(review.replyDueAt)}`
        + `${review.extensionCount ? `(已延期 ${review.extensionCount} 次)` : ''};驳回后按原时限继续计算。`) : null);
  }

  async function loadReturns(list) {
    const missing = list.filter((t) => t.state === 'RETURNED' && !t.pendingReturn
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
    onScreen.disconnect();
    replace(list, shown.length ? shown.map(row) : h('li', {class: 'empty'}, '没有待派的工单。'));
    for (const li of list.querySelectorAll('li[data-ticket]')) onScreen.observe(li);
    if (focusTicket && focusName) {
      const again = [...list.querySelectorAll('li[data-ticket]')].find((li) => li.dataset.ticket === focusTicket);
      const el = again && again.querySelector(`[name="${focusName}"]`);
      if (el) el.focus();
    }
  }

  async function load() {
    const [received, returned, d, c] = await Promise.all([
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = RECEIVED'}),
      api.listAll('/v1/tickets', 'tickets', {filter: 'state = RETURNED'}),
      departments(),
      categories().catch(() => ({categories: []})),
    ]);
    if (!ctx.isCurrent()) return;
    depts = d;
    cats = c;
    await loadReturns(returned.items);
    if (!ctx.isCurrent()) return;
    tickets = [...returned.items, ...received.items];
    // Any change may add or take away a candidate: asked again on screen.
    stale = new Map([...stale, ...dups].filter(([n]) => tickets.some((x) => x.name === n)));
    dups.clear();
    generation += 1;
    show();
  }

  search.addEventListener('input', show);
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 300);
  ctx.onFeed((ev) => {
    // A final answer decided since it was previewed: read it again.
    if (ev.type.startsWith('FINAL_ANSWER_')) answers.delete(api.idOf(ev.ticket));
    if (['CREATED', 'DISPATCHED', 'RETURNED', 'RETURN_REFUSED', 'CLOSED_BY_FINAL_ANSWER', 'MERGED', 'UNMERGED'].includes(ev.type)
      || ev.type.startsWith('FINAL_ANSWER_')) reload();
  });
  await load();
  return () => { reload.cancel(); onScreen.disconnect(); };
}
