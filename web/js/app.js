// The console's shell: session, navigation by hash (#/dashboard,
// #/tickets/12, ...), the live feed and the pages.
import * as api from './api.js';
import {h, replace, clear} from './dom.js';
import {setTimeZone, fmtTime, zhDate} from './format.js';
import {serverDetail} from './ui.js';
import {callerName} from './names.js';
import * as signin from './pages/signin.js';
import * as dashboard from './pages/dashboard.js';
import * as dispatch from './pages/dispatch.js';
import * as tickets from './pages/tickets.js';
import * as ticket from './pages/ticket.js';
import * as cards from './pages/cards.js';
import * as extensions from './pages/extensions.js';
import * as report from './pages/report.js';
import * as admin from './pages/admin.js';
import * as desk from './pages/desk.js';
import * as daily from './pages/daily.js';
import * as mine from './pages/mine.js';
import * as urging from './pages/urging.js';
import * as scorecard from './pages/scorecard.js';
import * as catalogue from './pages/catalogue.js';
import * as hotspots from './pages/hotspots.js';
import * as subscriptions from './pages/subscriptions.js';

const BUREAU = 'bureau';
const DEPARTMENT = 'department';
const ANY = 'any';
// The bureau and departments, not intake.
const STAFF = 'staff';

const ROUTES = [
  {re: /^\/dashboard$/, page: dashboard, who: BUREAU, title: '总览'},
  {re: /^\/dispatch$/, page: dispatch, who: BUREAU, title: '派单'},
  {re: /^\/desk$/, page: desk, who: DEPARTMENT, title: '我的工单'},
  {re: /^\/daily$/, page: daily, who: DEPARTMENT, title: '一日一报'},
  {re: /^\/tickets$/, page: tickets, who: ANY, title: '工单查询'},
  {re: /^\/tickets\/(\d+)$/, page: ticket, who: ANY, title: '工单详情'},
  {re: /^\/cards$/, page: cards, who: BUREAU, title: '黄红牌'},
  {re: /^\/extensions$/, page: extensions, who: BUREAU, title: '审批'},
  {re: /^\/report$/, page: report, who: BUREAU, title: '统计报表'},
  {re: /^\/notices$/, page: urging, who: BUREAU, title: '催办督办'},
  {re: /^\/assessment$/, page: scorecard, who: BUREAU, title: '考核排名'},
  {re: /^\/catalogue$/, page: catalogue, who: ANY, title: '派单目录'},
  {re: /^\/hotspots$/, page: hotspots, who: BUREAU, title: '热点分析'},
  {re: /^\/admin$/, page: admin, who: BUREAU, title: '部门与令牌'},
  {re: /^\/mine$/, page: mine, who: DEPARTMENT, title: '我的统计与黄红牌'},
  {re: /^\/subscriptions(?:\/(\d+))?$/, page: subscriptions, who: STAFF, title: '通知订阅'},
];

const NAV = {
  [BUREAU]: [['#/dashboard', '总览'], ['#/dispatch', '派单'], ['#/tickets', '工单查询'],
    ['#/cards', '黄红牌'], ['#/notices', '催办督办'], ['#/extensions', '审批'], ['#/report', '统计报表'], ['#/assessment', '考核排名'],
    ['#/hotspots', '热点分析'], ['#/catalogue', '派单目录'], ['#/subscriptions', '通知订阅'], ['#/admin', '部门与令牌']],
  [DEPARTMENT]: [['#/desk', '我的工单'], ['#/daily', '一日一报'], ['#/mine', '我的统计'], ['#/tickets', '工单查询'],
    ['#/catalogue', '派单目录'], ['#/subscriptions', '通知订阅']],
  intake: [['#/tickets', '工单查询']],
};

const main = document.getElementById('main');
const flashBox = document.getElementById('flash');
const liveBox = document.getElementById('live');
let caller = null;
let current = null; // {cleanup, subs}
let renderSeq = 0;
let flashTimer = 0;
let wanted = ''; // the page asked for before signing in

function role() {
  if (!caller) return '';
  if (caller.principal === 'bureau') return BUREAU;
  if ((caller.principal || '').startsWith('department/')) return DEPARTMENT;
  return 'intake';
}

// A message at the foot of the window (it covers nothing the page lays
// out, so it shifts nothing); `detail`, the server's own text of a
// refusal, goes under it, folded.
function flash(text, kind = 'ok', detail = '') {
  clearTimeout(flashTimer);
  replace(flashBox, h('div', null, h('span', {class: 'flash-text'}, text), detail ? serverDetail(detail) : null),
    h('button', {type: 'button', class: 'link', 'aria-label': '关闭提示', on: {click: () => { flashBox.hidden = true; }}}, '×'));
  flashBox.className = `flash flash-${kind}`;
  flashBox.hidden = false;
  if (kind === 'ok') flashTimer = setTimeout(() => { flashBox.hidden = true; }, 6000);
}

const LIVE_TEXT = {open: '实时:已连接', reconnecting: '实时:重连中', closed: '实时:已断开', refused: '实时:被拒绝', off: '实时:未连接'};
const feed = new api.Feed((state, message) => {
  liveBox.textContent = LIVE_TEXT[state] || state;
  liveBox.className = `live ${state === 'open' ? 'on' : 'off'}`;
  liveBox.dataset.state = state;
  if (message) liveBox.title = message;
});

function nowMs() {
  if (!caller) return Date.now();
  if (caller.rehearsal) return Date.parse(caller.now) || Date.now();
  return Date.now() + (caller.offsetMs || 0);
}

async function refreshCaller() {
  const fresh = await api.getCaller();
  fresh.offsetMs = Date.parse(fresh.now) - Date.now();
  caller = fresh;
  setTimeZone(caller.timeZone);
  showBanner();
  return caller;
}

