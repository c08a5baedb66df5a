// Final answers (最终答复) as people handle them in the console (issue 24
// §4): a department gives one on its ticket page; the bureau approves it on
// its 审批 page (and rejects another on the ticket page, after which the
// department may give a new one); a later ticket from the same caller is
// closed from the dispatch queue by typing the answered ticket's number
// (its answer previewed first), while one from another caller, or a number
// that does not exist, is refused in Chinese and changes nothing; the ticket
// so closed links to the answer, cannot be reopened, and counts as
// 以最终答复办结 in the report (text, table, CSV) and on the dashboard.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, refusal, csvRow} from './harness.mjs';

// Clicks as a person does, with the element scrolled to the middle of the
// screen (not under the message shown at the bottom).
async function click(page, selector) {
  await page.$eval(selector, (el) => el.scrollIntoView({block: 'center'}));
  await page.click(selector);
}

const head = (page, re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('.page-head')?.textContent || ''),
  {}, re.source);

const ANSWER = '经核查,该路段路灯已于2021年1月修复,来电人所诉已依法答复到位,今后按日常养护办理。';
const BASIS = '《城市照明管理规定》第二十一条;县城管局2021年1月15日维修记录。';
const PHONE = '13800001234';

test('a final answer given, approved, and used to close the same caller\'s next ticket; another caller refused in Chinese', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const first = await api.ticket({title: '路灯不亮', type: 'COMPLAINT', topic: '路灯', callerName: '王先生', callerPhone: PHONE},
      'departments/housing');
    await housing.post(`/v1/${first.name}:acknowledge`, {});
    await housing.post(`/v1/${first.name}:reply`, {outcome: 'RESOLVED', replyText: '路灯已修复。'});
    // Another of the department's tickets, whose final answer the bureau rejects.
    const other = await api.ticket({title: '小区绿化', type: 'SUGGESTION', topic: '绿化'}, 'departments/housing');
    await housing.post(`/v1/${other.name}:acknowledge`, {});

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);

    // The department gives the final answer on its replied ticket's page.
    await go(dept.page, `#/tickets/${idOf(first)}`);
    const give = '#ticket-actions form[data-action="submitFinalAnswer"]';
    await dept.page.waitForSelector(give);
    await dept.page.type(`${give} textarea[name=answer]`, ANSWER);
    await dept.page.type(`${give} textarea[name=basis]`, BASIS);
    await screenshot(dept.page, 'department-final-answer-form');
    await dept.page.click(`${give} button[type=submit]`);
    await head(dept.page, /最终答复待批/);
    const given = await api.get(`/v1/${first.name}`);
    assert.equal(given.state, 'REPLIED', 'the ticket\'s own state does not change');
    assert.equal(given.finalAnswer.state, 'PENDING');
    assert.equal(given.finalAnswer.answer, ANSWER);
    assert.equal(given.finalAnswer.basis, BASIS);
    assert.equal(given.finalAnswer.department, 'departments/housing');
    assert.equal(await dept.page.$(give), null, 'one final answer waits: no second form');
    assert.match(await visible(dept.page, '#final-answer'), /待审批/);

    // The bureau finds it on its 审批 page, with the answer and its basis.
    await go(bureau.page, '#/extensions');
    const item = `#final-answer-list li[data-ticket="${first.name}"]`;
    await bureau.page.waitForSelector(item);
    const shown = await visible(bureau.page, item);
    assert.match(shown, /县住房和城乡建设局 提交最终答复/);
    assert.ok(shown.includes(ANSWER), shown);
    assert.ok(shown.includes(`依据:${BASIS}`), shown);
    assert.match(await text(bureau.page, 'main h1'), /审批/);
    await screenshot(bureau.page, 'bureau-final-answer-approval');
    await bureau.page.click(`${item} button.primary`);
    await bureau.page.waitForSelector('#final-answer-list li.empty');
    const approved = await api.get(`/v1/${first.name}`);
    assert.equal(approved.finalAnswer.state, 'APPROVED');
    assert.equal(approved.state, 'REPLIED');
    // The department's page follows without a reload.
    await dept.page.waitForFunction(() => /已批准/.test(document.querySelector('#final-answer')?.innerText || ''));

    // The bureau rejects the other one from the ticket page; the department may give another.
    await housing.post(`/v1/${other.name}:submitFinalAnswer`, {answer: '已答复。', basis: '无。'});
    await go(bureau.page, `#/tickets/${idOf(other)}`);
    const reject = '#ticket-actions form[data-action="rejectFinalAnswer"]';
    await bureau.page.waitForSelector(reject);
    assert.ok(await bureau.page.$('#ticket-actions form[data-action="approveFinalAnswer"]'));
    await bureau.page.type(`${reject} input[name=reason]`, '答复未说明依据,请补充。');
    await bureau.page.click(`${reject} button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, reject);
    assert.equal((await api.get(`/v1/${other.name}`)).finalAnswer.state, 'REJECTED');
    await go(dept.page, `#/tickets/${idOf(other)}`);
    await dept.page.waitForSelector(`${give} textarea[name=answer]`);
    assert.match(await visible(dept.page, give), /重新提交最终答复/);
    assert.match(await visible(dept.page, '#final-answer'), /已驳回.*答复未说明依据,请补充。/s);

    // The same caller calls again; so does someone else. Neither is dispatched yet.
    const again = await api.ticket({title: '路灯又不亮了', type: 'COMPLAINT', topic: '路灯', callerName: '王先生', callerPhone: PHONE});
    const stranger = await api.ticket({title: '路灯问题', type: 'COMPLAINT', topic: '路灯', callerName: '李女士', callerPhone: '13900005678'});
    await go(bureau.page, '#/dispatch');
    const strangerRow = `#dispatch-list li[data-ticket="${stranger.name}"]`;
    const closeIn = (row) => `${row} form[data-action="closeByFinalAnswer"]`;
    await bureau.page.waitForSelector(closeIn(strangerRow));

    // A number that does not exist: the preview says so, the close is refused.
    await bureau.page.type(`${closeIn(strangerRow)} input[name=finalAnswerTicket]`, '999');
    await bureau.page.waitForFunction((row) => /工单 #999\s*不存在/.test(document.querySelector(`${row} .final-preview`)?.innerText || ''),
      {}, strangerRow);
    await click(bureau.page, `${closeIn(strangerRow)} button[type=submit]`);
    assert.match(await refusal(bureau.page, /不存在/), /工单 #999\s*不存在/);

    // The answered ticket's number: the answer is previewed, the phones differ, the server refuses.
    await bureau.page.$eval(`${closeIn(strangerRow)} input[name=finalAnswerTicket]`, (el) => { el.value = ''; });
    await bureau.page.type(`${closeIn(strangerRow)} input[name=finalAnswerTicket]`, `#${idOf(first)}`);
    await bureau.page.waitForFunction((row, answer) => (document.querySelector(`${row} .final-preview`)?.innerText || '').includes(answer),
      {}, strangerRow, ANSWER);
    assert.match(await visible(bureau.page, `${strangerRow} .final-preview`), /来电号码不同/);
    await click(bureau.page, `${closeIn(strangerRow)} button[type=submit]`);
    const refused = await refusal(bureau.page, /来电人/);
    assert.match(refused, new RegExp(`工单 #${idOf(stranger)}的来电人与工单 #${idOf(first)}的来电人不同`));
    assert.doesNotMatch(refused, /[A-Za-z]{4,}/, `no English on the face of it: ${refused}`);
    await screenshot(bureau.page, 'bureau-close-by-final-answer-refused');
    const unchanged = await api.get(`/v1/${stranger.name}`);
    assert.equal(unchanged.state, 'RECEIVED');
    assert.equal(unchanged.closedByFinalAnswer, undefined);

    // The same caller's ticket: typed, previewed, closed.
    const againRow = `#dispatch-list li[data-ticket="${again.name}"]`;
    await bureau.page.type(`${closeIn(againRow)} input[name=finalAnswerTicket]`, idOf(first));
    await bureau.page.waitForFunction((row, answer) => (document.querySelector(`${row} .final-preview`)?.innerText || '').includes(answer),
      {}, againRow, ANSWER);
    const preview = await visible(bureau.page, `${againRow} .final-preview`);
    assert.match(preview, /来电号码相同/);
    assert.ok(preview.includes(`依据:${BASIS}`), preview);
    await bureau.page.type(`${closeIn(againRow)} input[name=closeNote]`, '同一事项重复来电。');
    await screenshot(bureau.page, 'bureau-close-by-final-answer');
    await click(bureau.page, `${closeIn(againRow)} button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, againRow);
    assert.ok(await bureau.page.$(strangerRow), 'the other caller\'s ticket stays in the queue');
    const closed = await api.get(`/v1/${again.name}`);
    assert.equal(closed.state, 'CLOSED');
    assert.equal(closed.closedByFinalAnswer, first.name);
    assert.equal(closed.replyText, ANSWER);
    assert.equal(closed.department, undefined, 'never dispatched');

    // Its page links to the answer, offers no reopen, and the history says what happened.
    await go(bureau.page, `#/tickets/${idOf(again)}`);
    await bureau.page.waitForSelector('#closed-by-final-answer');
    assert.match(await visible(bureau.page, '#closed-by-final-answer'), new RegExp(`引用工单 #${idOf(first)}经局端批准的最终答复办结`));
    assert.equal(await bureau.page.$eval('#closed-by-final-answer a', (a) => a.getAttribute('href')), `#/tickets/${idOf(first)}`);
    assert.equal(await bureau.page.$('#ticket-actions form[data-action="reopen"]'), null);
    assert.match(await visible(bureau.page, '#reopen-closed'), /不能|没有承办部门可以重办/);
    const step = await visible(bureau.page, '#ticket-history tr[data-type="CLOSED_BY_FINAL_ANSWER"]');
    assert.match(step, /以最终答复办结/);
    assert.match(step, new RegExp(`引用工单 #${idOf(first)}的最终答复办结:同一事项重复来电。`));
    await screenshot(bureau.page, 'bureau-ticket-closed-by-final-answer');
    // Reopening it anyway (the API) is refused; the console says why, in Chinese.
    const reopen = await api.post(`/v1/${again.name}:reopen`, {reason: '来电人不满意。'}).then(() => null, (e) => e);
    assert.ok(reopen, 'reopening a ticket closed by a final answer is refused');
    const why = await bureau.page.evaluate(async (status, body) => {
      const {zhMessage} = await import('/console/js/errors.js');
      return zhMessage(status, body);
    }, reopen.status, reopen.body);
    assert.match(why, /以最终答复办结.*没有承办部门可以重办/);

    // The figures: 以最终答复办结 where the others are.
    await go(bureau.page, '#/report');
    await bureau.page.waitForSelector('#report-zh');
    const zh = await text(bureau.page, '#report-zh');
    assert.match(zh, /已处理回复1件,未超期未回复2件,以最终答复办结1件,按时办结率为/);
    assert.match(zh, /未转派\(含退回\):工单2件,已回复0件,未超期未回复1件,超期未回复0件,以最终答复办结1件,黄牌0件,红牌0件/);
    assert.match(zh, /县住房和城乡建设局:工单2件,已回复1件,未超期未回复1件,超期未回复0件,黄牌0件/);
    assert.equal(await text(bureau.page, '#report-output tr[data-scope="total"] td[data-figure="closedByFinalAnswer"]'), '1');
    assert.ok((await bureau.page.$$eval('#report-output thead th', (ths) => ths.map((x) => x.textContent))).includes('以最终答复办结'));
    const csv = await bureau.page.evaluate(async () => {
      const report = await import('/console/js/pages/report.js');
      const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
      return report.reportCsv(await res.json());
    });
    const lines = csv.trim().split('\n');
    assert.match(lines[0], /,suspended,refused_returns,closed_by_final_answer,merged(,|$)/);
    const four = (prefix) => {
      const row = csvRow(csv, prefix);
      return [row.suspended, row.refused_returns, row.closed_by_final_answer, row.merged].join(',');
    };
    assert.equal(four('total,'), '0,0,1,0');
    assert.equal(four('department,(not dispatched),'), '0,0,1,0');
    assert.equal(four('department,departments/housing,'), '0,0,0,0');
    await go(bureau.page, '#/dashboard');
    await bureau.page.waitForSelector('#kpis .tile');
    assert.equal(await text(bureau.page, 'tr[data-department=""] td[data-figure="closedByFinalAnswer"]'), '1');

    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);
    for (const p of [...bureau.problems, ...dept.problems]) assert.doesNotMatch(p, /pageerror/);
  } finally {
    await browser.close();
    await server.stop();
  }
});
