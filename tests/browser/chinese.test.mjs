// The console speaks Chinese to the people who use it (issue 22 §2):
// every refusal in Chinese with the server's text as a detail; names, not
// principal ids; a ticket's own steps numbered; the deadline rules' texts
// in Chinese; and the desk follows the working-day calendar.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible} from './harness.mjs';

const HERE = import.meta.dirname || path.dirname(new URL(import.meta.url).pathname);
const CJK = /[\u4e00-\u9fff]/;

async function errorReasons() {
  const proto = await readFile(path.join(HERE, '../../proto/hotline/v1/errors.proto'), 'utf8');
  const body = proto.slice(proto.indexOf('enum ErrorReason'));
  return [...body.matchAll(/^\s*([A-Z][A-Z0-9_]+)\s*=\s*\d+;/gm)].map((m) => m[1]).filter((r) => r !== 'ERROR_REASON_UNSPECIFIED');
}

test('every error reason has a Chinese message; refusals show it with the server text as a detail', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.department('parks', '县园林局');
    const theirs = await api.ticket({title: '园林局的工单'}, 'departments/parks');
    const reasons = await errorReasons();
    assert.ok(reasons.length >= 40, `reasons read from errors.proto: ${reasons.length}`);

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    // Every reason, with no metadata and with typical metadata.
    const messages = await bureau.page.evaluate(async (list) => {
      const {zhMessage} = await import('/console/js/errors.js');
      const meta = {ticket: 'tickets/7', state: 'DISPATCHED', allowed_states: 'IN_PROGRESS', method: 'ReplyTicket',
        resource: 'tickets/7', return_due_at: '2021-02-03T16:00:00Z', reply_due_at: '2021-02-03T16:00:00Z',
        date: '2021-02-06', token: 'tokens/3', principal: 'department/housing', extension_count: '2', extension_max_count: '2'};
      return list.map((reason) => ({reason,
        bare: zhMessage(400, {code: 9, message: 'english text', details: [{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason}]}),
        full: zhMessage(400, {code: 9, message: 'english text', details: [{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, metadata: meta}]}),
        fallback: zhMessage(400, {code: 9, message: 'english text', details: [{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'NO_SUCH_REASON_' + reason}]})}));
    }, reasons);
    for (const m of messages) {
      for (const t of [m.bare, m.full]) {
        assert.match(t, CJK, `${m.reason}: ${t}`);
        assert.doesNotMatch(t, /undefined|NaN|english text|\[object/, `${m.reason}: ${t}`);
      }
      assert.notEqual(m.bare, m.fallback, `${m.reason} has a message of its own, not the status code's`);
    }
    const byReason = Object.fromEntries(messages.map((m) => [m.reason, m.full]));
    assert.match(byReason.TICKET_STATE, /工单 #7.*待签收.*回复/);
    assert.match(byReason.NOT_A_WORKING_DAY, /2021-02-06.*不是工作日/);

    // A refusal in the page: the Chinese message, the English one folded.
    await bureau.page.evaluate(() => { location.hash = '#/cards'; });
    await bureau.page.waitForSelector('#issue-form');
    await bureau.page.type('#issue-ticket', '999');
    await bureau.page.type('#issue-reason', '测试');
    await bureau.page.click('#issue-form button[type=submit]');
    await bureau.page.waitForSelector('#flash.flash-error:not([hidden])');
    const shown = await visible(bureau.page, '#flash');
    assert.match(shown, /工单 #999\s*不存在/);
    assert.doesNotMatch(shown, /[A-Za-z]{4,}/, `no English on the face of it: ${shown}`);
    const detail = await bureau.page.$eval('#flash details.server-text', (el) => el.textContent);
    assert.match(detail, /tickets\/999/, 'the server text is kept as a detail');
    await screenshot(bureau.page, 'bureau-refusal-chinese');

    // A department editing the URL to another's ticket.
    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, theirs.name.split('/').pop());
    await dept.page.waitForSelector('main .refusal');
    const refusal = await visible(dept.page, 'main');
    assert.match(refusal, /无权查看/);
    assert.match(refusal, /不属于您的部门/);
    assert.doesNotMatch(refusal, /[A-Za-z]{4,}/, `no English on the face of it: ${refusal}`);
    assert.ok(await dept.page.$('main .refusal details.server-text'), 'the server text is a detail');
    await screenshot(dept.page, 'department-refusal-chinese');
    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('names instead of principal ids, a ticket\'s own steps numbered, the deadline rules\' texts in Chinese', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const intakeToken = (await api.post('/v1/tokens', {token: {principal: 'intake/city-platform', displayName: '市12345平台'}})).secret;
    const intake = makeApi(server.base, intakeToken);
    // Two tickets whose events interleave: a's seqs are not 1, 2, 3...
    const a = await intake.ticket({title: '路灯不亮', type: 'INQUIRY', topic: '路灯'});
    const b = await api.ticket({title: '另一件工单'});
    await api.post(`/v1/${a.name}:dispatch`, {department: 'departments/housing', note: '请核实'});
    await api.post(`/v1/${b.name}:dispatch`, {department: 'departments/housing'});
    const acked = await housing.post(`/v1/${a.name}:acknowledge`, {});
    await housing.post(`/v1/${b.name}:acknowledge`, {});
    // Past the reply deadline and then the red-card point: the sweeper's
    // warning, yellow card, red card and missed daily reports.
    await api.post('/v1/clock:advance', {to: new Date(Date.parse(acked.replyDueAt) + 3600e3).toISOString()});
    const yellow = await api.get(`/v1/${a.name}`);
    await api.post('/v1/clock:advance', {to: new Date(Date.parse(yellow.redCardDueAt) + 3600e3).toISOString()});
    const events = (await api.get(`/v1/${a.name}/events`)).events;
    assert.ok(events.some((e, i) => i > 0 && Number(e.seq) !== Number(events[i - 1].seq) + 1), 'the seqs have gaps');
    assert.ok(events.some((e) => e.actor === 'sweeper' && e.type === 'CARD_ISSUED'));

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    const who = await text(bureau.page, '#who');
    assert.ok(who && !/bureau/.test(who), `the header names the bureau: ${who}`);

    await bureau.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, a.name.split('/').pop());
    await bureau.page.waitForSelector('#ticket-history tbody tr');
    const steps = await bureau.page.$$eval('#ticket-history tbody tr', (rows) => rows.map((r) => r.cells[0].textContent.trim()));
    assert.deepEqual(steps, events.map((_, i) => String(i + 1)));
    const history = await visible(bureau.page, '#ticket-history');
    for (const name of ['市12345平台', '局端', '县住房和城乡建设局', '时限规则']) assert.match(history, new RegExp(name));
    assert.match(history, /超过办理时限未回复/);
    assert.match(history, /仍未回复/);
    const page = await visible(bureau.page, 'main');
    assert.doesNotMatch(page, /department\/|intake\/|sweeper|\bbureau\b/, 'no principal ids on the face of the page');
    assert.doesNotMatch(page, /no reply|reply due|deadline|working days|daily report/, 'no stored English on the face of the page');
    const stored = await bureau.page.$$eval('#ticket-history details.server-text', (els) => els.map((el) => el.textContent).join('\n'));
    assert.match(stored, /no reply by the deadline/, 'the stored text is kept as a detail');
    await screenshot(bureau.page, 'bureau-ticket-history-chinese');

    // The cards page and the dashboard's recent cards.
    await bureau.page.evaluate(() => { location.hash = '#/cards'; });
    await bureau.page.waitForSelector('#cards-table tr[data-card]');
    const cards = await visible(bureau.page, '#cards-table');
    assert.match(cards, /超过办理时限未回复,亮黄牌/);
    assert.match(cards, /时限规则/);
    assert.doesNotMatch(cards, /no reply|still|sweeper/);
    await bureau.page.evaluate(() => { location.hash = '#/dashboard'; });
    await bureau.page.waitForSelector('#kpis [data-kpi="red"]');
    const dash = await visible(bureau.page, 'main');
    assert.match(dash, /超过办理时限/);
    assert.doesNotMatch(dash, /no reply|still no reply/);

    // The department sees names too (it may not list tokens: the intake
    // source is "受理平台").
    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    assert.equal(await text(dept.page, '#who'), '县住房和城乡建设局');
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, a.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-history tbody tr');
    const theirs = await visible(dept.page, 'main');
    assert.match(theirs, /受理平台/);
    assert.doesNotMatch(theirs, /department\/|intake\/|sweeper|\bbureau\b/);
    assert.doesNotMatch(theirs, /no reply|reply due|deadline/);
    await screenshot(dept.page, 'department-ticket-history-chinese');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('on a day off the desk owes no daily report and says when the next one is due', {timeout: 280000}, async () => {
  // Saturday 2021-02-06, a day off; Sunday 2021-02-07 is a working day
  // (the Spring Festival swap in the shipped calendar).
  const server = await startServer({startTime: '2021-02-06T09:00:00+08:00'});
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const t = await api.ticket({title: '周末的工单'}, 'departments/housing');
    await housing.post(`/v1/${t.name}:acknowledge`, {});

    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    const row = `#queue-in-progress tr[data-ticket="${t.name}"]`;
    await dept.page.waitForSelector(row);
    assert.doesNotMatch(await text(dept.page, row), /未报/);
    const status = await visible(dept.page, '#daily-status');
    assert.match(status, /不是工作日/);
    assert.match(status, /下次应报:2021年2月7日 星期日/);
    assert.equal(await dept.page.$('main a[href="#/daily"]'), null, 'no link to fill in today\'s report');
    await screenshot(dept.page, 'department-desk-day-off');

    await dept.page.evaluate(() => { location.hash = '#/daily'; });
    await dept.page.waitForSelector('#daily-day-off');
    assert.match(await visible(dept.page, '#daily-day-off'), /不是工作日.*下次应报:2021年2月7日/s);
    assert.equal(await dept.page.$('#daily-form'), null, 'no form to submit on a day off');
    // Nor on the ticket's page.
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, t.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-actions form[data-action="reply"]');
    assert.equal(await dept.page.$('#ticket-actions form[data-action="dailyReport"]'), null);
    assert.match(await visible(dept.page, '#daily-day-off'), /不是工作日.*下次应报:2021年2月7日/s);

    // Sunday 2021-02-07 is a working day: the report is owed.
    await api.post('/v1/clock:advance', {to: '2021-02-07T09:00:00+08:00'});
    await dept.page.evaluate(() => { location.hash = '#/desk'; });
    await dept.page.waitForFunction((sel) => /未报/.test(document.querySelector(sel)?.textContent || ''), {}, row);
    assert.ok(await dept.page.$('#daily-status a[href="#/daily"]'), 'the link to today\'s report is back');
    await dept.page.evaluate(() => { location.hash = '#/daily'; });
    await dept.page.waitForSelector(`#daily-form textarea[data-ticket="${t.name}"]`);
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, t.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-actions form[data-action="dailyReport"]');
    assert.equal(await dept.page.$('#daily-day-off'), null);
  } finally {
    await browser.close();
    await server.stop();
  }
});
