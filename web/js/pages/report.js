// Bureau: the report (统计) for a period — figures table, the bureau's
// Chinese wording, charts, and a CSV built here from the figures.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {TYPE, addDays, monthStart, nextMonthStart, zhDate, permille, num, fmtTime} from '../format.js';
import {table, departments, deptName, panel} from '../ui.js';
import {columnChart, departmentChart, barList, chartWidth} from '../charts.js';
import {hotspotsZh} from '../catalogue.js';

// One decimal without a trailing ".0", as hotlinectl prints it.
function decimal(v) {
  const text = (Math.round(Number(v || 0) * 10) / 10).toFixed(1);
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

function rowLabel(r, depts) {
  if (!r.department) return '未转派(含退回)';
  return r.displayName || deptName(depts, r.department);
}

// The bureau's wording, the same as `hotlinectl report --format zh`. 挂起
// (suspended), 以最终答复办结 (closed by a final answer), 并单 (merged)
// and 不当退单 (refused returns) are said only when not zero: a period
// without them reads as it always did; so are a department's assisting
// figures (协办), at the end of its sentence, its replies the bureau's
// review sent back (退回重办) after them, its urging notices (催办), then
// its callbacks closed as unreachable (回访未果) and appealed ratings (申诉)
// last.
const also = (n, text) => (num(n) ? `,${text}${num(n)}件` : '');

// A department's assisting figures (协办), only when it has any (as
// hotlinectl's AssistsZh): ",协办N件,协办按时反馈率X%" ("—" when none
// was due), then ",协办黄牌N件" / ",协办红牌N件" when such cards fell.
export function assistsZh(f) {
  if (num(f.assists) + num(f.assistsReturned) === 0) return '';
  return `,协办${num(f.assists)}件,协办按时反馈率${f.assistOnTimeRatePermille === undefined ? '—' : permille(f.assistOnTimeRatePermille)}`
    + `${also(f.assistYellowCards, '协办黄牌')}${also(f.assistRedCards, '协办红牌')}`;
}

// Whether a period has assisting figures anywhere (its columns are shown).
export function hasAssists(s) {
  const any = (f) => num((f || {}).assists) + num((f || {}).assistsReturned) > 0;
  return any(s.total) || (s.departments || []).some((r) => any(r.figures));
}

// A department's urging notices (催办, as hotlinectl's NoticesZh), only
// when it received any: ",收到催办通知N件,按期反馈N件,逾期未反馈N件".
export function noticesZh(f) {
  if (!num(f.notices)) return '';
  return `,收到催办通知${num(f.notices)}件,按期反馈${num(f.noticesAnsweredOnTime)}件,逾期未反馈${num(f.noticesOverdue)}件`;
}

// A department's callbacks closed as unreachable and appealed ratings (as
// hotlinectl's CallbacksZh), only when it has any: ",回访未果N件" and
// ",差评申诉N件,其中不合理差评N件".
export function callbacksZh(f) {
  return `${also(f.callbacksUnreachable, '回访未果')}`
    + `${num(f.appeals) ? `,差评申诉${num(f.appeals)}件,其中不合理差评${num(f.appealsUpheld)}件` : ''}`;
}

// Whether a period has callbacks closed as unreachable or appeals anywhere.
export function hasCallbacks(s) {
  const any = (f) => num((f || {}).callbacksUnreachable) + num((f || {}).appeals) > 0;
  return any(s.total) || (s.departments || []).some((r) => any(r.figures));
}

// 回访未果, 差评申诉, 不合理差评: for a period that has them.
export const CALLBACK_HEADERS = ['回访未果', '差评申诉', '不合理差评'];
export function callbackCells(f) {
  return [h('td', {dataset: {figure: 'callbacksUnreachable'}}, num(f.callbacksUnreachable)),
    h('td', {dataset: {figure: 'appeals'}}, num(f.appeals)),
    h('td', {dataset: {figure: 'appealsUpheld'}}, num(f.appealsUpheld))];
}

// 满意率 = (满意 + 基本满意) / (满意 + 基本满意 + 不满意 − 不合理差评); "—"
// without a rating that counts. The title says what it is made of.
export function satisfactionCell(f) {
  const upheld = num(f.appealsUpheld) ? `,不合理差评${num(f.appealsUpheld)}件不计入` : '';
  return h('td', {class: 'rate', dataset: {figure: 'satisfactionRate'},
    title: `满意${num(f.satisfied)}件,基本满意${num(f.basicallySatisfied)}件,不满意${num(f.dissatisfied)}件${upheld}`},
  f.satisfactionRatePermille === undefined ? '—' : permille(f.satisfactionRatePermille));
}

// Whether a period has urging notices anywhere (its columns are shown).
export function hasNotices(s) {
  const any = (f) => num((f || {}).notices) > 0;
  return any(s.total) || (s.departments || []).some((r) => any(r.figures));
}

// 催办通知, 按期反馈, 逾期未反馈, 升级: for a period that has them.
export const NOTICE_HEADERS = ['催办通知', '按期反馈', '逾期未反馈', '已升级'];
export function noticeCells(f) {
  return [h('td', {dataset: {figure: 'notices'}}, num(f.notices)),
    h('td', {dataset: {figure: 'noticesAnsweredOnTime'}}, num(f.noticesAnsweredOnTime)),
    h('td', {class: num(f.noticesOverdue) ? 'bad' : '', dataset: {figure: 'noticesOverdue'}}, num(f.noticesOverdue)),
    h('td', {dataset: {figure: 'noticesEscalated'}}, num(f.noticesEscalated))];
}

export function reportZh(s, depts) {
  const t = s.total || {};
  const topics = (s.topTopics || []).map((x) => x.topic);
  let out = `${zhDate(s.fromDate)}至${zhDate(addDays(s.toDate, -1))},收到市12345投诉举报平台转派工单${num(t.received)}件,`
    + `黄牌${num(t.yellowCards)}件,红牌${num(t.redCards)}件,日均受理${decimal(t.dailyAverage)}件`;
  if (topics.length) out += `,主要涉及${topics.join('、')}等问题`;
  out += `。已转相关职能部门调处${num(t.forwarded)}件,相关职能部门已处理回复${num(t.replied)}件,`
    + `未超期未回复${num(t.pendingNotOverdue)}件${also(t.suspended, '挂起')}${also(t.closedByFinalAnswer, '以最终答复办结')}`
    + `${also(t.merged, '并单')}`
    + `${also(t.refusedReturns, '不当退单')},`
    + `按时办结率为${t.onTimeRatePermille === undefined ? '—(无到期工单)' : permille(t.onTimeRatePermille)}。\n`;
  for (const r of s.departments || []) {
    const f = r.figures || {};
    out += `${rowLabel(r, depts)}:工单${num(f.received)}件,已回复${num(f.replied)}件,未超期未回复${num(f.pendingNotOverdue)}件,`
      + `超期未回复${num(f.pendingOverdue)}件${also(f.suspended, '挂起')}${also(f.closedByFinalAnswer, '以最终答复办结')}`
      + `${also(f.merged, '并单')},`
      + `黄牌${num(f.yellowCards)}件,红牌${num(f.redCards)}件`
      + `${also(f.refusedReturns, '不当退单')},按时办结率${f.onTimeRatePermille === undefined ? '—' : permille(f.onTimeRatePermille)}`
      + `${assistsZh(f)}${also(f.repliesSentBack, '答复被退回重办')}${noticesZh(f)}${callbacksZh(f)}。\n`;
  }
  return out;
}

const CSV_HEAD = ['scope', 'key', 'received', 'forwarded', 'replied', 'replied_on_time', 'pending_not_overdue',
  'pending_overdue', 'yellow_cards', 'red_cards', 'daily_average', 'on_time_rate_percent', 'returns', 'reopens',
  'satisfied', 'basically_satisfied', 'dissatisfied', 'reports_owed', 'reports_given', 'reports_missed',
  'report_compliance_percent', 'suspended', 'refused_returns', 'closed_by_final_answer', 'merged',
  'assists', 'assist_opinions', 'assist_opinions_on_time', 'assist_overdue', 'assist_on_time_rate_percent',
  'assists_returned', 'assist_yellow_cards', 'assist_red_cards',
  'replies_sent_back', 'sent_back_nonstandard', 'sent_back_unresolved', 'sent_back_not_contacted',
  'sent_back_no_evidence', 'sent_back_other',
  'notices', 'notices_answered_on_time', 'notices_overdue', 'notices_escalated',
  'callbacks_unreachable', 'appeals', 'appeals_upheld', 'satisfaction_rate_percent'];

// Quoted when it holds a comma, quote or line break. A cell a spreadsheet
// would evaluate as a formula (=, +, -, @, tab, CR first: a topic a caller
// typed) gets a leading apostrophe and quotes, as OWASP advises for CSV
// injection; the figures never start with one of these.
export function csvField(text) {
  const v = String(text);
  const formula = /^[=+\-@\t\r]/.test(v);
  if (!formula && !/[",\r\n]/.test(v)) return v;
  return `"${formula ? "'" : ''}${v.replace(/"/g, '""')}"`;
}

function csvCells(scope, key, f) {
  const pct = (p) => (p === undefined ? '' : (p / 10).toFixed(1));
  return [scope, key, num(f.received), num(f.forwarded), num(f.replied), num(f.repliedOnTime), num(f.pendingNotOverdue),
    num(f.pendingOverdue), num(f.yellowCards), num(f.redCards), Number(f.dailyAverage || 0).toFixed(1),
    pct(f.onTimeRatePermille), num(f.returns), num(f.reopens), num(f.satisfied), num(f.basicallySatisfied),
    num(f.dissatisfied), num(f.reportsOwed), num(f.reportsGiven), num(f.reportsMissed), pct(f.reportCompliancePermille),
    num(f.suspended), num(f.refusedReturns), num(f.closedByFinalAnswer), num(f.merged),
    num(f.assists), num(f.assistOpinions), num(f.assistOpinionsOnTime), num(f.assistOverdue), pct(f.assistOnTimeRatePermille),
    num(f.assistsReturned), num(f.assistYellowCards), num(f.assistRedCards),
    num(f.repliesSentBack), num(f.sentBackNonstandard), num(f.sentBackUnresolved), num(f.sentBackNotContacted),
    num(f.sentBackNoEvidence), num(f.sentBackOther),
    num(f.notices), num(f.noticesAnsweredOnTime), num(f.noticesOverdue), num(f.noticesEscalated),
    num(f.callbacksUnreachable), num(f.appeals), num(f.appealsUpheld), pct(f.satisfactionRatePermille)];
}

// The same columns as `hotlinectl report --format csv`.
export function reportCsv(s) {
  const scope = s.department ? s.department.split('/').pop()
    : s.type ? `type ${s.type}` : s.topic ? `topic ${s.topic}` : 'all tickets';
  const lines = [CSV_HEAD, csvCells('total', scope, s.total || {})];
  for (const r of s.departments || []) lines.push(csvCells('department', r.department || '(not dispatched)', r.figures || {}));
  for (const d of s.perDay || []) lines.push(csvCells('day', d.date, d.figures || {}));
  for (const tp of s.topTopics || []) {
    const cells = csvCells('topic', tp.topic, {received: tp.received});
    for (let i = 3; i < cells.length; i++) cells[i] = '';
    lines.push(cells);
  }
  return lines.map((l) => `${l.map(csvField).join(',')}\n`).join('');
}

// `extra`: {suspended, closed, merged, refused, assists, sentBack, notices, callbacks}, the columns shown for this period.
function figuresRow(labelText, f, dataset, extra) {
  return h('tr', {dataset},
    h('th', {scope: 'row'}, labelText),
    ...[f.received, f.forwarded, f.replied, f.repliedOnTime, f.pendingNotOverdue, f.pendingOverdue]
      .map((v) => h('td', null, num(v))),
    extra.suspended ? h('td', {dataset: {figure: 'suspended'}}, num(f.suspended)) : null,
    extra.closed ? h('td', {dataset: {figure: 'closedByFinalAnswer'}}, num(f.closedByFinalAnswer)) : null,
    extra.merged ? h('td', {dataset: {figure: 'merged'}}, num(f.merged)) : null,
    ...[f.yellowCards, f.redCards].map((v) => h('td', null, num(v))),
    h('td', {class: 'rate'}, permille(f.onTimeRatePermille)),
    h('td', null, `${num(f.returns)} / ${num(f.reopens)}`),
    extra.refused ? h('td', {dataset: {figure: 'refusedReturns'}}, num(f.refusedReturns)) : null,
    h('td', null, `${num(f.satisfied)} / ${num(f.basicallySatisfied)} / ${num(f.dissatisfied)}`),
    satisfactionCell(f),
    h('td', null, `${num(f.reportsGiven)}/${num(f.reportsOwed)}(${permille(f.reportCompliancePermille)})`),
    ...(extra.assists ? assistCells(f) : []),
    extra.sentBack ? h('td', {dataset: {figure: 'repliesSentBack'}, title: sentBackTitle(f)}, num(f.repliesSentBack)) : null,
    ...(extra.notices ? noticeCells(f) : []), ...(extra.callbacks ? callbackCells(f) : []));
}

// Why replies were sent back (退回重办), by reason, for a cell's title.
function sentBackTitle(f) {
  if (!num(f.repliesSentBack)) return '';
  return [['答复不规范', f.sentBackNonstandard], ['诉求未解决', f.sentBackUnresolved], ['未联系诉求人', f.sentBackNotContacted],
    ['佐证不足', f.sentBackNoEvidence], ['其他', f.sentBackOther]].filter(([, n]) => num(n)).map(([t, n]) => `${t}${num(n)}件`).join(',');
}

// Whether a period has replies sent back (退回重办) anywhere.
export function hasSentBack(s) {
  const any = (f) => num((f || {}).repliesSentBack) > 0;
  return any(s.total) || (s.departments || []).some((r) => any(r.figures));
}

// A wide table's frame, reachable by keyboard so that it can be scrolled
// without a mouse (a period with many columns is wider than the page).
export function scrollable(wrap, name) {
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', name);
  return wrap;
}

// 协办件, 协办按时反馈率, 协办黄/红牌: for a period that has them.
export const ASSIST_HEADERS = ['协办件', '协办按时反馈率', '协办黄牌/红牌'];
export function assistCells(f) {
  return [h('td', {dataset: {figure: 'assists'}}, num(f.assists)),
    h('td', {class: 'rate', dataset: {figure: 'assistOnTimeRate'}}, permille(f.assistOnTimeRatePermille)),
    h('td', {dataset: {figure: 'assistCards'}}, `${num(f.assistYellowCards)} / ${num(f.assistRedCards)}`)];
}

// 挂起, 以最终答复办结, 并单 and 不当退单 only for a period that has
// them: one without looks as it always did.
function headers(extra) {
  return ['范围', '收到', '已转派', '已回复', '按时回复', '未超期未回复', '超期未回复', ...(extra.suspended ? ['挂起'] : []),
    ...(extra.closed ? ['以最终答复办结'] : []), ...(extra.merged ? ['并单'] : []),
    '黄牌', '红牌', '按时办结率', '退单/重办', ...(extra.refused ? ['不当退单'] : []), '满意/基本/不满意', '满意率', '一日一报',
    ...(extra.assists ? ASSIST_HEADERS : []), ...(extra.sentBack ? ['退回重办'] : []), ...(extra.notices ? NOTICE_HEADERS : []),
    ...(extra.callbacks ? CALLBACK_HEADERS : [])];
}

export async function render(ctx) {
  const caller = await ctx.refreshCaller();
  const depts = await departments();
  const today = caller.today;
  const from = h('input', {type: 'date', id: 'report-from', value: monthStart(today), required: true});
  const to = h('input', {type: 'date', id: 'report-to', value: addDays(nextMonthStart(today), -1), required: true});
  const cut = select([{value: '', label: '全部'},
    ...depts.map((d) => ({value: `department:${d.name}`, label: `部门:${d.displayName || d.name}`})),
    ...Object.entries(TYPE).map(([v, l]) => ({value: `type:${v}`, label: `类型:${l}`}))], {id: 'report-cut'});
  const presets = h('div', {class: 'presets', role: 'group', 'aria-label': '常用时段'},
    ...[['本月', monthStart(today), addDays(nextMonthStart(today), -1)],
      ['上月', monthStart(addDays(monthStart(today), -1)), addDays(monthStart(today), -1)],
      ['今年', `${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`],
      ['去年', `${Number(today.slice(0, 4)) - 1}-01-01`, `${Number(today.slice(0, 4)) - 1}-12-31`]]
      .map(([text, a, b]) => h('button', {type: 'button', on: {click: () => { from.value = a; to.value = b; run(); }}}, text)));
  const button = h('button', {type: 'submit', class: 'primary'}, '生成报表');
  const form = h('form', {class: 'toolbar', id: 'report-form'}, field('起始日期', from), field('截止日期(含)', to), field('范围', cut), button);
  const out = h('div', {id: 'report-output', 'aria-live': 'polite'});
  ctx.main.append(h('h1', null, '统计报表'), presets, form, out);

  let lastCsv = '';
  let lastName = '';

  async function run() {
    if (!from.value || !to.value) return;
    const params = {fromDate: from.value, toDate: addDays(to.value, 1)};
    if (cut.value.startsWith('department:')) params.department = cut.value.slice(11);
    if (cut.value.startsWith('type:')) params.type = cut.value.slice(5);
    button.disabled = true;
    try {
      const s = await api.get('/v1/statistics', params);
      // The bureau's whole report ends with its hotspots (热点问题), as
      // hotlinectl report --format zh: not for one department or type, and
      // without when the server refuses them (a period too long, an older
      // server).
      const hot = params.department || params.type ? null
        : await api.get('/v1/hotspots', {fromDate: params.fromDate, toDate: params.toDate}).catch((e) => {
          if ([400, 403, 404, 501].includes(e.status)) return null;
          throw e;
        });
      if (!ctx.isCurrent()) return;
      lastCsv = reportCsv(s);
      lastName = `hotline-report-${s.fromDate}-${addDays(s.toDate, -1)}.csv`;
      const download = h('button', {type: 'button', id: 'report-csv'}, '下载 CSV');
      download.addEventListener('click', () => {
        const blob = new Blob(['\ufeff', lastCsv], {type: 'text/csv;charset=utf-8'});
        const url = URL.createObjectURL(blob);
        const a = h('a', {href: url, download: lastName, hidden: true});
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      });
      const perDay = (s.perDay || []).map((d) => ({label: d.date.slice(5), value: num((d.figures || {}).received)}));
      const extra = {suspended: num((s.total || {}).suspended) > 0, closed: num((s.total || {}).closedByFinalAnswer) > 0,
        merged: num((s.total || {}).merged) > 0,
        refused: num((s.total || {}).refusedReturns) > 0, assists: hasAssists(s), sentBack: hasSentBack(s),
        notices: hasNotices(s), callbacks: hasCallbacks(s)};
      // Charts laid out for the width they get (charts.js).
      const avail = ctx.main.clientWidth - 40;
      const pair = avail >= 2 * 380 + 16 ? 2 : 1;
      const phone = window.matchMedia('(max-width: 760px)').matches;
      const deptRows = (s.departments || []).filter((r) => r.department).map((r) => ({
        label: rowLabel(r, depts), permille: (r.figures || {}).onTimeRatePermille,
        yellow: num((r.figures || {}).yellowCards), red: num((r.figures || {}).redCards)}));
      replace(out,
        panel('报告文字', h('p', {class: 'hint'}, `统计区间 ${s.fromDate} 至 ${addDays(s.toDate, -1)}(${s.days} 天),截至 ${fmtTime(s.asOf)}`),
          h('pre', {class: 'zh-report', id: 'report-zh'}, reportZh(s, depts) + (hot ? hotspotsZh(hot) : '')), h('div', {class: 'actions'}, download)),
        panel('数据表', scrollable(table(headers(extra), [figuresRow('合计', s.total || {}, {scope: 'total'}, extra),
          ...(s.departments || []).map((r) => figuresRow(rowLabel(r, depts), r.figures || {}, {scope: 'department', department: r.department || ''}, extra))],
        {cls: 'grid figures', caption: `日均受理 ${Number((s.total || {}).dailyAverage || 0).toFixed(1)} 件`}), '数据表')),
        h('div', {class: 'charts'},
          columnChart('每日受理', perDay, {width: chartWidth(avail, pair)}),
          barList('主要问题类别', (s.topTopics || []).map((x) => ({label: x.topic, value: num(x.received)})), {unit: '件', width: chartWidth(avail, pair)})),
        departmentChart('各部门', deptRows, {width: chartWidth(avail, phone ? 1 : 2)}));
    } catch (e) {
      ctx.fail(e);
    } finally {
      button.disabled = false;
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  await run();
}
