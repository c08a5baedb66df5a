// Notifications (通知订阅), for the bureau and for departments: the
// subscriptions that send events to a receiver as they commit (a signed
// webhook to a URL, or a short SMS to liaisons), a form to make one, and
// per subscription its delivery log (投递记录) with the dead letters (死信),
// 重新投递 of one event, 暂停 (with a reason), 恢复, 更换密钥 and 删除.
//
// The bureau subscribes for any department or for every event; a
// department for itself only (its own, fixed). A webhook's signing secret
// is shown once, in the answer that made it or rotated it: no read gives
// it again, so the page shows it in a box marked 仅显示一次 with how the
// receiver checks a signature, and keeps it nowhere.
//
// Deliveries happen on the server after the event commits, with no event
// of their own on the change feed: the list and the open log are read
// again shortly after each feed event and every few seconds while the
// page is shown, and redrawn only when what they show changed.
import {h, replace, select, field, uid} from '../dom.js';
import * as api from '../api.js';
import {EVENT, SUBSCRIPTION_CHANNEL, SUBSCRIPTION_STATE, DELIVERY_OUTCOME, label, fmtTime} from '../format.js';
import {table, departments, deptName, act, debounced, panel} from '../ui.js';
import {principalLabel} from '../names.js';

// The event types people subscribe to most, in their words.
export const COMMON_EVENTS = [
  ['DISPATCHED', '派单'], ['DUE_SOON', '即将到期'], ['ACK_OVERDUE', '签收超时'], ['CARD_ISSUED', '亮牌'],
  ['NOTICE_ISSUED', '催办督办'], ['REPLY_SENT_BACK', '退回重办'], ['ATTACHMENT_ADDED', '新增附件'],
];
const COMMON_LABEL = Object.fromEntries(COMMON_EVENTS);
const eventLabel = (type) => COMMON_LABEL[type] || label(EVENT, type);

// How long the previous secret still signs after 更换密钥.
const OVERLAPS = [
  {value: '3600s', label: '1 小时'}, {value: '86400s', label: '24 小时', selected: true},
  {value: '604800s', label: '7 天'}, {value: '0s', label: '立即停用旧密钥'},
];
const POLL_MS = 3000;
const PHONE_SPLIT = /[\s,,、;;]+/;

