// The category and dispatch catalogues (诉求分类, 派单目录) and hotspots (热点,
// issue 25 parts 5 and 6) in the console: the bureau writes a dispatch
// catalogue of two rules on the 派单目录 page (0201 噪声污染 anywhere → the
// environment bureau; 0101 违法建设 in 城关镇 → housing, assisted by urban
// management) and saves it; two tickets of 010101 私搭乱建 from the same
// caller at the same 城关镇 address come in; the dispatch queue shows the
// catalogue's suggestion for the first, 采用 fills the lead and assisting
// departments, and the dispatch is recorded as following the catalogue;
// housing returns it (退单); 热点分析 shows the rule's 退单率 100.0%, 违法建设
// as the top category, 城关镇 as the top township and the repeat with both
// tickets linked, and the 热点问题 sentence as hotlinectl's, which the
// report's zh text ends with too. A save from a page that read version 1
// after someone saved version 2 is refused in Chinese, changes nothing,
// and the page offers to read version 2.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, cspViolations, visible, go, idOf, waitText,
  refusal} from './harness.mjs';
import {axeViolations} from './page_checks.mjs';

const execFileP = promisify(execFile);
const CTL_BIN = process.env.HOTLINE_CTL_BIN || '';
const ctl = (server, ...args) => execFileP(CTL_BIN, ['--server', server.grpc, '--token', server.token, ...args]).then((r) => r.stdout);

