// The bureau's review of returns (派单异议审核) and suspensions of the time
// limit (挂起), as people do them in the console (issue 24 §3 and §5): a
// return refused from the dispatch queue goes back to the department's
// desk live; a suspension asked on the ticket page, refused in Chinese when
// its end is too far, approved on the bureau's 审批 page, shown as 已挂起
// on both sides and on the desk's own list, and resumed with the deadline
// moved; the report and the dashboard count 挂起 and 不当退单; the clock
// ends a suspension by itself and the history says so in Chinese.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, csvRow} from './harness.mjs';


// Types a value into a <input type=datetime-local> as a person would pick it.
async function setDateTime(page, selector, value) {
  await page.$eval(selector, (el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
  }, value);
}

test('a return refused from the dispatch queue; a suspension asked, refused in Chinese, approved, shown and resumed', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    await api.department('parks', '县园林局');
    const disputed = await api.ticket({title: '小区违建围墙', type: 'COMPLAINT', topic: '违建'}, 'departments/housing');
    const acked = await housing.post(`/v1/${disputed.name}:acknowledge`, {});
    await housing.post(`/v1/${disputed.name}:return`, {reason: '围墙属园林绿地,应由园林局处理。'});
    const longCase = await api.ticket({title: '征收补偿纠纷', type: 'HELP', topic: '征收'}, 'departments/housing');
    const signed = await housing.post(`/v1/${longCase.name}:acknowledge`, {});

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    await go(dept.page, '#/desk');
    await dept.page.waitForSelector(`#queue-in-progress tr[data-ticket="${longCase.name}"]`);
    assert.equal(await dept.page.$(`#queue-in-progress tr[data-ticket="${disputed.name}"]`), null, 'returned: not on the desk');

    // The dispatch queue says who returned it, why, and how it stood.
    await go(bureau.page, '#/dispatch');
    const item = `#dispatch-list li[data-ticket="${disputed.name}"]`;
    await bureau.page.waitForSelector(`${item} form[data-action="refuseReturn"]`);
    const shown = await visible(bureau.page, item);
    assert.match(shown, /县住房和城乡建设局退单/);
    assert.match(shown, /围墙属园林绿地,应由园林局处理。/);
    assert.match(shown, /退单前:办理中/);
    // Accepting means another department: the one that returned it is not offered.
    const offered = await bureau.page.$$eval(`${item} select[name=department] option`, (os) => os.map((o) => o.value));
    assert.deepEqual(offered, ['', 'departments/parks']);

    // Refusing without a reason is refused, in Chinese, and changes nothing.
    await bureau.page.click(`${item} form[data-action="refuseReturn"] button[type=submit]`);
    await bureau.page.waitForSelector('#flash.flash-error:not([hidden])');
    assert.match(await visible(bureau.page, '#flash'), /驳回退单需要填写理由/);
    assert.equal((await api.get(`/v1/${disputed.name}`)).state, 'RETURNED');

    await bureau.page.type(`${item} input[name=refusal]`, '围墙在小区红线内,属住建局职责。');
    await screenshot(bureau.page, 'bureau-dispatch-refuse-return');
    await bureau.page.click(`${item} form[data-action="refuseReturn"] button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, item);
    const back = await api.get(`/v1/${disputed.name}`);
    assert.equal(back.state, 'IN_PROGRESS');
    assert.equal(back.department, 'departments/housing');
    assert.equal(back.replyDueAt, acked.replyDueAt, 'the first dispatch\'s deadline still runs');
    assert.equal(back.refusedReturnCount, 1);
    // The department's desk shows it again without a reload.
    await dept.page.waitForSelector(`#queue-in-progress tr[data-ticket="${disputed.name}"]`);

    // The department asks to suspend the long case from its ticket page.
    await go(dept.page, `#/tickets/${idOf(longCase)}`);
    const ask = '#ticket-actions form[data-action="requestSuspension"]';
    await dept.page.waitForSelector(ask);
    assert.match(await visible(dept.page, ask), /最长 180 天/);
    await dept.page.type(`${ask} textarea[name=suspensionReason]`, '等待法院对征收补偿的判决。');
    // Too far (200 days): refused in Chinese, with the limit, nothing changed.
    await setDateTime(dept.page, `${ask} input[name=expectedEnd]`, '2021-08-20T17:30');
    await dept.page.click(`${ask} button[type=submit]`);
    await dept.page.waitForSelector('#flash.flash-error:not([hidden])');
    const refusal = await visible(dept.page, '#flash');
    assert.match(refusal, /挂起的预计结束时间\(2021\/08\/20 17:30\)须晚于现在,且自申请时起不超过 180 天/);
    assert.doesNotMatch(refusal, /[A-Za-z]{4,}/, `no English on the face of it: ${refusal}`);
    assert.equal((await api.get(`/v1/${longCase.name}`)).pendingSuspension, undefined);
    await screenshot(dept.page, 'department-suspension-too-long');

    // The bureau watches its 审批 page while the department asks again.
    await go(bureau.page, '#/extensions');
    await bureau.page.waitForSelector('#suspension-list li.empty');
    await setDateTime(dept.page, `${ask} input[name=expectedEnd]`, '2021-03-05T17:30');
    await dept.page.click(`${ask} button[type=submit]`);
    await dept.page.waitForFunction(() => /挂起待批/.test(document.querySelector('.page-head')?.textContent || ''));
    const asked = await api.get(`/v1/${longCase.name}`);
    // The time typed is the bureau's (Asia/Shanghai): 17:30 there is 09:30 UTC.
    assert.equal(asked.pendingSuspension.expectedEnd, '2021-03-05T09:30:00Z');
    assert.equal(asked.state, 'IN_PROGRESS');

    const request = `#suspension-list li[data-ticket="${longCase.name}"]`;
    await bureau.page.waitForSelector(request);
    const requestText = await visible(bureau.page, request);
    assert.match(requestText, /县住房和城乡建设局 申请挂起至 2021\/03\/05 17:30/);
    assert.match(requestText, /等待法院对征收补偿的判决。/);
    await screenshot(bureau.page, 'bureau-suspension-request');
    await bureau.page.click(`${request} button.primary`);
    await bureau.page.waitForSelector('#suspension-list li.empty');
    const stopped = `#suspended-list li[data-ticket="${longCase.name}"]`;
    await bureau.page.waitForSelector(stopped);
    assert.match(await visible(bureau.page, stopped), /预计 2021\/03\/05 17:30 恢复/);
    const suspended = await api.get(`/v1/${longCase.name}`);
    assert.equal(suspended.state, 'SUSPENDED');
    assert.equal(suspended.suspension.expectedEnd, '2021-03-05T09:30:00Z');

    // The department's page follows: 已挂起, the suspension shown, the
    // reply form gone, 恢复办理 offered.
    await dept.page.waitForFunction(() => /已挂起/.test(document.querySelector('.page-head')?.textContent || ''));
    await dept.page.waitForSelector('#ticket-actions form[data-action="resume"]');
    const facts = await visible(dept.page, '#ticket-facts');
    assert.match(facts, /自 2021\/02\/01 09:00 起挂起,预计 2021\/03\/05 17:30 恢复办理:等待法院对征收补偿的判决。/);
    assert.match(facts, /挂起中,时限暂停/);
    assert.equal(await dept.page.$('#ticket-actions form[data-action="reply"]'), null);
    await screenshot(dept.page, 'department-ticket-suspended');

    // The desk lists it apart, not among the tickets whose clock runs.
    await go(dept.page, '#/desk');
    await dept.page.waitForSelector(`#queue-suspended tr[data-ticket="${longCase.name}"]`);
    assert.equal(await dept.page.$(`#queue-in-progress tr[data-ticket="${longCase.name}"]`), null);
    assert.match(await text(dept.page, '#queue-counts'), /已挂起 1 件/);
    await screenshot(dept.page, 'department-desk-suspended');

    // The figures: 挂起 and 不当退单 where the others are.
    await go(bureau.page, '#/report');
    await bureau.page.waitForSelector('#report-zh');
    const zh = await text(bureau.page, '#report-zh');
    assert.match(zh, /已处理回复0件,未超期未回复1件,挂起1件,不当退单1件,按时办结率/);
    assert.match(zh, /县住房和城乡建设局:工单2件,已回复0件,未超期未回复1件,超期未回复0件,挂起1件,黄牌0件,红牌0件,不当退单1件,/);
    const cell = (figure) => bureau.page.$eval(`#report-output tr[data-department="departments/housing"] td[data-figure="${figure}"]`,
      (td) => td.textContent.trim()).catch(() => '');
    assert.equal(await cell('suspended'), '1');
    assert.equal(await cell('refusedReturns'), '1');
    // The CSV carries them as its columns, as `hotlinectl report --format csv`
    // (closed_by_final_answer and merged after them).
    const csv = await bureau.page.evaluate(async () => {
      const report = await import('/console/js/pages/report.js');
      const res = await fetch('/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01', {credentials: 'same-origin'});
      return report.reportCsv(await res.json());
    });
    const lines = csv.trim().split('\n');
    assert.match(lines[0], /,report_compliance_percent,suspended,refused_returns,closed_by_final_answer,merged(,|$)/);
    const row = csvRow(csv, 'department,departments/housing,');
    assert.deepEqual([row.suspended, row.refused_returns, row.closed_by_final_answer, row.merged], ['1', '1', '0', '0']);
    await go(bureau.page, '#/dashboard');
    await bureau.page.waitForSelector('#kpis [data-kpi="state-suspended"]');
    assert.equal(await text(bureau.page, '#kpis [data-kpi="state-suspended"] .value'), '1');
    assert.equal(await text(bureau.page, '#kpis [data-kpi="overdue"] .value'), '0');

    // Three days later the department resumes it: the deadline moves.
    await api.post('/v1/clock:advance', {by: '259200s'});
    await go(dept.page, `#/tickets/${idOf(longCase)}`);
    const resume = '#ticket-actions form[data-action="resume"]';
    await dept.page.waitForSelector(resume);
    await dept.page.type(`${resume} input[name=note]`, '法院已提前判决。');
    await dept.page.click(`${resume} button[type=submit]`);
    await dept.page.waitForFunction(() => /办理中/.test(document.querySelector('.page-head')?.textContent || ''));
    await dept.page.waitForSelector('#ticket-actions form[data-action="reply"]');
    const resumed = await api.get(`/v1/${longCase.name}`);
    assert.equal(resumed.state, 'IN_PROGRESS');
    assert.ok(Date.parse(resumed.replyDueAt) > Date.parse(signed.replyDueAt),
      `the deadline moved past the pause: ${signed.replyDueAt} -> ${resumed.replyDueAt}`);
    const history = await visible(dept.page, '#ticket-history');
    for (const step of ['申请挂起', '批准挂起', '恢复办理', '法院已提前判决。']) assert.match(history, new RegExp(step));

    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);
    for (const p of [...bureau.problems, ...dept.problems]) assert.doesNotMatch(p, /pageerror/);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the bureau resumes and rejects; the clock ends a suspension and the history says so in Chinese', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const tickets = [];
    for (const title of ['土地征收进度', '法院判决执行', '拆迁安置']) {
      const t = await api.ticket({title, type: 'HELP', topic: '征收'}, 'departments/housing');
      await housing.post(`/v1/${t.name}:acknowledge`, {});
      tickets.push(t);
    }
    const [byClock, byBureau, rejected] = tickets;
    for (const [t, end] of [[byClock, '2021-02-04T09:00:00Z'], [byBureau, '2021-04-01T09:00:00Z'], [rejected, '2021-04-01T09:00:00Z']]) {
      await housing.post(`/v1/${t.name}:requestSuspension`, {reason: '等待征收结果。', expectedEnd: end});
    }
    await api.post(`/v1/${byClock.name}:approveSuspension`, {});
    await api.post(`/v1/${byBureau.name}:approveSuspension`, {});

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);

    // Reject from the ticket page: a reason is needed; then the request goes.
    await go(bureau.page, `#/tickets/${idOf(rejected)}`);
    const reject = '#ticket-actions form[data-action="rejectSuspension"]';
    await bureau.page.waitForSelector(reject);
    await bureau.page.type(`${reject} input[name=reason]`, '不属于长周期事项,请按期办理。');
    await bureau.page.click(`${reject} button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, reject);
    const after = await api.get(`/v1/${rejected.name}`);
    assert.equal(after.state, 'IN_PROGRESS');
    assert.equal(after.pendingSuspension, undefined);

    // The bureau resumes one from its 审批 page.
    await go(bureau.page, '#/extensions');
    const stopped = `#suspended-list li[data-ticket="${byBureau.name}"]`;
    await bureau.page.waitForSelector(stopped);
    await bureau.page.waitForSelector(`#suspended-list li[data-ticket="${byClock.name}"]`);
    await bureau.page.click(`${stopped} button[type=submit]`);
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, stopped);
    assert.equal((await api.get(`/v1/${byBureau.name}`)).state, 'IN_PROGRESS');

    // Past the approved end the clock resumes the other by itself, live.
    await api.post('/v1/clock:advance', {to: '2021-02-04T10:00:00Z'});
    await bureau.page.waitForSelector('#suspended-list li.empty');
    assert.equal((await api.get(`/v1/${byClock.name}`)).state, 'IN_PROGRESS');
    await go(bureau.page, `#/tickets/${idOf(byClock)}`);
    await bureau.page.waitForSelector('#ticket-history tr[data-type="RESUMED"]');
    const row = await visible(bureau.page, '#ticket-history tr[data-type="RESUMED"]');
    assert.match(row, /恢复办理/);
    assert.match(row, /挂起到期,自动恢复办理/);
    assert.doesNotMatch(row, /approved suspension/, 'the stored English is only a detail');
    await screenshot(bureau.page, 'bureau-ticket-resumed-by-clock');
    assert.deepEqual(await cspViolations(bureau.page), []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
