// Notifications (通知订阅) in the console, against a receiver of the test's
// own (node:http on 127.0.0.1; the server runs with
// --notify_allow_loopback_http and quick retries): housing subscribes its
// system to 派单 on the 通知订阅 page and is shown the signing secret once
// (仅显示一次, with how to verify it), never again after a reload nor in any
// other answer; a ticket dispatched to housing reaches the receiver with
// the event in its body, its seq as Hotline-Delivery and a signature the
// test verifies with node:crypto from the secret read off the page; its
// sign-for (not subscribed) does not; the delivery log shows it. With the
// receiver failing, the next dispatch ends as a dead letter (死信) after
// its two attempts, shown in the log and under 只看死信; 重新投递 once the
// receiver is back sends it with the same delivery id and clears it. 暂停
// (with a reason) holds an event until 恢复; 更换密钥 shows the new secret
// once and both sign during the overlap. The bureau subscribes to every
// event and sees housing's subscription; housing does not see the
// bureau's. An http:// URL to another host and an SMS subscription on a
// server without an SMS gateway are refused in Chinese and make nothing.
// axe finds nothing serious; at 360 px nothing scrolls sideways.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHmac, timingSafeEqual} from 'node:crypto';
import {createServer} from 'node:http';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, cspViolations, visible, go, idOf, waitText,
  refusal} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A webhook receiver on loopback: records every request (headers, the raw
// body) and answers 200, or 500 while told to fail.
async function startReceiver() {
  const got = [];
  let failing = false;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const status = failing ? 500 : 200;
      got.push({method: req.method, path: req.url, headers: req.headers, raw, body: raw.toString('utf8'), status});
      res.writeHead(status, {'content-type': 'text/plain'});
      res.end(failing ? 'failing on purpose' : 'ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address();
  return {
    url: `http://127.0.0.1:${port}/hotline/events`,
    got,
    fail(yes) { failing = yes; },
    // The requests of one subscription.
    of: (name) => got.filter((r) => r.headers['hotline-subscription'] === name),
    async waitFor(what, fn, ms = 60000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const found = fn(got);
        if (found) return found;
        await sleep(50);
      }
      throw new Error(`the receiver never got ${what}; it got: ${got.map((r) => `${r.headers['hotline-subscription']} `
        + `${r.headers['hotline-event']} #${r.headers['hotline-delivery']} -> ${r.status}`).join('; ')}`);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// The hex signatures of Hotline-Signature ("v1=…,v1=…").
const signatures = (r) => String(r.headers['hotline-signature'] || '').split(',').map((s) => s.trim())
  .filter((s) => s.startsWith('v1=')).map((s) => s.slice(3));

// Whether `secret` signed the request: HMAC-SHA256 over "timestamp.body".
function signedWith(r, secret) {
  const mac = createHmac('sha256', secret).update(`${r.headers['hotline-timestamp']}.`).update(r.raw).digest();
  return signatures(r).some((hex) => /^[0-9a-f]{64}$/.test(hex) && timingSafeEqual(Buffer.from(hex, 'hex'), mac));
}

async function eventSeq(api, ticket, type) {
  const events = (await api.get(`/v1/${ticket.name}/events`)).events;
  const e = [...events].reverse().find((x) => x.type === type);
  assert.ok(e, `${ticket.name} has a ${type} event`);
  return String(e.seq);
}

async function fits(page, selector, width = 360) {
  const box = await page.$eval(selector, (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; });
  assert.ok(box.width > 0 && box.left >= 0 && box.right <= width, `${selector} fits at ${width} px: ${JSON.stringify(box)}`);
}

test('通知订阅: a department\'s signed webhook, its secret shown once, the delivery log, a dead letter sent again by hand, '
  + 'pause, resume, a new secret; the bureau\'s subscription unseen by the department; refusals in Chinese; phone width',
{timeout: 500000}, async () => {
  const server = await startServer({serverArgs: ['--notify_allow_loopback_http', '--notify_first_retry=10ms', '--notify_max_attempts=2']});
  const browser = await launchBrowser();
  const receiver = await startReceiver();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    await api.department('parks', '县园林局');
    const housing = makeApi(server.base, housingToken);

    const dept = await openPage(browser, server.base);
    const page = dept.page;
    const bodies = [];
    page.on('response', async (res) => {
      if (!res.url().includes('/v1/') || res.url().includes('events:watch')) return;
      try { bodies.push(await res.text()); } catch { /* no body */ }
    });
    await signIn(page, housingToken);
    // Reachable from the navigation.
    await page.click('#nav a[href="#/subscriptions"]');
    await page.waitForSelector('#subscription-form');
    assert.match(await visible(page, 'main h1'), /通知订阅/);
    // A department subscribes for itself: its own department, fixed.
    assert.equal(await page.$('select#subscription-department'), null);
    assert.match(await visible(page, '#subscription-department'), /部门:县住房和城乡建设局/);
    assert.equal(await page.$eval('#subscription-all-events', (el) => el.checked), true);
    assert.deepEqual(await page.$$eval('#subscription-events > .assist-choices label', (els) => els.map((l) => l.innerText.trim())),
      ['全部事件', '派单', '即将到期', '签收超时', '亮牌', '催办督办', '退回重办', '新增附件']);

    // Housing's system, for 派单 only.
    await page.type('#subscription-url', receiver.url);
    await page.click('#subscription-events input[name=eventType][value="DISPATCHED"]');
    assert.equal(await page.$eval('#subscription-all-events', (el) => el.checked), false, '全部事件 unticked by a single type');
    await page.type('#subscription-description', '住建局工单系统');
    await page.click('#subscription-form button[type=submit]');
    const box = '#subscription-secret .secret-box';
    await page.waitForSelector(box);
    const said = await visible(page, box);
    assert.match(said, /仅显示一次/);
    assert.match(said, /Hotline-Signature/);
    assert.match(said, /HMAC-SHA256\(密钥, Hotline-Timestamp \+ "\." \+ 请求体\)/);
    assert.match(said, /Hotline-Delivery/);
    const secret = await page.$eval('#subscription-secret-value', (el) => el.value);
    assert.match(secret, /^whsec_/);
    const name = await page.$eval(box, (el) => el.dataset.subscription);
    assert.equal(name, 'subscriptions/1');
    const made = await housing.get(`/v1/${name}`);
    assert.equal(made.secret, undefined, 'a read never gives the secret');
    assert.equal(made.department, 'departments/housing');
    assert.equal(made.channel, 'WEBHOOK');
    assert.equal(made.url, receiver.url);
    assert.deepEqual(made.eventTypes, ['DISPATCHED']);
    assert.equal(made.description, '住建局工单系统');
    const row = `#subscription-table tr[data-subscription="${name}"]`;
    await page.waitForSelector(row);
    assert.match(await visible(page, row), /#1\s+住建局工单系统[\s\S]*县住房和城乡建设局[\s\S]*派单[\s\S]*127\.0\.0\.1[\s\S]*正常/);
    await screenshot(page, 'notification-secret-once');

    // Not shown again: a reload shows the subscription, not its secret.
    await page.reload({waitUntil: 'load'});
    await page.waitForSelector('#live[data-state="open"]');
    await page.waitForSelector(row);
    await page.waitForSelector('#subscription-detail:not([hidden])');
    assert.equal(await page.$(box), null);
    assert.ok(!(await visible(page)).includes(secret), 'the secret is not on the page');
    assert.equal(bodies.filter((b) => b.includes(secret)).length, 1, 'only the answer that made it carries the secret');

    // A ticket dispatched to housing reaches the receiver, signed.
    const first = await api.ticket({title: '楼道灯不亮'}, 'departments/housing');
    const seq1 = await eventSeq(api, first, 'DISPATCHED');
    const got1 = await receiver.waitFor(`the dispatch of ${first.name}`,
      () => receiver.of(name).find((r) => r.headers['hotline-delivery'] === seq1));
    assert.equal(got1.method, 'POST');
    assert.equal(got1.path, '/hotline/events');
    assert.match(got1.headers['content-type'], /^application\/json/);
    assert.equal(got1.headers['hotline-event'], 'DISPATCHED');
    const body1 = JSON.parse(got1.body);
    assert.equal(body1.deliveryId, seq1);
    assert.equal(body1.subscription, name);
    assert.equal(body1.event.type, 'DISPATCHED');
    assert.equal(body1.event.ticket, first.name);
    assert.equal(String(body1.event.seq), seq1);
    assert.equal(body1.event.department, 'departments/housing');
    assert.equal(signatures(got1).length, 1);
    assert.ok(signedWith(got1, secret), 'the signature verifies with the secret read off the page');
    assert.ok(!signedWith(got1, `${secret}x`), 'and not with another');
    assert.ok(Math.abs(Number(got1.headers['hotline-timestamp']) - Date.now() / 1000) < 600, 'the timestamp is now');
    // Its sign-for is not asked for.
    await housing.post(`/v1/${first.name}:acknowledge`, {});

    // The delivery log shows it.
    const log = '#subscription-deliveries';
    const delivered1 = `${log} tr[data-seq="${seq1}"][data-outcome="DELIVERED"]`;
    await page.waitForSelector(delivered1);
    assert.match(await visible(page, delivered1), new RegExp(`^${seq1}\\s+#${idOf(first)}\\s+派单\\s+1\\s[\\s\\S]*已送达\\s+200`));

    // The receiver fails: two attempts, then a dead letter (死信).
    receiver.fail(true);
    const second = await api.ticket({title: '屋顶漏水'}, 'departments/housing');
    const seq2 = await eventSeq(api, second, 'DISPATCHED');
    const dead = `${log} tr[data-seq="${seq2}"][data-outcome="DEAD_LETTERED"]`;
    await page.waitForSelector(dead);
    assert.match(await visible(page, dead), /派单\s+2\s+[\s\S]*死信\s+500[\s\S]*answered 500/);
    assert.deepEqual(receiver.of(name).filter((r) => r.headers['hotline-delivery'] === seq2).map((r) => r.status), [500, 500],
      'two attempts, one delivery id');
    await waitText(page, `${row} .sub-dead`, /^1$/);
    await page.click('#deliveries-dead-only');
    await page.waitForFunction((sel, seq) => {
      const rows = [...document.querySelectorAll(`${sel} tbody tr[data-seq]`)];
      return rows.length === 1 && rows[0].dataset.seq === seq && rows[0].dataset.outcome === 'DEAD_LETTERED';
    }, {}, log, seq2);
    assert.match(await visible(page, `${log} caption`), /1 件死信/);
    await screenshot(page, 'notification-dead-letter');

    // The receiver is back: 重新投递 sends it with the same delivery id.
    receiver.fail(false);
    const before = receiver.got.length;
    await page.click(`${log} button[data-action="redeliver"][data-seq="${seq2}"]`);
    const again = await receiver.waitFor(`the redelivery of ${seq2}`,
      (all) => all.slice(before).find((r) => r.headers['hotline-delivery'] === seq2 && r.status === 200));
    assert.equal(JSON.parse(again.body).deliveryId, seq2);
    assert.equal(JSON.parse(again.body).event.ticket, second.name);
    assert.ok(signedWith(again, secret));
    // No dead letter left; the log shows the redelivery.
    await waitText(page, log, /暂无/);
    await page.click('#deliveries-dead-only');
    await page.waitForSelector(`${log} tr[data-seq="${seq2}"][data-outcome="DELIVERED"][data-redelivery="true"]`);
    assert.match(await visible(page, `${log} tr[data-seq="${seq2}"][data-redelivery="true"]`), /已送达\s*重新投递\s+200/);
    await waitText(page, `${row} .sub-dead`, /^0$/);
    assert.deepEqual([...new Set(receiver.of(name).map((r) => r.headers['hotline-event']))], ['DISPATCHED'],
      'the sign-for was not sent');

    // 暂停 with a reason holds the next event until 恢复.
    await page.click('#subscription-actions button[data-action="askPause"]');
    await page.type('#subscription-actions input[name=pauseReason]', '接收方系统维护');
    await page.click('#subscription-actions form[data-action="pause"] button[type=submit]');
    await page.waitForSelector('#subscription-detail[data-state="PAUSED"]');
    await waitText(page, row, /已暂停[\s\S]*接收方系统维护/);
    assert.equal((await housing.get(`/v1/${name}`)).state, 'PAUSED');
    const third = await api.ticket({title: '小区积水'}, 'departments/housing');
    const seq3 = await eventSeq(api, third, 'DISPATCHED');
    await sleep(1500);
    assert.equal(receiver.of(name).filter((r) => r.headers['hotline-delivery'] === seq3).length, 0, 'held while paused');
    await page.click('#subscription-actions button[data-action="resume"]');
    await page.waitForSelector('#subscription-detail[data-state="ACTIVE"]');
    await waitText(page, row, /正常/);
    await receiver.waitFor(`the held ${seq3}`, () => receiver.of(name).find((r) => r.headers['hotline-delivery'] === seq3));

    // 更换密钥: the new one shown once; both sign during the overlap.
    await page.click('#subscription-actions button[data-action="askRotate"]');
    await page.select('#subscription-actions form[data-action="rotateSecret"] select[name=overlap]', '3600s');
    await page.click('#subscription-actions form[data-action="rotateSecret"] button[type=submit]');
    await page.waitForFunction((old) => {
      const el = document.querySelector('#subscription-secret-value');
      return el && el.value && el.value !== old;
    }, {}, secret);
    const rotated = await page.$eval('#subscription-secret-value', (el) => el.value);
    assert.match(rotated, /^whsec_/);
    assert.match(await visible(page, box), /仅显示一次[\s\S]*新签名密钥[\s\S]*旧密钥在 2021\/02\/01 10:00 前仍同时签名/);
    const fourth = await api.ticket({title: '电梯故障'}, 'departments/housing');
    const seq4 = await eventSeq(api, fourth, 'DISPATCHED');
    const got4 = await receiver.waitFor(`the dispatch of ${fourth.name}`,
      () => receiver.of(name).find((r) => r.headers['hotline-delivery'] === seq4));
    assert.equal(signatures(got4).length, 2);
    assert.ok(signedWith(got4, rotated), 'signed with the new secret');
    assert.ok(signedWith(got4, secret), 'and, during the overlap, the old one');
    await page.click(`${box} button[data-action="hideSecret"]`);
    assert.equal(await page.$(box), null);

    // Refusals in Chinese, making nothing: http:// to another host ...
    await page.type('#subscription-url', 'http://hooks.example.com/hotline');
    await page.click('#subscription-form button[type=submit]');
    const refused = await refusal(page, /不能向接收地址/);
    assert.match(refused, /不能向接收地址“http:\/\/hooks\.example\.com\/hotline”推送事件:事件只能经 https:\/\/ 发往接收方;http:\/\/ 仅限本机回环地址/);
    assert.doesNotMatch(refused.split('\n')[0], /undefined|loopback|events leave/);
    // ... and an SMS subscription on a server without an SMS gateway.
    await page.select('#subscription-channel', 'SMS');
    assert.equal(await page.$eval('#subscription-url', (el) => el.closest('.field').hidden), true);
    await page.type('#subscription-phones', '13800000000, 13900000000');
    await page.click('#subscription-form button[type=submit]');
    assert.match(await refusal(page, /短信网关/), /服务器未配置短信网关\(--sms_gateway\),不能发送短信通知/);
    assert.equal((await housing.get('/v1/subscriptions')).subscriptions.length, 1, 'nothing made');
    await page.select('#subscription-channel', 'WEBHOOK');

    // The bureau subscribes to every event; it sees housing's too.
    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    await bureau.page.click('#nav a[href="#/subscriptions"]');
    await bureau.page.waitForSelector('#subscription-form select#subscription-department');
    assert.deepEqual(await bureau.page.$$eval('#subscription-department option', (els) => els.map((o) => [o.value, o.textContent])),
      [['', '全部(所有部门的事件)'], ['departments/housing', '县住房和城乡建设局'], ['departments/parks', '县园林局']]);
    await bureau.page.type('#subscription-url', `${receiver.url}?who=bureau`);
    await bureau.page.type('#subscription-description', '局端数据中心');
    await bureau.page.click('#subscription-form button[type=submit]');
    await bureau.page.waitForSelector(box);
    const bureauSub = await bureau.page.$eval(box, (el) => el.dataset.subscription);
    const bureauRow = `#subscription-table tr[data-subscription="${bureauSub}"]`;
    await bureau.page.waitForSelector(bureauRow);
    assert.match(await visible(bureau.page, bureauRow), /局端数据中心[\s\S]*全部\(所有部门的事件\)[\s\S]*全部事件[\s\S]*正常/);
    assert.match(await visible(bureau.page, row), /住建局工单系统[\s\S]*县住房和城乡建设局/);
    const made2 = await api.get(`/v1/${bureauSub}`);
    assert.equal(made2.department, undefined);
    assert.equal(made2.eventTypes, undefined);
    // Every event: parks' ticket too.
    const parksTicket = await api.ticket({title: '公园路灯'}, 'departments/parks');
    const parksSeq = await eventSeq(api, parksTicket, 'DISPATCHED');
    await receiver.waitFor('the bureau\'s copy of parks\' dispatch',
      () => receiver.of(bureauSub).find((r) => r.headers['hotline-delivery'] === parksSeq));
    assert.equal(receiver.of(name).filter((r) => r.headers['hotline-delivery'] === parksSeq).length, 0, 'housing gets none of parks\'');
    for (const v of await axeViolations(bureau.page)) assert.fail(`axe on the bureau's 通知订阅: ${v}`);
    await screenshot(bureau.page, 'notification-bureau');

    // Housing does not see the bureau's subscription, on the page or by the API.
    await go(page, `#/subscriptions/${idOf({name: bureauSub})}`);
    // A subscription not its own is not shown: the page goes back to the list.
    await page.waitForFunction(() => location.hash === '#/subscriptions');
    await page.waitForSelector(row);
    assert.equal(await page.$eval('#subscription-detail', (el) => el.hidden), true);
    assert.equal(await page.$(bureauRow), null);
    assert.doesNotMatch(await visible(page), /局端数据中心/);
    assert.deepEqual((await housing.get('/v1/subscriptions')).subscriptions.map((s) => s.name), [name]);
    await assert.rejects(housing.get(`/v1/${bureauSub}`), (e) => e.status === 403 || e.status === 404);

    // axe with the log open, at 1280 px and at 360 px, where nothing
    // scrolls sideways and the form, the log and its buttons fit.
    await go(page, `#/subscriptions/${idOf({name})}`);
    await page.waitForSelector(`${log} tr[data-seq="${seq4}"]`);
    for (const v of await axeViolations(page)) assert.fail(`axe on housing's 通知订阅: ${v}`);
    await page.setViewport({width: 360, height: 740, isMobile: true});
    await page.waitForSelector('#live[data-state="open"]');
    await page.waitForSelector(`${log} tr[data-seq="${seq4}"]`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 360);
    assert.ok(overflow <= 1, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
    for (const sel of ['#subscription-url', '#subscription-events', '#subscription-form button[type=submit]', `${row} .receiver`,
      `${log} tr[data-seq="${seq4}"] button[data-action="redeliver"]`, '#subscription-actions button[data-action="delete"]']) {
      await fits(page, sel);
    }
    for (const v of await axeViolations(page)) assert.fail(`axe on housing's 通知订阅 at 360 px: ${v}`);
    await page.$eval(log, (el) => el.scrollIntoView());
    await screenshot(page, 'notification-phone');
    await page.setViewport({width: 1280, height: 800});
    await page.waitForSelector('#live[data-state="open"]');

    // 删除 (confirmed): the bureau's subscription is gone.
    await bureau.page.click(`${bureauRow} button[data-action="open"]`);
    await bureau.page.waitForSelector(`#subscription-detail[data-subscription="${bureauSub}"]:not([hidden])`);
    bureau.page.once('dialog', (d) => d.accept());
    await bureau.page.click('#subscription-actions button[data-action="delete"]');
    await bureau.page.waitForFunction((sel) => !document.querySelector(sel), {}, bureauRow);
    assert.deepEqual((await api.get('/v1/subscriptions')).subscriptions.map((s) => s.name), [name]);

    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(await cspViolations(bureau.page), []);
    for (const p of [...dept.problems, ...bureau.problems]) assert.doesNotMatch(p, /pageerror|Content Security Policy/);
  } finally {
    await browser.close();
    await receiver.close();
    await server.stop();
  }
});
