// Merged duplicates (并单), likely duplicates (可能重复) and links (关联) as
// people handle them in the console (issue 24 §2): the same caller calls
// twice; the bureau sees 可能重复 in the dispatch queue and merges the new
// ticket into the first with one click; the department that handles the
// first sees the second caller on it, replies, and the merged ticket shows
// the same reply; a merge into the ticket itself or into a merged ticket (a
// chain) is refused in Chinese and changes nothing; a link shows on both
// tickets and goes from both; the report counts 并单1件 in the same words as
// hotlinectl, in its table and its CSV, and the dashboard's month table.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, waitText, refusal, csvRow} from './harness.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';

// Clicks as a person does, with the element scrolled to the middle of the
// screen (not under the message shown at the bottom).
async function click(page, selector) {
  await page.$eval(selector, (el) => el.scrollIntoView({block: 'center'}));
  await page.click(selector);
}
// Opens a ticket's page and waits until it shows that ticket.
async function openTicket(page, t) {
  await go(page, `#/tickets/${idOf(t)}`);
  await waitText(page, '.page-head h1', new RegExp(`工单 #${idOf(t)}:`));
  await page.waitForSelector('#ticket-history table');
}

const PHONE = '13800001234';
const REPLY = '经现场核查,幸福路8号路灯线路老化,已于2月3日更换,恢复照明。';

