// Charts drawn by the page itself as SVG: no library, nothing fetched.
// Colours come from CSS classes (console.css). A chart is laid out for the
// width it will have on the page (`width`, in CSS pixels; the viewBox has
// the same width), so its text keeps its size on a phone as on a desktop
// instead of shrinking with the drawing.
import {h, s} from './dom.js';

// The width to lay a chart out for in a box `avail` pixels wide holding
// `columns` charts side by side (figure padding and border taken off).
export function chartWidth(avail, columns = 1) {
  const gap = 16;
  const w = (avail - gap * (columns - 1)) / columns - 26;
  return Math.max(260, Math.round(w || 640));
}

function figure(title, svg, caption) {
  return h('figure', {class: 'chart'}, h('figcaption', null, title), svg,
    caption ? h('p', {class: 'hint'}, caption) : null);
}

// The step between an axis's ticks for counts (tickets, cards): a whole
// number 1, 2 or 5 times a power of ten, so that at most `ticks` steps
// reach `max`.
export function countStep(max, ticks = 4) {
  const raw = Math.max(1, max) / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, m * p);
  return Math.max(1, 10 * p);
}

function niceMax(v) {
  const step = countStep(v);
  return Math.max(step, Math.ceil(v / step) * step);
}

// Vertical bars, e.g. daily intake: items [{label, value}] (whole counts).
export function columnChart(title, items, {unit = '件', cls = 'bar', width = 640} = {}) {
  const W = Math.round(width); const H = 220; const L = 36; const B = 28; const T = 12; const R = 8;
  const step0 = countStep(Math.max(1, ...items.map((i) => i.value)));
  const max = niceMax(Math.max(1, ...items.map((i) => i.value)));
  const n = Math.max(1, items.length);
  const step = (W - L - R) / n;
  const bw = Math.min(48, Math.max(1, step * 0.7));
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title, class: 'svg-chart'});
  for (let v = 0; v <= max; v += step0) {
    const y = H - B - ((H - B - T) * v) / max;
    svg.appendChild(s('line', {x1: L, x2: W - R, y1: y, y2: y, class: 'grid'}));
    svg.appendChild(s('text', {x: L - 4, y: y + 4, class: 'axis tick', 'text-anchor': 'end'}, String(v)));
  }
  // A label every so many bars, as many as fit (about 44 px each).
  const labelEvery = Math.ceil(n / Math.max(2, Math.floor((W - L - R) / 44)));
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

// A bar's label cut to `chars` characters; its `suffix` (黄牌, 红牌) is
// never cut, so the bars of one department stay told apart.
function fitLabel(label, suffix, chars) {
  const tail = suffix ? ` ${suffix}` : '';
  if (label.length + tail.length <= chars) return label + tail;
  return `${label.slice(0, Math.max(1, chars - tail.length - 1))}…${tail}`;
}

// Horizontal bars with a value label: items [{label, suffix, value, text, cls}],
// values from 0 to `max`.
export function barList(title, items, {max, unit = '', width = 640} = {}) {
  const W = Math.round(width); const rowH = 26; const L = Math.min(150, Math.round(W * 0.36)); const R = Math.min(90, Math.round(W * 0.2));
  const H = Math.max(1, items.length) * rowH + 8;
  const top = max || niceMax(Math.max(1, ...items.map((i) => i.value)));
  // Labels cut to what fits their column (CJK characters about 12 px).
  const chars = Math.max(4, Math.floor((L - 8) / 12));
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title, class: 'svg-chart'});
  if (!items.length) {
    svg.appendChild(s('text', {x: 8, y: 20, class: 'axis'}, '暂无数据'));
  }
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const w = ((W - L - R) * Math.min(item.value, top)) / top;
    svg.appendChild(s('text', {x: L - 6, y: y + 17, class: 'axis', 'text-anchor': 'end'},
      fitLabel(item.label, item.suffix, chars)));
    svg.appendChild(s('rect', {x: L, y: y + 4, width: W - L - R, height: rowH - 10, class: 'track'}));
    svg.appendChild(s('rect', {x: L, y: y + 4, width: Math.max(0, w), height: rowH - 10, class: item.cls || 'bar'},
      s('title', null, `${item.label}${item.suffix ? ` ${item.suffix}` : ''}:${item.text ?? item.value}${unit}`)));
    svg.appendChild(s('text', {x: L + Math.max(0, w) + 6, y: y + 17, class: 'value'}, `${item.text ?? item.value}${unit}`));
  });
  return figure(title, svg);
}

