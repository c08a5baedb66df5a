// Chinese messages for the server's refusals. Every refusal carries a
// google.rpc.ErrorInfo whose `reason` names a value of
// proto/hotline/v1/errors.proto and whose metadata holds the facts (the
// ticket, its state, a deadline...). The page shows the Chinese message
// built from those; the server's own text (English, for operators and
// programs) is kept as a detail.
import {STATE, ASSIST_STATE, NOTICE_STATE, label, fmtDue, fmtTime, fileSize, zhDate} from './format.js';

// The API's method names (metadata "method") as people say them.
const METHOD = {
  CreateTicket: '受理工单', GetTicket: '查看工单', ListTickets: '查询工单', 'reading tickets': '查看工单',
  DispatchTicket: '派单', AcknowledgeTicket: '签收', ReturnTicket: '退单', ReplyTicket: '回复',
  CloseTicket: '办结', ReopenTicket: '重办', ListTicketEvents: '查看办理过程',
  RequestExtension: '申请延期', ApproveExtension: '批准延期', RejectExtension: '驳回延期',
  'ApproveExtension or RejectExtension': '审批延期', IssueCard: '亮牌', RevokeCard: '撤销亮牌',
  ListCards: '查看黄红牌', SubmitDailyReport: '提交一日一报', ListDailyReports: '查看一日一报',
  GetDailyReportCompliance: '查看一日一报情况', CreateDepartment: '创建部门', CreateToken: '创建令牌',
  ListTokens: '查看令牌', RevokeToken: '吊销令牌', GetStatistics: '查看统计', AdvanceClock: '推进时钟',
  CreateBackup: '备份数据库', WatchEvents: '接收实时推送',
  RefuseReturn: '驳回退单', RequestSuspension: '申请挂起', ApproveSuspension: '批准挂起',
  RejectSuspension: '驳回挂起', 'ApproveSuspension or RejectSuspension': '审批挂起', ResumeTicket: '恢复办理',
  SubmitFinalAnswer: '提交最终答复', ApproveFinalAnswer: '批准最终答复', RejectFinalAnswer: '驳回最终答复',
  'ApproveFinalAnswer or RejectFinalAnswer': '审批最终答复', CloseByFinalAnswer: '以最终答复办结',
  MergeTicket: '并单', 'MergeTicket (its main ticket)': '作为主工单接受并单', UnmergeTicket: '取消并单',
  ListDuplicateCandidates: '查看可能重复', LinkTickets: '关联工单', UnlinkTickets: '取消关联',
  'LinkTickets or UnlinkTickets': '关联或取消关联工单',
  AddAssistingDepartment: '增加协办单位', RemoveAssistingDepartment: '撤销协办单位',
  'AddAssistingDepartment or RemoveAssistingDepartment': '增加或撤销协办单位',
  AcknowledgeAssist: '签收协办任务', ReturnAssist: '退回协办任务', SubmitAssistOpinion: '提交协办意见',
  'AcknowledgeAssist, ReturnAssist or SubmitAssistOpinion': '签收、退回协办任务或提交协办意见',
  AcceptReply: '审核通过答复', SendBackReply: '退回重办', 'AcceptReply or SendBackReply': '审核答复(通过或退回重办)',
  IssueNotice: '发出催办、督办通知', AcknowledgeNotice: '签收催办通知', AnswerNotice: '反馈催办通知',
  'AcknowledgeNotice or AnswerNotice': '签收或反馈催办通知', ListNotices: '查看催办通知',
  RecordCallback: '记录回访', AppealRating: '申诉差评', DecideAppeal: '裁定差评申诉',
  ListCategories: '查看诉求分类', GetDispatchCatalogue: '查看派单目录', UpdateDispatchCatalogue: '修订派单目录',
  SuggestDispatch: '查看派单目录建议', GetCategoryStatistics: '查看分类统计', GetHotspots: '查看热点分析',
  UploadAttachment: '上传附件', DownloadAttachment: '下载附件', ReleaseAttachment: '解除附件保密',
  CreateSubscription: '创建通知订阅', ListSubscriptions: '查看通知订阅', GetSubscription: '查看通知订阅',
  DeleteSubscription: '删除通知订阅', PauseSubscription: '暂停通知订阅', ResumeSubscription: '恢复通知订阅',
  RotateSubscriptionSecret: '更换通知订阅的密钥', ListDeliveries: '查看投递记录', RedeliverEvent: '重新投递',
};

