// 可能重复 (ListDuplicateCandidates, the bureau's): the likely duplicates
// of a ticket — the same caller phone, address or topic within the
// policy's window — each with a one-click 并入此单 that merges the ticket
// (并单, MergeTicket) into that candidate with the reason typed beside the
// list. Shared by the dispatch queue and the ticket page.
//
// Candidates are fetched only when asked for (the queue asks for the rows
// on screen), a few at a time, so a long queue stays quick. Not
// thread-safe in any sense that matters: the page's one event loop.
import {h, field} from './dom.js';
import * as api from './api.js';
import {STATE, MATCH, label, fmtTime} from './format.js';
import {stateBadge, act} from './ui.js';

// At most this many candidates per ticket; the server allows 50.
export const CANDIDATES_PAGE = 5;
const PARALLEL = 3;

// The default reason of a one-click merge; the person may change it.
export const DEFAULT_MERGE_REASON = '重复诉求';

// Fetches candidates, at most PARALLEL requests at a time.
export class CandidateFetcher {
  constructor() {
    this.queue = [];
    this.running = 0;
  }

  // Resolves with {candidates} or {error} (the Chinese message); never rejects.
  get(name) {
    return new Promise((resolve) => {
      this.queue.push({name, resolve});
      this.pump();
    });
  }

  pump() {
    while (this.running < PARALLEL && this.queue.length) {
      const {name, resolve} = this.queue.shift();
      this.running += 1;
      api.get(`/v1/${name}:duplicateCandidates`, {pageSize: CANDIDATES_PAGE})
        .then((r) => resolve({candidates: r.candidates || []}), (e) => resolve({error: e.message}))
        .finally(() => { this.running -= 1; this.pump(); });
    }
  }
}

// Candidates a ticket may be merged into: not replied or closed (the
// server refuses those as a main ticket).
const MAIN_STATES = new Set(['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED', 'SUSPENDED']);

// The box of one ticket's candidates. `got`: undefined (still looking),
// {error} or {candidates}. `reason`: the input holding the merge reason,
// shown in the box unless `reasonShown` elsewhere (the ticket page's form).
// `onMerged(mainName)` after a merge the server accepted. Candidates come
// folded under a one-line summary (`open` unfolds them; `onToggle(open)`
// hears the person fold or unfold), so that an answer arriving never moves
// what is under the person's pointer: every state of the box is one line
// until the person opens it.
export function candidatesBox(ctx, t, got, reason, onMerged,
    {reasonShown = false, open = false, onToggle = null} = {}) {
  if (!got) return h('div', {class: 'dup-box muted'}, '可能重复:正在查找…');
  if (got.error) return h('div', {class: 'dup-box refusal'}, `可能重复:${got.error}`);
  if (!got.candidates.length) return h('div', {class: 'dup-box muted', dataset: {candidates: '0'}}, '可能重复:无');
  const id = api.idOf(t.name);
  const box = h('details', {class: 'dup-box', dataset: {candidates: String(got.candidates.length)}},
    h('summary', {class: 'dup-head'}, h('span', {class: 'badge dup'}, `可能重复 ${got.candidates.length} 件`),
      h('span', {class: 'muted'}, ' 展开查看与并单')),
    h('p', {class: 'muted'}, `并入其中一件后,工单 #${id} 随该主工单办理,不再单独派单。`),
    reasonShown ? null : h('div', {class: 'inline-form'}, field('并单理由', reason)),
    h('ul', {class: 'dup-list'}, got.candidates.map((c) => candidateItem(ctx, t, c, reason, onMerged))));
  box.open = open;
  if (onToggle) box.addEventListener('toggle', () => onToggle(box.open));
  return box;
}

function candidateItem(ctx, t, c, reason, onMerged) {
  const other = c.ticket || {};
  const otherId = api.idOf(other.name);
  const matches = (c.matches || []).map((m) => h('span', {class: 'badge match', dataset: {match: m}}, label(MATCH, m)));
  let action;
  if (MAIN_STATES.has(other.state)) {
    action = h('button', {type: 'button', class: 'secondary', dataset: {action: 'mergeInto'},
      'aria-label': `并入此单(将工单 #${api.idOf(t.name)} 并入工单 #${otherId})`}, '并入此单');
    action.addEventListener('click', async () => {
      if (!reason.value.trim()) {
        ctx.flash('并单需要填写理由。', 'error');
        reason.focus();
        return;
      }
      const done = await act(ctx, action, () => api.post(`/v1/${t.name}:merge`, {
        mainTicket: other.name, reason: reason.value, etag: t.etag, requestId: api.requestId()}));
      if (done) {
        ctx.flash(`工单 #${api.idOf(t.name)} 已并入工单 #${otherId}(并单),随主工单办理。`);
        onMerged(other.name);
      }
    });
  } else {
    action = h('span', {class: 'muted'}, `${label(STATE, other.state)},不能作为主工单`);
  }
  return h('li', {dataset: {candidate: other.name}},
    h('a', {href: `#/tickets/${otherId}`, class: 'ticket-link'}, `#${otherId} `, other.title || '(无标题)'), ' ',
    stateBadge(other.state), ' ', ...matches,
    h('span', {class: 'muted'}, ` 受理于 ${fmtTime(other.receivedAt)}`), ' ', action);
}
