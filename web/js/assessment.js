// The department scorecard (考核, GET /v1/assessment), as the pages show it:
// the rates and their weights in Chinese, the bureau's 红黑榜 paragraph and
// the CSV exactly as `hotlinectl report --assessment --format zh|csv`
// (tools/assessment_format.cc), and a department's score month by month
// for its trend. The server scores and ranks (workflow/assessment.h); the
// bureau gets every department's row, a department its own (its rank
// among all). Stateless; the loaders fetch and nothing is kept.
import * as api from './api.js';
import {zhDate, addDays, nextMonthStart, num} from './format.js';
import {csvField} from './pages/report.js';

// The rates by their API name: what each judges, in the bureau's words.
export const RATE = {
  on_time_reply: '按时回复率', returns: '未退单率', refused_returns: '无不当退单率', reopens: '未重办率',
  sent_back: '答复一次通过率', satisfaction: '满意率', cards: '未亮牌率', notices: '催办按期反馈率', daily_reports: '一日一报率',
};
export const rateName = (name) => RATE[name] || name;

// "95.2" (tenths of a point), as hotlinectl's ScoreText; "-" when unset.
export const scoreText = (p) => (p === undefined || p === null ? '-' : (Number(p) / 10).toFixed(1));

// A row's name: its display name, else the department's id.
export const rowLabel = (r) => r.displayName || String(r.department || '').replace(/^departments\//, '');

// "住建局95.2分(第1名,上期第2名)".
function listed(r) {
  return `${rowLabel(r)}${scoreText(r.scorePermille)}分(第${num(r.rank)}名${num(r.previousRank) > 0 ? `,上期第${num(r.previousRank)}名` : ''})`;
}

// The 红黑榜 paragraph, the same as `hotlinectl report --assessment
// --format zh`: the red list (红榜) the first half of the ranked, at most
// three; the black list (黑榜) the last half, at most three, lowest first;
// then those not ranked.
export function assessmentZh(a) {
  const rows = a.rows || [];
  const ranked = rows.filter((r) => r.ranked);
  const unranked = rows.filter((r) => !r.ranked).map(rowLabel);
  const n = ranked.length;
  const red = ranked.slice(0, Math.min(3, Math.floor((n + 1) / 2))).map(listed);
  const black = [];
  for (let i = 0; i < Math.min(3, Math.floor(n / 2)); i++) black.push(listed(ranked[n - 1 - i]));
  let out = `${zhDate(a.fromDate)}至${zhDate(addDays(a.toDate, -1))}各部门考核得分(满分100分):`;
  if (!n) out += '无参与排名的部门';
  else out += `红榜:${red.join('、')}${black.length ? `;黑榜:${black.join('、')}` : ''}`;
  if (unranked.length) out += `;工单不足${num(a.minTickets)}件或无可考核指标,不参与排名:${unranked.join('、')}`;
  return `${out}。\n`;
}

// The CSV, the same as `hotlinectl report --assessment --format csv`.
export function assessmentCsv(a) {
  const rows = a.rows || [];
  const head = ['department', 'display_name', 'tickets', 'ranked', 'rank', 'score', 'previous_rank', 'previous_score',
    ...(rows.length ? (rows[0].rates || []).map((x) => `${x.name}_percent`) : [])];
  const lines = [head, ...rows.map((r) => [r.department || '', r.displayName || '', String(num(r.tickets)), r.ranked ? 'yes' : 'no',
    num(r.rank) > 0 ? String(num(r.rank)) : '', r.scorePermille === undefined ? '' : scoreText(r.scorePermille),
    num(r.previousRank) > 0 ? String(num(r.previousRank)) : '', r.previousScorePermille === undefined ? '' : scoreText(r.previousScorePermille),
    ...(r.rates || []).map((x) => (x.permille === undefined ? '' : scoreText(x.permille)))])];
  return lines.map((l) => `${l.map(csvField).join(',')}\n`).join('');
}

// The scorecard of a calendar month "YYYY-MM".
export function loadMonth(month) {
  const from = `${month}-01`;
  return api.get('/v1/assessment', {fromDate: from, toDate: nextMonthStart(from)});
}

// The `n` months up to and including `month`, oldest first: ["2021-01", …].
export function monthsUpTo(month, n) {
  const out = [];
  let [y, m] = month.split('-').map(Number);
  for (let i = 0; i < n; i++) {
    out.unshift(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out;
}

// The scorecards of the 6 months up to `month` (one GetAssessment each),
// as [{month, assessment}], oldest first.
export async function loadTrend(month, n = 6) {
  const months = monthsUpTo(month, n);
  const list = await Promise.all(months.map((m) => loadMonth(m)));
  return months.map((m, i) => ({month: m, assessment: list[i]}));
}

// One department's score per month from loadTrend's list: [{label, value}]
// (value null in a month without a score).
export function trendOf(trend, department) {
  return trend.map(({month, assessment}) => {
    const row = (assessment.rows || []).find((r) => r.department === department);
    return {label: `${Number(month.slice(5))}月`, value: row && row.scorePermille !== undefined ? row.scorePermille / 10 : null,
      rank: row ? num(row.rank) : 0};
  });
}