test('可能重复 in the dispatch queue, one-click 并单, the merged ticket follows its main\'s reply; chains refused; links both ways; 并单 in the figures',
  {timeout: 280000}, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      const housing = makeApi(server.base, housingToken);
      // The first call, dispatched and signed for; the same caller again, not yet dispatched; someone else.
      const first = await api.ticket({title: '路灯不亮', type: 'COMPLAINT', topic: '路灯', address: '幸福路8号', sourceId: 'GD-1001',
        callerName: '王先生', callerPhone: PHONE}, 'departments/housing');
      await housing.post(`/v1/${first.name}:acknowledge`, {});
      const second = await api.ticket({title: '幸福路路灯还是不亮', type: 'COMPLAINT', topic: '路灯', address: '幸福路 8 号',
        callerName: '王先生', callerPhone: PHONE});
      const third = await api.ticket({title: '小区绿化带缺损', type: 'SUGGESTION', topic: '绿化', address: '和平街3号',
        callerName: '李女士', callerPhone: '13900005678'});
      // One the platform marks as a repeat of the first, nothing else in common.
      const marked = await api.ticket({title: '夜间路段照明', type: 'INQUIRY', topic: '照明', address: '东门外',
        callerName: '孙先生', callerPhone: '13600009999', duplicateOfSourceId: 'GD-1001'});

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const dept = await openPage(browser, server.base);
      await signIn(dept.page, housingToken);

      // The dispatch queue: the second call's row shows the first as 可能重复, by the caller's phone.
      await go(bureau.page, '#/dispatch');
      const row = `#dispatch-list li[data-ticket="${second.name}"]`;
      const candidate = `${row} .dup-list li[data-candidate="${first.name}"]`;
      // Folded under one line until opened: an answer arriving moves nothing.
      await bureau.page.waitForSelector(`${row} details.dup-box:not([open])`);
      assert.match(await visible(bureau.page, `${row} .dup-box summary`), /可能重复 1 件/);
      await click(bureau.page, `${row} .dup-box summary`);
      await bureau.page.waitForSelector(candidate, {visible: true});
      const shown = await visible(bureau.page, candidate);
      assert.match(shown, new RegExp(`#${idOf(first)} 路灯不亮`));
      assert.match(shown, /同一来电号码/);
      assert.match(shown, /同一地址/, 'the addresses match without their spaces');
      assert.match(shown, /办理中/);
      assert.match(await visible(bureau.page, `${row} .dup-box`), /可能重复 1 件/);
      assert.equal(await bureau.page.$eval(`${row} input[name=mergeReason]`, (el) => el.value), '重复诉求');
      // The platform's mark comes first, and the row says it.
      const markedRow = `#dispatch-list li[data-ticket="${marked.name}"]`;
      // Suggestions are asked for the rows on screen: scroll down to it.
      await bureau.page.$eval(markedRow, (el) => el.scrollIntoView({block: 'center'}));
      await bureau.page.waitForSelector(`${markedRow} details.dup-box`);
      await click(bureau.page, `${markedRow} .dup-box summary`);
      await bureau.page.waitForSelector(`${markedRow} .dup-list li[data-candidate="${first.name}"]`, {visible: true});
      assert.match(await visible(bureau.page, `${markedRow} .dup-list li`), /平台标记重复/);
      assert.match(await visible(bureau.page, markedRow), /平台标记:重复平台编号 GD-1001 的工单/);
      // Someone else's ticket has none.
      await bureau.page.$eval(`#dispatch-list li[data-ticket="${third.name}"]`, (el) => el.scrollIntoView({block: 'center'}));
      await waitText(bureau.page, `#dispatch-list li[data-ticket="${third.name}"] .dup-box`, /可能重复:无/);
      await screenshot(bureau.page, 'bureau-dispatch-duplicates');

      // One click: merged into the first, with the prefilled reason.
      await click(bureau.page, `${candidate} button[data-action="mergeInto"]`);
      await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, row);
      const merged = await api.get(`/v1/${second.name}`);
      assert.equal(merged.state, 'MERGED');
      assert.equal(merged.mergedInto, first.name);
      assert.equal(merged.merge.reason, '重复诉求');
      assert.ok(await bureau.page.$(`#dispatch-list li[data-ticket="${third.name}"]`), 'the other ticket stays in the queue');

      // The merged ticket's page: which main it follows; only 取消并单 is its own step.
      await openTicket(bureau.page, second);
      await waitText(bureau.page, '.page-head', /已并单/);
      assert.match(await visible(bureau.page, '#merged-into'), new RegExp(`已并入 工单 #${idOf(first)}`));
      assert.equal(await bureau.page.$eval('#merged-into a', (a) => a.getAttribute('href')), `#/tickets/${idOf(first)}`);
      assert.match(await visible(bureau.page, '#merged-into'), /重复诉求/);
      assert.ok(await bureau.page.$('#ticket-actions form[data-action="unmerge"]'));
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="dispatch"]'), null, 'a merged ticket is not dispatched');
      assert.equal(await bureau.page.$('#ticket-actions form[data-action="issueCard"]'), null);
      const step = await visible(bureau.page, '#ticket-history tr[data-type="MERGED"]');
      assert.match(step, new RegExp(`并单.*并入 工单 #${idOf(first)}:重复诉求`, 's'));
      await screenshot(bureau.page, 'bureau-merged-ticket');

      // The department handling the main sees the merged ticket's caller on it.
      await openTicket(dept.page, first);
      await dept.page.waitForSelector('#merged-list');
      const list = await visible(dept.page, '#merged-list');
      assert.match(list, new RegExp(`工单 #${idOf(second)}`));
      assert.match(list, new RegExp(`王先生 ${PHONE}`));
      await dept.page.waitForSelector('#ticket-history tr[data-type="DUPLICATE_MERGED"]');

      // The department replies to the main; the merged ticket's page (open at the bureau) shows the same reply.
      const reply = '#ticket-actions form[data-action="reply"]';
      await dept.page.select(`${reply} select[name=outcome]`, 'RESOLVED');
      await dept.page.type(`${reply} textarea[name=replyText]`, REPLY);
      await click(dept.page, `${reply} button[type=submit]`);
      await waitText(dept.page, '.page-head', /已回复/);
      await waitText(bureau.page, '#ticket-facts', new RegExp(REPLY));
      await waitText(bureau.page, '.page-head', /已回复/);
      assert.match(await visible(bureau.page, '#merged-into'), /主工单已回复,本工单随之回复/);
      const followed = await api.get(`/v1/${second.name}`);
      assert.equal(followed.state, 'REPLIED');
      assert.equal(followed.replyText, REPLY);
      assert.equal(followed.mergedInto, first.name);
      await bureau.page.waitForSelector('#ticket-history tr[data-type="REPLIED"]');
      assert.match(await visible(bureau.page, '#ticket-history tr[data-type="REPLIED"]'), new RegExp(`随主工单 工单 #${idOf(first)}`));
      await screenshot(bureau.page, 'bureau-merged-ticket-replied');

      // Merging a ticket into itself: the page says why and sends nothing.
      await openTicket(bureau.page, third);
      const mergeForm = '#ticket-actions form[data-action="merge"]';
      await bureau.page.waitForSelector(mergeForm);
      const before = await api.get(`/v1/${third.name}`);
      await bureau.page.type(`${mergeForm} input[name=mainTicket]`, idOf(third));
      await click(bureau.page, `${mergeForm} button[type=submit]`);
      const self = await refusal(bureau.page, /另一张工单/);
      assert.match(self, new RegExp(`主工单须为另一张工单,不能是本工单 #${idOf(third)} 自己`));
      // The server refuses it too, and the console words its refusal in Chinese.
      const byServer = await api.post(`/v1/${third.name}:merge`, {mainTicket: third.name, reason: '测试'}).then(() => null, (e) => e);
      assert.ok(byServer && byServer.status === 400, 'the server refuses a merge into itself');
      const worded = await bureau.page.evaluate(async (status, body) => (await import('/console/js/errors.js')).zhMessage(status, body),
        byServer.status, byServer.body);
      assert.ok(worded.includes('主工单编号(须为另一张工单)'), worded);
      // Into the merged ticket (a chain): the server's refusal, in Chinese.
      await bureau.page.$eval(`${mergeForm} input[name=mainTicket]`, (el) => { el.value = ''; });
      await bureau.page.type(`${mergeForm} input[name=mainTicket]`, `#${idOf(second)}`);
      await click(bureau.page, `${mergeForm} button[type=submit]`);
      const chain = await refusal(bureau.page, /连环并单/);
      assert.match(chain, new RegExp(`工单 #${idOf(third)}不能并入工单 #${idOf(second)}:不能连环并单`));
      assert.doesNotMatch(chain, /[A-Za-z]{4,}/, `no English on the face of it: ${chain}`);
      await screenshot(bureau.page, 'bureau-merge-chain-refused');
      const after = await api.get(`/v1/${third.name}`);
      assert.equal(after.state, 'RECEIVED');
      assert.equal(after.etag, before.etag, 'nothing changed');

      // A link (关联) from the first ticket's page shows on both; removed from the other's.
      await openTicket(bureau.page, first);
      const linkForm = '#ticket-actions form[data-action="link"]';
      await bureau.page.waitForSelector(linkForm);
      await bureau.page.type(`${linkForm} input[name=otherTicket]`, idOf(third));
      await bureau.page.type(`${linkForm} input[name=linkReason]`, '同一片区设施维护');
      await click(bureau.page, `${linkForm} button[type=submit]`);
      await bureau.page.waitForSelector(`#link-list li[data-ticket="${third.name}"]`);
      assert.match(await visible(bureau.page, '#link-list'), new RegExp(`工单 #${idOf(third)}:同一片区设施维护`));
      await openTicket(bureau.page, third);
      await bureau.page.waitForSelector(`#link-list li[data-ticket="${first.name}"]`);
      assert.match(await visible(bureau.page, '#link-list'), new RegExp(`工单 #${idOf(first)}:同一片区设施维护`));
      assert.equal(await bureau.page.$eval('#link-list a', (a) => a.getAttribute('href')), `#/tickets/${idOf(first)}`);
      await screenshot(bureau.page, 'bureau-ticket-links');
      await click(bureau.page, `#link-list li[data-ticket="${first.name}"] button[data-action="unlink"]`);
      await bureau.page.waitForFunction(() => !document.querySelector('#link-list'));
      assert.equal((await api.get(`/v1/${first.name}`)).links, undefined);
      assert.equal((await api.get(`/v1/${third.name}`)).links, undefined);
      await bureau.page.waitForSelector('#ticket-history tr[data-type="UNLINKED"]');

      // The figures: 并单 where the others are, worded as hotlinectl words it.
      await go(bureau.page, '#/report');
      await bureau.page.waitForSelector('#report-zh');
      const zh = await text(bureau.page, '#report-zh');
      // The third and the marked tickets wait for dispatch; the merged one is replied with its main, never pending by itself.
      assert.match(zh, /已处理回复2件,未超期未回复2件,并单1件,按时办结率为/);
      assert.match(zh, /县住房和城乡建设局:工单\d+件,已回复2件,未超期未回复0件,超期未回复0件,并单1件,/);
      assert.doesNotMatch(zh, /-\d+件/, 'no figure below zero');
      assert.equal(await text(bureau.page, '#report-output tr[data-scope="total"] td[data-figure="merged"]'), '1');
      assert.ok((await bureau.page.$$eval('#report-output thead th', (ths) => ths.map((x) => x.textContent))).includes('并单'));
      if (CTL_BIN) {
        const {stdout} = await execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, 'report', '--month', '2021-02', '--format', 'zh']);
        assert.equal(zh, stdout.trim(), 'the console\'s words are hotlinectl\'s');
      }
      const csv = await bureau.page.evaluate(async () => {
        const report = await import('/console/js/pages/report.js');
        const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
        return report.reportCsv(await res.json());
      });
      const lines = csv.trim().split('\n');
      assert.match(lines[0], /,closed_by_final_answer,merged(,|$)/);
      assert.equal(csvRow(csv, 'total,').merged, '1');
      await screenshot(bureau.page, 'bureau-report-merged');
      await go(bureau.page, '#/dashboard');
      await bureau.page.waitForSelector('#kpis .tile');
      const cells = await bureau.page.$$eval('td[data-figure="merged"]', (tds) => tds.map((td) => Number(td.textContent)));
      assert.equal(cells.reduce((a, b) => a + b, 0), 1, `the month table's 并单 column: ${cells}`);

      assert.deepEqual(await cspViolations(bureau.page), []);
      assert.deepEqual(await cspViolations(dept.page), []);
      for (const p of [...bureau.problems, ...dept.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
