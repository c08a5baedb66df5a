// Charts drawn by the page itself as SVG: no library, nothing fetched.
// Colours come from CSS classes (console.css), sizes from the viewBox, so
// a chart scales with its box at any width.
import {h, s} from './dom.js';

function figure(title, svg, caption) {
  return h('figure', {class: 'chart'}, h('figcaption', null, title), svg,
    caption ? h('p', {class: 'hint'}, caption) : null);
}

function niceMax(v) {
  if (v <= 20) return Math.max(4, Math.ceil(v / 4) * 4);
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// Vertical bars, e.g. daily intake: items [{label, value}].
export function columnChart(title, items, {unit = '件', cls = 'bar'} = {}) {
  const W = 640; const H = 220; const L = 36; const B = 28; const T = 12; const R = 8;
  const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
  const n = Math.max(1, items.length);
  const step = (W - L - R) / n;
  const bw = Math.min(48, Math.max(1, step * 0.7));
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'svg-chart'});
  for (let k = 0; k <= 4; k++) {
    const v = (max / 4) * k;
    const y = H - B - ((H - B - T) * k) / 4;
    svg.appendChild(s('line', {x1: L, x2: W - R, y1: y, y2: y, class: 'grid'}));
    svg.appendChild(s('text', {x: L - 4, y: y + 4, class: 'axis', 'text-anchor': 'end'}, String(Math.round(v * 10) / 10)));
  }
  const labelEvery = Math.ceil(n / 12);
  items.forEach((item, i) => {
    const x = L + i * step + (step - bw) / 2;
    const bh = ((H - B - T) * item.value) / max;
    const rect = s('rect', {x, y: H - B - bh, width: bw, height: Math.max(0, bh), class: item.cls || cls},
      s('title', null, `${item.label}:${item.value}${unit}`));
    svg.appendChild(rect);
    if (i % labelEvery === 0) {
      svg.appendChild(s('text', {x: x + bw / 2, y: H - B + 16, class: 'axis', 'text-anchor': 'middle'}, item.label));
    }
  });
  const total = items.reduce((a, i) => a + i.value, 0);
  return figure(title, svg, `合计 ${total}${unit}`);
}

// Horizontal bars with a value label: items [{label, value, text, cls}],
// values from 0 to `max`.
export function barList(title, items, {max, unit = ''} = {}) {
  const rowH = 26; const L = 150; const W = 640; const R = 90;
  const H = Math.max(1, items.length) * rowH + 8;
  const top = max || niceMax(Math.max(1, ...items.map((i) => i.value)));
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'svg-chart'});
  if (!items.length) {
    svg.appendChild(s('text', {x: 8, y: 20, class: 'axis'}, '暂无数据'));
  }
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const w = ((W - L - R) * Math.min(item.value, top)) / top;
    svg.appendChild(s('text', {x: L - 6, y: y + 17, class: 'axis', 'text-anchor': 'end'},
      item.label.length > 12 ? `${item.label.slice(0, 11)}…` : item.label));
    svg.appendChild(s('rect', {x: L, y: y + 4, width: W - L - R, height: rowH - 10, class: 'track'}));
    svg.appendChild(s('rect', {x: L, y: y + 4, width: Math.max(0, w), height: rowH - 10, class: item.cls || 'bar'},
      s('title', null, `${item.label}:${item.text ?? item.value}${unit}`)));
    svg.appendChild(s('text', {x: L + Math.max(0, w) + 6, y: y + 17, class: 'value'}, `${item.text ?? item.value}${unit}`));
  });
  return figure(title, svg);
}

// Each department's on-time rate and its yellow/red cards.
export function departmentChart(title, rows) {
  const rateItems = rows.map((r) => ({
    label: r.label,
    value: r.permille === undefined ? 0 : r.permille / 10,
    text: r.permille === undefined ? '-' : `${Math.floor(r.permille / 10)}.${r.permille % 10}%`,
    cls: r.permille === undefined ? 'bar-muted' : r.permille >= 950 ? 'bar-good' : r.permille >= 800 ? 'bar-warn' : 'bar-bad',
  }));
  const cardItems = [];
  for (const r of rows) {
    cardItems.push({label: `${r.label} 黄牌`, value: r.yellow, cls: 'bar-yellow'});
    cardItems.push({label: `${r.label} 红牌`, value: r.red, cls: 'bar-red'});
  }
  return h('div', {class: 'chart-pair'},
    barList(`${title}:按时办结率`, rateItems, {max: 100}),
    barList(`${title}:黄牌与红牌`, cardItems, {unit: '张'}));
}

// Open tickets by how close their reply deadline is.
export function deadlineChart(title, buckets) {
  const items = [
    {label: '已超期', value: buckets.overdue, cls: 'bar-bad'},
    {label: '今日到期', value: buckets.today, cls: 'bar-warn'},
    {label: '3日内到期', value: buckets.soon, cls: 'bar-yellow'},
    {label: '更晚', value: buckets.later, cls: 'bar-good'},
    {label: '无时限(未派/退回)', value: buckets.none, cls: 'bar-muted'},
  ];
  return barList(title, items, {unit: '件'});
}
