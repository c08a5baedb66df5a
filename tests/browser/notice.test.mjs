// Urging notices (催办, 督办, issue 25 part 1) as people handle them in the
// console: the bureau urges housing's ticket on the ticket page, copied to
// the leader in charge (抄送); a second notice of the same level is refused
// in Chinese (NOTICE_OPEN) and changes nothing; housing finds the notice on
// its desk, signs for it and answers it; a notice on a second ticket is
// left unanswered and, when the rehearsal clock passes its deadline,
// escalates to 督办 (the ticket page says so in Chinese); the bureau's
// 催办督办 page lists the open notice and builds the circulated notice
// (通报) with exactly `hotlinectl circular`'s text and CSV; the report's
// housing sentence ends with hotlinectl's ",收到催办通知..." clause and its
// CSV has the four notice columns; the dashboard and 我的统计 show the
// figures.
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
const reasonOf = (err) => ((err.body.details || []).find((d) => (d['@type'] || '').endsWith('ErrorInfo')) || {}).reason;
const ctl = (server, ...args) => execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, ...args]).then((r) => r.stdout);

const REASON = '群众多次来电催促,请加快办理。';
const COPY_TO = '分管副局长';
const ANSWER = '已约谈施工单位,今晚起停止夜间施工。';

test('the bureau urges, housing signs for and answers; an unanswered notice escalates; 通报 and report as hotlinectl',
  {timeout: 400000}, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const housing = makeApi(server.base, housingToken);
      const first = await api.ticket({title: '工地夜间施工扰民', type: 'COMPLAINT', sourceId: 'GD-1001'}, 'departments/housing');
      const second = await api.ticket({title: '小区路灯不亮', topic: '路灯', sourceId: 'GD-1002'}, 'departments/housing');
      await housing.post(`/v1/${first.name}:acknowledge`, {});
      await housing.post(`/v1/${second.name}:acknowledge`, {});

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);

      // The bureau urges the first ticket on its page, copied to the leader in charge.
      await openTicket(bureau.page, first);
      const issue = '#ticket-actions form[data-action="issueNotice"]';
      await bureau.page.waitForSelector(issue);
      assert.equal(await bureau.page.$eval(`${issue} select[name=level]`, (el) => el.value), 'URGING');
      assert.match(await visible(bureau.page, `${issue} select[name=level]`), /催办[\s\S]*督办[\s\S]*提级督办[\s\S]*通报批评/);
      await fill(bureau.page, `${issue} textarea[name=noticeReason]`, REASON);
      await fill(bureau.page, `${issue} input[name=copyTo]`, COPY_TO);
      await click(bureau.page, `${issue} button[type=submit]`);
      const row1 = `#ticket-notices tr[data-notice="${first.name}/notices/1"]`;
      await bureau.page.waitForSelector(`${row1}[data-state="ISSUED"]`);
      const shown = await visible(bureau.page, row1);
      assert.match(shown, /催办\s*第 1 号[\s\S]*待签收[\s\S]*局端[\s\S]*2021\/02\/02 24:00/);
      assert.match(shown, new RegExp(`${REASON}[\\s\\S]*${COPY_TO}`));
      await waitText(bureau.page, '.page-head', /催办中/);
      let t = await api.get(`/v1/${first.name}`);
      assert.equal(t.notices.length, 1);
      assert.equal(t.notices[0].copyTo, COPY_TO);
      assert.equal(t.notices[0].department, 'departments/housing');
      assert.equal(t.notices[0].answerDueAt, '2021-02-02T16:00:00Z', 'the end of the next working day');
      await bureau.page.waitForSelector('#ticket-history tr[data-type="NOTICE_ISSUED"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="NOTICE_ISSUED"]'), /催办\/督办通知[\s\S]*催办通知\(第 1 号\):群众多次来电催促/);

      // The same level again: NOTICE_OPEN, in Chinese, and nothing changes.
      await bureau.page.waitForSelector('#open-notice-hint');
      assert.equal(await bureau.page.$eval(`${issue} select[name=level]`, (el) => el.value), 'SUPERVISION', 'the next level up is offered');
      // The reason first: once something is typed a live redraw (the feed's
      // copy of the notice just issued) leaves the form, and the level, alone.
      await fill(bureau.page, `${issue} textarea[name=noticeReason]`, '再次催办');
      await bureau.page.select(`${issue} select[name=level]`, 'URGING');
      assert.equal(await bureau.page.$eval(`${issue} select[name=level]`, (el) => el.value), 'URGING');
      await click(bureau.page, `${issue} button[type=submit]`);
      const open = await refusal(bureau.page, /已有尚未反馈的第 1 号催办通知/);
      assert.match(open, /工单 #\d+已有尚未反馈的第 1 号催办通知,不能再发出同级或更低级别的通知/);
      assert.doesNotMatch(open, /[A-Za-z]{4,}/, `no English on the face of it: ${open}`);
      assert.equal((await api.get(`/v1/${first.name}`)).etag, t.etag, 'nothing changed');
      await screenshot(bureau.page, 'notice-ticket-bureau');

      // Housing: the desk lists the notice; it signs for it and answers it.
      await go(lead.page, '#/desk');
      const task = `#notice-tasks tr[data-notice="${first.name}/notices/1"]`;
      await lead.page.waitForSelector(task);
      assert.match(await visible(lead.page, task), new RegExp(`工地夜间施工扰民[\\s\\S]*催办[\\s\\S]*待签收[\\s\\S]*${REASON}[\\s\\S]*${COPY_TO}`));
      assert.match(await visible(lead.page, '#queue-counts'), /催办待反馈 1 件/);
      await click(lead.page, `${task} button[data-action="acknowledgeNotice"]`);
      await lead.page.waitForSelector(`${task}[data-state="ACKNOWLEDGED"] form[data-action="answerNotice"]`);
      assert.equal((await api.get(`/v1/${first.name}`)).notices[0].state, 'ACKNOWLEDGED');
      await screenshot(lead.page, 'notice-desk');
      await fill(lead.page, `${task} textarea[name=noticeAnswer]`, ANSWER);
      await click(lead.page, `${task} form[data-action="answerNotice"] button[type=submit]`);
      await lead.page.waitForFunction((sel) => !document.querySelector(sel) && document.querySelector('#notice-panel').hidden, {}, task);
      t = await api.get(`/v1/${first.name}`);
      assert.equal(t.notices[0].state, 'ANSWERED');
      assert.equal(t.notices[0].answer, ANSWER);
      assert.equal(t.notices[0].overdue || false, false);
      // The bureau's page follows: answered, with the answer.
      await bureau.page.waitForSelector(`${row1}[data-state="ANSWERED"]`);
      assert.match(await visible(bureau.page, row1), new RegExp(`已反馈[\\s\\S]*${ANSWER}`));
      await bureau.page.waitForSelector('#ticket-history tr[data-type="NOTICE_ANSWERED"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="NOTICE_ANSWERED"]'), new RegExp(`反馈[\\s\\S]*${ANSWER}`));

      // The second ticket's notice is left unanswered: at its deadline it escalates to 督办.
      const urged = await api.post(`/v1/${second.name}:issueNotice`, {reason: '路灯长期不亮', copyTo: COPY_TO});
      await api.post('/v1/cards', {ticket: second.name, color: 'YELLOW', reason: '群众反映强烈, 办理迟缓'});
      await api.post('/v1/clock:advance', {to: new Date(Date.parse(urged.notices[0].answerDueAt) + 3600e3).toISOString()});
      const escalated = await api.get(`/v1/${second.name}`);
      assert.deepEqual(escalated.notices.map((n) => [n.level, n.state, Boolean(n.overdue)]),
        [['URGING', 'ESCALATED', true], ['SUPERVISION', 'ISSUED', false]]);
      await openTicket(bureau.page, second);
      const up = `#ticket-notices tr[data-notice="${second.name}/notices/2"]`;
      await bureau.page.waitForSelector(up);
      assert.match(await visible(bureau.page, up), /督办\s*第 2 号\s*由第 1 号升级[\s\S]*待签收[\s\S]*逾期未反馈自动升级[\s\S]*第 1 号催办通知未于 2021-02-02 24:00 前反馈,自动升级为督办/);
      assert.match(await visible(bureau.page, `#ticket-notices tr[data-notice="${second.name}/notices/1"]`), /已升级/);
      const overdue = await visible(bureau.page, '#ticket-history tr[data-type="NOTICE_OVERDUE"]');
      assert.match(overdue, /通知逾期[\s\S]*催办通知\(第 1 号\):催办通知未于 2021-02-02 24:00 前反馈,已升级/);
      assert.doesNotMatch(overdue, /[A-Za-z]{4,}/, `no English on the face of it: ${overdue}`);
      for (const v of await axeViolations(bureau.page)) assert.fail(`axe on a ticket with notices: ${v}`);
      await screenshot(bureau.page, 'notice-escalated');
      // Too late to answer the escalated one: NOTICE_STATE, in Chinese.
      const late = await housing.post(`/v1/${second.name}/notices/1:answer`, {answer: '补充反馈'}).then(() => null, (e) => e);
      assert.ok(late, 'an escalated notice is not answered');
      assert.equal(reasonOf(late), 'NOTICE_STATE');
      const lateText = await bureau.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), late.status, late.body);
      assert.match(lateText, /工单 #\d+ 的第 1 号催办通知当前为“已升级”/);

      // The bureau's 催办督办 page: the open notice; the 通报 as hotlinectl's.
      await go(bureau.page, '#/notices');
      await bureau.page.waitForSelector(`#notice-list tr[data-notice="${second.name}/notices/2"]`);
      assert.equal(await bureau.page.$(`#notice-list tr[data-notice="${first.name}/notices/1"]`), null, 'an answered notice is not open');
      assert.match(await visible(bureau.page, `#notice-list tr[data-notice="${second.name}/notices/2"]`), /县住房和城乡建设局/);
      await bureau.page.select('#circular-department', 'departments/housing');
      await bureau.page.$eval('#circular-month', (el) => { el.value = '2021-02'; });
      await click(bureau.page, '#circular-form button[type=submit]');
      await bureau.page.waitForSelector('#circular-zh');
      const circular = await text(bureau.page, '#circular-zh');
      assert.match(circular, /^关于县住房和城乡建设局逾期工单和催办未反馈情况的通报\n2021年2月1日至2021年2月28日\n/);
      assert.match(circular, /一、逾期工单1件\(黄牌1张,红牌0张\):\n {2}1\. GD-1002《小区路灯不亮》 黄牌2021-02-01 09:00/);
      assert.match(circular, /二、未按期反馈的催办、督办通知1件:\n {2}1\. GD-1002《小区路灯不亮》 催办通知\(第1号\),应于2021-02-02 24:00前反馈,未按期反馈,已升级/);
      await screenshot(bureau.page, 'notice-circular');
      const circularCsv = await bureau.page.evaluate(async () => {
        const n = await import('/console/js/notices.js');
        return n.circularCsv(await n.loadCircular('departments/housing', '2021-02-01', '2021-03-01'));
      });
      assert.match(circularCsv, /^kind,ticket,source_id,title,item,level_or_color,time,state\n/);
      assert.match(circularCsv, /\nnotice,tickets\/\d+,GD-1002,小区路灯不亮,tickets\/\d+\/notices\/1,URGING,2021-02-02 24:00,ESCALATED\n/);
      assert.match(circularCsv, /"群众反映强烈, 办理迟缓"/);
      if (CTL_BIN) {
        assert.equal(`${circular}\n`, await ctl(server, 'circular', '--department', 'housing', '--month', '2021-02'),
          'the console\'s 通报 is hotlinectl\'s');
        assert.equal(circularCsv, (await ctl(server, 'circular', '--department', 'housing', '--month', '2021-02', '--format', 'csv'))
          .replace(/\r\n/g, '\n'), 'the console\'s CSV is hotlinectl\'s');
      }

      // The dashboard's month table per department: the notice columns.
      await go(bureau.page, '#/dashboard');
      await bureau.page.waitForSelector('tr[data-department="departments/housing"] td[data-figure="notices"]');
      assert.equal(await text(bureau.page, `tr[data-department="departments/housing"] td[data-figure="notices"]`), '3');
      assert.equal(await text(bureau.page, `tr[data-department="departments/housing"] td[data-figure="noticesOverdue"]`), '1');

      // The report: housing's sentence ends with the notices clause, in hotlinectl's words.
      await go(bureau.page, '#/report');
      await bureau.page.waitForSelector('#report-zh');
      const zh = await text(bureau.page, '#report-zh');
      assert.match(zh, /县住房和城乡建设局:工单2件,[^\n]*,收到催办通知3件,按期反馈1件,逾期未反馈1件。/);
      assert.doesNotMatch(zh.split('\n')[0], /催办/, 'the total sentence is unchanged');
      assert.equal(await text(bureau.page, '#report-output tr[data-department="departments/housing"] td[data-figure="notices"]'), '3');
      assert.equal(await text(bureau.page, '#report-output tr[data-department="departments/housing"] td[data-figure="noticesEscalated"]'), '1');
      const csvPage = await bureau.page.evaluate(async () => {
        const report = await import('/console/js/pages/report.js');
        const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
        return report.reportCsv(await res.json());
      });
      const housingRow = csvRow(csvPage, 'department,departments/housing,');
      assert.deepEqual([housingRow.notices, housingRow.notices_answered_on_time, housingRow.notices_overdue, housingRow.notices_escalated],
        ['3', '1', '1', '1']);
      if (CTL_BIN) {
        assert.equal(zh, (await ctl(server, 'report', '--month', '2021-02', '--format', 'zh')).trim(), 'the console\'s words are hotlinectl\'s');
        const csvCtl = await ctl(server, 'report', '--month', '2021-02', '--format', 'csv');
        assert.equal(csvPage.split('\n')[0], csvCtl.split('\n')[0].replace(/\r$/, ''), 'the console\'s CSV has hotlinectl\'s columns');
        assert.equal(csvPage.split('\n').find((l) => l.startsWith('department,departments/housing,')),
          csvCtl.split('\n').find((l) => l.startsWith('department,departments/housing,')).replace(/\r$/, ''));
      }
      // Housing's own figures (我的统计).
      await go(lead.page, '#/mine');
      await lead.page.waitForSelector('[data-figure="notices"]');
      assert.match(await visible(lead.page, '[data-figure="notices"]'), /收到催办通知\s+3/);
      assert.match(await visible(lead.page, '[data-figure="noticesOverdue"]'), /逾期未反馈\s+1/);

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      for (const p of [...bureau.problems, ...lead.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
