// Department: my figures this month, my daily-report compliance and my
// cards.
import {h, replace} from '../dom.js';
import * as api from '../api.js';
import {COLOR, label, fmtTime, monthStart, addDays, permille, num} from '../format.js';
import {table, panel, debounced} from '../ui.js';
import {columnChart, lineChart, chartWidth} from '../charts.js';
import {loadTrend, trendOf, scoreText} from '../assessment.js';
import {unrankedText, changeText, rateCell, rateHeaders} from './scorecard.js';
import {cardNote, noteNodes} from '../texts.js';

// 考核: the department's own row of this month's scorecard (score, rank
// among all, the change since last month, each rate with its weight) and
// its score over the last 6 months.
function scorecard(trend, own) {
  const a = trend[trend.length - 1].assessment;
  const r = (a.rows || []).find((x) => x.department === own);
  if (!r) return null;
  const items = trendOf(trend, own);
  return h('section', {class: 'panel', id: 'my-assessment'}, h('h2', null, '考核(本月)'),
    h('div', {class: 'tiles'},
      h('div', {class: 'tile tile-info', dataset: {figure: 'score'}}, h('span', {class: 'tile-title'}, '考核得分'),
        h('span', {class: 'value'}, scoreText(r.scorePermille)), h('span', {class: 'tile-note'}, '满分100分')),
      h('div', {class: 'tile', dataset: {figure: 'rank'}}, h('span', {class: 'tile-title'}, '排名'),
        h('span', {class: 'value'}, r.ranked ? `第 ${num(r.rank)} 名` : '未排名'),
        h('span', {class: 'tile-note'}, r.ranked ? changeText(r) : unrankedText(r, a.minTickets)))),
    table(rateHeaders(a), [h('tr', {dataset: {department: own}}, ...(r.rates || []).map(rateCell))], {cls: 'grid figures'}),
    lineChart('得分走势(近6个月)', items, {width: 520,
      caption: items.map((x) => `${x.label} ${x.value === null ? '-' : x.value.toFixed(1)}`).join(' · ')}));
}