export function methodName(m) {
  return (m && METHOD[m]) || (m ? `“${m}”` : '此操作');
}

// "tickets/12" -> "工单 #12", and so on for the other resources.
export function resourceName(name) {
  const n = String(name || '');
  // An urging notice (催办通知): "tickets/7/notices/2".
  const notice = /^tickets\/(\d+)\/notices\/(\d+)$/.exec(n);
  if (notice) return `工单 #${notice[1]} 的第 ${notice[2]} 号催办通知`;
  // An attachment (附件): "tickets/7/attachments/2".
  const attachment = /^tickets\/(\d+)\/attachments\/(\d+)$/.exec(n);
  if (attachment) return `工单 #${attachment[1]} 的第 ${attachment[2]} 号附件`;
  // A notification subscription's delivery log: "subscriptions/3/deliveries".
  const deliveries = /^subscriptions\/(\d+)\/deliveries$/.exec(n);
  if (deliveries) return `通知订阅 ${deliveries[1]} 号的投递记录`;
  const [kind, id] = n.split('/');
  if (!id) return n ? `“${n}”` : '该对象';
  switch (kind) {
    case 'tickets': return `工单 #${id}`;
    case 'cards': return `黄红牌 ${id} 号`;
    case 'departments': return `部门“${id}”`;
    case 'tokens': return `令牌 ${id} 号`;
    case 'subscriptions': return `通知订阅 ${id} 号`;
    case 'department': return `部门“${id}”`;
    case 'intake': return `受理来源“${id}”`;
    default: return `“${n}”`;
  }
}

const who = (p) => (p === 'bureau' ? '局端' : resourceName(p));
const states = (list) => String(list || '').split(',').map((s) => label(STATE, s.trim())).filter((s) => s !== '—').join('、');
const ticketOf = (m) => (m.ticket ? resourceName(m.ticket) : '该工单');
const mainOf = (m) => (m.main_ticket ? resourceName(m.main_ticket) : '主工单');
const otherOf = (m) => (m.other_ticket ? resourceName(m.other_ticket) : '另一工单');
const noticeOf = (m) => (m.notice ? resourceName(m.notice) : '该催办通知');
const deptOf = (m) => (m.department ? resourceName(m.department) : '该部门');
// OPINIONS_MISSING's "missing": departments, comma separated.
const deptList = (list) => String(list || '').split(',').map((d) => d.trim()).filter(Boolean).map(resourceName).join('、');
// A refusal of a state the method allows: the server says why in the
// reason's own words; the one such case is reopening a ticket closed by a
// final answer (最终答复), which no department ever held.
const allowedAnyway = (m) => m.state && String(m.allowed_states || '').split(',').map((s) => s.trim()).includes(m.state);

function ticketStateText(m) {
  if (allowedAnyway(m) && m.method === 'ReopenTicket') {
    return `${ticketOf(m)}是以最终答复办结的,未曾派单,没有承办部门可以重办;如来电人提出新的诉求,请由平台转派新工单。`;
  }
  return `${ticketOf(m)}当前为“${label(STATE, m.state)}”,不能${methodName(m.method)}`
    + `${m.allowed_states ? `(仅“${states(m.allowed_states)}”时可以)` : ''}。`;
}

// "rules[2].category" -> "(派单目录第 3 条)"; '' for another field.
function ruleOf(field) {
  const m = /rules\[(\d+)\]/.exec(field || '');
  return m ? `(派单目录第 ${Number(m[1]) + 1} 条)` : '';
}

// ATTACHMENT_TYPE's "detected": a refused type ("video/mp4") or what the
// bytes look like ("a Windows program"), as people say it; '' for one
// this page does not know.
const DETECTED = {
  'video/mp4': 'MP4 视频', 'video/3gpp': '3GP 视频', 'application/zip': 'ZIP 压缩包',
  'a Windows program': 'Windows 可执行程序', 'a Linux program': 'Linux 可执行程序', 'a macOS program': 'macOS 可执行程序',
  'a script': '脚本程序', 'a RAR archive': 'RAR 压缩包', 'a 7-Zip archive': '7-Zip 压缩包', 'a gzip archive': 'gzip 压缩包',
};
function detectedText(d) {
  if (DETECTED[d]) return `文件的内容是${/^[A-Za-z0-9]/.test(DETECTED[d]) ? ' ' : ''}${DETECTED[d]},`;
  if (/^[a-z]+\/[\w.+-]+$/.test(d || '')) return `文件的内容是“${d}”类型,`;
  return '文件的类型无法识别(如纯文本、未知格式),';
}
const attachmentOf = (m) => (m.attachment ? resourceName(m.attachment) : '该附件');