function showBanner() {
  const banner = document.getElementById('banner');
  if (caller && caller.rehearsal) {
    replace(banner, `演练模式:服务器时钟停在 ${fmtTime(caller.now)}(${caller.timeZone}),今天是 ${zhDate(caller.today)}`);
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
}

function showChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const signout = document.getElementById('signout');
  if (!caller) {
    clear(nav); clear(who); signout.hidden = true;
    return;
  }
  const links = NAV[role()] || [];
  replace(nav, h('ul', null, links.map(([href, text]) => h('li', null, h('a', {href, 'data-nav': href}, text)))));
  // The name people know; the principal id only as a detail (tooltip).
  replace(who, h('span', {title: caller.principal, 'data-principal': caller.principal}, callerName(caller)));
  signout.hidden = false;
}

function markNav(hash) {
  hash = hash.split('?')[0];
  for (const a of document.querySelectorAll('#nav a')) {
    const active = hash === a.getAttribute('href') || hash.startsWith(`${a.getAttribute('href')}/`);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function defaultRoute() {
  return role() === BUREAU ? '#/dashboard' : role() === DEPARTMENT ? '#/desk' : '#/tickets';
}

function unauthenticated() {
  feed.stop();
  caller = null;
  showChrome();
  document.getElementById('banner').hidden = true;
  if (!location.hash.startsWith('#/signin')) {
    flash('登录已失效,请重新登录。', 'error');
    location.hash = '#/signin';
  }
}
api.setUnauthenticatedHandler(unauthenticated);

function teardown() {
  if (!current) return;
  for (const unsub of current.subs) unsub();
  if (typeof current.cleanup === 'function') current.cleanup();
  current = null;
}

async function route() {
  const hash = location.hash || '';
  if (hash && !hash.startsWith('#/')) return; // an in-page anchor, not a route
  const [path0, queryText = ''] = (hash.slice(1) || '/').split('?');
  const path = path0 || '/';
  const seq = ++renderSeq;
  teardown();
  clear(main);
  if (path === '/signin' || !caller) {
    if (caller) { location.hash = defaultRoute(); return; }
    if (path !== '/signin') { wanted = hash; location.replace('#/signin'); return; }
    document.title = '登录 · 12345 工单台';
    signin.render({main, flash, onSignedIn});
    return;
  }
  if (path === '/') { location.replace(defaultRoute()); return; }
  const found = ROUTES.map((r) => ({r, m: path.match(r.re)})).find((x) => x.m);
  markNav(hash);
  if (!found) {
    main.appendChild(h('section', {class: 'panel'}, h('h1', null, '找不到此页面'),
      h('p', null, h('a', {href: defaultRoute()}, '回到首页'))));
    return;
  }
  const {r, m} = found;
  document.title = `${r.title} · 12345 工单台`;
  const allowed = r.who === ANY || r.who === role() || (r.who === STAFF && (role() === BUREAU || role() === DEPARTMENT));
  if (!allowed) {
    main.appendChild(h('section', {class: 'panel refusal', role: 'alert'}, h('h1', null, '无权访问'),
      h('p', null, r.who === BUREAU ? '此页面仅供局端(bureau)使用。'
        : r.who === STAFF ? '此页面仅供局端和职能部门使用。' : '此页面仅供职能部门使用。'),
      h('p', null, h('a', {href: defaultRoute()}, '回到首页'))));
    return;
  }
  const state = {subs: [], cleanup: null};
  current = state;
  const ctx = {
    get caller() { return caller; }, // fresh after refreshCaller()
    role: role(), main, flash, nowMs, refreshCaller, params: m.slice(1), query: new URLSearchParams(queryText),
    isCurrent: () => seq === renderSeq,
    onFeed(fn) { if (seq === renderSeq) state.subs.push(feed.subscribe(fn)); },
    fail(e) { flash(e && e.message ? e.message : String(e), 'error', e && e.serverMessage); },
    go(h2) { location.hash = h2; },
  };
  try {
    state.cleanup = await r.page.render(ctx);
    if (seq !== renderSeq && typeof state.cleanup === 'function') state.cleanup();
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e instanceof api.ApiError && e.status === 401) return;
    main.appendChild(h('section', {class: 'panel refusal', role: 'alert'},
      h('h1', null, e.status === 403 ? '无权查看' : e.status === 404 ? '不存在' : '出错了'),
      h('p', {class: 'error-message'}, e.message || String(e)),
      e.serverMessage ? serverDetail(e.serverMessage) : null));
  }
}

async function onSignedIn(c) {
  c.offsetMs = Date.parse(c.now) - Date.now();
  caller = c;
  setTimeZone(caller.timeZone);
  showChrome();
  showBanner();
  feed.start();
  const next = wanted && wanted !== '#/signin' ? wanted : defaultRoute();
  wanted = '';
  location.hash = next;
}

document.getElementById('signout').addEventListener('click', async () => {
  try { await api.signOut(); } catch (e) { /* the session ends here either way */ }
  feed.stop();
  caller = null;
  showChrome();
  document.getElementById('banner').hidden = true;
  flash('已退出登录。');
  location.hash = '#/signin';
});
document.getElementById('skip').addEventListener('click', () => main.focus());
window.addEventListener('hashchange', route);

async function boot() {
  try {
    const c = await api.resumeSession();
    if (c) {
      c.offsetMs = Date.parse(c.now) - Date.now();
      caller = c;
      setTimeZone(caller.timeZone);
      showChrome();
      showBanner();
      feed.start();
    }
  } catch (e) {
    flash(e.message, 'error', e.serverMessage);
  }
  route();
}
boot();
