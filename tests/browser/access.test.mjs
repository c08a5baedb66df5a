// A department cannot open another department's ticket by editing the URL:
// it sees a refusal and none of the ticket's data.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launchBrowser, openPage, signIn, screenshot, text} from './harness.mjs';

test('a department editing the URL to another department\'s ticket sees a refusal and no data', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.department('parks', '县园林局');
    const mine = await api.ticket({title: '楼道漏水', content: '三楼楼道天花板漏水。'}, 'departments/housing');
    const secret = '秘密标题-园林局的工单';
    const theirs = await api.ticket({title: secret, content: '只属于园林局的内容 XYZZY', callerName: '张三', callerPhone: '13800000000'}, 'departments/parks');

    const dept = await openPage(browser, server.base);
    const bodies = [];
    dept.page.on('response', async (res) => {
      if (!res.url().includes('/v1/') || res.url().includes('events:watch')) return;
      try { bodies.push(await res.text()); } catch { /* no body */ }
    });
    await signIn(dept.page, housingToken);
    // Its own ticket opens.
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, mine.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-facts');
    assert.match(await text(dept.page, '#ticket-facts'), /楼道漏水|三楼楼道/);

    // Another's: edit the URL.
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, theirs.name.split('/').pop());
    await dept.page.waitForSelector('main .refusal');
    const body = await dept.page.evaluate(() => document.body.innerText);
    assert.match(body, /无权查看/);
    assert.doesNotMatch(body, /秘密标题|XYZZY|张三|13800000000/);
    assert.equal(await dept.page.$('#ticket-facts'), null);
    assert.equal(await dept.page.$('#ticket-history'), null);
    await screenshot(dept.page, 'department-refused-other-ticket');
    // Nothing of it reached the browser at all.
    assert.ok(bodies.some((b) => /"code":\s*7/.test(b)), 'the page asked and was refused');
    for (const b of bodies) assert.doesNotMatch(b, /秘密标题|XYZZY|张三|13800000000/);

    // Also after a reload of that URL (the session survives, the refusal too).
    await dept.page.reload({waitUntil: 'load'});
    await dept.page.waitForSelector('main .refusal');
    assert.doesNotMatch(await dept.page.evaluate(() => document.body.innerText), /秘密标题|XYZZY/);

    // A bureau-only page is refused too.
    await dept.page.evaluate(() => { location.hash = '#/admin'; });
    await dept.page.waitForSelector('main .refusal');
    assert.equal(await dept.page.$('#token-table'), null);

    // The API agrees: 403 with a google.rpc.Status body.
    const cookies = await dept.page.cookies();
    const session = cookies.find((c) => c.name === 'hotline_session');
    assert.ok(session, 'a session cookie was set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    const res = await fetch(`${server.base}/v1/${theirs.name}`, {headers: {cookie: `hotline_session=${session.value}`}});
    assert.equal(res.status, 403);
    const status = await res.json();
    assert.equal(status.code, 7);
    assert.doesNotMatch(JSON.stringify(status), /XYZZY/);

    // The bureau revokes the department's token: its open page goes back to
    // sign-in by itself (the feed ends with UNAUTHENTICATED).
    await dept.page.evaluate(() => { location.hash = '#/desk'; });
    await dept.page.waitForSelector('#live[data-state="open"]');
    const tokens = (await api.get('/v1/tokens')).tokens;
    const housing = tokens.find((x) => x.principal === 'department/housing' && !x.revokeTime);
    await api.post(`/v1/${housing.name}:revoke`, {});
    await dept.page.waitForSelector('#signin-form');
    assert.match(await text(dept.page, '#flash'), /登录已失效/);
    const gone = await fetch(`${server.base}/v1/caller`, {headers: {cookie: `hotline_session=${session.value}`}});
    assert.equal(gone.status, 401);
    await screenshot(dept.page, 'department-signed-out-by-revocation');
  } finally {
    await browser.close();
    await server.stop();
  }
});
