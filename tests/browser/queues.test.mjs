// The lists people work from (issue 22 §2): the dispatch queue says why a
// ticket came back; 工单查询 names the department; the dashboard's tiles
// open their lists; the search box shows its whole hint; the desk puts
// what is due first on top and marks it; the 退单 form goes once the
// return window closed; the charts count in whole tickets and stay
// readable on a phone.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, makeApi, launchBrowser, openPage, signIn, screenshot, text, visible} from './harness.mjs';


// Whether the whole placeholder of an input fits in its box.
function placeholderFits(page, selector) {
  return page.$eval(selector, (el) => {
    const cs = getComputedStyle(el);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const need = ctx.measureText(el.placeholder).width;
    const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return {need, room, fits: need <= room};
  });
}

test('dispatch queue shows the return reason; ticket list has the department; tiles link; search hint fits', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    await api.department('parks', '县园林局');
    const wrong = await api.ticket({title: '公园树木倒伏'}, 'departments/housing');
    await housing.post(`/v1/${wrong.name}:return`, {reason: '公园树木归园林局管理。'});
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await api.ticket({title: `待签收 ${i}`}, 'departments/parks'));
    await api.ticket({title: '新受理'});
    await api.post('/v1/cards', {ticket: held[0].name, color: 'YELLOW', reason: '测试黄牌'});

    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    await bureau.page.evaluate(() => { location.hash = '#/dispatch'; });
    const item = `#dispatch-list li[data-ticket="${wrong.name}"]`;
    await bureau.page.waitForSelector(item);
    const li = await visible(bureau.page, item);
    assert.match(li, /退单 1 次/);
    assert.match(li, /县住房和城乡建设局退单/);
    assert.match(li, /公园树木归园林局管理。/);
    for (const width of [1280, 390]) {
      await bureau.page.setViewport({width, height: 800});
      const fit = await placeholderFits(bureau.page, '#dispatch-search');
      assert.ok(fit.fits, `at ${width} px the search hint needs ${fit.need} px, has ${fit.room}`);
    }
    await screenshot(bureau.page, 'bureau-dispatch-return-reason-390');
    await bureau.page.setViewport({width: 1280, height: 800});

    await bureau.page.evaluate(() => { location.hash = '#/tickets'; });
    await bureau.page.waitForSelector(`#ticket-results tr[data-ticket="${held[0].name}"]`);
    const headers = await bureau.page.$$eval('#ticket-results thead th', (ths) => ths.map((th) => th.textContent.trim()));
    const col = headers.indexOf('承办部门');
    assert.ok(col >= 0, `a department column: ${headers}`);
    assert.equal(await bureau.page.$eval(`#ticket-results tr[data-ticket="${held[0].name}"]`, (tr, i) => tr.cells[i].textContent.trim(), col), '县园林局');

    // Every tile opens the list it counts.
    await bureau.page.evaluate(() => { location.hash = '#/dashboard'; });
    await bureau.page.waitForSelector('#kpis [data-kpi="state-dispatched"]');
    const tiles = await bureau.page.$$eval('#kpis [data-kpi]', (els) => els.map((el) => ({kpi: el.dataset.kpi, href: el.getAttribute('href') || ''})));
    for (const t of tiles) assert.match(t.href, /^#\/\w+/, `tile ${t.kpi} links somewhere`);
    assert.equal(await text(bureau.page, '#kpis [data-kpi="state-dispatched"] .value'), '3');
    await bureau.page.click('#kpis [data-kpi="state-dispatched"]');
    await bureau.page.waitForFunction(() => location.hash === '#/tickets?state=DISPATCHED' && document.querySelector('#ticket-results tbody tr[data-ticket]'));
    assert.equal(await bureau.page.$eval('#q-state', (el) => el.value), 'DISPATCHED');
    const listed = await bureau.page.$$eval('#ticket-results tbody tr[data-ticket]', (rows) => rows.map((r) => r.dataset.ticket));
    assert.deepEqual(listed.sort(), held.map((t) => t.name).sort());
    await bureau.page.evaluate(() => { location.hash = '#/dashboard'; });
    await bureau.page.waitForSelector('#kpis [data-kpi="yellow"]');
    await bureau.page.click('#kpis [data-kpi="yellow"]');
    await bureau.page.waitForFunction(() => location.hash === '#/cards?color=YELLOW' && document.querySelector('#cards-table tr[data-card]'));
    assert.equal(await bureau.page.$eval('#cards-color', (el) => el.value), 'YELLOW');
    await bureau.page.evaluate(() => { location.hash = '#/dashboard'; });
    await bureau.page.waitForSelector('#kpis [data-kpi="received-today"]');
    await bureau.page.click('#kpis [data-kpi="received-today"]');
    await bureau.page.waitForFunction(() => location.hash.startsWith('#/tickets?received=') && document.querySelector('#ticket-results tbody tr[data-ticket]'));
    assert.equal(await bureau.page.$$eval('#ticket-results tbody tr[data-ticket]', (rows) => rows.length), 5);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('the desk puts what is due first on top and marks it; the 退单 form goes when the return window closed', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    const housingToken = await api.department('housing', '县住房和城乡建设局');
    const housing = makeApi(server.base, housingToken);
    const normal = [];
    for (let i = 0; i < 9; i++) normal.push(await api.ticket({title: `一般工单 ${i}`, type: 'SUGGESTION'}, 'departments/housing'));
    // Dispatched last, due first (clock-hour limits).
    const critical = await api.ticket({title: '燃气泄漏', type: 'HELP', urgency: 'CRITICAL'}, 'departments/housing');
    const dueFirst = [...normal, critical].sort((x, y) =>
      Math.min(Date.parse(x.ackDueAt), Date.parse(x.replyDueAt)) - Math.min(Date.parse(y.ackDueAt), Date.parse(y.replyDueAt)));
    assert.equal(dueFirst[0].name, critical.name);

    const dept = await openPage(browser, server.base);
    await signIn(dept.page, housingToken);
    await dept.page.waitForSelector(`#queue-dispatched tr[data-ticket="${critical.name}"]`);
    const order = await dept.page.$$eval('#queue-dispatched tbody tr[data-ticket]', (rows) => rows.map((r) => r.dataset.ticket));
    assert.equal(order[0], critical.name, 'the ticket due first is on top');
    const first = '#queue-dispatched tbody tr[data-ticket]:first-child';
    assert.match(await visible(dept.page, first), /特急/);
    assert.ok(await dept.page.$(`${first}.row-due-today, ${first}.row-due-overdue`), 'the row is marked as due within 24 hours');
    assert.ok(await dept.page.$(`${first} .urgency-critical`), 'its urgency is marked');
    assert.equal(await dept.page.$(`#queue-dispatched tr[data-ticket="${normal[0].name}"].row-due-today`), null);
    await screenshot(dept.page, 'department-desk-due-first');

    // The return window: open, the form is there; closed, it is gone.
    const t = normal[0];
    await housing.post(`/v1/${t.name}:acknowledge`, {});
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, t.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-actions form[data-action="reply"]');
    assert.ok(await dept.page.$('#ticket-actions form[data-action="return"]'), 'the return form while the window is open');
    const fresh = await api.get(`/v1/${t.name}`);
    assert.ok(fresh.returnDueAt && Date.parse(fresh.returnDueAt) < Date.parse(fresh.replyDueAt));
    await api.post('/v1/clock:advance', {to: new Date(Date.parse(fresh.returnDueAt) + 60e3).toISOString()});
    // (Away and back by a page that does not read the clock: the ticket
    // page asks the server for the time itself.)
    await dept.page.evaluate(() => { location.hash = '#/tickets'; });
    await dept.page.waitForSelector('#ticket-results');
    await dept.page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, t.name.split('/').pop());
    await dept.page.waitForSelector('#ticket-actions form[data-action="reply"]');
    assert.equal(await dept.page.$('#ticket-actions form[data-action="return"]'), null, 'no return form after the window');
    assert.match(await visible(dept.page, '#ticket-actions'), /退单时限.*已过/);
    await screenshot(dept.page, 'department-return-window-closed');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('charts count whole tickets and stay readable at 390 px', {timeout: 280000}, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const {api} = server;
    await api.department('housing', '县住房和城乡建设局');
    for (let i = 0; i < 3; i++) await api.ticket({title: `工单 ${i}`}, 'departments/housing');
    const bureau = await openPage(browser, server.base);
    await signIn(bureau.page, server.token);
    await bureau.page.waitForSelector('#kpis');
    // The axis of a month with 50 tickets on its busiest day.
    const ticks = await bureau.page.evaluate(async () => {
      const {columnChart} = await import('/console/js/charts.js');
      const fig = columnChart('t', [{label: '02-01', value: 50}, {label: '02-02', value: 25}, {label: '02-03', value: 3}]);
      return [...fig.querySelectorAll('text')].map((x) => x.textContent).filter((x) => /^[\d.]+$/.test(x));
    });
    assert.ok(ticks.length >= 3, ticks.join(' '));
    for (const t of ticks) assert.match(t, /^\d+$/, `a whole count on the axis: ${ticks.join(' ')}`);
    assert.ok(ticks.map(Number).some((v) => v >= 50), `the axis reaches 50: ${ticks.join(' ')}`);

    // At phone width the charts' text is as large as on a desktop.
    for (const width of [390, 1280]) {
      await bureau.page.setViewport({width, height: 900});
      await bureau.page.evaluate(() => { location.hash = '#/tickets'; });
      await bureau.page.waitForSelector('#ticket-results');
      for (const [hash, ready] of [['#/dashboard', '#kpis .tile'], ['#/report', '#report-zh']]) {
        await bureau.page.evaluate((x) => { location.hash = x; }, hash);
        await bureau.page.waitForSelector(ready);
        await bureau.page.waitForSelector('.svg-chart text');
        // The font size as drawn: the CSS size times the drawing's scale.
        const sizes = await bureau.page.$$eval('.svg-chart text', (els) => els.map((el) => {
          const svg = el.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return parseFloat(getComputedStyle(el).fontSize) * scale;
        }));
        const smallest = Math.min(...sizes);
        assert.ok(smallest >= 10, `${hash} at ${width} px: the smallest chart text is ${smallest.toFixed(1)} px`);
        const over = await bureau.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(over <= 0, `${hash} at ${width} px: the page scrolls sideways by ${over} px`);
        await screenshot(bureau.page, `bureau-charts-${hash.slice(2)}-${width}`);
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
