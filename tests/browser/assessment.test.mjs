// The department scorecard (考核, issue 25 part 4) in the console: housing
// handles 5 tickets in January and 5 in February, transport 6 in February
// and returns one, parks gets 2 (below min_tickets, 5 by default). The
// bureau's 考核排名 page for February ranks housing and transport, greys
// parks with "不足5件,不参与排名", shows the change since January and each
// rate with its weight; its 红黑榜 paragraph and CSV equal `hotlinectl
// report --assessment`'s; each department's trend chart draws its scores of
// the last 6 months; housing sees its own score, rank and trend on 我的统计.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';
const ctl = (server, ...args) => execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, ...args]).then((r) => r.stdout);

test('the 考核排名 page ranks as hotlinectl: 红黑榜, CSV, the unranked greyed, trend charts; 我的统计 shows the own score',
  {timeout: 400000}, async () => {
    // A Monday in January: a month before the one assessed.
    const server = await startServer({startTime: '2021-01-04T09:00:00+08:00'});
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const transportToken = await api.department('transport', '县交通运输局');
      await api.department('parks', '县园林局');
      const housing = makeApi(server.base, housingToken);
      const transport = makeApi(server.base, transportToken);
      const handled = async (who, dept, n, title) => {
        const out = [];
        for (let i = 0; i < n; i++) {
          const t = await api.ticket({title: `${title}${i + 1}`}, dept);
          await who.post(`/v1/${t.name}:acknowledge`, {});
          out.push(await who.post(`/v1/${t.name}:reply`, {outcome: 'RESOLVED', replyText: '已处理。'}));
        }
        return out;
      };
      await handled(housing, 'departments/housing', 5, '一月住建工单');
      await api.post('/v1/clock:advance', {to: '2021-02-01T09:00:00+08:00'});
      await handled(housing, 'departments/housing', 5, '二月住建工单');
      const moved = await handled(transport, 'departments/transport', 5, '二月交通工单');
      // One more for transport, returned: its returns rate falls.
      const returned = await api.ticket({title: '非本单位职责'}, 'departments/transport');
      await transport.post(`/v1/${returned.name}:return`, {reason: '属住建局职责'});
      await api.post(`/v1/${moved[0].name}:close`, {satisfaction: 'DISSATISFIED'});
      for (let i = 0; i < 2; i++) await api.ticket({title: `园林工单${i + 1}`}, 'departments/parks');

      const a = await api.get('/v1/assessment?fromDate=2021-02-01&toDate=2021-03-01');
      const rowOf = (d) => a.rows.find((r) => r.department === `departments/${d}`);
      assert.equal(rowOf('housing').ranked, true);
      assert.equal(rowOf('parks').ranked || false, false, 'parks is below min_tickets');

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      await go(bureau.page, '#/assessment');
      await bureau.page.waitForSelector('#assessment-zh');
      assert.equal(await bureau.page.$eval('#assessment-month', (el) => el.value), '2021-02', 'this month by default');
      const zh = await text(bureau.page, '#assessment-zh');
      assert.match(zh, /^2021年2月1日至2021年2月28日各部门考核得分\(满分100分\):红榜:县住房和城乡建设局[\d.]+分\(第1名,上期第1名\);黑榜:县交通运输局[\d.]+分\(第2名\);工单不足5件或无可考核指标,不参与排名:县园林局。$/);

      // The table: ranks, the change since January, the unranked greyed, the weights.
      const row = (d) => `#assessment-output tr[data-department="departments/${d}"]`;
      assert.match(await visible(bureau.page, row('housing')), /第 1 名\s+县住房和城乡建设局\s+[\d.]+\s+名次不变/);
      assert.match(await visible(bureau.page, row('transport')), /第 2 名\s+县交通运输局\s+[\d.]+\s+上期未排名/);
      assert.equal(await bureau.page.$eval(row('parks'), (el) => el.classList.contains('unranked')), true, 'greyed');
      assert.match(await visible(bureau.page, `${row('parks')} td[data-cell="rank"]`), /^不足5件,不参与排名$/);
      assert.match(await visible(bureau.page, '#assessment-output thead'), /按时回复率\(权重40\)[\s\S]*满意率\(权重20\)/);
      const returnsRate = rowOf('transport').rates.find((x) => x.name === 'returns');
      assert.equal(await text(bureau.page, `${row('transport')} td[data-rate="returns"]`), `${(returnsRate.permille / 10).toFixed(1)}%`);
      assert.ok(returnsRate.permille < 1000, 'the return shows in the rate');

      // Trend charts: a point per month with a score (January and February for housing).
      await bureau.page.waitForSelector('#assessment-trends figure[data-department="departments/housing"] circle.point');
      const points = await bureau.page.$$eval('#assessment-trends figure[data-department="departments/housing"] circle.point',
        (els) => els.map((el) => el.getAttribute('data-value')));
      assert.deepEqual(points.map(Number), [
        (await api.get('/v1/assessment?fromDate=2021-01-01&toDate=2021-02-01')).rows.find((r) => r.department === 'departments/housing')
          .scorePermille / 10,
        rowOf('housing').scorePermille / 10]);
      assert.equal(await bureau.page.$$eval('#assessment-trends figure[data-department="departments/housing"] path.line', (els) => els.length), 1);
      assert.equal(await bureau.page.$$eval('#assessment-trends figure', (els) => els.length), 3, 'one chart per department');
      for (const v of await axeViolations(bureau.page)) assert.fail(`axe on 考核排名: ${v}`);
      await screenshot(bureau.page, 'assessment-bureau');

      const csvPage = await bureau.page.evaluate(async () => {
        const m = await import('/console/js/assessment.js');
        return m.assessmentCsv(await m.loadMonth('2021-02'));
      });
      assert.match(csvPage, /^department,display_name,tickets,ranked,rank,score,previous_rank,previous_score,on_time_reply_percent,/);
      assert.match(csvPage, /\ndepartments\/parks,县园林局,2,no,,[\d.]*,,,/);
      if (CTL_BIN) {
        assert.equal(`${zh}\n`, await ctl(server, 'report', '--month', '2021-02', '--assessment', '--format', 'zh'),
          'the console\'s 红黑榜 is hotlinectl\'s');
        assert.equal(csvPage, (await ctl(server, 'report', '--month', '2021-02', '--assessment', '--format', 'csv')).replace(/\r\n/g, '\n'),
          'the console\'s CSV is hotlinectl\'s');
      }
      // Another month from the picker: January, housing alone.
      await bureau.page.$eval('#assessment-month', (el) => { el.value = '2021-01'; });
      await bureau.page.click('#assessment-form button[type=submit]');
      await bureau.page.waitForFunction(() => /2021年1月1日至2021年1月31日/.test(document.querySelector('#assessment-zh')?.innerText || ''));
      assert.match(await text(bureau.page, '#assessment-zh'), /红榜:县住房和城乡建设局[\d.]+分\(第1名\)。$/);
      if (CTL_BIN) {
        assert.equal(`${await text(bureau.page, '#assessment-zh')}\n`,
          await ctl(server, 'report', '--month', '2021-01', '--assessment', '--format', 'zh'));
      }

      // Housing: its own score, rank and trend on 我的统计.
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);
      await go(lead.page, '#/mine');
      await lead.page.waitForSelector('#my-assessment');
      assert.match(await visible(lead.page, '#my-assessment [data-figure="score"]'),
        new RegExp(`考核得分\\s+${(rowOf('housing').scorePermille / 10).toFixed(1)}`));
      assert.match(await visible(lead.page, '#my-assessment [data-figure="rank"]'), /排名\s+第 1 名\s+名次不变/);
      assert.equal(await lead.page.$$eval('#my-assessment circle.point', (els) => els.length), 2);
      await screenshot(lead.page, 'assessment-mine');

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      for (const p of [...bureau.problems, ...lead.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