// Each department's on-time rate and its yellow/red cards.
export function departmentChart(title, rows, {width = 640} = {}) {
  const rateItems = rows.map((r) => ({
    label: r.label,
    value: r.permille === undefined ? 0 : r.permille / 10,
    text: r.permille === undefined ? '-' : `${Math.floor(r.permille / 10)}.${r.permille % 10}%`,
    cls: r.permille === undefined ? 'bar-muted' : r.permille >= 950 ? 'bar-good' : r.permille >= 800 ? 'bar-warn' : 'bar-bad',
  }));
  const cardItems = [];
  for (const r of rows) {
    cardItems.push({label: r.label, suffix: '黄牌', value: r.yellow, cls: 'bar-yellow'});
    cardItems.push({label: r.label, suffix: '红牌', value: r.red, cls: 'bar-red'});
  }
  return h('div', {class: 'chart-pair'},
    barList(`${title}:按时办结率`, rateItems, {max: 100, width}),
    barList(`${title}:黄牌与红牌`, cardItems, {unit: '张', width}));
}

// Open tickets by how close their reply deadline is.
export function deadlineChart(title, buckets, {width = 640} = {}) {
  const items = [
    {label: '已超期', value: buckets.overdue, cls: 'bar-bad'},
    {label: '今日到期', value: buckets.today, cls: 'bar-warn'},
    {label: '3日内到期', value: buckets.soon, cls: 'bar-yellow'},
    {label: '更晚', value: buckets.later, cls: 'bar-good'},
    {label: '无时限(未派/退回)', value: buckets.none, cls: 'bar-muted'},
  ];
  return barList(title, items, {unit: '件', width});
}

// A score over time, e.g. a department's 考核 score month by month: items
// [{label, value}] with values from 0 to `max` (null: no score that month,
// a gap in the line). Each point carries its value as text and title.
export function lineChart(title, items, {max = 100, unit = '分', width = 640, caption} = {}) {
  const W = Math.round(width); const H = 180; const L = 36; const B = 28; const T = 16; const R = 16;
  const n = Math.max(1, items.length);
  const step = (W - L - R) / n;
  const y = (v) => H - B - ((H - B - T) * v) / max;
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title, class: 'svg-chart line-chart'});
  for (let v = 0; v <= max; v += max / 4) {
    svg.appendChild(s('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid'}));
    svg.appendChild(s('text', {x: L - 4, y: y(v) + 4, class: 'axis tick', 'text-anchor': 'end'}, String(v)));
  }
  // A gap where a month has no score: the line starts again after it.
  let d = '';
  let prev = false;
  const points = [];
  items.forEach((item, i) => {
    const x = L + i * step + step / 2;
    svg.appendChild(s('text', {x, y: H - B + 16, class: 'axis', 'text-anchor': 'middle'}, item.label));
    const has = item.value !== null && item.value !== undefined;
    if (has) {
      d += `${prev ? 'L' : 'M'}${x.toFixed(1)},${y(item.value).toFixed(1)}`;
      points.push(s('circle', {cx: x, cy: y(item.value), r: 3.5, class: 'point', 'data-value': String(item.value)},
        s('title', null, `${item.label}:${item.value}${unit}`)));
    }
    prev = has;
  });
  if (d) svg.appendChild(s('path', {d, class: 'line', fill: 'none'}));
  for (const p of points) svg.appendChild(p);
  return figure(title, svg, caption);
}
