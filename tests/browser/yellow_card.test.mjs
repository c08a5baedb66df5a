// A yellow card falls in rehearsal mode (the clock advanced past the reply
// deadline) and appears on the bureau's dashboard without a reload.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, openPage, signIn, screenshot, text, cspViolations} from './harness.mjs';

const tileValue = (page, key) => text(page, `#kpis [data-kpi="${key}"] .value`);

test('yellow card in rehearsal mode appears on the dashboard', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    await api.department('housing', '县住房和城乡建设局');
    // An inquiry (咨询): 2 working days to reply, dispatched at once.
    const ticket = await api.ticket({title: '公租房申请条件咨询', type: 'INQUIRY', topic: '住房'}, 'departments/housing');
    assert.ok(ticket.replyDueAt, 'the dispatched ticket has a reply deadline');

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    await bureau.page.waitForSelector('#kpis [data-kpi="yellow"]');
    assert.equal(await tileValue(bureau.page, 'yellow'), '0');
    assert.equal(await tileValue(bureau.page, 'state-dispatched'), '1');
    await bureau.page.evaluate(() => { window.__noReload = 'still here'; });

    // Past the deadline: the sweeper issues the yellow card.
    const advanced = await api.post('/v1/clock:advance', {to: new Date(Date.parse(ticket.replyDueAt) + 3600e3).toISOString()});
    assert.equal(advanced.yellowCards, 1);

    await bureau.page.waitForFunction(
      () => document.querySelector('#kpis [data-kpi="yellow"] .value')?.textContent === '1');
    assert.equal(await bureau.page.evaluate(() => window.__noReload), 'still here', 'the dashboard was not reloaded');
    assert.equal(await tileValue(bureau.page, 'overdue'), '1');
    await bureau.page.waitForFunction(() => /黄牌/.test(document.querySelector('#event-log')?.textContent || ''));
    assert.match(await text(bureau.page, '#kpis'), /黄牌/);
    await screenshot(bureau.page, 'bureau-dashboard-yellow-card');

    // The cards page lists it, charged to housing.
    await bureau.page.goto(`${server.base}/console/#/cards`);
    await bureau.page.waitForSelector('#cards-table tr[data-card]');
    const cards = await text(bureau.page, '#cards-table');
    assert.match(cards, /黄牌/);
    assert.match(cards, /县住房和城乡建设局/);
    await screenshot(bureau.page, 'bureau-cards');
    assert.deepEqual(await cspViolations(bureau.page), []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
