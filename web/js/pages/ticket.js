// One ticket: its fields, the actions the caller may take in its state,
// its cards and its full history (GET /v1/tickets/{id}/events). Live: the
// page follows the feed for this ticket.
//
// Merged duplicates (并单): a merged ticket says which main ticket it
// follows and offers the bureau only 取消并单; a main lists the tickets
// merged into it with their callers (as the server shows them to the
// caller); the bureau merges a ticket by the main's number or from its
// likely duplicates (可能重复). Links (关联) show on both tickets; the
// bureau adds and removes them.
//
// Lead and assisting departments (主办/协办): the parts table (each
// assisting department's state, deadlines, opinion and reasons) for all
// who see the ticket; the bureau picks assisting departments when it
// dispatches, adds one (增加协办单位) to an open ticket and ends a part
// (撤销, with a reason). An assisting department gets only its part's
// steps (签收, 退回, 提交协办意见), never the lead's (reply, return,
// report...). The lead's reply names the opinions still missing and then
// needs 未收齐意见说明; the replied ticket shows the opinions it rests on.
//
// Reply review (办结审核, review.js): everyone who sees the ticket sees the
// review's state and the last send-back (reasons, note, the reply sent
// back), the department that redoes it near the top; on a reply waiting
// for review the bureau gets 审核通过 and 退回重办 (reasons from the
// catalogue, at least one, and a note) and no close form until accepted.
//
// Urging notices (催办, 督办, notices.js): the notices table (level, state,
// deadline, who issued it, 抄送, the answer) for everyone who sees the
// ticket; the bureau issues one (level, reason, 抄送) on a DISPATCHED or
// IN_PROGRESS ticket; the lead signs for its open notice (签收) and
// answers it (反馈) in the table.
//
// Callbacks and appeals (回访, 申诉, callbacks.js): the attempts list, the
// rating with its dissatisfaction reasons or 回访未果, and the appeal with
// its decision for everyone who sees the ticket; the bureau records
// attempts (回访) on a REPLIED ticket and closes it with the rating (不满意
// with its reasons); the lead appeals a 不满意 rating (申诉) on the CLOSED
// ticket within the policy's working days; the bureau decides it (申诉成立
// / 申诉不成立, with a note).
//
// Catalogues (诉求分类, 派单目录; catalogue.js): the ticket's category as
// "010101 私搭乱建 (城乡建设 › 违法建设)"; the bureau's dispatch form picks
// the category (it goes with the dispatch) and shows the dispatch
// catalogue's suggestion beside the department picker (采用 fills the lead
// and assisting departments); the dispatches (每次派单: department,
// whether it followed the catalogue, whether it was returned) for all.
//
// Attachments (附件, attachments.js): the ticket's files for all who see
// it (a department not a confidential caller's until the bureau releases
// them), images as thumbnails and recordings with a player, each with
// 下载; the bureau's 解除保密 with a reason; 上传附件 with the steps the
// caller may use now; the reply, return, daily report, final answer and
// assisting opinion forms take optional files, uploaded with their step
// before the form's own call.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {STATE, TYPE, URGENCY, OUTCOME, SATISFACTION, EVENT, COLOR, FINAL_ANSWER_STATE, NOTICE_LEVEL, NOTICE_STATE, CALLBACK_CHANNEL,
  CALLBACK_RESULT, label, fmtTime, fmtDue, localDate, zhDate,
  zhWeekday, localInputValue, zonedTimeMs} from '../format.js';
import {stateBadge, deadlineBadge, cardBadges, table, departments, deptName, act, debounced, serverDetail} from '../ui.js';
import {principalLabel} from '../names.js';
import {CandidateFetcher, candidatesBox, DEFAULT_MERGE_REASON} from '../duplicates.js';
import {eventNote, cardNote, noteNodes} from '../texts.js';
import {ownDepartment, ownPart, liveParts, missingParts, partsTable, opinionsBox, partActions, assistPicker,
  PART_OPEN_STATES} from '../assists.js';
import {reviewPending, reviewBadge, reviewNote, sendBackBox, reasonsText, reasonPicker} from '../review.js';
import {noticesTable, noticeActions, issueFields, openNotice, noticeTitle, canAnswer} from '../notices.js';
import {appealBadge, ratingNote, attemptsTable, appealBox, callbackFields, dissatisfactionPicker, dissatisfactionText,
  appealPending} from '../callbacks.js';
import {categories, categoryLabel, categoryPicker, suggestionBox, dispatchRecords} from '../catalogue.js';
import {attachmentsSection, evidencePicker, mayAttach, attachmentEventText} from '../attachments.js';

