// Accessibility and layout stability of every page (issue 22 §2): axe-core
// (from npm, run in Debian's Chromium) finds no serious or critical
// violation on any page, as the bureau and as a department, at phone
// (390 px) and desktop (1280 px) width; the desk and the dashboard do not
// shift their layout as they load (CLS under 0.1, summed from the page's
// own 'layout-shift' entries).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, writeNote} from './harness.mjs';
import {axeViolations, recordLayoutShift, layoutShift} from './page_checks.mjs';

const WIDTHS = [390, 1280];

// Departments, and tickets in every state with cards (a red one too), a
// return under review, a pending extension, a pending and an approved
// suspension (挂起), a pending and an approved final answer (最终答复) and a
// ticket closed by the approved one, a ticket merged (并单) into a main that
// is linked (关联) to another, a received duplicate the dispatch queue
// suggests (可能重复), a ticket with assisting departments (协办: one
// answered, one removed, one still to sign for), and a daily report; the clock past one reply deadline
// so the sweeper's texts are there.
async function seed(server) {
  const {api} = server;
  const housingToken = await api.department('housing', '县住房和城乡建设局');
  const housing = makeApi(server.base, housingToken);
  await api.department('parks', '县园林局');
  await api.post('/v1/tokens', {token: {principal: 'intake/city-platform', displayName: '市12345平台'}});
  await api.ticket({title: '新受理的工单'});
  const returned = await api.ticket({title: '退回的工单'}, 'departments/housing');
  await housing.post(`/v1/${returned.name}:return`, {reason: '不属于本单位职责。'});
  const tickets = [];
  for (let i = 0; i < 4; i++) tickets.push(await api.ticket({title: `办理中的工单 ${i}`, type: 'INQUIRY'}, 'departments/housing'));
  for (const t of tickets) await housing.post(`/v1/${t.name}:acknowledge`, {});
  await housing.post('/v1/dailyReports', {date: '2021-02-01', entries: [{ticket: tickets[0].name, progress: '已联系。'}]});
  await housing.post(`/v1/${tickets[1].name}:requestExtension`, {workingDays: 3, reason: '需要现场核查。'});
  await api.post('/v1/cards', {ticket: tickets[2].name, color: 'RED', reason: '多次催办不理'});
  await api.post('/v1/cards', {ticket: tickets[3].name, color: 'YELLOW', reason: '答复敷衍'});
  const replied = await api.ticket({title: '已回复的工单'}, 'departments/housing');
  await housing.post(`/v1/${replied.name}:acknowledge`, {});
  await housing.post(`/v1/${replied.name}:reply`, {outcome: 'RESOLVED', replyText: '已处理。'});
  await housing.post(`/v1/${replied.name}:submitFinalAnswer`, {answer: '经核查,诉求已依法答复到位。', basis: '《信访工作条例》第三十一条。'});
  const answered = await api.ticket({title: '已有最终答复的工单', callerPhone: '13900000001'}, 'departments/housing');
  await housing.post(`/v1/${answered.name}:acknowledge`, {});
  await housing.post(`/v1/${answered.name}:reply`, {outcome: 'EXPLAINED', replyText: '已解释。'});
  await housing.post(`/v1/${answered.name}:submitFinalAnswer`, {answer: '该路段改造已列入明年计划。', basis: '县政府常务会议纪要。'});
  await api.post(`/v1/${answered.name}:approveFinalAnswer`, {});
  const repeat = await api.ticket({title: '同一来电人再次来电', callerPhone: '13900000001'});
  await api.post(`/v1/${repeat.name}:closeByFinalAnswer`, {finalAnswerTicket: answered.name, note: '同一事项。'});
  for (let i = 0; i < 3; i++) await api.ticket({title: `待签收 ${i}`, urgency: i ? 'NORMAL' : 'URGENT'}, 'departments/housing');
  const waiting = [];
  for (const title of ['挂起待批的工单', '已挂起的工单']) {
    const t = await api.ticket({title, type: 'HELP'}, 'departments/housing');
    await housing.post(`/v1/${t.name}:acknowledge`, {});
    await housing.post(`/v1/${t.name}:requestSuspension`, {reason: '等待法院判决。', expectedEnd: '2021-05-01T09:00:00Z'});
    waiting.push(t);
  }
  await api.post(`/v1/${waiting[1].name}:approveSuspension`, {});
  const main = await api.ticket({title: '主工单', callerName: '赵先生', callerPhone: '13700000001', address: '幸福路8号'},
    'departments/housing');
  await housing.post(`/v1/${main.name}:acknowledge`, {});
  const duplicate = await api.ticket({title: '并单的工单', callerName: '钱女士', callerPhone: '13700000002', address: '幸福路8号',
    confidential: true});
  await api.post(`/v1/${duplicate.name}:merge`, {mainTicket: main.name, reason: '同一诉求重复来电。'});
  await api.post(`/v1/${main.name}:link`, {otherTicket: replied.name, reason: '同一路段。'});
  await api.ticket({title: '可能重复的新工单', callerPhone: '13700000001'});
  const roadsToken = await api.department('roads', '县交通运输局');
  const roads = makeApi(server.base, roadsToken);
  await api.department('market', '县市场监管局');
  const assisted = await api.post('/v1/tickets', {ticket: {type: 'COMPLAINT', topic: '施工', title: '有协办单位的工单',
    content: '道路施工夜间扰民。'}, dispatchTo: 'departments/housing', assistingDepartments: ['departments/roads', 'departments/parks']});
  await housing.post(`/v1/${assisted.name}:acknowledge`, {});
  await roads.post(`/v1/${assisted.name}:acknowledgeAssist`, {});
  await roads.post(`/v1/${assisted.name}:submitAssistOpinion`, {opinion: '占道施工许可已暂停。'});
  await api.post(`/v1/${assisted.name}:addAssist`, {department: 'departments/market', note: '涉及资质。'});
  await api.post(`/v1/${assisted.name}:removeAssist`, {department: 'departments/market', reason: '无需协办。'});
  // Past tickets[0..3]'s reply deadline (2 working days): yellow cards by the
  // sweeper; the pending extension holds tickets[1]'s.
  await api.post('/v1/clock:advance', {to: new Date(Date.parse(tickets[0].replyDueAt) + 3600e3).toISOString()});
  return {housingToken, roadsToken, ticket: tickets[2], replied, suspended: waiting[1], repeat, main, duplicate, assisted};
}

