// Shared by the browser tests: a real hotline-server of its own per test
// (fresh temp database, free loopback ports, rehearsal clock, a bureau token
// made with --create_token), the HTTP API as a plain client, and Debian's
// Chromium driven by puppeteer-core (no browser is ever downloaded).
import {spawn, execFile} from 'node:child_process';
import {mkdtemp, rm, mkdir, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import puppeteer from 'puppeteer-core';

const execFileP = promisify(execFile);

export const SERVER_BIN = process.env.HOTLINE_SERVER_BIN || '';
export const WEB_ROOT = process.env.HOTLINE_WEB_ROOT || path.resolve(import.meta.dirname || path.dirname(new URL(import.meta.url).pathname), '../../web');
export const CHROMIUM = process.env.HOTLINE_CHROMIUM || '/usr/bin/chromium';
export const START_TIME = '2021-02-01T09:00:00+08:00'; // a Monday
let screenshotDir = process.env.HOTLINE_SCREENSHOT_DIR || '';

export async function screenshotPath(name) {
  if (!screenshotDir) screenshotDir = await mkdtemp(path.join(tmpdir(), 'hotline-screens-'));
  await mkdir(screenshotDir, {recursive: true});
  return path.join(screenshotDir, `${name}.png`);
}

export async function screenshot(page, name) {
  const file = await screenshotPath(name);
  await page.screenshot({path: file});
  return file;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts hotline-server; returns {base, grpc, token, api, stop, log}.
// `policy`: the text of a policy file (data/policy.conf's keys, e.g.
// "version = reviewed-1\nreview_replies = 1\n"), written into the
// server's temp dir and passed as --policy; the built-in policy without.
// `serverArgs`: more flags for hotline-server (e.g.
// "--notify_allow_loopback_http").
export async function startServer({startTime = START_TIME, policy = '', serverArgs = []} = {}) {
  if (!SERVER_BIN) throw new Error('HOTLINE_SERVER_BIN is not set (the path of hotline-server)');
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-browser-'));
  const db = path.join(dir, 'hotline.db');
  const policyArgs = [];
  if (policy) {
    const file = path.join(dir, 'policy.conf');
    await writeFile(file, policy);
    policyArgs.push(`--policy=${file}`);
  }
  const {stdout} = await execFileP(SERVER_BIN, [`--db=${db}`, '--create_token=bureau']);
  const token = stdout.trim().split(/\s+/).find((w) => w.startsWith('hl_')) || stdout.trim();
  let lastError = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const base = `http://127.0.0.1:${httpPort}`;
    let log = '';
    const child = spawn(SERVER_BIN, [
      `--db=${db}`, `--listen=127.0.0.1:${grpcPort}`, `--http_listen=127.0.0.1:${httpPort}`,
      `--web_root=${WEB_ROOT}`, '--clock=manual', `--start_time=${startTime}`, ...policyArgs, ...serverArgs,
    ], {stdio: ['ignore', 'pipe', 'pipe']});
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    let exited = false;
    child.on('exit', () => { exited = true; });
    // Generous: a loaded machine starts it slowly.
    const deadline = Date.now() + 90000;
    let up = false;
    while (Date.now() < deadline && !exited) {
      try {
        const res = await fetch(`${base}/v1/caller`, {headers: {authorization: `Bearer ${token}`}});
        if (res.ok) { up = true; break; }
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    if (!up) {
      child.kill('SIGKILL');
      lastError = new Error(`hotline-server did not come up on ${base}:\n${log.slice(-3000)}`);
      if (!/in use/.test(log)) break; // only a port race is worth another try
      continue;
    }
    const api = makeApi(base, token);
    return {
      base, token, api, dir,
      // The gRPC address, for hotlinectl (--server).
      grpc: `127.0.0.1:${grpcPort}`,
      log: () => log,
      async stop() {
        if (!exited) {
          child.kill('SIGTERM');
          const t0 = Date.now();
          while (!exited && Date.now() - t0 < 10000) await sleep(50);
          if (!exited) child.kill('SIGKILL');
        }
        await rm(dir, {recursive: true, force: true});
      },
    };
  }
  await rm(dir, {recursive: true, force: true});
  throw lastError;
}

// The HTTP/JSON API with a bearer token; throws with the google.rpc.Status
// message on a refusal.
export function makeApi(base, token) {
  async function call(method, p, body) {
    const res = await fetch(base + p, {
      method,
      headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch { data = {message: text}; }
    if (!res.ok) {
      const err = new Error(`${method} ${p} -> ${res.status}: ${data.message || text}`);
      err.status = res.status;
      err.body = data;
      throw err;
    }
    return data;
  }
  return {
    get: (p) => call('GET', p),
    post: (p, body = {}) => call('POST', p, body),
    raw: (p, init = {}) => fetch(base + p, init),
    async department(id, displayName) {
      await call('POST', '/v1/departments', {departmentId: id, department: {displayName}});
      const t = await call('POST', '/v1/tokens', {token: {principal: `department/${id}`, displayName: `${displayName} 测试`}});
      return t.secret;
    },
    ticket(fields, dispatchTo) {
      return call('POST', '/v1/tickets', {
        ticket: {type: 'INQUIRY', topic: '噪音', title: '夜间施工噪音', content: '某小区旁工地夜间施工,噪音扰民。', ...fields},
        dispatchTo: dispatchTo || undefined,
      });
    },
  };
}

export async function launchBrowser() {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--lang=zh-CN', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
}

// A browser context of its own (own cookies) with one page at 1280×800
// that records console errors and CSP violations.
export async function openPage(browser, base) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  // Every wait for the page (a selector, a function, a navigation) may take
  // this long: generous, for a loaded machine; the waits end as soon as the
  // page gets there.
  page.setDefaultTimeout(60000);
  page.setDefaultNavigationTimeout(60000);
  await page.setViewport({width: 1280, height: 800});
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console.${msg.type()}: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(`${base}/console/`, {waitUntil: 'load'});
  return {context, page, problems};
}

export async function signIn(page, token) {
  await page.waitForSelector('#signin-form #token');
  await page.type('#token', token);
  await Promise.all([
    page.waitForSelector('#signout:not([hidden])'),
    page.click('#signin-form button[type=submit]'),
  ]);
  await page.waitForSelector('#live[data-state="open"]');
}

// Text of the first element matching the selector, or ''.
export function text(page, selector) {
  return page.$eval(selector, (el) => el.textContent.trim()).catch(() => '');
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__csp || []);
}

export async function writeNote(name, content) {
  await writeFile(await screenshotPath(name).then((p) => p.replace(/\.png$/, '.txt')), content);
}

// Page helpers the console tests share.

// Text a person reads, closed <details> (the server's own text) left out.
export const visible = (page, selector = 'body') => page.$eval(selector, (el) => el.innerText).catch(() => '');
// Goes to a console route.
export const go = (page, hash) => page.evaluate((x) => { location.hash = x; }, hash);
// A ticket's number, from its name "tickets/{id}".
export const idOf = (t) => t.name.split('/').pop();
// Waits until the element's text matches `re`.
export const waitText = (page, selector, re) => page.waitForFunction(
  (sel, src) => new RegExp(src).test(document.querySelector(sel)?.innerText || ''), {}, selector, re.source);
// Waits until the error flash says something matching `re`; returns its text.
export async function refusal(page, re) {
  await page.waitForFunction((src) => {
    const f = document.querySelector('#flash.flash-error:not([hidden])');
    return f && new RegExp(src).test(f.innerText);
  }, {}, re.source);
  return visible(page, '#flash');
}

// The report CSV's row that starts with `prefix` ("total,", "department,
// departments/housing,"), as {column name: cell}: read by name, so that
// columns added at the end leave the checks of earlier ones alone. The
// rows read this way hold no quoted commas.
export function csvRow(csv, prefix) {
  const lines = csv.trim().split('\n').map((l) => l.replace(/\r$/, ''));
  const head = lines[0].split(',');
  const line = lines.find((l) => l.startsWith(prefix));
  if (!line) return null;
  const cells = line.split(',');
  return Object.fromEntries(head.map((name, i) => [name, cells[i]]));
}
