// Attachments (附件) in the console: housing, the lead department, picks a
// program (bytes "MZ…") as its reply's evidence and is refused in Chinese
// before the reply is sent (nothing attached, the ticket still in
// progress); it replies with a PNG instead, which the ticket lists as 办结佐证
// with its thumbnail, and the 下载 link gives back the same bytes. The
// bureau attaches a confidential caller's photo (来电材料) on the ticket
// page: housing sees neither the file nor its name (its history names it
// by number; fetching it is refused, ATTACHMENT_RESTRICTED, in Chinese)
// until the bureau releases it (解除保密, with a reason), when its page
// shows the thumbnail without a reload. At phone width (360 px) the
// section stays usable: nothing scrolls sideways, the thumbnail, the link
// and the upload form fit. An assisting department's opinion (协办意见) and
// a return (退单) send their files first too, each to its step.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {deflateSync} from 'node:zlib';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, cspViolations, visible, go, idOf, waitText,
  refusal} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

// A real PNG of `size`×`size` pixels, the top half red, the bottom blue:
// the browser decodes it, so the thumbnail has a width.
function png(size = 16) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(Buffer.from([0]));
    for (let x = 0; x < size; x++) rows.push(Buffer.from(y < size / 2 ? [200, 30, 30] : [30, 60, 200]));
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// Waits until the row's thumbnail has loaded; returns its natural width.
async function thumbnailWidth(page, row) {
  const img = `${row} img.attachment-thumb`;
  await page.waitForSelector(img);
  await page.$eval(img, (el) => el.scrollIntoView());
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.complete && el.naturalWidth > 0;
  }, {}, img);
  return page.$eval(img, (el) => el.naturalWidth);
}