const BUREAU_PAGES = [
  ['#/dashboard', '#kpis .tile'], ['#/dispatch', '#dispatch-list .dup-list li'], ['#/tickets', '#ticket-results table'],
  ['ticket', '#ticket-history table'], ['suspended', '#ticket-history table'], ['final', '#final-answer'],
  ['repeat', '#closed-by-final-answer'], ['duplicate', '#merged-into'], ['main', '#merged-list'], ['assisted', '#ticket-assists table'],
  ['#/cards', '#cards-table table'], ['#/extensions', '#final-answer-list li'],
  ['#/report', '#report-output #report-zh'], ['#/admin', '#token-table table'],
  ['#/subscriptions', '#subscription-form'],
];
const DEPT_PAGES = [
  ['#/desk', '#queue-in-progress table'], ['#/daily', '#daily-form'], ['#/mine', '.tiles'],
  ['#/tickets', '#ticket-results table'], ['ticket', '#ticket-history table'], ['suspended', '#ticket-history table'],
  ['final', '#final-answer'], ['main', '#merged-list'], ['assisted', '#reply-opinions'],
  ['#/subscriptions', '#subscription-form'],
];
// The assisting department (协办): its desk's 协办任务 and the ticket it assists.
const ASSIST_PAGES = [['#/desk', '#assist-tasks li[data-part]'], ['assisted', '#ticket-assists table']];

test('axe: no serious or critical violation on any page, bureau and department, 390 and 1280 px', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {housingToken, roadsToken, ticket, suspended, replied, repeat, main, duplicate, assisted} = await seed(server);
    const found = [];
    const signin = await openPage(browser, server.base);
    for (const width of WIDTHS) {
      await signin.page.setViewport({width, height: 800});
      await signin.page.waitForSelector('#signin-form');
      for (const v of await axeViolations(signin.page)) found.push(`signin @${width}: ${v}`);
    }
    for (const [who, token, pages] of [['bureau', server.token, BUREAU_PAGES], ['department', housingToken, DEPT_PAGES],
      ['assisting', roadsToken, ASSIST_PAGES]]) {
      const {page} = await openPage(browser, server.base);
      await signIn(page, token);
      for (const width of WIDTHS) {
        await page.setViewport({width, height: 800});
        for (const [route, ready] of pages) {
          const shown = {ticket, suspended, final: replied, repeat, main, duplicate, assisted}[route];
          const hash = shown ? `#/tickets/${shown.name.split('/').pop()}` : route;
          await page.evaluate(() => { location.hash = '#/nowhere'; });
          await page.waitForSelector('main h1');
          await page.evaluate((x) => { location.hash = x; }, hash);
          await page.waitForSelector(ready);
          // Folded suggestions (可能重复) are checked unfolded too.
          await page.$$eval('details.dup-box', (boxes) => boxes.forEach((b) => { b.open = true; }));
          for (const v of await axeViolations(page)) found.push(`${who} ${hash} @${width}: ${v}`);
        }
        await screenshot(page, `a11y-${who}-${width}`);
      }
    }
    await writeNote('a11y-violations', found.join('\n'));
    assert.deepEqual(found, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the desk and the dashboard load without shifting their layout (CLS < 0.1)', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {housingToken} = await seed(server);
    const measured = [];
    for (const [token, hash, ready] of [[housingToken, '#/desk', '#queue-in-progress table'], [server.token, '#/dashboard', '#kpis .tile']]) {
      const signedIn = await openPage(browser, server.base);
      await signIn(signedIn.page, token);
      for (const width of WIDTHS) {
        // A fresh page of the same session, loaded as a person opens it.
        const page = await signedIn.context.newPage();
        page.setDefaultTimeout(60000);
        await recordLayoutShift(page);
        await page.setViewport({width, height: 800});
        await page.goto(`${server.base}/console/${hash}`, {waitUntil: 'load'});
        await page.waitForSelector(ready);
        await page.waitForSelector('#live[data-state="open"]');
        const {cls, shifts} = await layoutShift(page);
        measured.push({hash, width, cls, shifts});
        await page.close();
      }
    }
    await writeNote('cls', JSON.stringify(measured, null, 1));
    for (const m of measured) assert.ok(m.cls < 0.1, `${m.hash} at ${m.width} px: CLS ${m.cls.toFixed(3)} ${JSON.stringify(m.shifts)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
});
