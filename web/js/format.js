// Words and times as the bureau uses them: Chinese labels for the API's
// enum names, times in the bureau's time zone (GET /v1/caller: timeZone).

export const STATE = {
  RECEIVED: '待派单', DISPATCHED: '待签收', IN_PROGRESS: '办理中',
  REPLIED: '已回复', CLOSED: '已办结', RETURNED: '已退单', SUSPENDED: '已挂起', MERGED: '已并单',
};
export const STATE_ORDER = ['RECEIVED', 'RETURNED', 'DISPATCHED', 'IN_PROGRESS', 'SUSPENDED', 'MERGED', 'REPLIED', 'CLOSED'];
export const TYPE = {
  INQUIRY: '咨询', HELP: '求助', SUGGESTION: '建议', COMPLAINT: '投诉', REPORT: '举报', OTHER: '其他',
};
export const URGENCY = {NORMAL: '一般', URGENT: '紧急', CRITICAL: '特急'};
export const OUTCOME = {
  RESOLVED: '已解决', EXPLAINED: '已解释说明', NOT_RESOLVABLE: '无法解决', NOT_OUR_REMIT: '非本单位职责',
};
export const SATISFACTION = {SATISFIED: '满意', BASICALLY_SATISFIED: '基本满意', DISSATISFIED: '不满意'};
export const COLOR = {YELLOW: '黄牌', RED: '红牌'};
export const EVENT = {
  CREATED: '受理', DISPATCHED: '派单', ACKNOWLEDGED: '签收', RETURNED: '退单', REPLIED: '回复',
  CLOSED: '办结', REOPENED: '重办', DUE_SOON: '预警', ACK_OVERDUE: '签收超时',
  CARD_ISSUED: '亮牌', CARD_REVOKED: '撤销亮牌', EXTENSION_REQUESTED: '申请延期',
  EXTENSION_APPROVED: '批准延期', EXTENSION_REJECTED: '驳回延期', DAILY_REPORT: '一日一报',
  DAILY_REPORT_MISSED: '一日一报缺报', DEADLINES_RECOMPUTED: '时限重算',
  RETURN_REFUSED: '驳回退单', SUSPENSION_REQUESTED: '申请挂起', SUSPENSION_APPROVED: '批准挂起',
  SUSPENSION_REJECTED: '驳回挂起', RESUMED: '恢复办理',
  FINAL_ANSWER_SUBMITTED: '提交最终答复', FINAL_ANSWER_APPROVED: '批准最终答复', FINAL_ANSWER_REJECTED: '驳回最终答复',
  CLOSED_BY_FINAL_ANSWER: '以最终答复办结',
  MERGED: '并单', UNMERGED: '取消并单', DUPLICATE_MERGED: '并入重复件', DUPLICATE_UNMERGED: '移出重复件',
  LINKED: '关联', UNLINKED: '取消关联',
  ASSIST_ADDED: '增加协办单位', ASSIST_REMOVED: '撤销协办单位', ASSIST_ACKNOWLEDGED: '协办签收', ASSIST_RETURNED: '协办退回',
  ASSIST_OPINION: '协办意见', ASSIST_ACK_OVERDUE: '协办签收超时',
  REPLY_ACCEPTED: '审核通过', REPLY_SENT_BACK: '退回重办',
  NOTICE_ISSUED: '催办/督办通知', NOTICE_ACKNOWLEDGED: '签收通知', NOTICE_ANSWERED: '反馈', NOTICE_OVERDUE: '通知逾期',
  CALLBACK_ATTEMPT: '回访记录', RATING_APPEALED: '差评申诉', APPEAL_UPHELD: '申诉成立(不合理差评)', APPEAL_REJECTED: '申诉不成立(合理差评)',
  ATTACHMENT_ADDED: '上传附件', ATTACHMENT_RELEASED: '解除附件保密',
};
// Callbacks (回访): an attempt's channel and result; why a caller was
// dissatisfied (不满意原因); a rating appeal's (申诉) state.
export const CALLBACK_CHANNEL = {PHONE: '电话', SMS: '短信', ONLINE: '网络'};
export const CALLBACK_RESULT = {REACHED: '已联系上', UNREACHABLE: '无法联系', REFUSED: '拒绝回访'};
export const DISSATISFACTION_REASON = {
  PROBLEM_UNSOLVED: '问题未解决', POOR_ATTITUDE: '态度不好', TOO_SLOW: '办理拖延', NOT_CONTACTED: '未联系诉求人',
  OTHER_DISSATISFACTION: '其他',
};
export const APPEAL_STATE = {PENDING: '待裁定', UPHELD: '申诉成立(不合理差评)', REJECTED: '申诉不成立(合理差评)'};
// Urging notices (催办通知) and supervision (督办): the ladder's levels,
// a notice's state and what issued it.
export const NOTICE_LEVEL = {
  URGING: '催办', SUPERVISION: '督办', ESCALATED_SUPERVISION: '提级督办', CIRCULATED_CRITICISM: '通报批评',
};
export const NOTICE_LEVEL_ORDER = ['URGING', 'SUPERVISION', 'ESCALATED_SUPERVISION', 'CIRCULATED_CRITICISM'];
export const NOTICE_STATE = {
  ISSUED: '待签收', ACKNOWLEDGED: '已签收', ANSWERED: '已反馈', ESCALATED: '已升级', UNANSWERED: '逾期未反馈', LAPSED: '已失效',
};
export const NOTICE_TRIGGER = {
  BY_HAND: '局端发出', AT_WARNING: '预警时自动催办', AT_YELLOW_CARD: '亮黄牌时自动催办', ESCALATION: '逾期未反馈自动升级',
};
// Reply review (办结审核): the review's state and the send-back reasons' catalogue.
export const REVIEW_STATE = {PENDING: '待审核', ACCEPTED: '已通过'};
export const SEND_BACK_REASON = {
  NONSTANDARD_REPLY: '答复不规范', DEMAND_UNRESOLVED: '诉求未解决', CALLER_NOT_CONTACTED: '未联系诉求人',
  INSUFFICIENT_EVIDENCE: '佐证不足', OTHER_SEND_BACK_REASON: '其他',
};
// An assisting department's (协办) part, by its state.
export const ASSIST_STATE = {
  DISPATCHED: '待签收', ACKNOWLEDGED: '已签收', OPINION_GIVEN: '已反馈意见', RETURNED: '已退回', REMOVED: '已撤销',
};
// Why a ticket may duplicate another (可能重复, ListDuplicateCandidates).
export const MATCH = {
  PLATFORM_DUPLICATE: '平台标记重复', SAME_CALLER_PHONE: '同一来电号码', SAME_ADDRESS: '同一地址', SAME_TOPIC: '同一主题',
};
// A final answer's (最终答复) state.
export const FINAL_ANSWER_STATE = {PENDING: '待审批', APPROVED: '已批准', REJECTED: '已驳回'};
// The step of the work an attachment (附件) belongs to (环节).
export const ATTACHMENT_STEP = {
  INTAKE: '来电材料', REPLY: '办结佐证', RETURN: '退单说明', DAILY_REPORT: '一日一报', FINAL_ANSWER: '最终答复',
  ASSIST_OPINION: '协办意见', OTHER: '其他',
};
export const ATTACHMENT_STEP_ORDER = ['INTAKE', 'REPLY', 'RETURN', 'DAILY_REPORT', 'FINAL_ANSWER', 'ASSIST_OPINION', 'OTHER'];
// Notifications (通知订阅): a subscription's channel and state, and one
// delivery attempt's outcome (投递记录).
export const SUBSCRIPTION_CHANNEL = {WEBHOOK: '网络推送(Webhook)', SMS: '短信'};
export const SUBSCRIPTION_STATE = {ACTIVE: '正常', PAUSED: '已暂停', GONE: '接收方已停用'};
export const DELIVERY_OUTCOME = {DELIVERED: '已送达', FAILED: '失败(将重试)', DEAD_LETTERED: '死信', GONE: '接收方已停用'};