test('附件: a reply\'s evidence photo with its thumbnail and download; a program refused in Chinese; '
  + 'a confidential caller\'s photo hidden until released; phone width', {timeout: 400000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const files = await mkdtemp(path.join(tmpdir(), 'hotline-files-'));
  const downloads = await mkdtemp(path.join(tmpdir(), 'hotline-downloads-'));
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const photo = png(16);
    const photoFile = path.join(files, '现场照片.png');
    await writeFile(photoFile, photo);
    const programFile = path.join(files, 'tool.exe');
    await writeFile(programFile, Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(120, 0x41)]));
    const callerPhotoFile = path.join(files, '来电人照片.png');
    await writeFile(callerPhotoFile, png(24));

    const lamp = await api.ticket({title: '小区路灯损坏', topic: '路灯', content: '幸福小区3栋前路灯不亮。'}, 'departments/housing');
    await housing.post(`/v1/${lamp.name}:acknowledge`, {});

    const dept = await openPage(browser, server.base);
    const deptBodies = [];
    dept.page.on('response', async (res) => {
      if (!res.url().includes('/v1/') || res.url().includes('events:watch') || res.url().includes(':download')) return;
      try { deptBodies.push(await res.text()); } catch { /* redirects have no body */ }
    });
    await signIn(dept.page, housingToken);
    const page = dept.page;
    await go(page, `#/tickets/${idOf(lamp)}`);
    await page.waitForSelector('#ticket-attachments #attachment-upload');
    // The lead's steps only, while it holds the ticket.
    assert.deepEqual(await page.$$eval('#attachment-upload select[name=step] option', (els) => els.map((o) => o.value).filter(Boolean)),
      ['REPLY', 'RETURN', 'DAILY_REPORT', 'FINAL_ANSWER']);
    assert.match(await visible(page, '#ticket-attachments'), /暂无附件/);

    // A program as the reply's evidence: refused in Chinese, the reply not sent.
    const reply = '#ticket-actions form[data-action="reply"]';
    await page.waitForSelector(`${reply} input[type=file][name=evidence]`);
    await page.select(`${reply} select[name=outcome]`, 'RESOLVED');
    await page.type(`${reply} textarea[name=replyText]`, '已更换路灯灯具,照明恢复。');
    await (await page.$(`${reply} input[name=evidence]`)).uploadFile(programFile);
    await page.click(`${reply} button[type=submit]`);
    const said = await refusal(page, /Windows 可执行程序/);
    assert.match(said, /文件的内容是 Windows 可执行程序,不能作为附件上传:附件只能是图片/);
    assert.doesNotMatch(said.split('\n')[0], /undefined|program|attachments may be/);
    assert.match(await visible(page, `${reply} .upload-status`), /未上传:tool\.exe/);
    let t = await api.get(`/v1/${lamp.name}`);
    assert.equal(t.state, 'IN_PROGRESS', 'the reply was not sent');
    assert.equal((t.attachments || []).length, 0, 'nothing attached');
    await screenshot(page, 'attachment-refused-program');

    // The PNG instead: uploaded as 办结佐证, then the reply.
    await (await page.$(`${reply} input[name=evidence]`)).uploadFile(photoFile);
    await page.click(`${reply} button[type=submit]`);
    await waitText(page, '.page-head', /已回复/);
    t = await api.get(`/v1/${lamp.name}`);
    assert.equal(t.state, 'REPLIED');
    assert.equal(t.attachments.length, 1);
    const a = t.attachments[0];
    assert.equal(a.name, `${lamp.name}/attachments/1`);
    assert.equal(a.fileName, '现场照片.png');
    assert.equal(a.contentType, 'image/png');
    assert.equal(a.step, 'REPLY');
    assert.equal(a.addedBy, 'department/housing');
    assert.equal(String(a.sizeBytes), String(photo.length));
    assert.equal(a.sha256, sha256(photo));
    const events = (await api.get(`/v1/${lamp.name}/events`)).events;
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['ATTACHMENT_ADDED', 'REPLIED'], 'the file went first');

    // Listed with its thumbnail, type, size, step, uploader; the history says it.
    const row = `#ticket-attachments tr[data-attachment="${a.name}"]`;
    assert.equal(await thumbnailWidth(page, row), 16);
    assert.equal(await page.$eval(`${row} img.attachment-thumb`, (el) => el.getAttribute('alt')), '图片附件:现场照片.png(点击查看原图)');
    assert.equal(await page.$eval(`${row} img.attachment-thumb`, (el) => el.getAttribute('loading')), 'lazy');
    assert.match(await visible(page, row), /现场照片\.png[\s\S]*PNG 图片\s+0\.\d KB\s+办结佐证\s+县住房和城乡建设局\s+2021\/02\/01/);
    assert.match(await visible(page, '#ticket-attachments h2'), /附件\(1\)/);
    assert.match(await visible(page, '#ticket-history tr[data-type="ATTACHMENT_ADDED"]'), /办结佐证:“现场照片\.png”\(PNG 图片,0\.\d KB\)/);
    // Replied, the ticket is no longer housing's to attach to.
    assert.equal(await page.$('#attachment-upload'), null);

    // 下载: the same bytes.
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {behavior: 'allow', downloadPath: downloads, browserContextId: dept.context.id});
    await page.click(`${row} a.attachment-download`);
    let got = [];
    const giveUp = Date.now() + 60000;
    while (Date.now() < giveUp && !got.includes('现场照片.png')) {
      await new Promise((r) => setTimeout(r, 100));
      got = await readdir(downloads);
    }
    assert.ok(got.includes('现场照片.png'), `downloaded (${got.join(', ')})`);
    assert.ok((await readFile(path.join(downloads, '现场照片.png'))).equals(photo), 'the bytes downloaded are the bytes uploaded');
    await screenshot(page, 'attachment-reply-evidence');

    // A confidential caller's photo, attached by the bureau on the ticket page.
    const secret = await api.ticket({title: '楼上夜间噪音', content: '楼上每晚装修到十一点。', callerName: '王五保密',
      callerPhone: '13700001111', confidential: true}, 'departments/housing');
    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    await go(bureau.page, `#/tickets/${idOf(secret)}`);
    const upload = '#attachment-upload';
    await bureau.page.waitForSelector(upload);
    assert.deepEqual(await bureau.page.$$eval(`${upload} select[name=step] option`, (els) => els.map((o) => o.value).filter(Boolean)),
      ['INTAKE', 'REPLY', 'RETURN', 'DAILY_REPORT', 'FINAL_ANSWER', 'ASSIST_OPINION', 'OTHER']);
    await (await bureau.page.$(`${upload} input[type=file]`)).uploadFile(callerPhotoFile);
    await bureau.page.select(`${upload} select[name=step]`, 'INTAKE');
    await bureau.page.type(`${upload} input[name=description]`, '来电人微信发来的现场照片');
    await bureau.page.click(`${upload} button[type=submit]`);
    const secretName = `${secret.name}/attachments/1`;
    const secretRow = `#ticket-attachments tr[data-attachment="${secretName}"]`;
    await bureau.page.waitForSelector(`${secretRow}[data-restricted="true"]`);
    assert.match(await visible(bureau.page, secretRow), /来电人照片\.png\s*保密:承办部门不可见[\s\S]*来电人微信发来的现场照片[\s\S]*来电材料\s+局端/);
    assert.equal(await thumbnailWidth(bureau.page, secretRow), 24);
    assert.equal(await bureau.page.$eval(upload, (f) => f.querySelector('input[type=file]').files.length), 0, 'the form is cleared');

    // Housing sees neither the file nor its name; its history names it by number.
    await page.setViewport({width: 1280, height: 800});
    await go(page, `#/tickets/${idOf(secret)}`);
    await page.waitForSelector('#ticket-history tr[data-type="ATTACHMENT_ADDED"]');
    assert.equal(await page.$(`${secretRow}`), null);
    assert.match(await visible(page, '#ticket-attachments'), /暂无附件/);
    assert.match(await visible(page, '#ticket-history tr[data-type="ATTACHMENT_ADDED"]'),
      /来电材料:第 1 号附件\(保密来电人的材料,局端解除保密后可查看\)/);
    assert.doesNotMatch(await visible(page), /来电人照片|来电人微信|王五保密|13700001111/);
    for (const body of deptBodies) assert.doesNotMatch(body, /来电人照片|来电人微信|王五保密|13700001111/);
    const fetched = await page.evaluate(async (u) => {
      const res = await fetch(u);
      const body = await res.json();
      const {zhMessage} = await import('/console/js/errors.js');
      return {status: res.status, reason: body.details.find((d) => d.reason).reason, zh: zhMessage(res.status, body)};
    }, `/v1/${secretName}:download`);
    assert.equal(fetched.status, 403);
    assert.equal(fetched.reason, 'ATTACHMENT_RESTRICTED');
    assert.equal(fetched.zh, `工单 #${idOf(secret)} 的第 1 号附件是保密来电人提供的材料,局端解除保密前承办部门不能查看。`);

    // The bureau releases it (解除保密, with a reason); housing's page follows.
    await bureau.page.click(`${secretRow} button[data-action="askRelease"]`);
    await bureau.page.type(`${secretRow} input[name=releaseReason]`, '承办部门需核实现场情况');
    await bureau.page.click(`${secretRow} form.release-form button[type=submit]`);
    await bureau.page.waitForSelector(`${secretRow}[data-restricted="false"]`);
    assert.match(await visible(bureau.page, secretRow), /已解除保密/);
    const released = (await api.get(`/v1/${secret.name}`)).attachments[0];
    assert.equal(released.released, true);
    assert.equal(await thumbnailWidth(page, secretRow), 24);
    assert.match(await visible(page, secretRow), /来电人照片\.png\s*已解除保密[\s\S]*来电材料/);
    await waitText(page, '#ticket-history', /解除保密:“来电人照片\.png”,承办部门可查看。理由:承办部门需核实现场情况/);
    // The caller stays confidential.
    assert.doesNotMatch(await visible(page), /王五保密|13700001111/);
    await screenshot(page, 'attachment-released');

    // axe finds nothing serious on either side's ticket page with attachments.
    for (const p of [page, bureau.page]) {
      for (const v of await axeViolations(p)) assert.fail(`axe on the ticket page with attachments: ${v}`);
    }

    // Phone width: nothing scrolls sideways; the thumbnail, 下载 and the upload form fit.
    await page.setViewport({width: 360, height: 740, isMobile: true});
    // A mobile viewport reloads the page: the console signs in again from its cookie.
    await page.waitForSelector('#live[data-state="open"]');
    for (const [shown, fileRow] of [[lamp, row], [secret, secretRow]]) {
      await go(page, `#/tickets/${idOf(shown)}`);
      await thumbnailWidth(page, fileRow);
      // Against the 360 px asked for: a mobile page widens its layout viewport to its content.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - 360);
      assert.ok(overflow <= 1, `no sideways scrolling on ticket ${idOf(shown)} at 360 px (overflow ${overflow}px)`);
      for (const sel of [`${fileRow} img.attachment-thumb`, `${fileRow} a.attachment-download`]) {
        const box = await page.$eval(sel, (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; });
        assert.ok(box.width > 0 && box.left >= 0 && box.right <= 360, `${sel} fits at 360 px: ${JSON.stringify(box)}`);
      }
    }
    // The secret ticket is housing's still (dispatched): its upload form fits too.
    for (const sel of ['#attachment-upload input[type=file]', '#attachment-upload select[name=step]', '#attachment-upload button[type=submit]']) {
      const box = await page.$eval(sel, (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; });
      assert.ok(box.width > 0 && box.left >= 0 && box.right <= 360, `${sel} fits at 360 px: ${JSON.stringify(box)}`);
    }
    for (const v of await axeViolations(page)) assert.fail(`axe on the ticket page with attachments at 360 px: ${v}`);
    await page.$eval('#ticket-attachments', (el) => el.scrollIntoView());
    await screenshot(page, 'attachment-phone');

    // The other forms that take evidence: an assisting department's opinion
    // (协办意见) and a return (退单) send their files first, each to its step;
    // a document is listed without a preview.
    await page.setViewport({width: 1280, height: 800});
    await page.waitForSelector('#live[data-state="open"]');
    const transportToken = await api.department('transport', '县交通运输局');
    const transport = makeApi(server.base, transportToken);
    const road = await api.post('/v1/tickets', {ticket: {type: 'COMPLAINT', topic: '道路', title: '路口路面塌陷',
      content: '幸福路口路面塌陷。'}, dispatchTo: 'departments/housing', assistingDepartments: ['departments/transport']});
    await transport.post(`/v1/${road.name}:acknowledgeAssist`, {});
    const planFile = path.join(files, '交通管制方案.pdf');
    await writeFile(planFile, '%PDF-1.4\n% 交通管制方案\n%%EOF\n');
    const helper = await openPage(browser, server.base);
    await signIn(helper.page, transportToken);
    await go(helper.page, `#/tickets/${idOf(road)}`);
    const opinion = '#ticket-actions form[data-action="submitAssistOpinion"]';
    await helper.page.waitForSelector(`${opinion} input[name=evidence]`);
    assert.deepEqual(await helper.page.$$eval('#attachment-upload select[name=step] option', (els) => els.map((o) => o.value)),
      ['ASSIST_OPINION'], 'an assisting department attaches to its opinion only');
    await helper.page.type(`${opinion} textarea[name=opinion]`, '已制定交通管制方案,见附件。');
    await (await helper.page.$(`${opinion} input[name=evidence]`)).uploadFile(planFile);
    await helper.page.click(`${opinion} button[type=submit]`);
    await waitText(helper.page, '#assist-done', /反馈协办意见/);
    t = await api.get(`/v1/${road.name}`);
    assert.equal(t.assists[0].opinion, '已制定交通管制方案,见附件。');
    assert.deepEqual(t.attachments.map((x) => [x.fileName, x.step, x.addedBy, x.contentType]),
      [['交通管制方案.pdf', 'ASSIST_OPINION', 'department/transport', 'application/pdf']]);

    await go(page, `#/tickets/${idOf(road)}`);
    const planRow = `#ticket-attachments tr[data-attachment="${road.name}/attachments/1"]`;
    await page.waitForSelector(planRow);
    assert.match(await visible(page, planRow), /交通管制方案\.pdf\s+PDF 文档\s+0\.1 KB\s+协办意见\s+县交通运输局/);
    assert.equal(await page.$(`${planRow} img, ${planRow} audio`), null, 'a document has no preview');
    const back = '#ticket-actions form[data-action="return"]';
    await page.type(`${back} textarea[name=reason]`, '路面塌陷属交通运输局管养道路,见职责说明。');
    await (await page.$(`${back} input[name=evidence]`)).uploadFile(planFile);
    await page.click(`${back} button[type=submit]`);
    await page.waitForFunction(() => location.hash === '#/desk');
    t = await api.get(`/v1/${road.name}`);
    assert.equal(t.state, 'RETURNED');
    assert.deepEqual(t.attachments.map((x) => [x.step, x.addedBy]),
      [['ASSIST_OPINION', 'department/transport'], ['RETURN', 'department/housing']]);

    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(await cspViolations(bureau.page), []);
    assert.deepEqual(await cspViolations(helper.page), []);
    for (const p of [...dept.problems, ...bureau.problems, ...helper.problems]) assert.doesNotMatch(p, /pageerror|Content Security Policy/);
  } finally {
    await browser.close();
    await server.stop();
    await rm(files, {recursive: true, force: true});
    await rm(downloads, {recursive: true, force: true});
  }
});
