// Callbacks and rating appeals (回访, 申诉, issue 25 part 3) as people handle
// them in the console: the bureau records three callbacks that do not reach
// the caller on housing's first ticket, and the third closes it as
// unreachable (回访未果, no rating), which housing sees too; on a second
// ticket the caller is reached and the bureau closes it 不满意 with a reason
// (the reasons show only with 不满意); housing appeals that rating (申诉)
// on the ticket page; the bureau finds it on the dashboard's 待处理申诉 tile
// and upholds it (不合理差评); a third dissatisfied rating appealed after
// the deadline is refused in Chinese (APPEAL_TOO_LATE, with the deadline)
// and changes nothing, as is the bureau's second decision
// (APPEAL_NOT_PENDING); the report's housing sentence ends with
// hotlinectl's ",回访未果1件,差评申诉1件,其中不合理差评1件", the data table
// shows 满意率, the console's CSV is hotlinectl's; 我的统计 shows the figures.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, waitText, refusal,
  csvRow} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';

// Clicks with the element scrolled to the middle of the screen; again when
// a live redraw replaced the element before the click reached it.
async function click(page, selector) {
  for (let tries = 0; ; tries++) {
    try {
      await page.$eval(selector, (el) => el.scrollIntoView({block: 'center'}));
      await page.click(selector);
      return;
    } catch (e) {
      if (!/detached|not clickable|No element/i.test(String(e && e.message)) || tries >= 20) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
async function openTicket(page, t) {
  await go(page, `#/tickets/${idOf(t)}`);
  await waitText(page, '.page-head h1', new RegExp(`工单 #${idOf(t)}:`));
  await page.waitForSelector('#ticket-history table');
}
// Types `value` into the field until the field holds it (a live redraw
// may replace the field while the text goes in).
async function fill(page, selector, value) {
  const deadline = Date.now() + 60000;
  for (;;) {
    await page.$eval(selector, (el) => { el.value = ''; }).catch(() => {});
    await page.type(selector, value).catch(() => {});
    if (await page.$eval(selector, (el) => el.value).catch(() => '') === value) return;
    if (Date.now() > deadline) assert.fail(`could not fill ${selector}`);
  }
}
// Picks an option until the select holds it (a live redraw may replace it).
async function choose(page, selector, value) {
  const deadline = Date.now() + 60000;
  for (;;) {
    await page.select(selector, value).catch(() => {});
    if (await page.$eval(selector, (el) => el.value).catch(() => '') === value) return;
    if (Date.now() > deadline) assert.fail(`could not choose ${value} in ${selector}`);
  }
}
const reasonOf = (err) => ((err.body.details || []).find((d) => (d['@type'] || '').endsWith('ErrorInfo')) || {}).reason;
const ctl = (server, ...args) => execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, ...args]).then((r) => r.stdout);

const GROUNDS = '来电人诉求超出政策规定,已按规定答复解释。';
const DECISION = '经核实,答复符合政策规定。';

test('three missed callbacks close as unreachable; a 不满意 rating with its reason is appealed and upheld; report and CSV as hotlinectl',
  {timeout: 500000}, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const housing = makeApi(server.base, housingToken);
      const replied = async (fields) => {
        const t = await api.ticket(fields, 'departments/housing');
        await housing.post(`/v1/${t.name}:acknowledge`, {});
        return housing.post(`/v1/${t.name}:reply`, {outcome: 'RESOLVED', replyText: '已处理。'});
      };
      const missed = await replied({title: '小区路灯不亮', sourceId: 'GD-2001'});
      const rated = await replied({title: '工地夜间施工扰民', sourceId: 'GD-2002'});
      const late = await replied({title: '楼道堆放杂物', sourceId: 'GD-2003'});
      const pleased = await replied({title: '绿化带缺损', sourceId: 'GD-2004'});
      // Closed by the API: one dissatisfied (appealed too late below), one satisfied.
      await api.post(`/v1/${late.name}:close`, {satisfaction: 'DISSATISFIED', dissatisfactionReasons: ['PROBLEM_UNSOLVED']});
      await api.post(`/v1/${pleased.name}:close`, {satisfaction: 'SATISFIED'});

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);

      // Three callbacks that do not reach the caller: the third closes the ticket as unreachable.
      await openTicket(bureau.page, missed);
      const callback = '#ticket-actions form[data-action="recordCallback"]';
      for (const [i, result] of [[1, 'UNREACHABLE'], [2, 'REFUSED'], [3, 'UNREACHABLE']]) {
        await bureau.page.waitForSelector(callback);
        assert.match(await visible(bureau.page, `${callback} select[name=channel]`), /电话[\s\S]*短信[\s\S]*网络/);
        // The note first: once something is typed or picked, a live redraw
        // (the feed's copy of the attempt before) leaves the form alone.
        await fill(bureau.page, `${callback} input[name=callbackNote]`, `第${i}次无人接听`);
        await choose(bureau.page, `${callback} select[name=channel]`, i === 2 ? 'SMS' : 'PHONE');
        await choose(bureau.page, `${callback} select[name=result]`, result);
        await click(bureau.page, `${callback} button[type=submit]`);
        if (i < 3) await bureau.page.waitForSelector(`#ticket-callbacks tr[data-attempt="${i}"]`);
      }
      await bureau.page.waitForSelector('#unreachable-badge');
      let t = await api.get(`/v1/${missed.name}`);
      assert.equal(t.state, 'CLOSED');
      assert.equal(t.closedUnreachable, true);
      assert.equal(t.satisfaction, undefined, 'no rating');
      assert.deepEqual(t.callbackAttempts.map((a) => [a.channel, a.result]),
        [['PHONE', 'UNREACHABLE'], ['SMS', 'REFUSED'], ['PHONE', 'UNREACHABLE']]);
      await waitText(bureau.page, '#rating', /回访未果:3 次回访均未联系上来电人,未评价/);
      assert.match(await visible(bureau.page, '#ticket-callbacks tr[data-attempt="2"]'), /第 2 次[\s\S]*短信[\s\S]*拒绝回访[\s\S]*第2次无人接听/);
      assert.equal(await bureau.page.$(callback), null, 'a closed ticket takes no callback');
      await bureau.page.waitForSelector('#ticket-history tr[data-type="CALLBACK_ATTEMPT"]');
      // The history is redrawn as the feed's events come: wait for the row.
      await waitText(bureau.page, '#ticket-history tr[data-type="CLOSED"]', /办结[\s\S]*回访\(电话\):无法联系,第3次无人接听。3 次回访均未联系上,回访未果,未评价,办结/);
      assert.doesNotMatch(await visible(bureau.page, '#ticket-history'), /UNREACHABLE|PHONE|CALLBACK/);
      await screenshot(bureau.page, 'callback-unreachable');
      // Housing sees the attempts and the outcome too.
      await openTicket(lead.page, missed);
      await lead.page.waitForSelector('#ticket-callbacks tr[data-attempt="3"]');
      assert.match(await visible(lead.page, '#ticket-facts'), /回访未果/);

      // The second ticket: reached, closed 不满意 with a reason.
      await openTicket(bureau.page, rated);
      await bureau.page.waitForSelector(callback);
      await choose(bureau.page, `${callback} select[name=result]`, 'REACHED');
      await click(bureau.page, `${callback} button[type=submit]`);
      await bureau.page.waitForSelector('#ticket-callbacks tr[data-attempt="1"][data-result="REACHED"]');
      await waitText(bureau.page, '#callback-hint', /已联系上来电人/);
      const close = '#ticket-actions form[data-action="close"]';
      assert.equal(await bureau.page.$eval(`${close} #dissatisfaction-reasons`, (el) => el.hidden), true, 'no reasons before 不满意');
      await choose(bureau.page, `${close} select[name=satisfaction]`, 'SATISFIED');
      assert.equal(await bureau.page.$eval(`${close} #dissatisfaction-reasons`, (el) => el.hidden), true, 'no reasons with 满意');
      await choose(bureau.page, `${close} select[name=satisfaction]`, 'DISSATISFIED');
      assert.equal(await bureau.page.$eval(`${close} #dissatisfaction-reasons`, (el) => el.hidden), false, 'the reasons with 不满意');
      assert.match(await visible(bureau.page, `${close} #dissatisfaction-reasons`), /问题未解决[\s\S]*态度不好[\s\S]*办理拖延[\s\S]*未联系诉求人[\s\S]*其他/);
      await click(bureau.page, `${close} input[name=dissatisfactionReason][value=TOO_SLOW]`);
      await click(bureau.page, `${close} button[type=submit]`);
      await waitText(bureau.page, '#rating', /不满意\(不满意原因:办理拖延\)/);
      t = await api.get(`/v1/${rated.name}`);
      assert.equal(t.state, 'CLOSED');
      assert.equal(t.satisfaction, 'DISSATISFIED');
      assert.deepEqual(t.dissatisfactionReasons, ['TOO_SLOW']);
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="appealRating"]'), null, 'the bureau does not appeal');

      // Housing appeals it on the ticket page.
      await openTicket(lead.page, rated);
      const appeal = '#ticket-actions form[data-action="appealRating"]';
      await lead.page.waitForSelector(appeal);
      assert.match(await visible(lead.page, '#appeal-hint'), /评价为不满意\(办理拖延\)[\s\S]*办结\(2021\/02\/01 \d\d:\d\d\)后 3 个工作日内申诉一次/);
      await fill(lead.page, `${appeal} textarea[name=grounds]`, GROUNDS);
      await click(lead.page, `${appeal} button[type=submit]`);
      await lead.page.waitForSelector('#rating-appeal[data-appeal="PENDING"]');
      t = await api.get(`/v1/${rated.name}`);
      assert.equal(t.ratingAppeal.state, 'PENDING');
      assert.equal(t.ratingAppeal.grounds, GROUNDS);
      assert.equal(t.ratingAppeal.department, 'departments/housing');
      assert.equal(t.ratingAppeal.appealDueAt, '2021-02-04T16:00:00Z', 'the end of the third working day after the close');
      assert.match(await visible(lead.page, '#rating-appeal'), new RegExp(`待裁定[\\s\\S]*申诉期限 2021/02/04 24:00[\\s\\S]*申诉理由:${GROUNDS}`));
      assert.equal(await lead.page.$(appeal), null, 'one appeal a ticket');
      await screenshot(lead.page, 'callback-appealed');

      // The bureau finds it on the dashboard's 待处理申诉 tile and upholds it.
      await go(bureau.page, '#/dashboard');
      await bureau.page.waitForSelector('[data-kpi="appeal-pending"]');
      assert.match(await visible(bureau.page, '[data-kpi="appeal-pending"]'), /待处理申诉[\s\S]*1/);
      await click(bureau.page, '[data-kpi="appeal-pending"]');
      await waitText(bureau.page, '#ticket-results', /工地夜间施工扰民/);
      assert.match(await visible(bureau.page, '#ticket-results'), /差评申诉待裁定/);
      assert.doesNotMatch(await visible(bureau.page, '#ticket-results'), /楼道堆放杂物|小区路灯不亮/);
      await openTicket(bureau.page, rated);
      const uphold = '#ticket-actions form[data-action="decideAppeal"][data-uphold="true"]';
      await bureau.page.waitForSelector(uphold);
      assert.ok(await bureau.page.$('#ticket-actions form[data-action="decideAppeal"][data-uphold="false"]'), 'both decisions are offered');
      assert.match(await visible(bureau.page, uphold), new RegExp(`县住房和城乡建设局申诉:${GROUNDS}`));
      await fill(bureau.page, `${uphold} textarea[name=upholdNote]`, DECISION);
      await click(bureau.page, `${uphold} button[type=submit]`);
      await bureau.page.waitForSelector('#rating-appeal[data-appeal="UPHELD"]');
      t = await api.get(`/v1/${rated.name}`);
      assert.equal(t.ratingAppeal.state, 'UPHELD');
      assert.equal(t.ratingAppeal.decisionNote, DECISION);
      assert.equal(t.state, 'CLOSED');
      assert.match(await visible(bureau.page, '#rating-appeal'), new RegExp(`申诉成立[\\s\\S]*不合理差评,不计入满意率。说明:${DECISION}`));
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="decideAppeal"]'), null, 'decided once');
      await bureau.page.waitForSelector('#ticket-history tr[data-type="APPEAL_UPHELD"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="RATING_APPEALED"]'), new RegExp(`差评申诉[\\s\\S]*申诉理由:${GROUNDS}`));
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="APPEAL_UPHELD"]'), new RegExp(`不合理差评,不计入满意率:${DECISION}`));
      for (const v of await axeViolations(bureau.page)) assert.fail(`axe on a ticket with an appeal: ${v}`);
      await screenshot(bureau.page, 'callback-upheld');
      // The bureau's second decision: APPEAL_NOT_PENDING, in Chinese, and nothing changes.
      const again = await api.post(`/v1/${rated.name}:decideAppeal`, {uphold: false, note: '再裁定'}).then(() => null, (e) => e);
      assert.ok(again, 'a decided appeal is not decided again');
      assert.equal(reasonOf(again), 'APPEAL_NOT_PENDING');
      const againText = await bureau.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), again.status, again.body);
      assert.match(againText, /工单 #\d+没有待裁定的差评申诉/);
      assert.doesNotMatch(againText, /[A-Za-z]{4,}/, `no English on the face of it: ${againText}`);
      assert.equal((await api.get(`/v1/${rated.name}`)).ratingAppeal.state, 'UPHELD');
      // Appealing a satisfied rating: NOT_DISSATISFIED, in Chinese.
      const satisfied = await housing.post(`/v1/${pleased.name}:appealRating`, {grounds: '测试'}).then(() => null, (e) => e);
      assert.equal(reasonOf(satisfied), 'NOT_DISSATISFIED');
      assert.match(await bureau.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), satisfied.status, satisfied.body),
        /工单 #\d+的回访评价不是“不满意”,无需申诉/);

      // Too late: a week on, housing's appeal of the third ticket is refused on the page.
      await api.post('/v1/clock:advance', {to: '2021-02-08T09:00:00+08:00'});
      await openTicket(lead.page, late);
      await lead.page.waitForSelector(appeal);
      const before = await api.get(`/v1/${late.name}`);
      await fill(lead.page, `${appeal} textarea[name=grounds]`, GROUNDS);
      await click(lead.page, `${appeal} button[type=submit]`);
      const tooLate = await refusal(lead.page, /申诉期限/);
      assert.match(tooLate, /工单 #\d+的差评申诉期限\(2021\/02\/04 24:00\)已过,不能再申诉/);
      assert.doesNotMatch(tooLate, /[A-Za-z]{4,}/, `no English on the face of it: ${tooLate}`);
      assert.equal((await api.get(`/v1/${late.name}`)).etag, before.etag, 'nothing changed');
      await screenshot(lead.page, 'callback-appeal-too-late');

      // The report: housing's sentence ends with the clause, in hotlinectl's words; 满意率.
      await go(bureau.page, '#/report');
      await bureau.page.waitForSelector('#report-zh');
      const zh = await text(bureau.page, '#report-zh');
      assert.match(zh, /县住房和城乡建设局:工单4件,[^\n]*,回访未果1件,差评申诉1件,其中不合理差评1件。/);
      assert.doesNotMatch(zh.split('\n')[0], /回访|申诉/, 'the total sentence is unchanged');
      const row = '#report-output tr[data-department="departments/housing"]';
      // (satisfied 1) / (satisfied 1 + dissatisfied 2 - upheld 1) = 50%.
      assert.equal(await text(bureau.page, `${row} td[data-figure="satisfactionRate"]`), '50.0%');
      assert.equal(await text(bureau.page, `${row} td[data-figure="callbacksUnreachable"]`), '1');
      assert.equal(await text(bureau.page, `${row} td[data-figure="appealsUpheld"]`), '1');
      const csvPage = await bureau.page.evaluate(async () => {
        const report = await import('/console/js/pages/report.js');
        const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
        return report.reportCsv(await res.json());
      });
      const housingRow = csvRow(csvPage, 'department,departments/housing,');
      assert.deepEqual([housingRow.callbacks_unreachable, housingRow.appeals, housingRow.appeals_upheld, housingRow.satisfaction_rate_percent],
        ['1', '1', '1', '50.0']);
      if (CTL_BIN) {
        assert.equal(zh, (await ctl(server, 'report', '--month', '2021-02', '--format', 'zh')).trim(), 'the console\'s words are hotlinectl\'s');
        const csvCtl = (await ctl(server, 'report', '--month', '2021-02', '--format', 'csv')).replace(/\r\n/g, '\n');
        assert.equal(csvPage, csvCtl, 'the console\'s CSV is hotlinectl\'s');
      }
      // The dashboard's month table: 满意率 and the callback columns.
      await go(bureau.page, '#/dashboard');
      await bureau.page.waitForSelector('tr[data-department="departments/housing"] td[data-figure="appeals"]');
      assert.equal(await text(bureau.page, 'tr[data-department="departments/housing"] td[data-figure="satisfactionRate"]'), '50.0%');
      assert.equal(await bureau.page.$('[data-kpi="appeal-pending"]'), null, 'no appeal waits');

      // Housing's own figures (我的统计).
      await go(lead.page, '#/mine');
      await lead.page.waitForSelector('[data-figure="appeals"]');
      assert.match(await visible(lead.page, '[data-figure="satisfactionRate"]'), /满意率\s+50\.0%/);
      assert.match(await visible(lead.page, '[data-figure="callbacksUnreachable"]'), /回访未果\s+1/);
      assert.match(await visible(lead.page, '[data-figure="appeals"]'), /差评申诉\s+1[\s\S]*其中不合理差评1/);

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      for (const p of [...bureau.problems, ...lead.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