// "0.012s" (a JSON Duration) -> "12 毫秒"; '' when absent.
function latencyText(d) {
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d || '');
  if (!m) return '';
  const ms = Number(m[1]) * 1000;
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} 秒` : `${Math.round(ms)} 毫秒`;
}

const eventsText = (types) => ((types || []).length ? types.map(eventLabel).join('、') : '全部事件');

export async function render(ctx) {
  const bureau = ctx.role === 'bureau';
  const ownDepartment = bureau ? '' : ctx.caller.department || `departments/${api.idOf(ctx.caller.principal)}`;
  // A department's page names only itself (GetCaller's display name).
  const depts = bureau ? await departments() : [{name: ownDepartment, displayName: ctx.caller.displayName || ''}];
  if (!ctx.isCurrent()) return undefined;
  const deptText = (name) => {
    if (!name) return '全部(所有部门的事件)';
    return deptName(depts, name);
  };

  // ---- the secret, shown once ----
  const secretBox = h('section', {id: 'subscription-secret', class: 'secret-panel', 'aria-label': '签名密钥'});

  function showSecret(sub, {rotated = false} = {}) {
    const id = api.idOf(sub.name);
    const value = h('input', {type: 'text', readonly: true, value: sub.secret || '', id: 'subscription-secret-value',
      class: 'secret', spellcheck: 'false', autocomplete: 'off'});
    const copy = h('button', {type: 'button'}, '复制');
    copy.addEventListener('click', async () => {
      value.select();
      try { await navigator.clipboard.writeText(value.value); ctx.flash('已复制。'); } catch { ctx.flash('请手动复制(Ctrl+C)。', 'error'); }
    });
    const hide = h('button', {type: 'button', dataset: {action: 'hideSecret'}}, '我已保存,隐藏');
    hide.addEventListener('click', () => replace(secretBox));
    const overlap = rotated && sub.previousSecretExpireTime && Date.parse(sub.previousSecretExpireTime) > ctx.nowMs()
      ? h('p', null, `旧密钥在 ${fmtTime(sub.previousSecretExpireTime)} 前仍同时签名(每个请求带两个签名),请在此之前让接收方换用新密钥。`)
      : null;
    replace(secretBox, h('div', {class: 'secret-box', role: 'status', dataset: {subscription: sub.name}},
      h('h2', null, h('span', {class: 'badge once'}, '仅显示一次'), ` 订阅 ${id} 的${rotated ? '新' : ''}签名密钥`),
      h('p', null, '密钥只在此显示这一次:离开或刷新本页后无法再查看,服务器不会再给出。请立即复制,交给接收方妥善保存;'
        + '遗失时只能“更换密钥”。'),
      field('签名密钥', value), h('div', {class: 'actions'}, copy, hide), overlap,
      h('details', {class: 'verify', open: true}, h('summary', null, '接收方如何核验签名'),
        h('ol', {class: 'verify-steps'},
          h('li', null, '每个推送是一个 POST 请求,请求体是 JSON(deliveryId、subscription、event);请求头 ',
            h('code', null, 'Hotline-Timestamp'), ' 是发送时间(Unix 秒),', h('code', null, 'Hotline-Signature'),
            ' 形如 ', h('code', null, 'v1=<64 位十六进制>'), '(更换密钥的过渡期内有两个,以逗号分隔)。'),
          h('li', null, '以此密钥为键,对“时间戳.请求体”(Hotline-Timestamp 的值、一个英文句点、原样的请求体字节)计算 HMAC-SHA256,'
            + '取小写十六进制:', h('code', {class: 'formula'}, 'HMAC-SHA256(密钥, Hotline-Timestamp + "." + 请求体)'),
            ';与任一 v1= 的值相同(请用恒定时间比较)即为本系统发出。'),
          h('li', null, '时间戳与本机时间相差过大(如超过 5 分钟)的请求应拒绝,以防重放。'),
          h('li', null, h('code', null, 'Hotline-Delivery'), ' 是投递编号(即事件序号),重试和重新投递时不变,可据此去重;'
            + '接收方以 2xx 应答表示收到,应答 410 表示停用此订阅。')))));
    value.focus();
    value.select();
  }

  // ---- the form ----
  const channel = select(Object.entries(SUBSCRIPTION_CHANNEL).map(([value, text]) => ({value, label: text})),
    {id: 'subscription-channel', name: 'channel'});
  const url = h('input', {type: 'url', id: 'subscription-url', name: 'url', maxlength: 2000, required: true,
    placeholder: 'https://example.gov.cn/hotline/events', autocomplete: 'off', spellcheck: 'false', class: 'wide-input'});
  const phones = h('input', {type: 'text', id: 'subscription-phones', name: 'phoneNumbers', inputmode: 'tel',
    autocomplete: 'off', placeholder: '13800000000, 13900000000', class: 'wide-input'});
  const urlField = field('接收地址(https://)', url, '接收方的地址;不跟随重定向。');
  const phonesField = field('短信号码', phones, '联络员的 11 位手机号码,多个用逗号或空格分隔,至多 10 个;经局端的短信网关发送。');
  let departmentControl;
  let departmentValue;
  if (bureau) {
    const dept = select([{value: '', label: '全部(所有部门的事件)'}, ...depts.map((d) => ({value: d.name, label: d.displayName || d.name}))],
      {id: 'subscription-department', name: 'department'});
    departmentControl = field('部门', dept, '选一个部门:只推送它承办、协办的工单的事件;选“全部”:推送所有事件。');
    departmentValue = () => dept.value;
  } else {
    departmentControl = h('p', {class: 'fixed-department', id: 'subscription-department'},
      h('span', {class: 'muted'}, '部门:'), ctx.caller.displayName || ownDepartment,
      h('small', {class: 'hint'}, '(部门只能订阅本部门承办、协办的工单的事件)'));
    departmentValue = () => ownDepartment;
  }

  const allEvents = h('input', {type: 'checkbox', id: 'subscription-all-events', name: 'allEvents', checked: true});
  const boxOf = ([value]) => h('input', {type: 'checkbox', name: 'eventType', value, id: uid('evt')});
  const commonBoxes = COMMON_EVENTS.map(boxOf);
  const commonSet = new Set(COMMON_EVENTS.map(([v]) => v));
  const otherBoxes = api.EVENT_TYPES.filter((t) => !commonSet.has(t)).map((t) => boxOf([t]));
  const typeBoxes = [...commonBoxes, ...otherBoxes];
  const check = (box, text) => h('label', {class: 'check', for: box.id}, box, ` ${text}`);
  const eventPicker = h('fieldset', {class: 'event-picker', id: 'subscription-events'}, h('legend', null, '事件类型'),
    h('div', {class: 'assist-choices'}, check(allEvents, '全部事件'),
      ...commonBoxes.map((b) => check(b, eventLabel(b.value)))),
    h('details', {class: 'more-events'}, h('summary', null, '更多事件类型'),
      h('div', {class: 'assist-choices'}, ...otherBoxes.map((b) => check(b, label(EVENT, b.value))))));
  // 全部事件 and the single types exclude each other.
  allEvents.addEventListener('change', () => { if (allEvents.checked) for (const b of typeBoxes) b.checked = false; });
  for (const b of typeBoxes) b.addEventListener('change', () => { if (b.checked) allEvents.checked = false; });

  const description = h('input', {type: 'text', id: 'subscription-description', name: 'description', maxlength: 200,
    placeholder: '如:住建局工单系统', class: 'wide-input'});
  const create = h('button', {type: 'submit', class: 'primary'}, '创建订阅');
  const form = h('form', {id: 'subscription-form', class: 'subscription-form'},
    h('div', {class: 'inline-form top-aligned'}, field('推送方式', channel), departmentControl),
    urlField, phonesField, eventPicker, field('说明(可选)', description), h('div', {class: 'actions'}, create));
  const syncChannel = () => {
    const sms = channel.value === 'SMS';
    urlField.hidden = sms;
    url.required = !sms;
    phonesField.hidden = !sms;
    phones.required = sms;
  };
  channel.addEventListener('change', syncChannel);
  syncChannel();

  // ---- the list and the chosen subscription ----
  const listBox = h('div', {id: 'subscription-table'});
  const detail = h('section', {class: 'panel', id: 'subscription-detail', hidden: true, 'aria-labelledby': 'subscription-detail-title'});
  ctx.main.append(h('h1', null, '通知订阅'),
    h('p', {class: 'hint'}, bureau
      ? '把工单事件实时推送给其他系统(签名的网络推送)或联络员手机(短信)。局端可为任一部门订阅,或订阅全部事件。'
      : '把本部门工单的事件实时推送给本部门的系统(签名的网络推送)或联络员手机(短信)。'),
    secretBox,
    panel('新建订阅', form),
    panel('订阅列表', listBox),
    detail);

  let subs = [];
  let shownList = '';
  let chosen = ctx.params[0] ? `subscriptions/${ctx.params[0]}` : '';

  function stateBadge(s) {
    return h('span', {class: `badge sub-${(s.state || '').toLowerCase()}`}, label(SUBSCRIPTION_STATE, s.state));
  }
  function receiver(s) {
    if (s.channel === 'SMS') return h('span', {class: 'receiver'}, `短信:${(s.phoneNumbers || []).join('、')}`);
    return h('span', {class: 'receiver url'}, s.url || '');
  }

  function renderList() {
    const key = JSON.stringify(subs);
    if (key === shownList) return;
    shownList = key;
    const had = document.activeElement && listBox.contains(document.activeElement) ? document.activeElement.dataset.subscription : '';
    replace(listBox, table(['订阅', '部门', '事件', '接收方', '状态', '已投递至', '死信', ''], subs.map((s) => {
      const id = api.idOf(s.name);
      const open = h('button', {type: 'button', class: 'secondary', dataset: {action: 'open', subscription: s.name},
        'aria-label': `订阅 ${id} 的投递记录与操作`, 'aria-controls': 'subscription-detail'}, '投递记录');
      open.addEventListener('click', () => choose(s.name, {focus: true}));
      return h('tr', {dataset: {subscription: s.name, state: s.state || ''}, class: s.name === chosen ? 'chosen' : null},
        h('td', null, h('div', null, `#${id}`), s.description ? h('div', {class: 'muted sub-description'}, s.description) : null),
        h('td', null, deptText(s.department)),
        h('td', {class: 'sub-events'}, eventsText(s.eventTypes)),
        h('td', null, h('div', {class: 'muted'}, label(SUBSCRIPTION_CHANNEL, s.channel)), receiver(s)),
        h('td', {class: 'sub-state'}, stateBadge(s), s.stateReason ? h('div', {class: 'muted'}, s.stateReason) : null),
        h('td', {class: 'sub-delivered'}, String(s.deliveredSeq || 0)),
        h('td', {class: 'sub-dead'}, s.deadLetters ? h('span', {class: 'badge dead'}, String(s.deadLetters)) : '0'),
        h('td', null, open));
    }), {caption: `${subs.length} 个订阅${bureau ? '' : '(本部门)'}`}));
    if (had) listBox.querySelector(`button[data-subscription="${had}"]`)?.focus();
  }

  async function loadList() {
    const answer = await api.get('/v1/subscriptions');
    if (!ctx.isCurrent()) return;
    subs = (answer.subscriptions || []).slice().sort((a, b) => Number(api.idOf(a.name)) - Number(api.idOf(b.name)));
    renderList();
    if (chosen) {
      const s = subs.find((x) => x.name === chosen);
      if (s) showDetail(s);
      else closeDetail();
    }
  }

  // ---- one subscription: its facts, actions and delivery log ----
  const title = h('h2', {id: 'subscription-detail-title'});
  const facts = h('dl', {class: 'facts', id: 'subscription-facts'});
  const actions = h('div', {class: 'sub-actions', id: 'subscription-actions'});
  const deadOnly = h('input', {type: 'checkbox', id: 'deliveries-dead-only', name: 'deadLettersOnly'});
  const refresh = h('button', {type: 'button', dataset: {action: 'refresh'}}, '刷新');
  const logBox = h('div', {id: 'subscription-deliveries'});
  const close = h('button', {type: 'button', class: 'link', dataset: {action: 'close'}, 'aria-label': '关闭投递记录'}, '关闭');
  replace(detail, h('div', {class: 'page-head'}, title, close), facts, actions,
    h('h3', null, '投递记录'),
    h('div', {class: 'toolbar'}, h('label', {class: 'check', for: deadOnly.id}, deadOnly, ' 只看死信'), refresh),
    h('p', {class: 'hint'}, '最近的投递尝试,新的在前;死信是重试多次仍未送达、已放弃的事件。接收方恢复后可“重新投递”,投递编号不变。'),
    logBox);
  let actionsKey = '';
  let shownLog = '';

  function closeDetail() {
    chosen = '';
    detail.hidden = true;
    actionsKey = '';
    shownLog = '';
    for (const tr of listBox.querySelectorAll('tr.chosen')) tr.classList.remove('chosen');
    if (ctx.isCurrent()) history.replaceState(null, '', '#/subscriptions');
  }
  close.addEventListener('click', () => {
    const was = chosen;
    closeDetail();
    listBox.querySelector(`button[data-subscription="${was}"]`)?.focus();
  });

  function choose(name, {focus = false} = {}) {
    if (chosen !== name) {
      chosen = name;
      actionsKey = '';
      shownLog = '';
      deadOnly.checked = false;
      replace(logBox, h('p', {class: 'muted'}, '读取中…'));
    }
    for (const tr of listBox.querySelectorAll('tr[data-subscription]')) tr.classList.toggle('chosen', tr.dataset.subscription === name);
    if (ctx.isCurrent()) history.replaceState(null, '', `#/subscriptions/${api.idOf(name)}`);
    const s = subs.find((x) => x.name === name);
    if (s) showDetail(s);
    loadLog().catch((e) => ctx.isCurrent() && ctx.fail(e));
    if (focus) {
      detail.scrollIntoView({block: 'start'});
      title.setAttribute('tabindex', '-1');
      title.focus();
    }
  }

  function showDetail(s) {
    detail.hidden = false;
    detail.dataset.subscription = s.name;
    detail.dataset.state = s.state || '';
    const id = api.idOf(s.name);
    replace(title, `订阅 ${id}`, s.description ? `:${s.description}` : '');
    const rows = [
      ['推送方式', label(SUBSCRIPTION_CHANNEL, s.channel)], ['部门', deptText(s.department)], ['事件', eventsText(s.eventTypes)],
      ['接收方', receiver(s)], ['状态', [stateBadge(s), s.stateReason ? ` ${s.stateReason}` : '']],
      ['创建', [principalLabel(s.createdBy, depts), ` ${fmtTime(s.createTime)}`]],
      ['已投递至', `事件序号 ${s.deliveredSeq || 0}(此前的事件均已送达或成为死信)`], ['死信', String(s.deadLetters || 0)],
    ];
    if (s.previousSecretExpireTime && Date.parse(s.previousSecretExpireTime) > ctx.nowMs()) {
      rows.push(['旧密钥', `${fmtTime(s.previousSecretExpireTime)} 前仍同时签名`]);
    }
    replace(facts, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
    const key = `${s.name} ${s.state} ${s.channel}`;
    if (key !== actionsKey) {
      actionsKey = key;
      replace(actions, ...actionControls(s));
    }
  }

  function actionControls(s) {
    const id = api.idOf(s.name);
    const out = [];
    const done = (answer) => { if (answer) loadList().catch((e) => ctx.isCurrent() && ctx.fail(e)); };
    if (s.state === 'ACTIVE') {
      const ask = h('button', {type: 'button', dataset: {action: 'askPause'}, 'aria-expanded': 'false'}, '暂停');
      const reason = h('input', {type: 'text', name: 'pauseReason', required: true, maxlength: 2000, placeholder: '如:接收方系统维护'});
      const send = h('button', {type: 'submit', class: 'danger'}, '确认暂停');
      const cancel = h('button', {type: 'button', class: 'link'}, '取消');
      const pause = h('form', {class: 'inline-form pause-form', hidden: true, dataset: {action: 'pause'}},
        field('暂停原因(暂停期间的事件留待恢复后按序推送)', reason), send, cancel);
      const open = (yes) => {
        pause.hidden = !yes;
        ask.hidden = yes;
        ask.setAttribute('aria-expanded', String(yes));
        if (yes) reason.focus(); else ask.focus();
      };
      ask.addEventListener('click', () => open(true));
      cancel.addEventListener('click', () => open(false));
      pause.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!reason.value.trim()) { ctx.flash('暂停需要填写原因。', 'error'); reason.focus(); return; }
        done(await act(ctx, send, () => api.post(`/v1/${s.name}:pause`, {reason: reason.value.trim(), requestId: api.requestId()}),
          `已暂停订阅 ${id}。`));
      });
      out.push(h('div', {class: 'sub-action'}, ask, pause));
    } else {
      const resume = h('button', {type: 'button', class: 'primary', dataset: {action: 'resume'}}, '恢复');
      resume.addEventListener('click', async () => {
        done(await act(ctx, resume, () => api.post(`/v1/${s.name}:resume`, {requestId: api.requestId()}),
          `已恢复订阅 ${id}:暂停期间的事件将按序推送。`));
      });
      out.push(h('div', {class: 'sub-action'}, resume));
    }
    if (s.channel === 'WEBHOOK') {
      const ask = h('button', {type: 'button', dataset: {action: 'askRotate'}, 'aria-expanded': 'false'}, '更换密钥');
      const overlap = select(OVERLAPS, {name: 'overlap'});
      const send = h('button', {type: 'submit', class: 'secondary'}, '确认更换');
      const cancel = h('button', {type: 'button', class: 'link'}, '取消');
      const rotate = h('form', {class: 'inline-form rotate-form', hidden: true, dataset: {action: 'rotateSecret'}},
        field('旧密钥继续签名的时长', overlap), send, cancel);
      const open = (yes) => {
        rotate.hidden = !yes;
        ask.hidden = yes;
        ask.setAttribute('aria-expanded', String(yes));
        if (yes) overlap.focus(); else ask.focus();
      };
      ask.addEventListener('click', () => open(true));
      cancel.addEventListener('click', () => open(false));
      rotate.addEventListener('submit', async (e) => {
        e.preventDefault();
        const answer = await act(ctx, send, () => api.post(`/v1/${s.name}:rotateSecret`,
          {overlap: overlap.value, requestId: api.requestId()}), `已为订阅 ${id} 更换密钥。`);
        if (!answer) return;
        open(false);
        showSecret(answer, {rotated: true});
        done(answer);
      });
      out.push(h('div', {class: 'sub-action'}, ask, rotate));
    }
    const remove = h('button', {type: 'button', class: 'danger', dataset: {action: 'delete'}}, '删除');
    remove.addEventListener('click', async () => {
      if (!window.confirm(`删除订阅 ${id}?删除后不再推送,也不能恢复。`)) return;
      const answer = await act(ctx, remove, () => api.del(`/v1/${s.name}`, {requestId: api.requestId()}), `已删除订阅 ${id}。`);
      if (answer === undefined) return;
      if (secretBox.querySelector(`[data-subscription="${s.name}"]`)) replace(secretBox);
      closeDetail();
      loadList().catch((e) => ctx.isCurrent() && ctx.fail(e));
    });
    out.push(h('div', {class: 'sub-action'}, remove));
    return out;
  }

  function outcomeBadge(d) {
    return h('span', {class: `badge outcome-${(d.outcome || '').toLowerCase()}`}, label(DELIVERY_OUTCOME, d.outcome));
  }

  async function loadLog() {
    const name = chosen;
    if (!name) return;
    const only = deadOnly.checked;
    const answer = await api.get(`/v1/${name}/deliveries`, {deadLettersOnly: only ? 'true' : ''});
    if (!ctx.isCurrent() || chosen !== name || deadOnly.checked !== only) return;
    const list = answer.deliveries || [];
    const key = `${name} ${only} ${JSON.stringify(list)}`;
    if (key === shownLog) return;
    shownLog = key;
    const had = document.activeElement && logBox.contains(document.activeElement) ? document.activeElement.dataset.seq : '';
    const offered = new Set();
    replace(logBox, table(['投递编号', '工单', '事件', '第几次', '时间', '结果', '应答', '耗时', '错误', ''], list.map((d) => {
      let again = null;
      // 重新投递 once per event, on its newest attempt.
      if (!offered.has(d.seq)) {
        offered.add(d.seq);
        again = h('button', {type: 'button', dataset: {action: 'redeliver', seq: d.seq},
          'aria-label': `重新投递事件 ${d.seq}`}, '重新投递');
        again.addEventListener('click', async () => {
          if (await act(ctx, again, () => api.post(`/v1/${name}:redeliver`, {seq: String(d.seq), requestId: api.requestId()}),
            `已安排重新投递事件 ${d.seq}(投递编号不变),结果见投递记录。`)) {
            setTimeout(() => { loadLog().catch(() => {}); loadList().catch(() => {}); }, 500);
          }
        });
      }
      const ticketId = api.idOf(d.ticket);
      return h('tr', {dataset: {seq: d.seq, outcome: d.outcome || '', attempt: d.attempt || 0, redelivery: d.redelivery ? 'true' : 'false'},
        class: d.outcome === 'DEAD_LETTERED' ? 'dead-row' : null},
      h('td', {class: 'seq'}, String(d.seq)),
      h('td', null, d.ticket ? h('a', {href: `#/tickets/${ticketId}`}, `#${ticketId}`) : '—'),
      h('td', null, eventLabel(d.eventType)),
      h('td', null, String(d.attempt || 1)),
      h('td', null, fmtTime(d.attemptTime)),
      h('td', {class: 'outcome'}, outcomeBadge(d), d.redelivery ? h('span', {class: 'badge redelivery'}, '重新投递') : null),
      h('td', null, d.responseCode ? String(d.responseCode) : '无应答'),
      h('td', null, latencyText(d.latency)),
      h('td', {class: 'delivery-error'}, d.error ? h('span', {lang: 'en'}, d.error) : ''),
      h('td', null, again));
    }), {caption: only ? `${list.length} 件死信` : `最近 ${list.length} 次投递`}));
    if (had) logBox.querySelector(`button[data-seq="${had}"]`)?.focus();
  }

  deadOnly.addEventListener('change', () => {
    shownLog = '';
    loadLog().catch((e) => ctx.isCurrent() && ctx.fail(e));
  });
  refresh.addEventListener('click', () => Promise.all([loadList(), loadLog()]).catch((e) => ctx.isCurrent() && ctx.fail(e)));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const types = typeBoxes.filter((b) => b.checked).map((b) => b.value);
    if (!allEvents.checked && !types.length) {
      ctx.flash('请勾选要推送的事件,或勾选“全部事件”。', 'error');
      allEvents.focus();
      return;
    }
    const sub = {channel: channel.value, department: departmentValue() || undefined,
      eventTypes: allEvents.checked ? undefined : types, description: description.value.trim() || undefined};
    if (channel.value === 'SMS') sub.phoneNumbers = phones.value.split(PHONE_SPLIT).filter(Boolean);
    else sub.url = url.value.trim();
    const made = await act(ctx, create, () => api.post(`/v1/subscriptions${api.query({requestId: api.requestId()})}`, sub));
    if (!made) return;
    ctx.flash(`已创建订阅 ${api.idOf(made.name)}。`);
    form.reset();
    allEvents.checked = true;
    syncChannel();
    await loadList().catch((err) => ctx.fail(err));
    if (!ctx.isCurrent()) return;
    choose(made.name);
    if (made.secret) showSecret(made);
  });

  // Read again in the background: a failure here is not the person's
  // action (a lost session goes back to sign-in by itself); the next
  // look tries again.
  const reload = () => Promise.all([loadList(), loadLog()]).catch(() => {});
  // Deliveries follow the events that commit: read again a little after.
  const soon = debounced(reload, 800);
  ctx.onFeed(() => soon());
  const timer = setInterval(() => { if (!document.hidden) reload(); }, POLL_MS);

  await loadList();
  if (chosen && subs.some((s) => s.name === chosen)) choose(chosen);
  else if (chosen) closeDetail();
  return () => { clearInterval(timer); soon.cancel(); };
}
