// Signing in and out; a bad token; the Content-Security-Policy header on the
// console's files and no CSP violation on any page; phone width.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, openPage, signIn, screenshot, text, cspViolations} from './harness.mjs';

// Inputs, selects and text areas without a label, as HTML.
const unlabelled = (page) => page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.outerHTML));

test('a bad token shows an error and makes no session', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {page} = await openPage(browser, server.base);
    await page.waitForSelector('#signin-form #token');
    await page.type('#token', 'hl_this-is-not-a-token');
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#signin-error:not([hidden])');
    assert.match(await text(page, '#signin-error'), /登录失败/);
    assert.equal(await page.$eval('#signout', (b) => b.hidden), true);
    assert.equal((await page.cookies()).find((c) => c.name === 'hotline_session'), undefined);
    await screenshot(page, 'signin-bad-token');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('CSP header is sent and no page of the console violates it; sign out ends the session', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    for (const file of ['/console/', '/console/js/app.js', '/console/css/console.css']) {
      const res = await fetch(server.base + file);
      assert.equal(res.status, 200, file);
      const csp = res.headers.get('content-security-policy') || '';
      assert.match(csp, /default-src 'self'/, `${file} CSP`);
      assert.match(csp, /script-src 'self'/, `${file} CSP`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${file} CSP`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', file);
    }
    assert.match((await fetch(`${server.base}/console/js/app.js`)).headers.get('content-type') || '', /javascript/);

    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.ticket({title: '路灯不亮', type: 'HELP', topic: '路灯'});
    await api.ticket({title: '噪音投诉', type: 'COMPLAINT', topic: '噪音'}, 'departments/housing');

    // Keyboard only: the token field has the focus; Enter signs in.
    const bureau = await openPage(browser, server.base);
    await bureau.page.waitForSelector('#signin-form #token');
    assert.equal(await bureau.page.evaluate(() => document.activeElement?.id), 'token');
    await bureau.page.keyboard.type(server.token);
    await bureau.page.keyboard.press('Enter');
    await bureau.page.waitForSelector('#live[data-state="open"]');
    // Tab reaches the navigation links, and every input has a label.
    await bureau.page.keyboard.press('Tab');
    await bureau.page.waitForSelector('#kpis .tile');

    const pages = [['dashboard', '#kpis .tile'], ['dispatch', '#dispatch-list li'], ['tickets', '#ticket-results table'],
      ['cards', '#cards-table table'], ['extensions', '#extension-list li'], ['report', '#report-zh'], ['subscriptions', '#subscription-form'],
      ['admin', '#token-table table']];
    for (const [name, ready] of pages) {
      await bureau.page.evaluate((n) => { location.hash = `#/${n}`; }, name);
      await bureau.page.waitForSelector(ready);
      await screenshot(bureau.page, `bureau-${name}`);
      assert.deepEqual(await unlabelled(bureau.page), [], `every input on #/${name} has a label`);
    }
    assert.match(await text(bureau.page, 'main'), /部门与令牌/);
    await bureau.page.evaluate(() => { location.hash = '#/report'; });
    await bureau.page.waitForSelector('#report-zh');
    assert.match(await text(bureau.page, '#report-zh'), /收到市12345投诉举报平台转派工单2件/);

    // Phone width.
    await bureau.page.setViewport({width: 390, height: 844, isMobile: true});
    for (const [name, ready] of pages) {
      await bureau.page.evaluate((n) => { location.hash = `#/${n}`; }, name);
      await bureau.page.waitForSelector(ready);
      const overflow = await bureau.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no sideways scrolling on #/${name} at phone width (overflow ${overflow}px)`);
    }
    await bureau.page.evaluate(() => { location.hash = '#/dashboard'; });
    await bureau.page.waitForSelector('#kpis .tile');
    await screenshot(bureau.page, 'bureau-dashboard-phone');
    await bureau.page.setViewport({width: 1280, height: 800});

    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    for (const [name, ready] of [['desk', '#queue-in-progress'], ['daily', 'main h1'], ['mine', 'main .tiles'],
      ['subscriptions', '#subscription-form']]) {
      await dept.page.evaluate((n) => { location.hash = `#/${n}`; }, name);
      await dept.page.waitForSelector(ready);
      assert.deepEqual(await unlabelled(dept.page), [], `every input on #/${name} has a label`);
    }

    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(dept.page), []);
    for (const p of [...bureau.problems, ...dept.problems]) assert.doesNotMatch(p, /Content Security Policy|pageerror/);

    // Sign out: the session ends on the server too.
    const cookie = (await bureau.page.cookies()).find((c) => c.name === 'hotline_session');
    assert.ok(cookie);
    await bureau.page.click('#signout');
    await bureau.page.waitForSelector('#signin-form');
    const after = await fetch(`${server.base}/v1/caller`, {headers: {cookie: `hotline_session=${cookie.value}`}});
    assert.equal(after.status, 401);
    // A write by cookie without the CSRF header is refused.
    const dcookie = (await dept.page.cookies()).find((c) => c.name === 'hotline_session');
    const csrfless = await fetch(`${server.base}/v1/dailyReports`, {method: 'POST',
      headers: {cookie: `hotline_session=${dcookie.value}`, 'content-type': 'application/json'}, body: '{}'});
    assert.equal(csrfless.status, 403);
  } finally {
    await browser.close();
    await server.stop();
  }
});
