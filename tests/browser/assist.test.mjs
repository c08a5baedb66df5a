// Lead and assisting departments (主办/协办) as people handle them in the
// console (issue 24 §1): the bureau dispatches a ticket from the queue to
// housing (主办) with transport assisting (协办), adds a third department on
// the ticket page and ends its part again (撤销); transport finds the ticket
// under 协办任务 on its desk, signs for its part and gives its opinion, and
// never sees the lead's steps (reply, return, reports) on the ticket page;
// housing sees the opinion in the parts table and in its reply form, and
// the replied ticket shows the opinion it rests on; a second ticket whose
// lead replies before its assisting department answered is refused in
// Chinese, changing nothing, until 未收齐意见说明 is given; the report's
// transport sentence says 协办1件 in hotlinectl's words, and its CSV has
// the eight assisting columns.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, waitText, refusal} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';

// Clicks as a person does, with the element scrolled to the middle of the
// screen (not under the message shown at the bottom); again when a live
// redraw replaced the element before the click reached it (that click
// never happened).
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
// Opens a ticket's page and waits until it shows that ticket.
async function openTicket(page, t) {
  await go(page, `#/tickets/${idOf(t)}`);
  await waitText(page, '.page-head h1', new RegExp(`工单 #${idOf(t)}:`));
  await page.waitForSelector('#ticket-history table');
}
// Types `value` into the field as a person does, again when a live
// redraw replaced the field before the text got in (the typing itself
// went to the old one), until the field holds it.
async function fill(page, selector, value) {
  const deadline = Date.now() + 60000;
  for (;;) {
    await page.$eval(selector, (el) => { el.value = ''; });
    await page.type(selector, value);
    if (await page.$eval(selector, (el) => el.value).catch(() => '') === value) return;
    if (Date.now() > deadline) assert.fail(`could not fill ${selector}`);
  }
}
const partOf = (t, dept) => (t.assists || []).find((a) => a.department === dept);

const OPINION = '该路段属县道,占道施工许可由本局审批;经查施工单位未办理占道许可,已责令停工并限期补办。';
const REPLY = '经住建、交通部门联合核查,施工单位已停工整改,夜间不再施工。';
const EARLY = '来电人要求当日答复,园林局意见另行转达。';
// The lead's steps, none of which an assisting department is offered.
const LEAD_ACTIONS = ['acknowledge', 'reply', 'return', 'requestExtension', 'requestSuspension', 'dailyReport', 'submitFinalAnswer',
  'resume'];

