// Bureau: 考核排名 — the department scorecard (考核, GET /v1/assessment) of a
// month: the ranking table (rank, department, score, the change since the
// month before, tickets, each rate with its weight; the rows not ranked
// greyed, saying why), the 红黑榜 paragraph and the CSV exactly as
// `hotlinectl report --assessment --format zh|csv`, and each department's
// score over the last 6 months (one GetAssessment a month).
import {h, replace, field} from '../dom.js';
import {num, fmtTime} from '../format.js';
import {panel, table} from '../ui.js';
import {lineChart, chartWidth} from '../charts.js';
import {scrollable} from './report.js';
import {rateName, scoreText, rowLabel, assessmentZh, assessmentCsv, loadMonth, loadTrend, trendOf} from '../assessment.js';

// Offers `text` as a file to save.
function download(text, filename) {
  const blob = new Blob(['\ufeff', text], {type: 'text/csv;charset=utf-8'});
  const url = URL.createObjectURL(blob);
  const a = h('a', {href: url, download: filename, hidden: true});
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Why a row is not ranked.
export function unrankedText(r, minTickets) {
  return num(r.tickets) < num(minTickets) ? `不足${num(minTickets)}件,不参与排名` : '无可考核指标,不参与排名';
}

// The change since the period before: "↑2" / "↓1" / "—" in rank, and the
// score's difference "+1.5" / "-0.3".
export function changeText(r) {
  const rank = !r.ranked ? '' : num(r.previousRank) <= 0 ? '上期未排名'
    : num(r.previousRank) > num(r.rank) ? `↑${num(r.previousRank) - num(r.rank)}`
      : num(r.previousRank) < num(r.rank) ? `↓${num(r.rank) - num(r.previousRank)}` : '名次不变';
  let score = '';
  if (r.scorePermille !== undefined && r.previousScorePermille !== undefined) {
    const d = num(r.scorePermille) - num(r.previousScorePermille);
    score = `${d > 0 ? '+' : d < 0 ? '-' : '±'}${scoreText(Math.abs(d))}分`;
  }
  return [rank, score].filter(Boolean).join(' ') || '—';
}

// A rate's cell: "85.0%", its numerator / denominator as a title; "—"
// without anything to judge.
export function rateCell(x) {
  return h('td', {class: 'rate', dataset: {rate: x.name}, title: `${num(x.numerator)} / ${num(x.denominator)}`},
    x.permille === undefined ? '—' : `${scoreText(x.permille)}%`);
}

// The rates' headers, each with its weight ("按时回复率(权重40)").
export const rateHeaders = (a) => ((a.rows || [])[0] ? a.rows[0].rates || [] : [])
  .map((x) => `${rateName(x.name)}(权重${num(x.weight)})`);

export function rankingTable(a) {
  return table(['排名', '部门', '得分', '较上期', '工单', ...rateHeaders(a)], (a.rows || []).map((r) =>
    h('tr', {class: r.ranked ? '' : 'unranked', dataset: {department: r.department || '', ranked: String(Boolean(r.ranked))}},
      h('td', {dataset: {cell: 'rank'}}, r.ranked ? `第 ${num(r.rank)} 名` : unrankedText(r, a.minTickets)),
      h('th', {scope: 'row'}, rowLabel(r)),
      h('td', {class: 'score', dataset: {cell: 'score'}}, scoreText(r.scorePermille)),
      h('td', {dataset: {cell: 'change'}}, changeText(r)),
      h('td', null, String(num(r.tickets))),
      ...(r.rates || []).map(rateCell))),
  {cls: 'grid figures scorecard', caption: `满分100分;转派工单不少于 ${num(a.minTickets)} 件且有可考核指标的部门参与排名`});
}

export async function render(ctx) {
  const caller = await ctx.refreshCaller();
  if (!ctx.isCurrent()) return;
  const month = h('input', {type: 'month', id: 'assessment-month', value: caller.today.slice(0, 7), required: true});
  const button = h('button', {type: 'submit', class: 'primary'}, '查看');
  const form = h('form', {class: 'toolbar', id: 'assessment-form'}, field('考核月份', month), button);
  const out = h('div', {id: 'assessment-output', 'aria-live': 'polite'});
  const trends = h('div', {id: 'assessment-trends', class: 'charts'});
  ctx.main.append(h('h1', null, '考核排名'), form, out, panel('得分走势(近6个月)', trends));

  let shown = 0; // the latest request whose answer may be shown
  async function run() {
    if (!/^\d{4}-\d{2}$/.test(month.value)) return;
    const m = month.value;
    const mine = ++shown;
    button.disabled = true;
    try {
      const a = await loadMonth(m);
      if (!ctx.isCurrent() || mine !== shown) return;
      const csv = assessmentCsv(a);
      const save = h('button', {type: 'button', id: 'assessment-csv'}, '下载 CSV');
      save.addEventListener('click', () => download(csv, `hotline-assessment-${m}.csv`));
      replace(out,
        panel('红黑榜', h('p', {class: 'hint'}, `考核区间 ${a.fromDate} 至 ${a.toDate}(不含),上期 ${a.previousFromDate} 起;`
          + `截至 ${fmtTime(a.asOf)};权重依据政策版本 ${a.policyVersion || '—'}`),
        h('pre', {class: 'zh-report', id: 'assessment-zh'}, assessmentZh(a)), h('div', {class: 'actions'}, save)),
        panel('排名', scrollable(rankingTable(a), '考核排名表')));
      replace(trends, h('p', {class: 'hint'}, '正在读取近6个月的得分…'));
      const trend = await loadTrend(m);
      if (!ctx.isCurrent() || mine !== shown) return;
      const avail = ctx.main.clientWidth - 40;
      const cols = avail >= 2 * 380 + 16 ? 2 : 1;
      replace(trends, ...(a.rows || []).map((r) => {
        const items = trendOf(trend, r.department);
        const chart = lineChart(`${rowLabel(r)}`, items, {width: chartWidth(avail, cols),
          caption: items.map((x) => `${x.label} ${x.value === null ? '-' : x.value.toFixed(1)}`).join(' · ')});
        chart.dataset.department = r.department || '';
        return chart;
      }));
      if (!(a.rows || []).length) replace(trends, h('p', {class: 'hint'}, '本月没有可考核的部门。'));
    } catch (e) {
      if (ctx.isCurrent()) ctx.fail(e);
    } finally {
      button.disabled = false;
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  await run();
}