export const label = (table, key) => (key && table[key]) || key || '—';

let zone = 'Asia/Shanghai';
let timeFmt = null;
let dateFmt = null;
let isoDateFmt = null;
let partsFmt = null;

export function setTimeZone(tz) {
  zone = tz || 'Asia/Shanghai';
  timeFmt = new Intl.DateTimeFormat('zh-CN', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  dateFmt = new Intl.DateTimeFormat('zh-CN', {timeZone: zone, month: 'numeric', day: 'numeric'});
  isoDateFmt = new Intl.DateTimeFormat('en-CA', {timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit'});
  partsFmt = new Intl.DateTimeFormat('en-CA', {timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'});
}
setTimeZone(zone);

export const timeZone = () => zone;

// RFC 3339 -> "2021/02/11 09:00" in the bureau's zone; "—" when unset.
export function fmtTime(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return timeFmt.format(d);
}

// A deadline: one that falls at midnight is shown as 24:00 of the day
// before, as the rules say it ("ends at 24:00 of the Nth working day").
export function fmtDue(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const text = timeFmt.format(d);
  if (!/ 00:00$/.test(text)) return text;
  return `${timeFmt.format(new Date(d.getTime() - 60e3)).replace(/ 23:59$/, '')} 24:00`;
}

// The bureau's calendar date ("YYYY-MM-DD") of an instant.
export function localDate(ts) {
  return isoDateFmt.format(new Date(ts));
}

export function shortDate(ts) {
  return dateFmt.format(new Date(ts));
}

// Date arithmetic on "YYYY-MM-DD" strings (calendar days, no time zone).
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}
export function monthStart(date) { return `${date.slice(0, 7)}-01`; }
export function nextMonthStart(date) {
  const [y, m] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m, 1));
  return t.toISOString().slice(0, 10);
}
export function zhDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
// "YYYY-MM-DD" -> "星期一".
export function zhWeekday(date) {
  const [y, m, d] = date.split('-').map(Number);
  return `星期${'日一二三四五六'[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
}

// permille (int, may be missing) -> "99.9%" or "-"
export function permille(p) {
  if (p === undefined || p === null) return '-';
  return `${Math.floor(p / 10)}.${p % 10}%`;
}
export const num = (v) => Number(v || 0);

// A file's size (int64, may arrive as a string) -> "0.5 KB", "2.3 MB",
// "32 MB": one decimal, none when whole; at least 0.1 KB.
export function fileSize(bytes) {
  const n = Number(bytes || 0);
  const one = (v) => String(Math.round(v * 10) / 10);
  if (n >= 2 ** 30) return `${one(n / 2 ** 30)} GB`;
  if (n >= 2 ** 20) return `${one(n / 2 ** 20)} MB`;
  return `${n > 0 && n < 103 ? '0.1' : one(n / 1024)} KB`;
}

// How close a deadline is, for colouring: overdue, today (< 24 h),
// soon (< 3 days), later. `now` in ms.
export function urgencyOf(dueTs, now) {
  if (!dueTs) return {cls: 'due-none', text: '无时限'};
  const left = Date.parse(dueTs) - now;
  if (left < 0) return {cls: 'due-overdue', text: '已超期'};
  if (left < 24 * 3600e3) return {cls: 'due-today', text: '24小时内到期'};
  if (left < 3 * 24 * 3600e3) return {cls: 'due-soon', text: '3日内到期'};
  return {cls: 'due-later', text: '时限充足'};
}

// "时长" like "2天3小时" between now and a deadline.
export function remaining(dueTs, now) {
  if (!dueTs) return '';
  let left = Date.parse(dueTs) - now;
  const sign = left < 0 ? '超期' : '剩余';
  left = Math.abs(left);
  const days = Math.floor(left / 86400e3);
  const hours = Math.floor((left % 86400e3) / 3600e3);
  const minutes = Math.floor((left % 3600e3) / 60e3);
  if (days > 0) return `${sign}${days}天${hours}小时`;
  if (hours > 0) return `${sign}${hours}小时${minutes}分`;
  return `${sign}${minutes}分钟`;
}

// A wall-clock time in the bureau's zone, as an <input type=datetime-local>
// holds it ("YYYY-MM-DDTHH:MM"), and back: what the clerk types means the
// bureau's time whatever zone the browser is in.
function wallClock(ms) {
  const p = Object.fromEntries(partsFmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return {y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second};
}
const pad2 = (n) => String(n).padStart(2, '0');

// ms since the epoch -> "YYYY-MM-DDTHH:MM" in the bureau's zone.
export function localInputValue(ms) {
  const w = wallClock(ms);
  return `${w.y}-${pad2(w.mo)}-${pad2(w.d)}T${pad2(w.h)}:${pad2(w.mi)}`;
}

// "YYYY-MM-DDTHH:MM" in the bureau's zone -> ms since the epoch; NaN when
// it is not such a value.
export function zonedTimeMs(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value || '');
  if (!m) return NaN;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const offset = (ms) => {
    const w = wallClock(ms);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
  };
  // The zone's offset near the wall time, then at the instant found (they
  // differ only across a change of offset).
  const guess = wall - offset(wall);
  return wall - offset(guess);
}
