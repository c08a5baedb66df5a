// The bureau dispatches; the department (another browser context) sees the
// ticket appear without reloading, signs for it, files its daily report and
// replies; the bureau closes it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, openPage, signIn, screenshot, text, cspViolations} from './harness.mjs';

test('bureau dispatches, department signs for, reports daily and replies live, bureau closes', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.department('parks', '县园林局');
    const ticket = await api.ticket({title: '小区电梯长期停运', type: 'HELP', topic: '电梯', address: '城关镇幸福路 8 号', content: '3 号楼电梯停运两周,老人上下楼困难。'});
    const id = ticket.name.split('/').pop();

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    await dept.page.waitForSelector('#queue-dispatched');
    assert.equal(await dept.page.$(`#queue-dispatched tr[data-ticket="${ticket.name}"]`), null, 'not dispatched yet');
    // A marker that a reload would wipe out.
    await dept.page.evaluate(() => { window.__noReload = 'still here'; });

    // The bureau dispatches from the dispatch queue, with search.
    await bureau.page.goto(`${server.base}/console/#/dispatch`);
    await bureau.page.waitForSelector(`#dispatch-list li[data-ticket="${ticket.name}"]`);
    await bureau.page.type('#dispatch-search', '电梯');
    const row = `#dispatch-list li[data-ticket="${ticket.name}"]`;
    await bureau.page.waitForSelector(row);
    await bureau.page.select(`${row} select[name=department]`, 'departments/housing');
    await bureau.page.type(`${row} input[name=note]`, '请尽快核实');
    await screenshot(bureau.page, 'bureau-dispatch');
    await bureau.page.click(`${row} button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, row);

    // The department's queue shows it without a reload.
    const queued = `#queue-dispatched tr[data-ticket="${ticket.name}"]`;
    await dept.page.waitForSelector(queued);
    assert.equal(await dept.page.evaluate(() => window.__noReload), 'still here', 'the desk page was not reloaded');
    await screenshot(dept.page, 'department-desk-new-ticket');

    // Sign for it (签收).
    await dept.page.click(`${queued} button.sign`);
    const working = `#queue-in-progress tr[data-ticket="${ticket.name}"]`;
    await dept.page.waitForSelector(working);
    assert.match(await text(dept.page, working), /未报/);

    // Today's daily report, in the one form for all tickets in progress.
    await dept.page.goto(`${server.base}/console/#/daily`);
    await dept.page.waitForSelector(`#daily-form textarea[data-ticket="${ticket.name}"]`);
    await dept.page.type(`#daily-form textarea[data-ticket="${ticket.name}"]`, '已联系物业和维保单位,明日更换控制板。');
    await dept.page.click('#daily-form button[type=submit]');
    await dept.page.waitForFunction(() => /今日已报/.test(document.querySelector('#daily-form')?.textContent || ''));
    const reports = await api.get(`/v1/dailyReports?ticket=${encodeURIComponent(ticket.name)}`);
    assert.equal(reports.reports?.length, 1);
    assert.equal(reports.reports[0].date, '2021-02-01');
    assert.match(reports.reports[0].progress, /控制板/);
    await screenshot(dept.page, 'department-daily-report');

    // Reply from the ticket page.
    await dept.page.goto(`${server.base}/console/#/tickets/${id}`);
    const reply = '#ticket-actions form[data-action="reply"]';
    await dept.page.waitForSelector(reply);
    await dept.page.select(`${reply} select[name=outcome]`, 'RESOLVED');
    await dept.page.type(`${reply} textarea[name=replyText]`, '控制板已更换,电梯恢复运行。');
    await dept.page.click(`${reply} button[type=submit]`);
    await dept.page.waitForFunction(() => /已回复/.test(document.querySelector('.page-head')?.textContent || ''));
    assert.equal((await api.get(`/v1/${ticket.name}`)).state, 'REPLIED');

    // The bureau's ticket page follows the feed and offers to close.
    await bureau.page.goto(`${server.base}/console/#/tickets/${id}`);
    const close = '#ticket-actions form[data-action="close"]';
    await bureau.page.waitForSelector(close);
    await bureau.page.select(`${close} select[name=satisfaction]`, 'SATISFIED');
    // Scrolled to the middle first: the close form sits after the 回访 form,
    // where the sign-in notice at the bottom of the screen may cover it.
    await bureau.page.$eval(`${close} button[type=submit]`, (el) => el.scrollIntoView({block: 'center'}));
    await bureau.page.click(`${close} button[type=submit]`);
    await bureau.page.waitForFunction(() => /已办结/.test(document.querySelector('.page-head')?.textContent || ''));
    const closed = await api.get(`/v1/${ticket.name}`);
    assert.equal(closed.state, 'CLOSED');
    assert.equal(closed.satisfaction, 'SATISFIED');
    // The full history is on the page.
    const history = await text(bureau.page, '#ticket-history');
    for (const step of ['受理', '派单', '签收', '一日一报', '回复', '办结']) assert.match(history, new RegExp(step));
    await screenshot(bureau.page, 'bureau-ticket-closed');

    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);
    assert.deepEqual(bureau.problems.filter((p) => /Content Security Policy|pageerror/.test(p)), []);
    assert.deepEqual(dept.problems.filter((p) => /Content Security Policy|pageerror/.test(p)), []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