// SUBSCRIPTION_URL's "rule": why the server will not send to the URL.
const URL_RULE = {
  https: '事件只能经 https:// 发往接收方;http:// 仅限本机回环地址(如 127.0.0.1)上的接收方。',
  loopback_http: '本服务器不允许以 http:// 发往本机回环地址(须由管理员以 --notify_allow_loopback_http 启动),请改用 https://。',
  scheme: '接收地址须以 https:// 开头。',
  credentials: '接收地址中不能含用户名或密码:接收方应核验请求的签名(Hotline-Signature)。',
  fragment: '接收地址中不能含“#”及其后的片段。',
  host: '接收地址缺少主机名。',
  characters: '接收地址中不能含空格或控制字符。',
  length: '接收地址过长(不超过 2000 个字符)。',
};
function subscriptionUrlText(m) {
  const url = String(m.url || '');
  const shown = url ? `“${url.length > 80 ? `${url.slice(0, 80)}…` : url}”` : '';
  return `不能向接收地址${shown}推送事件:${URL_RULE[m.rule] || '该地址不符合要求,请填写 https:// 开头的地址。'}`;
}

// One entry per ErrorReason value: metadata -> the Chinese message.
export const REASON_TEXT = {
  CREDENTIALS_MISSING: () => '请先登录:请求没有携带访问令牌。',
  TOKEN_INVALID: () => '访问令牌无效:请检查是否完整粘贴,或向局端索取新的令牌。',
  TOKEN_REVOKED: (m) => `访问令牌${m.token ? `(${resourceName(m.token)})` : ''}已被吊销,请向局端索取新的令牌。`,
  CERTIFICATE_UNBOUND: (m) => `客户端证书${m.certificate_identity ? `“${m.certificate_identity}”` : ''}未绑定任何身份,请联系局端。`,
  CREDENTIALS_CONFLICT: () => '令牌与客户端证书代表不同的身份,请只使用其中一种。',
  ROLE_NOT_ALLOWED: (m) => `您的身份无权${methodName(m.method)}。`,
  NOT_YOURS: (m) => `${m.resource ? resourceName(m.resource) : '该对象'}不属于您的部门,或不存在,无权查看或操作。`,
  INVALID_FIELD: () => '填写的内容不符合要求,请检查后重试。',
  REQUEST_ID_REUSED: () => '请求编号重复(与之前的另一请求相同),请刷新页面后重试。',
  NOT_FOUND: (m) => `${m.resource ? resourceName(m.resource) : '要找的对象'}不存在。`,
  RESUME_FROM: () => '实时推送的位置已失效(服务器数据已恢复),请刷新页面。',
  TICKET_STATE: ticketStateText,
  ETAG_MISMATCH: (m) => `${ticketOf(m)}刚刚被他人修改过,请查看最新内容后再操作。`,
  RETURN_WINDOW_CLOSED: (m) => `${ticketOf(m)}的退单时限${m.return_due_at ? `(${fmtDue(m.return_due_at)})` : ''}已过,不能再退单;如确非本单位职责,请联系局端改派。`,
  EXTENSION_LIMIT: (m) => `${ticketOf(m)}已延期 ${m.extension_count || ''} 次,达到规定上限${m.extension_max_count ? `(${m.extension_max_count} 次)` : ''},不能再申请。`,
  EXTENSION_TOO_LATE: (m) => `${ticketOf(m)}的办理时限${m.reply_due_at ? `(${fmtDue(m.reply_due_at)})` : ''}已过,不能再申请延期。`,
  EXTENSION_PENDING: (m) => `${ticketOf(m)}已有一项延期申请等待局端审批。`,
  EXTENSION_NOT_PENDING: (m) => `${ticketOf(m)}没有待审批的延期申请。`,
  ALREADY_ASSIGNED: (m) => `${ticketOf(m)}已由该部门承办,无需重复派单。`,
  DUPLICATE_SOURCE_ID: (m) => `平台编号${m.source_id ? `“${m.source_id}”` : ''}的工单已经受理过${m.ticket ? `(${resourceName(m.ticket)})` : ''},未重复创建。`,
  ALREADY_EXISTS: (m) => (m.source_id ? `平台编号“${m.source_id}”的工单已由其他受理来源创建。`
    : `${m.resource ? resourceName(m.resource) : '该对象'}已经存在。`),
  NO_DEPARTMENT_TO_CHARGE: (m) => `${ticketOf(m)}当前没有承办部门${m.state ? `(${label(STATE, m.state)})` : ''},无法亮牌。`,
  ALREADY_REVOKED: (m) => `${m.resource ? resourceName(m.resource) : '该对象'}已经撤销。`,
  LAST_BUREAU_TOKEN: () => '这是最后一个有效的局端令牌,不能吊销:请先创建另一个局端令牌。',
  REPORT_DAY_ENDED: (m) => `${m.date || '该日'}已经结束,不能再提交或修改当天的一日一报。`,
  NOT_A_WORKING_DAY: (m) => `${m.date || '今天'}不是工作日,无需一日一报。`,
  NOT_IN_REHEARSAL: () => '服务器运行在真实时钟上(非演练模式),不能推进时钟。',
  BACKUP_NOT_CONFIGURED: () => '服务器未配置备份目录(--backup_dir),不能备份。',
  RETURN_NOT_REVIEWABLE: (m) => `${ticketOf(m)}的退单发生在退单审核启用之前,没有可退回的原承办信息,请直接重新派单。`,
  SUSPENSION_PENDING: (m) => `${ticketOf(m)}已有一项挂起申请等待局端审批。`,
  SUSPENSION_NOT_PENDING: (m) => (m.expected_end
    ? `${ticketOf(m)}的挂起申请预计结束时间(${fmtTime(m.expected_end)})已过,申请已失效,请驳回后由部门重新申请。`
    : `${ticketOf(m)}没有待审批的挂起申请。`),
  SUSPENSION_TOO_LONG: (m) => `挂起的预计结束时间${m.expected_end ? `(${fmtTime(m.expected_end)})` : ''}须晚于现在,`
    + `且自申请时起不超过${m.suspension_max_days ? ` ${m.suspension_max_days} 天` : '规定的最长天数'}。`,
  FINAL_ANSWER_EXISTS: (m) => (m.final_answer_state === 'APPROVED'
    ? `${ticketOf(m)}的最终答复已经局端批准,不能再提交。`
    : m.final_answer_state === 'PENDING' ? `${ticketOf(m)}已有一份最终答复等待局端审批,审批前不能再提交。`
      : `${ticketOf(m)}已有最终答复,不能再提交。`),
  FINAL_ANSWER_NOT_APPROVED: (m) => `${ticketOf(m)}没有可用的最终答复:以最终答复办结只能引用局端已批准的最终答复,`
    + '审批只能针对待审批的最终答复。',
  NOT_THE_SAME_CALLER: (m) => `${ticketOf(m)}的来电人与${m.final_answer_ticket ? resourceName(m.final_answer_ticket) : '最终答复所在工单'}`
    + '的来电人不同(来电号码不一致或缺失),不能以该最终答复办结,请正常派单。',
  TICKET_MERGED: (m) => `${ticketOf(m)}已并入${mainOf(m)}(并单),随主工单办理,`
    + `${m.method ? `不能单独${methodName(m.method)}` : '不能单独操作'}:`
    + `请在${mainOf(m)}上操作,或先取消并单。`,
  MERGE_CHAIN: (m) => `${ticketOf(m)}不能并入${mainOf(m)}:不能连环并单。若${mainOf(m)}本身已并入其他工单,请并入它所并入的主工单;`
    + `若已有工单并入${ticketOf(m)},请先将它们取消并单。`,
  NOT_MERGED: (m) => `${ticketOf(m)}没有并入其他工单,无需取消并单。`,
  ALREADY_LINKED: (m) => `${ticketOf(m)}与${otherOf(m)}已经关联,无需重复关联。`,
  NOT_LINKED: (m) => `${ticketOf(m)}与${otherOf(m)}没有关联,无需取消。`,
  NOT_ASSISTING: (m) => `${deptOf(m)}不是${ticketOf(m)}的协办单位(或其协办任务已退回、已撤销)。`,
  ASSIST_IS_LEAD: (m) => `${deptOf(m)}不能既是主办单位又是协办单位:协办单位须不同于主办单位;`
    + '如要改由某协办单位主办,请先撤销其协办。',
  ALREADY_ASSISTING: (m) => `${deptOf(m)}已是${ticketOf(m)}的协办单位,无需重复增加。`,
  ASSIST_STATE: (m) => `${deptOf(m)}在${ticketOf(m)}的协办任务${m.assist_state ? `当前为“${label(ASSIST_STATE, m.assist_state)}”,` : ''}不能进行此操作`
    + '(须先签收才能提交协办意见;签收、退回各只能一次;退回须在退回时限内、提交意见之前)。',
  OPINIONS_MISSING: (m) => `尚未收齐协办意见${m.missing ? `(${deptList(m.missing)}未反馈)` : ''}:`
    + '请等协办单位反馈意见后再回复,或填写“未收齐意见说明”后回复。',
  OPINION_RELIED_ON: (m) => `${ticketOf(m)}的答复引用了${deptOf(m)}的协办意见,不能撤销该协办单位;如确需撤销,请先重办。`,
  REPLY_NOT_REVIEWED: (m) => `${ticketOf(m)}的答复尚待局端审核(办结审核),审核通过后才能办结:`
    + '请先审核通过答复,或退回重办。',
  REVIEW_NOT_PENDING: (m) => `${ticketOf(m)}没有待审核的答复(已审核通过、已退回重办,或尚未回复),无需再审核:请刷新页面查看最新状态。`,
  NOTICE_STATE: (m) => `${noticeOf(m)}${NOTICE_STATE[m.state] ? `当前为“${label(NOTICE_STATE, m.state)}”,` : ''}不能进行此操作`
    + '(须先签收才能反馈;已反馈、已升级、已失效的通知不能再签收或反馈):请刷新页面查看最新状态。',
  NOTICE_OPEN: (m) => `${ticketOf(m)}已有尚未反馈的${m.notice ? resourceName(m.notice).replace(/^工单 #\d+ 的/, '') : '催办通知'},`
    + '不能再发出同级或更低级别的通知:请等部门反馈或反馈时限届满(逾期自动升级),或发出更高级别的督办。',
  NOTICE_LIMIT: (m) => `${ticketOf(m)}的催办、督办通知已达上限(每张工单 100 件),不能再发出。`,
  APPEAL_TOO_LATE: (m) => `${ticketOf(m)}的差评申诉期限${m.appeal_due_at ? `(${fmtDue(m.appeal_due_at)})` : ''}已过,`
    + '不能再申诉:申诉须在办结后规定的工作日内提出。',
  APPEAL_NOT_PENDING: (m) => `${ticketOf(m)}没有待裁定的差评申诉(尚未申诉,或已裁定),无需再裁定:请刷新页面查看最新状态。`,
  APPEAL_EXISTS: (m) => `${ticketOf(m)}的差评已经申诉过(每张工单只能申诉一次),不能再申诉。`,
  NOT_DISSATISFIED: (m) => `${ticketOf(m)}的回访评价不是“不满意”,无需申诉:只有不满意的评价(差评)才能申诉。`,
  UNKNOWN_CATEGORY: (m) => `诉求分类${m.category ? `“${m.category}”` : ''}不在分类目录中,请从列表中选择诉求分类`
    + `${ruleOf(m.field)}。`,
  CATALOGUE_VERSION: (m) => `派单目录已被他人修订${m.current_version ? `(现为第 ${m.current_version} 版)` : ''},本次保存未生效:`
    + '请重新读取最新版本,核对后再修改保存。',
  ATTACHMENT_TOO_LARGE: (m) => `文件太大${m.limit_bytes ? `(每个文件不超过 ${fileSize(m.limit_bytes)})` : ''},未上传:`
    + '请降低照片分辨率、截短录音或拆分后再上传。',
  TICKET_ATTACHMENTS_FULL: (m) => `${ticketOf(m)}的附件已满`
    + `${m.limit_files || m.limit_bytes ? `(每张工单至多${m.limit_files ? ` ${m.limit_files} 个文件` : ''}`
      + `${m.limit_files && m.limit_bytes ? '、' : ''}${m.limit_bytes ? `共 ${fileSize(m.limit_bytes)}` : ''})` : ''},不能再上传。`,
  ATTACHMENT_QUOTA: (m) => `${m.date ? zhDate(m.date) : '今天'}上传附件的额度已用完`
    + `${m.limit_bytes ? `(每天 ${fileSize(m.limit_bytes)}${m.used_bytes ? `,已上传 ${fileSize(m.used_bytes)}` : ''})` : ''},`
    + '未上传:次日 0 时起恢复。',
  ATTACHMENT_TYPE: (m) => `${detectedText(m.detected)}不能作为附件上传:附件只能是图片(JPEG、PNG、GIF、WebP、HEIC)、`
    + '录音(MP3、AAC、AMR、WAV、Ogg、FLAC)、PDF 或 Office 文档(Word、Excel、PowerPoint,含 WPS 文档)。'
    + '类型按文件内容判断,与扩展名无关。',
  ATTACHMENT_MISMATCH: () => '上传的文件不完整(传输中断或出错),未保存:请重新上传。',
  ATTACHMENT_DAMAGED: (m) => `${attachmentOf(m)}在服务器上的存储已缺失或损坏,不能下载;数据库未受影响。请联系管理员从备份恢复该文件。`,
  ATTACHMENT_RESTRICTED: (m) => `${attachmentOf(m)}是保密来电人提供的材料,局端解除保密前承办部门不能查看。`,
  SUBSCRIPTION_URL: subscriptionUrlText,
  SUBSCRIPTIONS_FULL: (m) => `通知订阅已达上限${m.limit ? `(每个部门、局端各至多 ${m.limit} 个)` : ''},未创建:`
    + '请先删除不再需要的订阅。',
  SMS_GATEWAY_NOT_CONFIGURED: () => '服务器未配置短信网关(--sms_gateway),不能发送短信通知:'
    + '请改用网络推送(Webhook),或请管理员配置短信网关。',
  DISK_FULL: () => '服务器磁盘已满,本次操作未保存。请联系管理员清理空间后重试。',
  FEED_STALLED: () => '实时推送因长时间未读取而中断,正在重新连接。',
  SERVER_UNAVAILABLE: () => '服务器正在启动或关闭,请稍后重试。',
  DATABASE_DAMAGED: () => '服务器数据库文件已损坏,请勿重试,并立即联系管理员恢复备份。',
  CLOCK_STOPPED_EARLY: (m) => `时钟推进中途停止${m.now ? `,现在停在 ${fmtTime(m.now)}` : ''}。`,
  INTERNAL_ERROR: () => '服务器内部错误,请稍后重试;如反复出现请联系管理员(详情见服务器日志)。',
  OTHER: () => '操作未能完成。',
  MALFORMED_REQUEST: () => '请求格式有误(页面与服务器版本可能不一致),请刷新页面后重试。',
  NO_SUCH_ROUTE: () => '服务器没有此接口(页面与服务器版本可能不一致),请刷新页面。',
  HTTP_METHOD_NOT_ALLOWED: () => '服务器不接受这种请求方式(页面与服务器版本可能不一致),请刷新页面。',
  BODY_TOO_LARGE: (m) => `提交的内容太大${m.limit_bytes ? `(上限 ${m.limit_bytes} 字节)` : ''},请删减后重试。`,
  UNSUPPORTED_MEDIA_TYPE: () => '请求格式有误(不是 JSON),请刷新页面后重试。',
  CSRF_TOKEN_MISSING: () => '会话校验失败,请刷新页面后重试。',
  SESSION_EXPIRED: () => '登录已失效,请重新登录。',
};

