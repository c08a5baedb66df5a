// Reply review (办结审核, issue 25 part 2) as people handle it in the
// console, on a server whose policy file reviews replies (review_replies =
// 1): housing replies on the ticket page; the bureau finds the reply under
// 待审核 (the dashboard's tile opens the list), is not offered the close,
// and sends the reply back with two reasons and a note — a send-back
// without a reason is refused in Chinese by the page and by the server,
// changing nothing; housing sees why on its desk and on the ticket page
// and replies again; the bureau accepts the new reply and closes the
// ticket; the report's housing sentence ends ",答复被退回重办1件" in
// hotlinectl's words and its CSV has hotlinectl's six send-back columns.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, waitText, refusal,
  csvRow} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';
const POLICY = 'version = reviewed-1\nreview_replies = 1\nsend_back_reply_working_days = 5\n';

// Clicks with the element scrolled to the middle of the screen; again when
// a live redraw replaced the element before the click reached it.
async function click(page, selector) {
  for (let tries = 0; ; tries++) {
    try {
      await page.$eval(selector, (el) => el.scrollIntoView({block: 'center'}));
      await page.click(selector);
      return;
    } catch (e) {
      if (!/detached/i.test(String(e && e.message)) || tries >= 20) throw e;
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
    await page.$eval(selector, (el) => { el.value = ''; });
    await page.type(selector, value);
    if (await page.$eval(selector, (el) => el.value).catch(() => '') === value) return;
    if (Date.now() > deadline) assert.fail(`could not fill ${selector}`);
  }
}
// Ticks a checkbox until it is ticked (a live redraw may replace it).
async function tick(page, selector) {
  const deadline = Date.now() + 60000;
  while (!(await page.$eval(selector, (el) => el.checked).catch(() => false))) {
    await click(page, selector);
    if (Date.now() > deadline) assert.fail(`could not tick ${selector}`);
  }
}
const reasonOf = (err) => ((err.body.details || []).find((d) => (d['@type'] || '').endsWith('ErrorInfo')) || {}).reason;

const FIRST = '已督促施工单位整改。';
const NOTE = '请联系来电人核实夜间是否仍在施工,并附现场照片。';
const SECOND = '已电话联系来电人,经现场核查施工单位已停止夜间施工,附现场照片。';

test('a reply waits for review: sent back with reasons (none refused in Chinese), replied again, accepted, closed; 退回重办 in the report',
  {timeout: 280000}, async () => {
    const server = await startServer({policy: POLICY});
    const browser = await launchBrowser();
    try {
      const {api} = server;
      assert.equal((await api.get('/v1/policy')).reviewReplies, true, 'the policy file turns the review on');
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const housing = makeApi(server.base, housingToken);
      const ticket = await api.ticket({title: '工地夜间施工扰民', type: 'COMPLAINT', topic: '噪音'}, 'departments/housing');
      await housing.post(`/v1/${ticket.name}:acknowledge`, {});

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);

      // Housing replies on the ticket page: the reply waits for the review.
      await openTicket(lead.page, ticket);
      const reply = '#ticket-actions form[data-action="reply"]';
      await lead.page.waitForSelector(reply);
      await fill(lead.page, `${reply} textarea[name=replyText]`, FIRST);
      await lead.page.select(`${reply} select[name=outcome]`, 'RESOLVED');
      await click(lead.page, `${reply} button[type=submit]`);
      await waitText(lead.page, '.page-head', /已回复/);
      await waitText(lead.page, '#ticket-facts', /办结审核\s+待审核/);
      let t = await api.get(`/v1/${ticket.name}`);
      assert.equal(t.state, 'REPLIED');
      assert.equal(t.replyReview.state, 'PENDING');

      // The bureau: the dashboard's 待审核 tile opens the list of replies waiting.
      await go(bureau.page, '#/dashboard');
      await bureau.page.waitForSelector('a[data-kpi="review-pending"]');
      assert.match(await visible(bureau.page, 'a[data-kpi="review-pending"]'), /待审核[\s\S]*1/);
      await click(bureau.page, 'a[data-kpi="review-pending"]');
      await bureau.page.waitForSelector(`#ticket-results tr[data-ticket="${ticket.name}"]`);
      assert.match(await visible(bureau.page, '#ticket-filter-note'), /待审核/);
      assert.match(await visible(bureau.page, `#ticket-results tr[data-ticket="${ticket.name}"]`), /已回复\s*办结审核:待审核/);

      // The ticket page: 审核通过 and 退回重办, no close form (it says why).
      await openTicket(bureau.page, ticket);
      const sendBack = '#ticket-actions form[data-action="sendBackReply"]';
      await bureau.page.waitForSelector(sendBack);
      await bureau.page.waitForSelector('#ticket-actions form[data-action="acceptReply"]');
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="close"]'), null, 'no close while the reply waits');
      assert.match(await visible(bureau.page, '#close-waits-review'), /审核通过后才能回访、办结/);
      assert.match(await visible(bureau.page, sendBack), /答复不规范.*诉求未解决.*未联系诉求人.*佐证不足.*其他/s);
      for (const v of await axeViolations(bureau.page)) assert.fail(`axe on a ticket waiting for review: ${v}`);
      await screenshot(bureau.page, 'review-pending-ticket');
      // The server refuses the close too, in Chinese (REPLY_NOT_REVIEWED).
      const close = await api.post(`/v1/${ticket.name}:close`, {satisfaction: 'SATISFIED'}).then(() => null, (e) => e);
      assert.ok(close, 'the server refuses to close a reply waiting for review');
      assert.equal(reasonOf(close), 'REPLY_NOT_REVIEWED');
      const closeText = await bureau.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), close.status, close.body);
      assert.match(closeText, /工单 #\d+的答复尚待局端审核.*审核通过后才能办结/);

      // A send-back without a reason: the page refuses it, nothing is sent.
      const before = await api.get(`/v1/${ticket.name}`);
      await fill(bureau.page, `${sendBack} textarea[name=sendBackNote]`, NOTE);
      await click(bureau.page, `${sendBack} button[type=submit]`);
      const noReason = await refusal(bureau.page, /请至少选择一项退回理由/);
      assert.doesNotMatch(noReason, /[A-Za-z]{4,}/, `no English on the face of it: ${noReason}`);
      // The server refuses one too (INVALID_FIELD on reasons), worded in Chinese.
      const bySrv = await api.post(`/v1/${ticket.name}:sendBackReply`, {reasons: [], note: NOTE, etag: before.etag}).then(() => null, (e) => e);
      assert.ok(bySrv && bySrv.status === 400, 'the server refuses a send-back without a reason');
      assert.equal(reasonOf(bySrv), 'INVALID_FIELD');
      const worded = await bureau.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), bySrv.status, bySrv.body);
      assert.match(worded, /“退回理由[^”]*至少选一项[^”]*”/);
      assert.doesNotMatch(worded, /[A-Za-z]{4,}/, worded);
      const unchanged = await api.get(`/v1/${ticket.name}`);
      assert.equal(unchanged.etag, before.etag, 'nothing changed');
      assert.equal(unchanged.replyReview.state, 'PENDING');

      // Two reasons and the note (typed above): back to housing, in progress.
      await tick(bureau.page, `${sendBack} input[name=sendBackReason][value="CALLER_NOT_CONTACTED"]`);
      await tick(bureau.page, `${sendBack} input[name=sendBackReason][value="INSUFFICIENT_EVIDENCE"]`);
      await screenshot(bureau.page, 'review-send-back-form');
      await click(bureau.page, `${sendBack} button[type=submit]`);
      await waitText(bureau.page, '.page-head', /办理中/);
      await bureau.page.waitForSelector('#last-send-back');
      assert.match(await visible(bureau.page, '#last-send-back'), /未联系诉求人、佐证不足[\s\S]*说明:请联系来电人/);
      t = await api.get(`/v1/${ticket.name}`);
      assert.equal(t.state, 'IN_PROGRESS');
      assert.equal(t.department, 'departments/housing');
      assert.deepEqual(t.lastSendBack.reasons, ['CALLER_NOT_CONTACTED', 'INSUFFICIENT_EVIDENCE']);
      assert.equal(t.lastSendBack.note, NOTE);
      assert.equal(t.lastSendBack.replyText, FIRST);
      await bureau.page.waitForSelector('#ticket-history tr[data-type="REPLY_SENT_BACK"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="REPLY_SENT_BACK"]'),
        /退回重办[\s\S]*退回理由:未联系诉求人、佐证不足[\s\S]*说明:请联系来电人/);

      // Housing: the desk says why, on top of its in-progress list; the ticket page too, with the reply sent back.
      await go(lead.page, '#/desk');
      const row = `#queue-in-progress tr[data-ticket="${ticket.name}"]`;
      await lead.page.waitForSelector(`${row} [data-sent-back]`);
      assert.match(await visible(lead.page, row), /局端退回重办:未联系诉求人、佐证不足[\s\S]*说明:请联系来电人核实夜间是否仍在施工/);
      await screenshot(lead.page, 'review-desk-sent-back');
      await openTicket(lead.page, ticket);
      await lead.page.waitForSelector('#last-send-back');
      const why = await visible(lead.page, '#last-send-back');
      assert.match(why, /答复被局端退回重办[\s\S]*局端于 2021\/02\/01 09:00[\s\S]*退回理由:未联系诉求人、佐证不足[\s\S]*说明:请联系来电人/);
      assert.doesNotMatch(why, /[A-Za-z]{4,}/, `no English on the face of it: ${why}`);
      assert.match(await lead.page.$eval('#last-send-back details.send-back-reply', (el) => el.textContent), new RegExp(FIRST));
      await screenshot(lead.page, 'review-ticket-sent-back');
      // It replies again.
      await lead.page.waitForSelector(reply);
      await fill(lead.page, `${reply} textarea[name=replyText]`, SECOND);
      await lead.page.select(`${reply} select[name=outcome]`, 'RESOLVED');
      await click(lead.page, `${reply} button[type=submit]`);
      await waitText(lead.page, '.page-head', /已回复/);
      t = await api.get(`/v1/${ticket.name}`);
      assert.equal(t.replyText, SECOND);
      assert.equal(t.replyReview.state, 'PENDING', 'the new reply is reviewed again');

      // The bureau accepts it, then closes after the callback.
      await openTicket(bureau.page, ticket);
      await waitText(bureau.page, '#ticket-facts', new RegExp(SECOND));
      const accept = '#ticket-actions form[data-action="acceptReply"]';
      await bureau.page.waitForSelector(accept);
      await click(bureau.page, `${accept} button[type=submit]`);
      const closeForm = '#ticket-actions form[data-action="close"]';
      await bureau.page.waitForSelector(closeForm);
      await waitText(bureau.page, '#ticket-facts', /办结审核\s+已通过/);
      const accepted = await visible(bureau.page, '#reply-review');
      assert.match(accepted, /局端于 2021\/02\/01 09:00 审核通过/);
      assert.doesNotMatch(accepted, /[A-Za-z]{4,}/, `no English on the face of it: ${accepted}`);
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="sendBackReply"]'), null, 'an accepted reply is not sent back');
      assert.equal((await api.get(`/v1/${ticket.name}`)).replyReview.state, 'ACCEPTED');
      await bureau.page.waitForSelector('#ticket-history tr[data-type="REPLY_ACCEPTED"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="REPLY_ACCEPTED"]'), /审核通过/);
      await bureau.page.select(`${closeForm} select[name=satisfaction]`, 'SATISFIED');
      await click(bureau.page, `${closeForm} button[type=submit]`);
      await waitText(bureau.page, '.page-head', /已办结/);
      assert.equal((await api.get(`/v1/${ticket.name}`)).state, 'CLOSED');

      // The report: housing's sentence ends with ,答复被退回重办1件, in hotlinectl's words; the data table's column.
      await go(bureau.page, '#/report');
      await bureau.page.waitForSelector('#report-zh');
      const zh = await text(bureau.page, '#report-zh');
      assert.match(zh, /县住房和城乡建设局:工单1件,[^\n]*,按时办结率[^,。\n]+,答复被退回重办1件。/);
      assert.doesNotMatch(zh.split('\n')[0], /退回重办/, 'the total sentence is unchanged');
      assert.equal(await text(bureau.page, '#report-output tr[data-department="departments/housing"] td[data-figure="repliesSentBack"]'), '1');
      const csvPage = await bureau.page.evaluate(async () => {
        const report = await import('/console/js/pages/report.js');
        const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
        return report.reportCsv(await res.json());
      });
      const housingRow = csvRow(csvPage, 'department,departments/housing,');
      assert.equal(housingRow.replies_sent_back, '1');
      assert.equal(housingRow.sent_back_not_contacted, '1');
      assert.equal(housingRow.sent_back_no_evidence, '1');
      assert.equal(housingRow.sent_back_nonstandard, '0');
      if (CTL_BIN) {
        const {stdout} = await execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, 'report', '--month', '2021-02', '--format', 'zh']);
        assert.equal(zh, stdout.trim(), 'the console\'s words are hotlinectl\'s');
        const csvCtl = await execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, 'report', '--month', '2021-02', '--format', 'csv']);
        assert.equal(csvPage.split('\n')[0], csvCtl.stdout.split('\n')[0].replace(/\r$/, ''), 'the console\'s CSV has hotlinectl\'s columns');
        const ctlRow = csvCtl.stdout.split('\n').find((l) => l.startsWith('department,departments/housing,'));
        assert.equal(csvPage.split('\n').find((l) => l.startsWith('department,departments/housing,')), ctlRow.replace(/\r$/, ''));
      }
      await screenshot(bureau.page, 'review-report');
      // Housing's own figures (我的统计): the send-back and its reasons.
      await go(lead.page, '#/mine');
      await lead.page.waitForSelector('[data-figure="repliesSentBack"]');
      assert.match(await visible(lead.page, '[data-figure="repliesSentBack"]'), /答复被退回重办\s+1\s+未联系诉求人1、佐证不足1/);

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      for (const p of [...bureau.problems, ...lead.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