export async function render(ctx) {
  const box = h('div');
  ctx.main.append(h('h1', null, `我的统计 · ${ctx.caller.displayName || ctx.caller.principal}`), box);
  async function load() {
    const caller = await ctx.refreshCaller();
    const today = caller.today;
    const from = monthStart(today);
    const [s, cards, compliance, trend] = await Promise.all([
      api.get('/v1/statistics', {fromDate: from, toDate: addDays(today, 1)}),
      api.listAll('/v1/cards', 'cards', {}, 2000),
      api.get('/v1/dailyReports:compliance', {fromDate: from, toDate: today}).catch(() => null),
      // 考核: this month's scorecard row and the 5 months before it.
      loadTrend(today.slice(0, 7)).catch(() => null),
    ]);
    if (!ctx.isCurrent()) return;
    const f = s.total || {};
    const tiles = [['收到', f.received], ['已回复', f.replied], ['按时回复', f.repliedOnTime], ['未超期未回复', f.pendingNotOverdue],
      ['超期未回复', f.pendingOverdue],
      // Only in a month that has them.
      ...(num(f.suspended) ? [['挂起', f.suspended]] : []),
      ...(num(f.closedByFinalAnswer) ? [['以最终答复办结', f.closedByFinalAnswer]] : []), ...(num(f.merged) ? [['并单', f.merged]] : []), ...(num(f.refusedReturns) ? [['不当退单', f.refusedReturns]] : []),
      ['黄牌', f.yellowCards], ['红牌', f.redCards]]
      .map(([k, v]) => h('div', {class: 'tile'}, h('span', {class: 'tile-title'}, k), h('span', {class: 'value'}, String(num(v)))));
    tiles.push(h('div', {class: 'tile tile-info'}, h('span', {class: 'tile-title'}, '按时办结率'), h('span', {class: 'value'}, permille(f.onTimeRatePermille))));
    // 协办: this department's assisting figures, in a month that has them
    // (its own row, or its total when that carries them).
    const ownRow = (s.departments || []).find((r) => r.department === `departments/${(caller.principal || '').split('/').pop()}`);
    const af = [ownRow && ownRow.figures, f].find((x) => x && num(x.assists) + num(x.assistsReturned) > 0);
    if (af) {
      tiles.push(h('div', {class: 'tile', dataset: {figure: 'assists'}}, h('span', {class: 'tile-title'}, '协办件'), h('span', {class: 'value'}, String(num(af.assists)))));
      tiles.push(h('div', {class: 'tile tile-info', dataset: {figure: 'assistOnTimeRate'}}, h('span', {class: 'tile-title'}, '协办按时反馈率'),
        h('span', {class: 'value'}, permille(af.assistOnTimeRatePermille))));
      if (num(af.assistYellowCards) || num(af.assistRedCards)) {
        tiles.push(h('div', {class: 'tile', dataset: {figure: 'assistCards'}}, h('span', {class: 'tile-title'}, '协办黄牌/红牌'),
          h('span', {class: 'value'}, `${num(af.assistYellowCards)} / ${num(af.assistRedCards)}`)));
      }
    }
    // 退回重办: replies of this department the bureau's review sent back,
    // in a month that has any, with the reasons as its note.
    const sb = [ownRow && ownRow.figures, f].find((x) => x && num(x.repliesSentBack) > 0);
    if (sb) {
      const why = [['答复不规范', sb.sentBackNonstandard], ['诉求未解决', sb.sentBackUnresolved], ['未联系诉求人', sb.sentBackNotContacted],
        ['佐证不足', sb.sentBackNoEvidence], ['其他', sb.sentBackOther]].filter(([, n]) => num(n)).map(([k, n]) => `${k}${num(n)}`).join('、');
      tiles.push(h('div', {class: 'tile tile-warn', dataset: {figure: 'repliesSentBack'}}, h('span', {class: 'tile-title'}, '答复被退回重办'),
        h('span', {class: 'value'}, String(num(sb.repliesSentBack))), why ? h('span', {class: 'tile-note'}, why) : null));
    }
    // 催办: urging notices addressed to this department, in a month that
    // has any: received, answered on time, overdue (escalated as a note).
    const nf = [ownRow && ownRow.figures, f].find((x) => x && num(x.notices) > 0);
    if (nf) {
      tiles.push(h('div', {class: 'tile', dataset: {figure: 'notices'}}, h('span', {class: 'tile-title'}, '收到催办通知'),
        h('span', {class: 'value'}, String(num(nf.notices))),
        num(nf.noticesEscalated) ? h('span', {class: 'tile-note'}, `逾期升级${num(nf.noticesEscalated)}`) : null));
      tiles.push(h('div', {class: 'tile', dataset: {figure: 'noticesAnsweredOnTime'}}, h('span', {class: 'tile-title'}, '按期反馈'),
        h('span', {class: 'value'}, String(num(nf.noticesAnsweredOnTime)))));
      tiles.push(h('div', {class: `tile${num(nf.noticesOverdue) ? ' tile-warn' : ''}`, dataset: {figure: 'noticesOverdue'}},
        h('span', {class: 'tile-title'}, '逾期未反馈'), h('span', {class: 'value'}, String(num(nf.noticesOverdue)))));
    }
    // 满意率, and the callbacks closed as unreachable (回访未果) and the
    // appeals (申诉) in a month that has any.
    const rated = ownRow && ownRow.figures && ownRow.figures.satisfactionRatePermille !== undefined ? ownRow.figures : f;
    tiles.push(h('div', {class: 'tile tile-info', dataset: {figure: 'satisfactionRate'}}, h('span', {class: 'tile-title'}, '满意率'),
      h('span', {class: 'value'}, rated.satisfactionRatePermille === undefined ? '—' : permille(rated.satisfactionRatePermille)),
      h('span', {class: 'tile-note'}, `满意${num(rated.satisfied)}/基本${num(rated.basicallySatisfied)}/不满意${num(rated.dissatisfied)}`),
      num(rated.dissatisfied) ? h('a', {class: 'tile-note', href: '#/tickets?flag=dissatisfied', id: 'dissatisfied-link'}, '查看差评(可申诉)') : null));
    const cb = [ownRow && ownRow.figures, f].find((x) => x && num(x.callbacksUnreachable) + num(x.appeals) > 0);
    if (cb) {
      tiles.push(h('div', {class: 'tile', dataset: {figure: 'callbacksUnreachable'}}, h('span', {class: 'tile-title'}, '回访未果'),
        h('span', {class: 'value'}, String(num(cb.callbacksUnreachable)))));
      tiles.push(h('div', {class: 'tile', dataset: {figure: 'appeals'}}, h('span', {class: 'tile-title'}, '差评申诉'),
        h('span', {class: 'value'}, String(num(cb.appeals))), h('span', {class: 'tile-note'}, `其中不合理差评${num(cb.appealsUpheld)}`)));
    }
    tiles.push(h('div', {class: 'tile'}, h('span', {class: 'tile-title'}, '一日一报'), h('span', {class: 'value'}, permille(f.reportCompliancePermille)),
      h('span', {class: 'tile-note'}, `${num(f.reportsGiven)}/${num(f.reportsOwed)}`)));
    cards.items.sort((a, b) => Date.parse(b.issueTime || 0) - Date.parse(a.issueTime || 0));
    replace(box,
      h('p', {class: 'hint'}, `${from} 至 ${today},截至 ${fmtTime(s.asOf)}`),
      h('div', {class: 'tiles'}, tiles),
      trend ? scorecard(trend, `departments/${(caller.principal || '').split('/').pop()}`) : null,
      columnChart('本月每日收到', (s.perDay || []).map((d) => ({label: d.date.slice(5), value: num((d.figures || {}).received)})),
        {width: chartWidth(ctx.main.clientWidth - 40)}),
      panel('我的黄红牌', table(['牌', '工单', '时间', '原因', '状态'], cards.items.map((c) => h('tr', {dataset: {card: c.name}},
        h('td', null, h('span', {class: `badge card-${(c.color || '').toLowerCase()}`}, label(COLOR, c.color))),
        h('td', null, h('a', {href: `#/tickets/${api.idOf(c.ticket)}`}, `#${api.idOf(c.ticket)}`)),
        h('td', null, fmtTime(c.issueTime)), h('td', {class: 'note'}, ...noteNodes(cardNote(c))),
        h('td', null, c.revokeTime ? `已撤销:${c.revokeReason || ''}` : '有效'))))),
      compliance ? panel('一日一报缺报', h('p', null, `应报 ${compliance.owed || 0},已报 ${compliance.given || 0},缺报 ${compliance.missed || 0}`),
        table(['日期', '工单'], (compliance.misses || []).map((m) => h('tr', null, h('td', null, m.date),
          h('td', null, h('a', {href: `#/tickets/${api.idOf(m.ticket)}`}, `#${api.idOf(m.ticket)}`)))))) : null);
  }
  const reload = debounced(() => load().catch((e) => ctx.isCurrent() && ctx.fail(e)), 500);
  ctx.onFeed((ev) => {
    if (['CARD_ISSUED', 'CARD_REVOKED', 'REPLIED', 'DISPATCHED', 'DAILY_REPORT_MISSED', 'RETURN_REFUSED',
      'SUSPENSION_APPROVED', 'RESUMED', 'FINAL_ANSWER_APPROVED'].includes(ev.type) || ev.type.startsWith('ASSIST_')
      || ev.type.startsWith('NOTICE_') || ev.type.startsWith('REPLY_') || ev.type.startsWith('APPEAL_')
      || ['CLOSED', 'CALLBACK_ATTEMPT', 'RATING_APPEALED'].includes(ev.type)) reload();
  });
  await load();
  return () => reload.cancel();
}