// By gRPC status code, when a refusal has no reason this page knows.
const CODE_TEXT = {
  1: '操作已取消。', 2: '服务器出错,请稍后重试。', 3: '填写的内容不符合要求。', 4: '服务器处理超时,请稍后重试。',
  5: '要找的对象不存在。', 6: '该对象已经存在。', 7: '无权执行此操作。', 8: '服务器繁忙,请稍后重试。',
  9: '当前状态下不能执行此操作。', 10: '内容已被他人修改,请刷新后重试。', 11: '超出允许的范围。',
  12: '服务器不支持此操作。', 13: '服务器内部错误,请稍后重试。', 14: '无法连接服务器,请检查网络后重试。',
  15: '服务器数据出错,请联系管理员。', 16: '请先登录。',
};

// The field a BadRequest names, in Chinese where the console knows it.
const FIELD = {
  reason: '理由', reply_text: '答复内容', replyText: '答复内容', outcome: '办理结果', satisfaction: '回访评价',
  department: '承办部门', note: '说明', working_days: '延长工作日', workingDays: '延长工作日',
  progress: '进展', entries: '进展', date: '日期', display_name: '名称', department_id: '部门标识',
  principal: '身份', title: '标题', content: '诉求内容', topic: '类别', type: '类型', ticket: '工单编号',
  color: '颜色', filter: '查询条件', by: '推进时长', to: '推进到',
  expected_end: '预计结束时间', expectedEnd: '预计结束时间',
  answer: '答复内容(最终答复或催办反馈)', basis: '依据', final_answer_ticket: '最终答复所在工单', finalAnswerTicket: '最终答复所在工单',
  main_ticket: '主工单编号(须为另一张工单)', mainTicket: '主工单编号(须为另一张工单)',
  other_ticket: '关联工单编号(须为另一张工单)', otherTicket: '关联工单编号(须为另一张工单)',
  assisting_departments: '协办单位(不能是主办单位,不能重复)', assistingDepartments: '协办单位(不能是主办单位,不能重复)',
  missing_opinions_reason: '未收齐意见说明', missingOpinionsReason: '未收齐意见说明', opinion: '协办意见',
  reasons: '退回理由(至少选一项,不能重复)',
  level: '通知级别', copy_to: '抄送(不超过 200 字)', copyTo: '抄送(不超过 200 字)',
  channel: '回访方式', result: '回访结果', grounds: '申诉理由', uphold: '裁定结果',
  category: '诉求分类', township: '乡镇/街道(须以镇、乡或街道结尾)', rules: '派单目录条目(同一分类和乡镇只能有一条)',
  expected_version: '目录版本', expectedVersion: '目录版本', from_date: '起始日期', fromDate: '起始日期',
  to_date: '截止日期', toDate: '截止日期', limit: '条数',
  file_name: '文件名(不超过 200 字,不能含路径,不能以“.”开头)', fileName: '文件名(不超过 200 字,不能含路径,不能以“.”开头)',
  step: '环节', description: '说明', chunk: '文件内容(不能为空)',
  // Notifications (通知订阅): by the whole path where the last part means
  // something else elsewhere (channel, department).
  'subscription.channel': '推送方式', 'subscription.department': '订阅的部门(部门只能订阅本部门)',
  url: '接收地址', phone_numbers: '短信号码(11 位手机号码,1 至 10 个)', phoneNumbers: '短信号码(11 位手机号码,1 至 10 个)',
  event_types: '事件类型', eventTypes: '事件类型', overlap: '旧密钥保留时长(0 至 7 天)', seq: '投递编号',
  dissatisfaction_reasons: '不满意原因(仅在评价为不满意时填写,不能重复)', dissatisfactionReasons: '不满意原因(仅在评价为不满意时填写,不能重复)',
};