test('派单目录 saved in the console suggests the dispatch; 采用, 退单, 退单率 100%; 热点分析; a stale save is refused',
  {timeout: 400000}, async () => {
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      const {api} = server;
      const housingToken = await api.department('housing', '县住房和城乡建设局');
      await api.department('urban', '县城市管理局');
      await api.department('env', '县生态环境局');
      const housing = makeApi(server.base, housingToken);

      const bureau = await openPage(browser, server.base);
      await signIn(bureau.page, server.token);
      const page = bureau.page;

      // 派单目录: none yet; two rules added, one with a township.
      await go(page, '#/catalogue');
      await waitText(page, '#catalogue-version', /尚未制定派单目录/);
      await page.click('#catalogue-add');
      await page.click('#catalogue-add');
      const rowSel = (i) => `#catalogue-form tr.rule-row[data-index="${i}"]`;
      await page.select(`${rowSel(0)} select[name=ruleCategory]`, '0201');
      await page.select(`${rowSel(0)} select[name=ruleDepartment]`, 'departments/env');
      await page.select(`${rowSel(1)} select[name=ruleCategory]`, '0101');
      await page.type(`${rowSel(1)} input[name=township]`, '城关镇');
      await page.select(`${rowSel(1)} select[name=ruleDepartment]`, 'departments/housing');
      await page.click(`${rowSel(1)} details.assist-picker summary`);
      await page.click(`${rowSel(1)} input[name=assistingDepartment][value="departments/urban"]`);
      await page.type(`${rowSel(1)} input[name=ruleNote]`, '城关镇违建由住建局牵头');
      await page.type('#catalogue-reason', '首版派单目录');
      await page.click('#catalogue-form button[type=submit]');
      await waitText(page, '#catalogue-version', /当前第 1 版.*修订:首版派单目录/);
      const v1 = await api.get('/v1/dispatchCatalogue');
      assert.equal(String(v1.version), '1');
      assert.deepEqual(v1.rules.map((r) => [r.category, r.township || '', r.department, r.assistingDepartments || []]), [
        ['0201', '', 'departments/env', []],
        ['0101', '城关镇', 'departments/housing', ['departments/urban']]]);
      assert.match(await visible(page, '#catalogue-history'), /第 1 版[\s\S]*首版派单目录\s+2/);
      await screenshot(page, 'catalogue-saved');

      // Two requests of 私搭乱建 from one caller at one 城关镇 address.
      const fields = {topic: '违建', title: '楼顶私搭乱建', content: '邻居在楼顶搭建彩钢房。', category: '010101',
        address: '城关镇幸福路12号', callerPhone: '13812345678'};
      const first = await api.ticket(fields);
      const second = await api.ticket({...fields, title: '楼顶违建仍未处理'});
      assert.equal(first.category, '010101');

      // The ticket page names the category with its parents.
      await go(page, `#/tickets/${idOf(first)}`);
      await waitText(page, '#ticket-category', /^010101 私搭乱建 \(城乡建设 › 违法建设\)$/);

      // The dispatch queue: the suggestion beside the department picker; 采用 fills both.
      await go(page, '#/dispatch');
      const li = `#dispatch-list li[data-ticket="${first.name}"]`;
      await page.waitForSelector(`${li} .dispatch-suggestion[data-state="rule"]`);
      assert.match(await visible(page, `${li} .dispatch-suggestion`), /派单目录建议: 县住房和城乡建设局 \(协办: 县城市管理局\)\s*采用/);
      assert.equal(await page.$eval(`${li} select[name=category]`, (el) => el.value), '010101');
      await page.click(`${li} .adopt-suggestion`);
      assert.equal(await page.$eval(`${li} select[name=department]`, (el) => el.value), 'departments/housing');
      assert.deepEqual(await page.$$eval(`${li} input[name=assistingDepartment]:checked`, (els) => els.map((el) => el.value)),
        ['departments/urban']);
      await screenshot(page, 'catalogue-suggestion');
      await page.click(`${li} form.dispatch-form button[type=submit]`);
      await page.waitForFunction((sel) => !document.querySelector(sel), {}, li);
      let t = await api.get(`/v1/${first.name}`);
      assert.equal(t.state, 'DISPATCHED');
      assert.equal(t.department, 'departments/housing');
      assert.deepEqual(t.assists.map((a) => a.department), ['departments/urban']);
      assert.equal(t.dispatches.length, 1);
      assert.equal(t.dispatches[0].followed, true, 'recorded as following the catalogue');

      // Housing returns it (退单).
      await housing.post(`/v1/${first.name}:return`, {reason: '违建查处属城管局职责'});
      t = await api.get(`/v1/${first.name}`);
      assert.equal(t.dispatches[0].returned, true);

      // The ticket page lists the dispatch: 按目录, 已退单.
      await go(page, `#/tickets/${idOf(first)}`);
      await page.waitForSelector('#ticket-dispatches tr[data-index="0"]');
      assert.match(await visible(page, '#ticket-dispatches tr[data-index="0"]'),
        /县住房和城乡建设局\s+县住房和城乡建设局 \(协办: 县城市管理局\)\(第 1 版\)\s+按目录\s+已退单/);

      // 热点分析 for February: the rule's 退单率, the top category and township, the repeat.
      await go(page, '#/hotspots');
      await page.waitForSelector('#hot-rules');
      assert.equal(await page.$eval('#hotspots-month', (el) => el.value), '2021-02');
      const ruleRow = '#hot-rules tr[data-category="0101"][data-township="城关镇"]';
      assert.equal(await text(page, `${ruleRow} td[data-cell="returnRate"]`), '100.0%');
      assert.match(await visible(page, ruleRow), /0101 违法建设 \(城乡建设\) · 城关镇\s+县住房和城乡建设局 \(协办: 县城市管理局\)\s+1\s+1\s+1\s+100\.0%/);
      assert.equal(await text(page, '#hot-top-categories tr[data-key="0101"] td[data-cell="count"]'), '2');
      assert.equal(await text(page, '#hot-top-townships tr[data-key="城关镇"] td[data-cell="count"]'), '2');
      const repeatLinks = await page.$$eval('#hot-repeats tbody tr:first-child a', (els) => els.map((a) => a.getAttribute('href')));
      assert.deepEqual(repeatLinks, [`#/tickets/${idOf(first)}`, `#/tickets/${idOf(second)}`]);
      assert.match(await visible(page, '#hot-repeats'), /138\*\*\*\*5678|城关镇幸福路12号/);
      const sentence = await text(page, '#hotspots-zh');
      assert.match(sentence, /^热点问题:违法建设2件\(上期无\)[^\n]*;诉求集中在城关镇\(2件\);重复诉求2件。$/);
      // The chart: this month's bar beside last month's for 违法建设.
      assert.equal(await page.$$eval('#hotspots-output figure rect.bar', (els) => els.length), 1);
      assert.match(await page.$eval('#hotspots-output figure rect.bar title', (el) => el.textContent), /违法建设 本期:2件/);
      // The figures by category: 城乡建设 › 违法建设 › 私搭乱建, then 未分类 (none here).
      assert.deepEqual(await page.$$eval('#hotspots-output .category-tree tbody tr[data-code]', (els) => els.map((el) => el.dataset.code)
        .filter(Boolean)), ['01', '0101', '010101']);
      for (const v of await axeViolations(page)) assert.fail(`axe on 热点分析: ${v}`);
      await screenshot(page, 'catalogue-hotspots');
      if (CTL_BIN) {
        assert.equal(`${sentence}\n`, await ctl(server, 'report', '--month', '2021-02', '--hotspots', '--level', '2', '--format', 'zh'),
          'the console\'s 热点问题 is hotlinectl\'s');
      }

      // The report's zh text ends with the same sentence.
      await go(page, '#/report');
      await page.waitForSelector('#report-zh');
      const zh = await text(page, '#report-zh');
      assert.ok(zh.endsWith(sentence), `the report ends with the 热点问题 sentence:\n${zh}`);
      if (CTL_BIN) {
        const cli = await ctl(server, 'report', '--month', '2021-02', '--format', 'zh');
        assert.equal(zh.split('\n').pop(), cli.trim().split('\n').pop(), 'the last line is hotlinectl\'s');
      }

      // A stale save: the page read version 1, someone saved version 2 meanwhile.
      await go(page, '#/catalogue');
      await waitText(page, '#catalogue-version', /当前第 1 版/);
      await api.post('/v1/dispatchCatalogue', {rules: v1.rules, reason: '他人修订', expectedVersion: '1'});
      await page.click('#catalogue-add');
      await page.select(`${rowSel(2)} select[name=ruleCategory]`, '0102');
      await page.select(`${rowSel(2)} select[name=ruleDepartment]`, 'departments/housing');
      await page.type('#catalogue-reason', '增加物业管理');
      await page.click('#catalogue-form button[type=submit]');
      const said = await refusal(page, /派单目录已被他人修订/);
      assert.match(said, /派单目录已被他人修订\(现为第 2 版\),本次保存未生效:请重新读取最新版本/);
      assert.doesNotMatch(said.split('\n')[0], /[A-Za-z]{4,}/, 'in Chinese');
      await waitText(page, '#catalogue-stale', /派单目录已被他人修订/);
      const after = await api.get('/v1/dispatchCatalogue');
      assert.equal(String(after.version), '2', 'nothing saved');
      assert.equal(after.rules.length, 2);
      assert.equal(await page.$$eval('#catalogue-form tr.rule-row', (els) => els.length), 3, 'the edits stay until reloaded');
      await screenshot(page, 'catalogue-stale');
      await page.click('#catalogue-reload');
      await waitText(page, '#catalogue-version', /当前第 2 版.*他人修订/);
      assert.equal(await page.$$eval('#catalogue-form tr.rule-row', (els) => els.length), 2);
      // A version from the history: its rules.
      await page.click('#catalogue-history button[data-version="1"]');
      await waitText(page, '#catalogue-version-view', /第 1 版:首版派单目录/);
      assert.match(await visible(page, '#catalogue-version-view'), /0101 违法建设 \(城乡建设\)\s+城关镇\s+县住房和城乡建设局\s+县城市管理局/);
      for (const v of await axeViolations(page)) assert.fail(`axe on 派单目录: ${v}`);

      // At phone width the new pages and the queue with its suggestions do not scroll sideways.
      await page.setViewport({width: 390, height: 844, isMobile: true});
      for (const [hash, ready] of [['#/catalogue', '#catalogue-form'], ['#/hotspots', '#hot-rules'],
        ['#/dispatch', '#dispatch-list .dispatch-suggestion[data-state="rule"]']]) {
        await go(page, hash);
        await page.waitForSelector(ready);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `no sideways scrolling on ${hash} at phone width (overflow ${overflow}px)`);
      }
      await screenshot(page, 'catalogue-dispatch-phone');
      await page.setViewport({width: 1280, height: 800});

      // A department reads the catalogue, without the editor.
      const lead = await openPage(browser, server.base);
      await signIn(lead.page, housingToken);
      await go(lead.page, '#/catalogue');
      await waitText(lead.page, '#catalogue-editor', /现行目录\(2 条\)/);
      assert.equal(await lead.page.$('#catalogue-form'), null, 'read-only');

      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(await cspViolations(lead.page), []);
      for (const p of [...bureau.problems, ...lead.problems]) assert.doesNotMatch(p, /pageerror/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