test('dispatch with 协办, the assisting desk signs for and answers, the lead replies on the opinion; early reply needs its reason; 协办 in the report',
  {timeout: 280000}, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const transportToken = await api.department('transport', '县交通运输局');
      await api.department('parks', '县园林局');
      await api.department('market', '县市场监管局');
      const housing = makeApi(server.base, housingToken);
      const transport = makeApi(server.base, transportToken);
      const first = await api.ticket({title: '道路施工夜间扰民', type: 'COMPLAINT', topic: '施工'});
      // The second: dispatched at intake with parks assisting; housing signs for it.
      const second = await api.post('/v1/tickets', {ticket: {type: 'COMPLAINT', topic: '绿化', title: '行道树被施工挖断',
        content: '施工挖断行道树根系。'}, dispatchTo: 'departments/housing', assistingDepartments: ['departments/parks']});
      await housing.post(`/v1/${second.name}:acknowledge`, {});

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);
      const helper = await openPage(browser, server.base);
      await signIn(helper.page, transportToken);

      // The queue: housing as lead, transport assisting; the lead cannot also assist.
      await go(bureau.page, '#/dispatch');
      const row = `#dispatch-list li[data-ticket="${first.name}"]`;
      await bureau.page.waitForSelector(`${row} details.assist-picker`);
      await bureau.page.select(`${row} select[name=department]`, 'departments/housing');
      await click(bureau.page, `${row} details.assist-picker summary`);
      const box = (d) => `${row} input[name=assistingDepartment][value="departments/${d}"]`;
      await bureau.page.waitForSelector(box('transport'), {visible: true});
      assert.equal(await bureau.page.$eval(box('housing'), (el) => el.disabled), true, 'the lead is not offered as assisting');
      await click(bureau.page, box('transport'));
      assert.match(await visible(bureau.page, `${row} details.assist-picker summary`), /已选 1 个/);
      await screenshot(bureau.page, 'bureau-dispatch-assisting');
      await click(bureau.page, `${row} button[type=submit]`);
      await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, row);
      let t = await api.get(`/v1/${first.name}`);
      assert.equal(t.department, 'departments/housing');
      assert.deepEqual((t.assists || []).map((a) => [a.department, a.state]), [['departments/transport', 'DISPATCHED']]);

      // The ticket page: the parts table; 增加协办单位 offers neither the lead nor transport; 撤销 ends a part.
      await openTicket(bureau.page, first);
      await bureau.page.waitForSelector('#ticket-assists tr[data-department="departments/transport"]');
      assert.match(await visible(bureau.page, '#ticket-assists tr[data-department="departments/transport"]'), /县交通运输局\s+待签收/);
      assert.match(await visible(bureau.page, '#ticket-facts'), /协办单位\s+县交通运输局/);
      const add = '#ticket-actions form[data-action="addAssist"]';
      await bureau.page.waitForSelector(add);
      const offered = await bureau.page.$$eval(`${add} select option`, (os) => os.map((o) => o.value).filter(Boolean));
      assert.deepEqual(offered.sort(), ['departments/market', 'departments/parks']);
      // The text first: once something is typed, a live redraw leaves the forms alone.
      await fill(bureau.page, `${add} input[name=assistNote]`, '涉及施工单位资质');
      await bureau.page.select(`${add} select`, 'departments/market');
      await click(bureau.page, `${add} button[type=submit]`);
      const marketRow = '#ticket-assists tr[data-department="departments/market"]';
      await bureau.page.waitForSelector(`${marketRow}[data-state="DISPATCHED"]`);
      assert.match(await visible(bureau.page, marketRow), /涉及施工单位资质/);
      // 撤销 with a reason ends the part.
      await fill(bureau.page, `${marketRow} input[name=removeReason]`, '经核实无需市场监管部门协办');
      await click(bureau.page, `${marketRow} button[type=submit]`);
      await bureau.page.waitForFunction((sel) => document.querySelector(sel) || document.querySelector('#flash.flash-error:not([hidden])'), {},
        `${marketRow}[data-state="REMOVED"]`);
      assert.equal(await bureau.page.$('#flash.flash-error:not([hidden])'), null, await visible(bureau.page, '#flash'));
      assert.match(await visible(bureau.page, marketRow), /已撤销.*经核实无需市场监管部门协办/s);
      await bureau.page.waitForSelector('#ticket-history tr[data-type="ASSIST_REMOVED"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="ASSIST_ADDED"]'), /增加协办单位.*协办:县市场监管局/s);
      t = await api.get(`/v1/${first.name}`);
      assert.equal(partOf(t, 'departments/market').state, 'REMOVED');
      assert.equal(partOf(t, 'departments/market').endReason, '经核实无需市场监管部门协办');

      // Transport's desk: 协办任务, signed for and answered there.
      await go(helper.page, '#/desk');
      const task = `#assist-tasks li[data-ticket="${first.name}"]`;
      await helper.page.waitForSelector(`${task}[data-part="DISPATCHED"]`);
      assert.match(await visible(helper.page, task), /待签收.*主办单位:县住房和城乡建设局/s);
      assert.equal(await helper.page.$(`#queue-dispatched tr[data-ticket="${first.name}"]`), null, 'not in the lead\'s queue');
      for (const v of await axeViolations(helper.page)) assert.fail(`axe on the assisting desk: ${v}`);
      await click(helper.page, `${task} form[data-action="acknowledgeAssist"] button[type=submit]`);
      await helper.page.waitForSelector(`${task}[data-part="ACKNOWLEDGED"] textarea[name=opinion]`);
      await fill(helper.page, `${task} textarea[name=opinion]`, OPINION);
      await screenshot(helper.page, 'assist-desk-opinion');
      await click(helper.page, `${task} form[data-action="submitAssistOpinion"] button[type=submit]`);
      await helper.page.waitForSelector(`${task}[data-part="OPINION_GIVEN"]`);
      t = await api.get(`/v1/${first.name}`);
      assert.equal(partOf(t, 'departments/transport').state, 'OPINION_GIVEN');
      assert.equal(partOf(t, 'departments/transport').opinion, OPINION);

      // Housing signs for the ticket; transport's page of it offers none of the lead's steps.
      await housing.post(`/v1/${first.name}:acknowledge`, {});
      await openTicket(helper.page, first);
      await waitText(helper.page, '.page-head', /办理中/);
      await helper.page.waitForSelector('#own-role');
      await helper.page.waitForSelector('#assist-done');
      for (const a of LEAD_ACTIONS) {
        assert.equal(await helper.page.$(`#ticket-actions form[data-action="${a}"]`), null, `transport is offered ${a}`);
      }
      assert.match(await visible(helper.page, '#ticket-assists'), new RegExp(OPINION));
      await screenshot(helper.page, 'assist-ticket-page');
      // The server agrees: transport's reply is refused, in Chinese.
      const byHelper = await transport.post(`/v1/${first.name}:reply`, {outcome: 'RESOLVED', replyText: '越权回复'}).then(() => null, (e) => e);
      assert.ok(byHelper && byHelper.status === 403, 'an assisting department cannot reply');
      const wordedHelper = await helper.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b),
        byHelper.status, byHelper.body);
      assert.match(wordedHelper, /[\u4e00-\u9fff]/);
      assert.doesNotMatch(wordedHelper, /[A-Za-z]{4,}/, wordedHelper);

      // Housing: the opinion in the parts table and the reply form; no reason asked; the reply shows it.
      await openTicket(lead.page, first);
      const reply = '#ticket-actions form[data-action="reply"]';
      await lead.page.waitForSelector(`${reply} #reply-opinions`);
      assert.match(await visible(lead.page, `${reply} #reply-opinions`), new RegExp(`县交通运输局:${OPINION}`));
      assert.equal(await lead.page.$(`${reply} #reply-missing`), null);
      assert.match(await visible(lead.page, '#ticket-assists tr[data-department="departments/transport"]'), /已反馈意见/);
      await fill(lead.page, `${reply} textarea[name=replyText]`, REPLY);
      await lead.page.select(`${reply} select[name=outcome]`, 'RESOLVED');
      await click(lead.page, `${reply} button[type=submit]`);
      await waitText(lead.page, '.page-head', /已回复/);
      await lead.page.waitForSelector('#ticket-facts #assist-opinions');
      assert.match(await visible(lead.page, '#ticket-facts'), new RegExp(`答复所依据的协办意见\\s+县交通运输局:${OPINION}`));
      assert.equal((await api.get(`/v1/${first.name}`)).state, 'REPLIED');
      await screenshot(lead.page, 'assist-lead-replied');

      // The second ticket: parks has not answered; replying is refused until the reason is given.
      await openTicket(lead.page, second);
      await lead.page.waitForSelector(`${reply} #reply-missing`);
      assert.match(await visible(lead.page, `${reply} #reply-missing`), /尚未收到协办意见:县园林局/);
      const before = await api.get(`/v1/${second.name}`);
      await fill(lead.page, `${reply} textarea[name=replyText]`, '已向来电人解释。');
      await lead.page.select(`${reply} select[name=outcome]`, 'EXPLAINED');
      await click(lead.page, `${reply} button[type=submit]`);
      const early = await refusal(lead.page, /尚未收齐协办意见/);
      assert.match(early, /县园林局未反馈.*未收齐意见说明/s);
      assert.doesNotMatch(early, /[A-Za-z]{4,}/, `no English on the face of it: ${early}`);
      await screenshot(lead.page, 'assist-early-reply-refused');
      // The server refuses such a reply too (OPINIONS_MISSING), worded in Chinese; nothing changed.
      const bySrv = await housing.post(`/v1/${second.name}:reply`, {outcome: 'EXPLAINED', replyText: '已解释。'}).then(() => null, (e) => e);
      assert.ok(bySrv, 'the server refuses a reply while an opinion is missing');
      const info = (bySrv.body.details || []).find((d) => (d['@type'] || '').endsWith('ErrorInfo')) || {};
      assert.equal(info.reason, 'OPINIONS_MISSING');
      const worded = await lead.page.evaluate(async (s, b) => (await import('/console/js/errors.js')).zhMessage(s, b), bySrv.status, bySrv.body);
      assert.match(worded, /尚未收齐协办意见\(部门“parks”未反馈\)/);
      const after = await api.get(`/v1/${second.name}`);
      assert.equal(after.state, 'IN_PROGRESS');
      assert.equal(after.etag, before.etag, 'nothing changed');
      // With the reason: replied, and the reason kept on the ticket and shown.
      await fill(lead.page, `${reply} textarea[name=missingOpinionsReason]`, EARLY);
      await click(lead.page, `${reply} button[type=submit]`);
      await waitText(lead.page, '.page-head', /已回复/);
      await waitText(lead.page, '#ticket-facts', new RegExp(`未收齐意见说明:${EARLY}`));
      const replied = await api.get(`/v1/${second.name}`);
      assert.equal(replied.state, 'REPLIED');
      assert.equal(replied.missingOpinionsReason, EARLY);

      // The report: transport's sentence says 协办1件, in hotlinectl's words; the CSV's eight columns.
      await go(bureau.page, '#/report');
      await bureau.page.waitForSelector('#report-zh');
      const zh = await text(bureau.page, '#report-zh');
      assert.match(zh, /县交通运输局:工单0件,[^\n]*,按时办结率—,协办1件,协办按时反馈率100\.0%。/);
      assert.match(zh, /县园林局:[^\n]*,协办1件,协办按时反馈率[^,。\n]+。/);
      assert.doesNotMatch(zh, /县市场监管局:[^\n]*协办/, 'a removed part is not counted');
      assert.doesNotMatch(zh.split('\n')[0], /协办/, 'the total sentence is unchanged');
      assert.equal(await text(bureau.page, '#report-output tr[data-department="departments/transport"] td[data-figure="assists"]'), '1');
      if (CTL_BIN) {
        const {stdout} = await execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, 'report', '--month', '2021-02', '--format', 'zh']);
        assert.equal(zh, stdout.trim(), 'the console\'s words are hotlinectl\'s');
        const csvCtl = await execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, 'report', '--month', '2021-02', '--format', 'csv']);
        const csvPage = await bureau.page.evaluate(async () => {
          const report = await import('/console/js/pages/report.js');
          const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
          return report.reportCsv(await res.json());
        });
        assert.equal(csvPage.split('\n')[0], csvCtl.stdout.split('\n')[0].replace(/\r$/, ''), 'the console\'s CSV (web/js/pages/report.js) has hotlinectl\'s columns');
        const ctlRow = csvCtl.stdout.split('\n').find((l) => l.startsWith('department,departments/transport,'));
        const pageRow = csvPage.split('\n').find((l) => l.startsWith('department,departments/transport,'));
        assert.equal(pageRow, ctlRow.replace(/\r$/, ''));
      }
      await screenshot(bureau.page, 'assist-report');

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      assert.deepEqual(await cspViolations(helper.page), []);
      for (const p of [...bureau.problems, ...lead.problems, ...helper.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