function dl(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function options(table, empty) {
  return [{value: '', label: empty}, ...Object.entries(table).map(([value, l]) => ({value, label: l}))];
}

export async function render(ctx) {
  const id = ctx.params[0];
  const name = `tickets/${id}`;
  // Everything is fetched before anything is shown: a refusal shows no data.
  // The caller first: its clock and today decide which forms are open.
  await ctx.refreshCaller();
  let t = await api.get(api.v1(name));
  let {items: events} = await api.listAll(`/v1/${name}/events`, 'events');
  let cardList = (await api.get('/v1/cards', {ticket: name, pageSize: 100}).catch(() => ({}))).cards || [];
  const depts = await departments().catch(() => []);
  // The bureau names intake sources after their tokens.
  const tokens = ctx.role === 'bureau' ? (await api.listAll('/v1/tokens', 'tokens').catch(() => ({items: []}))).items : [];
  // The longest suspension (挂起) a department may ask for.
  // The working days after the close within which a department may appeal (申诉).
  const policy = ['department', 'bureau'].includes(ctx.role) ? await api.get('/v1/policy').catch(() => ({})) : {};
  const suspensionMaxDays = policy.suspensionMaxDays || 180;
  const cats = await categories().catch(() => ({categories: []}));
  if (!ctx.isCurrent()) return undefined;

  const isBureau = ctx.role === 'bureau';
  const isDept = ctx.role === 'department';
  // The caller's department; the lead (主办) is the ticket's department.
  const own = ownDepartment(ctx.caller);
  const isLead = () => isDept && t.department === own;
  // A department that sees the ticket as an assisting one, not its lead.
  const assisting = () => isDept && !isLead();
  const head = h('div', {class: 'page-head'});
  const facts = h('div', {class: 'panel', id: 'ticket-facts'});
  const attachmentsBox = h('section', {class: 'panel', id: 'ticket-attachments', hidden: true});
  const assistsBox = h('section', {class: 'panel', id: 'ticket-assists'});
  const noticesBox = h('section', {class: 'panel', id: 'ticket-notices'});
  const callbacksBox = h('section', {class: 'panel', id: 'ticket-callbacks'});
  const dispatchesBox = h('section', {class: 'panel', id: 'ticket-dispatches'});
  const actions = h('div', {class: 'actions-grid', id: 'ticket-actions'});
  const cardsBox = h('section', {class: 'panel', id: 'ticket-cards'});
  const history = h('section', {class: 'panel', id: 'ticket-history'});
  ctx.main.append(head, facts, attachmentsBox, assistsBox, noticesBox, callbacksBox, dispatchesBox, actions, cardsBox, history);
  // 附件: the list and 上传附件; an upload or a release reads the ticket again.
  const filesSection = attachmentsSection(ctx, attachmentsBox, {depts, tokens, onChange: () => refresh(true)});
  // The caller may attach to `step` of this ticket now (the forms' file pickers).
  const canAttach = (step) => mayAttach(t, ctx.caller, ctx.role, step);

  function showFacts() {
    const now = ctx.nowMs();
    const urging = openNotice(t);
    replace(head, h('h1', null, `工单 #${id}:`, t.title || ''), stateBadge(t.state), reviewBadge(t), appealBadge(t),
      t.closedUnreachable ? h('span', {class: 'badge unreachable', id: 'unreachable-badge'}, '回访未果') : null, ...cardBadges(t),
      urging ? h('span', {class: 'badge notice-open', dataset: {noticeLevel: urging.level}}, `${label(NOTICE_LEVEL, urging.level)}中`) : null);
    const confidential = t.confidential;
    replace(facts, dl([
      ['编号', h('span', {title: t.name}, `#${id}${t.sourceId ? `(平台编号 ${t.sourceId})` : ''}`)],
      ['状态', label(STATE, t.state)],
      t.lastSendBack ? ['退回重办', sendBackBox(t, depts, tokens, {lead: isLead()})] : null,
      urging ? ['催办', h('span', {id: 'open-notice'}, `${noticeTitle(urging)}${label(NOTICE_STATE, urging.state)},`
        + `反馈时限 ${fmtDue(urging.answerDueAt)}${isLead() ? '(见下方“催办、督办通知”)' : ''}`)] : null,
      ['类型 / 类别', `${label(TYPE, t.type)} / ${t.topic || '—'}`],
      ['诉求分类', h('span', {id: 'ticket-category', dataset: {code: t.category || ''}}, t.category ? categoryLabel(cats, t.category) : '未分类')],
      ['紧急程度', label(URGENCY, t.urgency || 'NORMAL')],
      ['诉求内容', h('div', {class: 'content pre'}, t.content || '')],
      ['地址', t.address || '—'],
      ['来电人', confidential && !t.callerName ? '保密' : `${t.callerName || '—'} ${t.callerPhone || ''}${confidential ? '(保密)' : ''}`],
      [(t.assists || []).length ? '承办部门(主办)' : '承办部门', t.department ? deptName(depts, t.department) : t.closedByFinalAnswer ? '—(以最终答复办结,未派单)'
        : t.mergedInto ? '—(已并单,随主工单办理)' : '—(未派/已退回)'],
      liveParts(t).length ? ['协办单位', h('span', {id: 'assist-names'}, liveParts(t).map((a) => deptName(depts, a.department)).join('、'))] : null,
      assisting() && ownPart(t, own) ? ['本单位', h('span', {id: 'own-role'}, '协办单位:签收后向主办单位反馈协办意见;回复、退单、一日一报由主办单位办理。')] : null,
      t.createdBy ? ['受理', principalLabel(t.createdBy, depts, tokens)] : null,
      ['受理时间', fmtTime(t.receivedAt)],
      ['派单 / 签收', `${fmtTime(t.dispatchedAt)} / ${fmtTime(t.acknowledgedAt)}`],
      t.state === 'DISPATCHED' ? ['签收时限', deadlineBadge(t.ackDueAt, now)] : null,
      ['办理时限', t.replyDueAt ? (['DISPATCHED', 'IN_PROGRESS'].includes(t.state) ? deadlineBadge(t.replyDueAt, now)
        : t.state === 'SUSPENDED' ? `${fmtDue(t.replyDueAt)}(挂起中,时限暂停;恢复办理后按剩余工作时间顺延)` : fmtDue(t.replyDueAt)) : '—'],
      t.returnDueAt && ['DISPATCHED', 'IN_PROGRESS'].includes(t.state) && !assisting() ? ['退单时限', fmtDue(t.returnDueAt)] : null,
      t.warningAt && t.state !== 'SUSPENDED' ? ['预警时间', fmtTime(t.warningAt)] : null,
      t.state === 'IN_PROGRESS' && !assisting() ? ['一日一报', `最近一次:${t.lastReportDate || '无'};缺报 ${t.dailyReportMisses || 0} 天`] : null,
      t.pendingExtension ? ['延期申请', `${t.pendingExtension.workingDays} 个工作日:${t.pendingExtension.reason || ''}(${fmtTime(t.pendingExtension.requestTime)})`] : null,
      t.extensionCount ? ['已批延期', `${t.extensionCount} 次`] : null,
      t.pendingReturn ? ['退单待审核', h('div', {class: 'return-note', id: 'pending-return'},
        `${deptName(depts, t.pendingReturn.department)}于 ${fmtTime(t.pendingReturn.returnTime)} 退单:${t.pendingReturn.reason || '(未说明理由)'}`,
        h('div', {class: 'muted'}, `退单前:${label(STATE, t.pendingReturn.state)},办理时限 ${fmtDue(t.pendingReturn.replyDueAt)};`
          + '驳回退单则退回该部门,按原时限继续计算。'))] : null,
      t.pendingSuspension ? ['挂起申请', h('div', {class: 'suspension-note', id: 'pending-suspension'},
        `申请挂起至 ${fmtTime(t.pendingSuspension.expectedEnd)}:${t.pendingSuspension.reason || ''}`,
        h('div', {class: 'muted'}, `${fmtTime(t.pendingSuspension.requestTime)} 提出,待局端审批;获批前时限照常计算。`))] : null,
      t.suspension ? ['挂起', h('div', {class: 'suspension-note', id: 'suspension'},
        `自 ${fmtTime(t.suspension.startTime)} 起挂起,预计 ${fmtTime(t.suspension.expectedEnd)} 恢复办理:${t.suspension.reason || ''}`,
        h('div', {class: 'muted'}, '挂起期间不计时限、不亮牌、无需一日一报;到预计结束时间自动恢复。'))] : null,
      t.refusedReturnCount ? ['退单被驳回', `${t.refusedReturnCount} 次`] : null,
      t.suspensionCount && !t.suspension ? ['曾挂起', `${t.suspensionCount} 次`] : null,
      t.closedByFinalAnswer ? ['以最终答复办结', closedByNote(t.closedByFinalAnswer)] : null,
      t.duplicateOfSourceId ? ['平台标记重复', `平台标记本工单重复平台编号 ${t.duplicateOfSourceId} 的工单(是否并单由局端决定)`] : null,
      t.mergedInto ? ['并单', mergeNote()] : null,
      (t.merged || []).length ? ['并入的重复件', mergedList()] : null,
      (t.links || []).length ? ['关联工单', linkList()] : null,
      t.finalAnswer ? ['最终答复', finalAnswerBox(t.finalAnswer)] : null,
      // Closed by a final answer: the reply is that answer's text, no outcome.
      t.replyText ? ['答复', h('div', {class: 'pre'}, t.closedByFinalAnswer ? t.replyText : `${label(OUTCOME, t.outcome)}:${t.replyText}`)] : null,
      t.replyText && opinionsBox(t, depts) ? ['答复所依据的协办意见', opinionsBox(t, depts)] : null,
      t.repliedAt ? ['回复时间', fmtTime(t.repliedAt)] : null,
      t.state === 'REPLIED' && reviewNote(t, depts, tokens) ? ['办结审核', reviewNote(t, depts, tokens)] : null,
      t.satisfaction || t.closedUnreachable ? ['回访评价', ratingNote(t)] : null,
      t.ratingAppeal && t.ratingAppeal.state ? ['差评申诉', appealBox(t, depts, tokens)] : null,
      t.closedAt ? ['办结时间', fmtTime(t.closedAt)] : null,
      ['派单 / 退单 / 重办', `${t.dispatchCount || 0} / ${t.returnCount || 0} / ${t.reopenCount || 0}`],
    ]));
  }

  // 每次派单: the dispatches with the catalogue's suggestion at the time.
  function showDispatches() {
    if (!(t.dispatches || []).length) { replace(dispatchesBox); dispatchesBox.hidden = true; return; }
    dispatchesBox.hidden = false;
    replace(dispatchesBox, h('h2', null, '每次派单'), dispatchRecords(t, depts));
  }

  // The assisting parts (协办); the bureau ends a live one here (撤销).
  function showAssists() {
    if (!(t.assists || []).length) { replace(assistsBox); assistsBox.hidden = true; return; }
    assistsBox.hidden = false;
    // A reason being typed survives the live redraw, focus included.
    const typed = new Map([...assistsBox.querySelectorAll('form[data-department] input')].map((x) => [x.form.dataset.department, x.value]));
    const focused = assistsBox.contains(document.activeElement) ? document.activeElement.closest('form[data-department]') : null;
    const focusDept = focused ? focused.dataset.department : '';
    replace(assistsBox, h('h2', null, '协办单位'),
      partsTable(t, depts, ctx.nowMs(), {removeForm: isBureau && t.state !== 'CLOSED' ? removeAssistForm : null}));
    for (const x of assistsBox.querySelectorAll('form[data-department] input')) {
      if (typed.get(x.form.dataset.department)) x.value = typed.get(x.form.dataset.department);
      if (x.form.dataset.department === focusDept) x.focus();
    }
  }

  function removeAssistForm(a) {
    const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'removeReason', size: 12});
    const b = h('button', {type: 'submit', class: 'danger', 'aria-label': `撤销协办单位 ${deptName(depts, a.department)}`}, '撤销');
    const f = h('form', {class: 'inline-form', dataset: {action: 'removeAssist', department: a.department}}, field('撤销理由', reason), b);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const done = await act(ctx, b, () => api.post(`/v1/${name}:removeAssist`, {department: a.department, reason: reason.value,
        etag: t.etag, requestId: api.requestId()}), `已撤销协办单位 ${deptName(depts, a.department)}。`);
      if (done) { t = done; await refresh(true); }
    });
    return f;
  }

  // The notices (催办, 督办); the lead signs for and answers its open one
  // here. What it is typing survives the live redraw.
  function showNotices() {
    if (!(t.notices || []).length) { replace(noticesBox); noticesBox.hidden = true; return; }
    noticesBox.hidden = false;
    const typed = new Map([...noticesBox.querySelectorAll('form[data-notice] textarea')].map((x) => [x.form.dataset.notice, x.value]));
    const focused = noticesBox.contains(document.activeElement) ? document.activeElement.closest('form[data-notice]') : null;
    const focusNotice = focused ? focused.dataset.notice : '';
    const open = ['DISPATCHED', 'IN_PROGRESS'].includes(t.state);
    const steps = isLead() && open ? (n) => noticeActions(ctx, n, {etag: t.etag, onDone: async (done) => {
      if (done.name === name) t = done;
      await refresh(true);
    }}) : null;
    const shown = (t.notices || []).slice().reverse(); // the newest first
    replace(noticesBox, h('h2', null, '催办、督办通知'),
      noticesTable(shown, depts, ctx.nowMs(), {tokens, actions: steps && shown.some((n) => n.state === 'ISSUED' || canAnswer(n)) ? steps : null,
        caption: `共 ${t.notices.length} 件`}));
    for (const x of noticesBox.querySelectorAll('form[data-notice] textarea')) {
      if (typed.get(x.form.dataset.notice)) x.value = typed.get(x.form.dataset.notice);
      if (x.form.dataset.notice === focusNotice) x.focus();
    }
  }

  // The callback's attempts (回访记录), for everyone who sees the ticket.
  function showCallbacks() {
    const list = attemptsTable(t, depts, tokens);
    callbacksBox.hidden = !list;
    if (!list) { replace(callbacksBox); return; }
    replace(callbacksBox, h('h2', null, '回访记录'), list);
  }

  // The final answer (最终答复) given on this ticket, as it stands.
  function finalAnswerBox(fa) {
    const state = fa.state || 'PENDING';
    return h('div', {class: 'final-answer-note', id: 'final-answer', dataset: {state}},
      h('div', null, h('span', {class: `badge final-${state.toLowerCase()}`}, label(FINAL_ANSWER_STATE, state)),
        ` ${deptName(depts, fa.department)}于 ${fmtTime(fa.submitTime)} 提交`),
      h('div', {class: 'pre final-answer-text'}, fa.answer || ''),
      h('div', {class: 'pre'}, `依据:${fa.basis || ''}`),
      state === 'PENDING' ? h('div', {class: 'muted'}, '待局端审批。') : null,
      state === 'APPROVED' ? h('div', {class: 'muted'}, `${principalLabel(fa.decidedBy, depts, tokens)}于 ${fmtTime(fa.decideTime)} 批准。`
        + `同一来电人就同一事项再次来电的工单,局端可据此办结,无需再派单`
        + `${isBureau ? `(派单页“以最终答复办结”,填写工单编号 ${id})` : ''}。`) : null,
      state === 'REJECTED' ? h('div', {class: 'muted'}, `${principalLabel(fa.decidedBy, depts, tokens)}于 ${fmtTime(fa.decideTime)} 驳回:`
        + `${fa.rejectReason || ''}(部门可重新提交)`) : null);
  }

  const ref = (other) => h('a', {href: `#/tickets/${api.idOf(other)}`}, `工单 #${api.idOf(other)}`);

  // A merged ticket: its main, how it was merged, what follows.
  function mergeNote() {
    const m = t.merge || {};
    const follows = {MERGED: '主工单回复后本工单随之回复(同一答复),办结、重办亦同步。',
      REPLIED: '主工单已回复,本工单随之回复;主工单办结、重办时同步。', CLOSED: '主工单已办结,本工单随之办结。'}[t.state] || '';
    return h('div', {class: 'merge-note', id: 'merged-into'},
      h('div', null, '已并入 ', ref(t.mergedInto), `,随主工单办理。${follows}`),
      h('div', {class: 'muted'}, `${fmtTime(m.mergeTime)} `, principalLabel(m.mergedBy, depts, tokens), ` 并单:${m.reason || ''}`),
      m.department ? h('div', {class: 'muted'}, `并单前承办部门:${deptName(depts, m.department)};取消并单后退回该部门,时限从取消时重新计算。`)
        : h('div', {class: 'muted'}, '并单前未派单;取消并单后回到待派单。'));
  }

  // A main ticket: the tickets merged into it and their callers (a
  // confidential caller is hidden from a department by the server). A
  // department does not see a merged ticket itself: its number, no link.
  function mergedList() {
    return h('ul', {class: 'merged-list', id: 'merged-list'}, t.merged.map((m) => h('li', {dataset: {ticket: m.ticket}},
      isBureau ? ref(m.ticket) : `工单 #${api.idOf(m.ticket)}`, m.sourceId ? `(平台编号 ${m.sourceId})` : '', ':来电人 ',
      m.confidential && !m.callerName && !m.callerPhone ? '保密'
        : `${m.callerName || '—'} ${m.callerPhone || ''}${m.confidential ? '(保密)' : ''}`,
      h('span', {class: 'muted'}, `,${fmtTime(m.mergeTime)} 并入`))));
  }

  // Links (关联), shown on both tickets; the bureau removes one here.
  function linkList() {
    return h('ul', {class: 'link-list', id: 'link-list'}, t.links.map((l) => {
      const remove = isBureau ? h('button', {type: 'button', class: 'secondary', dataset: {action: 'unlink'},
        'aria-label': `取消关联(工单 #${api.idOf(l.ticket)})`}, '取消关联') : null;
      if (remove) {
        remove.addEventListener('click', async () => {
          const done = await act(ctx, remove, () => api.post(`/v1/${name}:unlink`, {otherTicket: l.ticket, etag: t.etag,
            requestId: api.requestId()}), `已取消与工单 #${api.idOf(l.ticket)} 的关联。`);
          if (done) { t = done; await refresh(true); }
        });
      }
      return h('li', {dataset: {ticket: l.ticket}}, ref(l.ticket), `:${l.reason || ''}`,
        h('span', {class: 'muted'}, `(`, principalLabel(l.linkedBy, depts, tokens), ` ${fmtTime(l.linkTime)})`), remove);
    }));
  }

  // Which ticket's approved final answer closed this one.
  function closedByNote(other) {
    return h('div', {class: 'final-answer-note', id: 'closed-by-final-answer'}, '引用',
      h('a', {href: `#/tickets/${api.idOf(other)}`}, `工单 #${api.idOf(other)}`),
      '经局端批准的最终答复办结,未派单;此类工单不能重办。');
  }

  // The ticket's own steps are numbered 1, 2, 3...; the feed's global seq
  // (which skips the numbers of other tickets' events) is only a detail.
  function showHistory() {
    replace(history, h('h2', null, '办理过程'), table(['步骤', '时间', '动作', '操作者', '状态', '部门', '说明'],
      events.map((e, i) => h('tr', {dataset: {type: e.type, seq: e.seq}},
        h('td', {class: 'step', title: `事件序号 ${e.seq}`}, String(i + 1)), h('td', null, fmtTime(e.time)), h('td', null, label(EVENT, e.type)),
        h('td', null, principalLabel(e.actor, depts, tokens)),
        h('td', null, e.stateBefore && e.stateAfter && e.stateBefore !== e.stateAfter
          ? `${label(STATE, e.stateBefore)} → ${label(STATE, e.stateAfter)}` : label(STATE, e.stateAfter)),
        h('td', null, [e.previousDepartment ? `${deptName(depts, e.previousDepartment)} → ` : '', e.department ? deptName(depts, e.department) : '',
          e.assistDepartment ? `${e.department ? ';' : ''}协办:${deptName(depts, e.assistDepartment)}` : '',
          e.type === 'DISPATCHED' && (e.assistingDepartments || []).length
            ? `(协办:${e.assistingDepartments.map((d) => deptName(depts, d)).join('、')})` : ''].join('')),
        historyNote(e)))));
  }

  // The other ticket an event names (并单, 关联, a step that followed the main).
  const RELATED = {MERGED: '并入', UNMERGED: '取消并入', DUPLICATE_MERGED: '重复件', DUPLICATE_UNMERGED: '移出重复件',
    LINKED: '关联', UNLINKED: '取消关联'};
  function historyNote(e) {
    const cell = historyCell(e);
    if (!e.relatedTicket) return cell;
    cell.prepend(h('span', {class: 'related'}, `${RELATED[e.type] || '随主工单'} `, ref(e.relatedTicket), e.reason || cell.textContent ? ':' : ''));
    return cell;
  }

  function historyCell(e) {
    const note = eventNote(e);
    if (e.type === 'FINAL_ANSWER_SUBMITTED') {
      // The answer and its basis (依据, stored as the event's reason).
      return h('td', {class: 'pre note'}, `最终答复:${e.replyText || ''}\n依据:${e.reason || ''}`);
    }
    if (e.type === 'CLOSED_BY_FINAL_ANSWER' && e.finalAnswerTicket) {
      return h('td', {class: 'pre note'}, '引用', h('a', {href: `#/tickets/${api.idOf(e.finalAnswerTicket)}`}, `工单 #${api.idOf(e.finalAnswerTicket)}`),
        `的最终答复办结${e.reason ? `:${e.reason}` : ''}`);
    }
    if (e.type.startsWith('NOTICE_') && e.notice) {
      // Which notice, then its reason (issued), answer or what fell due.
      const title = `${label(NOTICE_LEVEL, e.noticeLevel)}通知(第 ${api.idOf(e.notice)} 号)`;
      if (e.type === 'NOTICE_ANSWERED') return h('td', {class: 'pre note'}, `${title}反馈:${e.replyText || ''}`);
      return h('td', {class: 'pre note'}, `${title}${note.text ? `:${note.text}` : ''}`, note.stored ? noteNodes(note)[1] : null);
    }
    if (e.type === 'ASSIST_OPINION') return h('td', {class: 'pre note'}, `协办意见:${e.replyText || ''}`);
    if (e.type === 'ATTACHMENT_ADDED' || e.type === 'ATTACHMENT_RELEASED') return h('td', {class: 'pre note'}, attachmentEventText(e));
    if (e.callbackResult) {
      // An attempt (回访记录), or the last one closing the ticket as unreachable.
      // The closing one's reason is the server's words, then the note:
      // "the caller was not reached in 3 callback attempts: closed as
      // unreachable (回访未果); 无人接听".
      const stored = e.reason || '';
      const closing = /^the caller was not reached in (\d+) callback attempts: [^;]*(?:; ([\s\S]*))?$/.exec(stored);
      const typed = closing ? closing[2] || '' : stored;
      const text = `回访(${label(CALLBACK_CHANNEL, e.callbackChannel)}):${label(CALLBACK_RESULT, e.callbackResult)}`
        + `${typed ? `,${typed}` : ''}${e.type === 'CLOSED' ? `。${closing ? `${closing[1]} 次回访均未联系上,` : ''}回访未果,未评价,办结` : ''}`;
      return h('td', {class: 'pre note'}, ...noteNodes({text, stored: e.type === 'CLOSED' ? stored : ''}));
    }
    if (e.type === 'RATING_APPEALED') return h('td', {class: 'pre note'}, `申诉理由:${e.reason || ''}`);
    if (e.type === 'APPEAL_UPHELD' || e.type === 'APPEAL_REJECTED') {
      return h('td', {class: 'pre note'}, `${e.type === 'APPEAL_UPHELD' ? '不合理差评,不计入满意率' : '合理差评,差评有效'}`
        + `${e.reason ? `:${e.reason}` : ''}`);
    }
    if (e.type === 'REPLY_SENT_BACK') {
      // The reasons, the note (stored as the event's reason), the reply sent back.
      return h('td', {class: 'pre note'}, `退回理由:${reasonsText(e.sendBackReasons)}${e.reason ? `\n说明:${e.reason}` : ''}`,
        e.replyText ? h('details', null, h('summary', null, '被退回的答复'), `${e.outcome ? `${label(OUTCOME, e.outcome)}:` : ''}${e.replyText}`) : null);
    }
    const rest = [e.replyText ? `${label(OUTCOME, e.outcome)}:${e.replyText}` : '',
      e.satisfaction ? label(SATISFACTION, e.satisfaction) : '',
      (e.dissatisfactionReasons || []).length ? `(不满意原因:${dissatisfactionText(e.dissatisfactionReasons)})` : '',
      e.card ? `${note.text.includes(label(COLOR, e.cardColor)) ? '' : label(COLOR, e.cardColor)}(${api.idOf(e.card)} 号牌)` : '',
      e.extensionWorkingDays ? `${e.extensionWorkingDays} 个工作日` : '',
      e.suspensionEnd ? `预计至 ${fmtTime(e.suspensionEnd)}` : '',
      e.type === 'DAILY_REPORT' && e.reportDate ? `(${e.reportDate})` : '',
      // A dispatch and the dispatch catalogue's suggestion at the time.
      e.dispatch && e.dispatch.suggestion && e.dispatch.suggestion.rule
        ? (e.dispatch.followed ? '(按派单目录建议)' : `(派单目录建议${deptName(depts, e.dispatch.suggestion.rule.department)},未采用)`) : ''].filter(Boolean).join(' ');
    return h('td', {class: 'pre note'}, ...noteNodes({text: [note.text, rest].filter(Boolean).join(' '), stored: note.stored}));
  }

  function showCards() {
    replace(cardsBox, h('h2', null, '黄红牌'), table(['牌', '部门', '时间', '原因', '状态', ''], cardList.map((c) => {
      const revoke = isBureau && !c.revokeTime ? revokeForm(c) : null;
      return h('tr', null, h('td', null, h('span', {class: `badge card-${(c.color || '').toLowerCase()}`}, label(COLOR, c.color))),
        h('td', null, deptName(depts, c.department)), h('td', null, fmtTime(c.issueTime)), h('td', {class: 'note'}, ...noteNodes(cardNote(c))),
        h('td', null, c.revokeTime ? `已撤销:${c.revokeReason || ''}` : '有效'), h('td', null, revoke));
    })));
  }

  function revokeForm(c) {
    const reason = h('input', {type: 'text', required: true, maxlength: 2000});
    const b = h('button', {type: 'submit'}, '撤销');
    const f = h('form', {class: 'inline-form'}, field('撤销原因', reason), b);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (await act(ctx, b, () => api.post(`/v1/${c.name}:revoke`, {reason: reason.value, requestId: api.requestId()}), '已撤销。')) reload();
    });
    return f;
  }

  // A small form for one action; `build` returns [fields, body()].
  // `check()`: a refusal the page gives itself (the request is not sent), or ''.
  // `evidence`: a file picker (evidencePicker) whose files are uploaded
  // before the action, which then carries the etag after them.
  function actionForm(title, buttonText, fields, body, {cls = '', path, ok, check, evidence = null} = {}) {
    const b = h('button', {type: 'submit', class: cls || 'primary'}, buttonText);
    const f = h('form', {class: 'panel action', dataset: {action: path}}, h('h2', null, title), ...fields,
      evidence ? evidence.el : null, h('div', {class: 'actions'}, b));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const refused = check ? check() : '';
      if (refused) { ctx.flash(refused, 'error'); return; }
      const done = await act(ctx, b, async () => {
        const etag = evidence ? await evidence.upload(t) : t.etag;
        return api.post(`/v1/${name}:${path}`, {...body(), etag, requestId: api.requestId()});
      }, ok);
      if (done) {
        if (path === 'return') { ctx.go('#/desk'); return; } // no longer ours to see
        if (done.name === name) t = done;
        f.reset();
        await refresh(true);
      }
    });
    return f;
  }

  function showActions() {
    const forms = [];
    const st = t.state;
    // A merged ticket follows its main: only unmerging is its own step.
    if (t.mergedInto) {
      if (isBureau && st !== 'CLOSED') forms.push(unmergeForm());
      forms.push(h('section', {class: 'panel action', id: 'merged-actions'}, h('h2', null, '随主工单办理'),
        h('p', null, '本工单已并单,回复、办结、重办、亮牌等均在主工单上进行:', ref(t.mergedInto),
          st === 'CLOSED' ? '。主工单已办结,本工单随之办结,不能再取消并单。' : '。')));
      replace(actions, ...forms);
      return;
    }
    if (isBureau) {
      if (['RECEIVED', 'RETURNED', 'DISPATCHED', 'IN_PROGRESS'].includes(st)) {
        const dept = select([{value: '', label: '— 选择部门 —'}, ...depts.filter((d) => d.name !== t.department)
          .map((d) => ({value: d.name, label: d.displayName || d.name}))], {required: true, name: 'department'});
        const note = h('input', {type: 'text', maxlength: 2000, name: 'note'});
        const review = st === 'RETURNED' ? t.pendingReturn : null;
        if (review) {
          // Back to the department that returned it is the refusal below.
          for (const o of [...dept.options]) if (o.value === review.department) o.remove();
        }
        const title = review ? '改派(同意退单)' : st === 'RECEIVED' || st === 'RETURNED' ? '派单' : '改派';
        // 协办: any department but the lead chosen; those assisting already stay.
        const picker = assistPicker(depts, dept, {exclude: liveParts(t).map((a) => a.department)});
        // 诉求分类 at dispatch, and the dispatch catalogue's suggestion for it.
        const category = categoryPicker(cats, {value: t.category || ''});
        const suggest = suggestionBox(ctx, depts, dept, picker.el);
        category.addEventListener('change', () => suggest.update(t, category.value));
        suggest.update(t, category.value);
        forms.push(actionForm(title, review ? '改派' : title,
          [field('诉求分类', category), field('承办部门(主办)', dept), suggest.el, picker.el, field('派单说明(可选)', note)],
          () => ({department: dept.value, note: note.value, assistingDepartments: picker.values(),
            category: category.value || undefined}),
          {path: 'dispatch', ok: '已派单。'}));
        if (review) {
          const reason = h('textarea', {required: true, maxlength: 2000, rows: 2, name: 'reason'});
          forms.push(actionForm('驳回退单', '驳回退单', [field(`驳回理由(退回${deptName(depts, review.department)})`, reason),
            h('p', {class: 'hint'}, '工单退回原部门,按首次派单的时限继续计算,计为该部门不当退单。')],
          () => ({reason: reason.value}), {path: 'refuseReturn', cls: 'danger', ok: '已驳回退单,工单已退回原部门。'}));
        }
      }
      if (reviewPending(t)) {
        // 办结审核: accept, or send back with reasons; the close waits.
        forms.push(actionForm('办结审核:审核通过', '审核通过', [h('p', {class: 'hint'},
          '答复符合要求的审核通过,之后回访、办结。')], () => ({}), {path: 'acceptReply', ok: '已审核通过,可回访后办结。'}));
        const picker = reasonPicker();
        const note = h('textarea', {rows: 2, maxlength: 2000, name: 'sendBackNote'});
        forms.push(actionForm('退回重办', '退回重办', [picker.el, field('说明(要求部门怎样改进,可选)', note),
          h('p', {class: 'hint'}, '退回后工单回到原承办部门办理中,答复清空,按新的办理时限重新回复,重新回复后再审核。')],
        () => ({reasons: picker.values(), note: note.value}), {path: 'sendBackReply', cls: 'danger', ok: '已退回重办,工单回到原承办部门。',
          check: () => {
            if (picker.values().length) return '';
            picker.first.focus();
            return '请至少选择一项退回理由(答复不规范、诉求未解决、未联系诉求人、佐证不足或其他)。';
          }}));
        forms.push(h('section', {class: 'panel action', id: 'close-waits-review'}, h('h2', null, '办结(回访后)'),
          h('p', null, '答复尚待办结审核:审核通过后才能回访、办结。')));
      } else if (st === 'REPLIED') {
        // 回访: each attempt recorded; the last one allowed that does not
        // reach the caller closes the ticket (回访未果).
        const call = callbackFields();
        const tries = (t.callbackAttempts || []).length;
        const most = policy.callbackMaxAttempts || 3;
        const reached = (t.callbackAttempts || []).some((a) => a.result === 'REACHED');
        forms.push(actionForm('回访', '记录回访', [...call.fields, h('p', {class: 'hint', id: 'callback-hint'},
          `已回访 ${tries} 次${reached ? ',已联系上来电人,请在下方办结并评价' : ''};第 ${most} 次仍未联系上(无法联系或拒绝回访)的,`
          + '工单以“回访未果”办结,不评价。')], call.body,
        {path: 'recordCallback', cls: reached ? 'secondary' : '', ok: '已记录回访。'}));
        const sat = select(options(SATISFACTION, '— 回访评价 —'), {required: true, name: 'satisfaction'});
        const why = dissatisfactionPicker(sat);
        forms.push(actionForm('办结(回访后)', '办结', [field('回访评价', sat), why.el],
          () => ({satisfaction: sat.value, dissatisfactionReasons: why.values()}), {path: 'close', ok: '已办结。'}));
      }
      if (appealPending(t)) {
        // 申诉: the department's appeal of the 不满意 rating waits for a decision.
        const a = t.ratingAppeal;
        const upNote = h('textarea', {rows: 2, maxlength: 2000, name: 'upholdNote'});
        const up = actionForm('申诉成立(不合理差评)', '申诉成立', [h('p', {class: 'hint'},
          `${deptName(depts, a.department)}申诉:${a.grounds || ''}。成立则该差评不计入满意率,工单仍为已办结。`),
        field('裁定说明(可选)', upNote)], () => ({uphold: true, note: upNote.value}),
        {path: 'decideAppeal', ok: '已裁定:申诉成立,不合理差评。'});
        up.dataset.uphold = 'true';
        const downNote = h('textarea', {rows: 2, maxlength: 2000, name: 'rejectNote'});
        const down = actionForm('申诉不成立(合理差评)', '申诉不成立', [h('p', {class: 'hint'},
          `差评有效,计入满意率${policy.reopenOnReasonableDissatisfaction ? ';工单同时重办,回到原承办部门' : ''}。`),
        field('裁定说明(可选)', downNote)], () => ({uphold: false, note: downNote.value}),
        {path: 'decideAppeal', cls: 'danger', ok: '已裁定:申诉不成立,合理差评。'});
        down.dataset.uphold = 'false';
        forms.push(up, down);
      }
      if ((st === 'REPLIED' || st === 'CLOSED') && !t.closedByFinalAnswer) {
        const reason = h('textarea', {required: true, maxlength: 2000, rows: 2, name: 'reason'});
        forms.push(actionForm('重办', '重办', [field('重办原因', reason)], () => ({reason: reason.value}), {path: 'reopen', cls: 'danger', ok: '已重办。'}));
      }
      if (t.closedByFinalAnswer) {
        forms.push(h('section', {class: 'panel action', id: 'reopen-closed'}, h('h2', null, '重办'),
          h('p', null, '本工单以最终答复办结,未曾派单,没有承办部门可以重办。如来电人提出新的诉求,请由平台转派新工单。')));
      }
      if ((t.finalAnswer || {}).state === 'PENDING') {
        forms.push(actionForm('最终答复待审批', '批准最终答复', [h('p', {class: 'hint'},
          '批准后,同一来电人就同一事项再次来电的工单可在派单页以此答复办结,无需再派单;工单本身的状态不变。')], () => ({}),
        {path: 'approveFinalAnswer', ok: '已批准最终答复。'}));
        const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'reason'});
        forms.push(actionForm('驳回最终答复', '驳回', [field('驳回原因', reason)], () => ({reason: reason.value}),
          {path: 'rejectFinalAnswer', cls: 'danger', ok: '已驳回最终答复,部门可重新提交。'}));
      }
      if (t.pendingExtension) {
        const reason = h('input', {type: 'text', maxlength: 2000, name: 'reason'});
        const f = actionForm(`延期申请:${t.pendingExtension.workingDays} 个工作日`, '批准', [
          h('p', null, t.pendingExtension.reason || '')], () => ({}), {path: 'approveExtension', ok: '已批准延期。'});
        forms.push(f);
        forms.push(actionForm('驳回延期', '驳回', [field('驳回原因', reason)], () => ({reason: reason.value}), {path: 'rejectExtension', cls: 'danger', ok: '已驳回延期。'}));
      }
      if (t.pendingSuspension) {
        const x = t.pendingSuspension;
        forms.push(actionForm(`挂起申请:至 ${fmtTime(x.expectedEnd)}`, '批准挂起', [h('p', null, x.reason || '')], () => ({}),
          {path: 'approveSuspension', ok: '已批准挂起,时限暂停。'}));
        const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'reason'});
        forms.push(actionForm('驳回挂起', '驳回', [field('驳回原因', reason)], () => ({reason: reason.value}),
          {path: 'rejectSuspension', cls: 'danger', ok: '已驳回挂起申请。'}));
      }
      if (st === 'SUSPENDED') forms.push(resumeForm());
      if (t.department) {
        const color = select([{value: 'YELLOW', label: '黄牌'}, {value: 'RED', label: '红牌'}], {name: 'color'});
        const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'reason'});
        const b = h('button', {type: 'submit', class: 'danger'}, '亮牌');
        const f = h('form', {class: 'panel action', dataset: {action: 'issueCard'}}, h('h2', null, '人工亮牌'), field('颜色', color), field('原因', reason), h('div', {class: 'actions'}, b));
        f.addEventListener('submit', async (e) => {
          e.preventDefault();
          if (await act(ctx, b, () => api.post('/v1/cards', {ticket: name, color: color.value, reason: reason.value, requestId: api.requestId()}), '已亮牌。')) {
            f.reset();
            refresh(true);
          }
        });
        forms.push(f);
      }
      if (st === 'DISPATCHED' || st === 'IN_PROGRESS') forms.push(addAssistForm());
      if ((st === 'DISPATCHED' || st === 'IN_PROGRESS') && t.department) {
        const issue = issueFields(t);
        forms.push(actionForm('催办、督办', '发出通知', issue.fields, issue.body,
          {path: 'issueNotice', cls: 'secondary', ok: '已发出通知,承办部门签收后反馈。'}));
      }
      // 并单 and 关联 after the steps of the ticket's own state.
      if (['RECEIVED', 'RETURNED', 'DISPATCHED', 'IN_PROGRESS'].includes(st)) forms.push(mergeForm());
      forms.push(linkForm());
    }
    if (isDept && !isLead()) {
      // An assisting department (协办): its part's steps only.
      const part = ownPart(t, own);
      const evidence = canAttach('ASSIST_OPINION') ? evidencePicker('ASSIST_OPINION') : null;
      const steps = partActions(ctx, t, part, {evidence, onDone: async (done) => {
        if (done.name === name) t = done;
        // A returned part: the ticket is no longer this department's to see.
        if (!ownPart(t, own)) { ctx.go('#/desk'); return; }
        await refresh(true);
      }});
      forms.push(...steps);
      if (part && !steps.length) {
        forms.push(h('section', {class: 'panel action', id: 'assist-done'}, h('h2', null, '协办任务'),
          h('p', null, part.state === 'OPINION_GIVEN' ? `本单位已于 ${fmtTime(part.opinionTime)} 反馈协办意见。`
            : PART_OPEN_STATES.has(st) ? '' : '主办单位已回复,协办任务已结束。')));
      }
    }
    if (isDept && isLead()) {
      if (st === 'DISPATCHED') {
        forms.push(actionForm('签收', '签收', [h('p', {class: 'hint'}, `签收时限 ${fmtDue(t.ackDueAt)}`)], () => ({}), {path: 'acknowledge', ok: '已签收。'}));
      }
      if (st === 'IN_PROGRESS') {
        const outcome = select(options(OUTCOME, '— 办理结果 —'), {required: true, name: 'outcome'});
        const text = h('textarea', {required: true, rows: 4, name: 'replyText', maxlength: 20000});
        forms.push(actionForm('回复', '提交回复', [field('办理结果', outcome), ...replyAssistFields(), field('答复内容', text)],
          () => ({outcome: outcome.value, replyText: text.value, missingOpinionsReason: missingReason ? missingReason.value : ''}),
          {path: 'reply', ok: '已回复。', evidence: canAttach('REPLY') ? evidencePicker('REPLY') : null, check: () => {
            if (!missingReason || missingReason.value.trim()) return '';
            missingReason.focus();
            return `尚未收齐协办意见(${missingParts(t).map((a) => deptName(depts, a.department)).join('、')}未反馈):`
              + '请等协办单位反馈意见后再回复,或填写“未收齐意见说明”后回复。';
          }}));
        const days = h('input', {type: 'number', min: 1, max: 10, value: 3, required: true, name: 'workingDays'});
        const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'reason'});
        if (!t.pendingExtension) {
          forms.push(actionForm('申请延期', '提交申请', [field('延长工作日', days), field('理由', reason)],
            () => ({workingDays: Number(days.value), reason: reason.value}), {path: 'requestExtension', cls: 'secondary', ok: '已提交延期申请。'}));
        }
        if (!t.pendingSuspension) forms.push(suspensionForm());
        // The working day whose report the ticket owes next: not today
        // means today is a day off (the calendar), and nothing is owed.
        const owedDay = t.dailyReportDueAt ? localDate(Date.parse(t.dailyReportDueAt) - 1) : ctx.caller.today;
        if (owedDay !== ctx.caller.today) {
          forms.push(h('section', {class: 'panel action', id: 'daily-day-off'}, h('h2', null, '一日一报'),
            h('p', null, `今天(${zhDate(ctx.caller.today)} ${zhWeekday(ctx.caller.today)})不是工作日,无需一日一报;`
              + `下次应报:${zhDate(owedDay)} ${zhWeekday(owedDay)}。`)));
        }
        const progress = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'progress'});
        const b = h('button', {type: 'submit', class: 'secondary'}, '提交今日进展');
        const reportFiles = canAttach('DAILY_REPORT') ? evidencePicker('DAILY_REPORT') : null;
        const f = h('form', {class: 'panel action', dataset: {action: 'dailyReport'}}, h('h2', null, `一日一报(${ctx.caller.today})`),
          field('今日进展', progress), reportFiles ? reportFiles.el : null, h('div', {class: 'actions'}, b));
        f.addEventListener('submit', async (e) => {
          e.preventDefault();
          const c = await ctx.refreshCaller();
          if (await act(ctx, b, async () => {
            if (reportFiles) await reportFiles.upload(t, {conditional: false});
            return api.post('/v1/dailyReports', {date: c.today, entries: [{ticket: name, progress: progress.value}], requestId: api.requestId()});
          }, '已提交一日一报。')) {
            f.reset();
            refresh(true);
          }
        });
        if (owedDay === ctx.caller.today) forms.push(f);
      }
      if (st === 'SUSPENDED') forms.push(resumeForm());
      if (st === 'CLOSED' && t.satisfaction === 'DISSATISFIED' && !(t.ratingAppeal || {}).state) {
        // 申诉: within the policy's working days of the close (the server
        // says APPEAL_TOO_LATE after, with the deadline).
        const grounds = h('textarea', {required: true, rows: 3, maxlength: 2000, name: 'grounds'});
        const days = policy.appealWorkingDays || 3;
        forms.push(actionForm('差评申诉', '提交申诉', [h('p', {class: 'hint', id: 'appeal-hint'},
          `来电人对本单位的答复评价为不满意${(t.dissatisfactionReasons || []).length ? `(${dissatisfactionText(t.dissatisfactionReasons)})` : ''}。`
          + `认为差评不合理的,可在办结(${fmtTime(t.closedAt)})后 ${days} 个工作日内申诉一次,由局端裁定。`),
        field('申诉理由', grounds)], () => ({grounds: grounds.value}), {path: 'appealRating', ok: '已提交申诉,待局端裁定。'}));
      }
      // 最终答复: once per demand, again after a rejection.
      if ((st === 'IN_PROGRESS' || st === 'REPLIED') && !['PENDING', 'APPROVED'].includes((t.finalAnswer || {}).state)) {
        forms.push(finalAnswerForm());
      }
      // The return form only while the return window is open (after it the
      // server refuses, RETURN_WINDOW_CLOSED): then what to do instead.
      const returnOpen = !t.returnDueAt || Date.parse(t.returnDueAt) > ctx.nowMs();
      if ((st === 'DISPATCHED' || st === 'IN_PROGRESS') && !returnOpen) {
        forms.push(h('section', {class: 'panel action', id: 'return-closed'}, h('h2', null, '退单'),
          h('p', null, `退单时限(${fmtDue(t.returnDueAt)})已过,不能再退单。如确非本单位职责,请联系局端改派。`)));
      }
      if ((st === 'DISPATCHED' || st === 'IN_PROGRESS') && returnOpen) {
        const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'reason'});
        forms.push(actionForm('退单', '退回局端', [field('退单理由(非本单位职责的依据)', reason),
          t.returnDueAt ? h('p', {class: 'hint'}, `退单时限 ${fmtDue(t.returnDueAt)}`) : null], () => ({reason: reason.value}),
        {path: 'return', cls: 'danger', ok: '已退单。', evidence: canAttach('RETURN') ? evidencePicker('RETURN') : null}));
      }
    }
    replace(actions, ...forms);
  }

  // The reply form's part about assisting opinions: those in (the reply
  // rests on them) and those missing, which need 未收齐意见说明.
  let missingReason = null;
  function replyAssistFields() {
    missingReason = null;
    if (!(t.assists || []).length) return [];
    const given = (t.assists || []).filter((a) => a.opinion);
    const missing = missingParts(t);
    const out = [];
    if (given.length) out.push(h('div', {class: 'hint', id: 'reply-opinions'}, '答复将引用的协办意见:', opinionsBox(t, depts)));
    if (missing.length) {
      missingReason = h('textarea', {rows: 2, maxlength: 2000, name: 'missingOpinionsReason'});
      out.push(h('div', {class: 'assist-missing', id: 'reply-missing'},
        h('p', null, `尚未收到协办意见:${missing.map((a) => `${deptName(depts, a.department)}(反馈时限 ${fmtDue(a.opinionDueAt)})`).join('、')}。`
          + '可等待协办意见后回复;现在回复须说明理由。'),
        field('未收齐意见说明', missingReason)));
    }
    return out;
  }

  // 增加协办单位: a department other than the lead and those assisting.
  function addAssistForm() {
    const taken = [t.department, ...liveParts(t).map((a) => a.department)];
    const dept = select([{value: '', label: '— 选择部门 —'}, ...depts.filter((d) => !taken.includes(d.name))
      .map((d) => ({value: d.name, label: d.displayName || d.name}))], {required: true, name: 'assistDepartment'});
    const note = h('input', {type: 'text', maxlength: 2000, name: 'assistNote'});
    return actionForm('增加协办单位', '增加协办', [h('p', {class: 'hint'}, '协办单位签收后在意见反馈时限内向主办单位反馈协办意见。'),
      field('协办单位', dept), field('协办说明(可选)', note)], () => ({department: dept.value, note: note.value}),
    {path: 'addAssist', cls: 'secondary', ok: '已增加协办单位。'});
  }

  // "#12", "12" or "tickets/12" -> "12"; '' when it is not a number.
  const ticketNumber = (text) => {
    const m = /^\s*(?:#|tickets\/)?(\d{1,18})\s*$/.exec(text || '');
    return m ? String(BigInt(m[1])) : '';
  };
  const otherCheck = (input, what) => () => {
    const n = ticketNumber(input.value);
    if (!n) { input.focus(); return `请填写${what}的编号(数字)。`; }
    if (n === String(BigInt(id))) { input.focus(); return `${what}须为另一张工单,不能是本工单 #${id} 自己。`; }
    return '';
  };

  // 并单: into a main ticket typed by number, or one of the likely
  // duplicates (可能重复) with one click. A ticket others are merged into
  // is not merged itself (no chains).
  function mergeForm() {
    if ((t.merged || []).length) {
      return h('section', {class: 'panel action', id: 'merge-closed'}, h('h2', null, '并单'),
        h('p', null, '已有重复件并入本工单,本工单不能再并入其他工单;如确需并入,请先将重复件取消并单。'));
    }
    const main = h('input', {type: 'text', name: 'mainTicket', inputmode: 'numeric', size: 8, placeholder: '如 12', autocomplete: 'off'});
    const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'reason'});
    reason.defaultValue = DEFAULT_MERGE_REASON; // also what a reset restores
    const found = h('div', {class: 'dup-slot', 'aria-live': 'polite'});
    const look = h('button', {type: 'button', class: 'secondary', dataset: {action: 'duplicateCandidates'}}, '查看可能重复');
    look.addEventListener('click', async () => {
      look.disabled = true;
      replace(found, candidatesBox(ctx, t, undefined, reason, null, {reasonShown: true}));
      const got = await new CandidateFetcher().get(name);
      look.disabled = false;
      if (!ctx.isCurrent()) return;
      replace(found, candidatesBox(ctx, t, got, reason, async () => { await refresh(true); }, {reasonShown: true, open: true}));
    });
    return actionForm('并单', '并入主工单', [
      h('p', {class: 'hint'}, '同一诉求重复来电的,并入已受理的主工单:本工单离开承办部门,不再单独计时,主工单回复、办结时随之回复、办结。'),
      field('主工单编号', main), field('并单理由', reason), h('div', {class: 'actions'}, look), found],
    () => ({mainTicket: `tickets/${ticketNumber(main.value)}`, reason: reason.value}),
    {path: 'merge', cls: 'secondary', ok: '已并单,本工单随主工单办理。', check: otherCheck(main, '主工单')});
  }

  function unmergeForm() {
    const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'reason'});
    const back = (t.merge || {}).department;
    return actionForm('取消并单', '取消并单', [field('理由(如诉求不同)', reason),
      h('p', {class: 'hint'}, back ? `取消后退回${deptName(depts, back)},重新签收,时限从取消时起算。` : '取消后回到待派单。')],
    () => ({reason: reason.value}), {path: 'unmerge', cls: 'danger', ok: '已取消并单。'});
  }

  // 关联: another ticket of the same place or cause, shown on both.
  function linkForm() {
    const other = h('input', {type: 'text', name: 'otherTicket', inputmode: 'numeric', size: 8, placeholder: '如 12', autocomplete: 'off'});
    const reason = h('input', {type: 'text', required: true, maxlength: 2000, name: 'linkReason', placeholder: '如 同一路段积水'});
    return actionForm('关联工单', '关联', [h('p', {class: 'hint'}, '同一地点、同一原因但非同一诉求的工单互相关联,各自办理、各自计时。'),
      field('关联工单编号', other), field('关联理由', reason)],
    () => ({otherTicket: `tickets/${ticketNumber(other.value)}`, reason: reason.value}),
    {path: 'link', cls: 'secondary', ok: '已关联,两张工单上均可见。', check: otherCheck(other, '关联工单')});
  }

  // 申请挂起: a reason and the expected end, typed as the bureau's local
  // time and sent as an instant (RFC 3339).
  function suspensionForm() {
    const now = ctx.nowMs();
    const reason = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'suspensionReason'});
    // No `max`: a later end is refused by the server, in words (the limit is
    // the policy's, and the hint says it).
    const end = h('input', {type: 'datetime-local', required: true, name: 'expectedEnd', min: localInputValue(now)});
    return actionForm('申请挂起', '提交挂起申请', [field('挂起理由(如等待法院裁判、征收结果)', reason),
      field('预计结束时间', end, `最长 ${suspensionMaxDays} 天,即不晚于 ${fmtTime(now + suspensionMaxDays * 86400e3)};获批前时限照常计算。`)],
    () => {
      const ms = zonedTimeMs(end.value);
      return {reason: reason.value, expectedEnd: Number.isNaN(ms) ? '' : new Date(ms).toISOString()};
    }, {path: 'requestSuspension', cls: 'secondary', ok: '已提交挂起申请,待局端审批。'});
  }

  // 提交最终答复: the answer and its basis (依据), for the bureau to approve.
  function finalAnswerForm() {
    const answer = h('textarea', {required: true, rows: 4, maxlength: 20000, name: 'answer'});
    const basis = h('textarea', {required: true, rows: 2, maxlength: 2000, name: 'basis'});
    const rejected = (t.finalAnswer || {}).state === 'REJECTED';
    return actionForm(rejected ? '重新提交最终答复' : '提交最终答复', '提交最终答复', [
      h('p', {class: 'hint'}, '诉求已依法依规答复到位的,可提交最终答复,经局端批准后,'
        + '同一来电人就同一事项再次来电可直接以此答复办结。'),
      field('最终答复内容', answer, '不超过 20000 字节(约 6600 个汉字)。'), field('依据(法律法规、政策或已作出的决定)', basis)],
    () => ({answer: answer.value, basis: basis.value}), {path: 'submitFinalAnswer', cls: 'secondary', ok: '已提交最终答复,待局端审批。',
      evidence: canAttach('FINAL_ANSWER') ? evidencePicker('FINAL_ANSWER') : null});
  }

  function resumeForm() {
    const note = h('input', {type: 'text', maxlength: 2000, name: 'note'});
    return actionForm('恢复办理', '恢复办理', [field('说明(可选)', note),
      h('p', {class: 'hint'}, `恢复后办理时限按挂起时剩余的工作时间顺延;不恢复则于 ${fmtTime((t.suspension || {}).expectedEnd)} 自动恢复。`)],
    () => ({note: note.value}), {path: 'resume', cls: 'secondary', ok: '已恢复办理,时限已顺延。'});
  }

  function typing() {
    // A prefilled text left as it was is not typing.
    return [...actions.querySelectorAll('input[type=text], textarea')].some((x) => x.value.trim() && x.value !== x.defaultValue)
      || Boolean(actions.querySelector('input[name=sendBackReason]:checked, input[name=dissatisfactionReason]:checked'))
      // A file chosen for a form's evidence and not yet sent with it.
      || [...actions.querySelectorAll('input[type=file]')].some((x) => x.files.length)
      // A rating or a callback's result picked and not yet sent.
      || [...actions.querySelectorAll('select[name=satisfaction], select[name=result]')].some((x) => x.value)
      // A category picked at dispatch and not yet sent.
      || [...actions.querySelectorAll('select[name=category]')].some((x) => x.value !== (t.category || ''));
  }

  async function refresh(force) {
    try {
      const before = t.state;
      await ctx.refreshCaller();
      t = await api.get(api.v1(name));
      events = (await api.listAll(`/v1/${name}/events`, 'events')).items;
      cardList = (await api.get('/v1/cards', {ticket: name, pageSize: 100}).catch(() => ({}))).cards || [];
      if (!ctx.isCurrent()) return;
      showFacts();
      filesSection.show(t);
      showAssists();
      showNotices();
      showCallbacks();
      showDispatches();
      showHistory();
      showCards();
      if (force || before !== t.state || !typing()) showActions();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 403 || e.status === 404) {
        // The ticket left this caller (returned, reassigned): show no data.
        replace(facts, h('p', {class: 'refusal', role: 'alert'}, e.message), e.serverMessage ? serverDetail(e.serverMessage) : null);
        replace(actions); replace(cardsBox); replace(history);
        attachmentsBox.hidden = true;
      } else {
        ctx.fail(e);
      }
    }
  }
  const reload = debounced(() => refresh(false), 200);

  showFacts();
  filesSection.show(t);
  showAssists();
  showNotices();
  showCallbacks();
  showDispatches();
  showActions();
  showCards();
  showHistory();
  ctx.onFeed((ev) => { if (ev.ticket === name) reload(); });
  return () => reload.cancel();
}