// The Chinese message for a google.rpc.Status body.
export function zhMessage(status, body) {
  const b = body || {};
  const details = Array.isArray(b.details) ? b.details : [];
  const info = details.find((d) => d && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.ErrorInfo'));
  const reason = info ? info.reason : '';
  const metadata = (info && info.metadata) || {};
  const text = REASON_TEXT[reason];
  let message = text ? text(metadata) : CODE_TEXT[b.code] || (status ? `操作未能完成(HTTP ${status})。` : '操作未能完成。');
  const bad = details.find((d) => d && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.BadRequest'));
  const fields = ((bad && bad.fieldViolations) || []).map((v) => v.field).filter(Boolean);
  if (fields.length && (reason === 'INVALID_FIELD' || reason === 'MALFORMED_REQUEST' || !reason)) {
    const names = [...new Set(fields.map((f) => {
      const last = f.split('.').pop();
      // A dispatch catalogue rule's field, "rules[2].township": which rule.
      const rule = /^rules\[(\d+)\]\./.exec(f);
      return `${rule ? `派单目录第 ${Number(rule[1]) + 1} 条的` : ''}${FIELD[f] || FIELD[last] || (rule ? last : f)}`;
    }))];
    message = `${message.replace(/。$/, '')}:${names.map((n) => `“${n}”`).join('、')}。`;
  }
  return message;
}
