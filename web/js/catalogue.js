// The category catalogue (诉求分类) and the dispatch catalogue (派单目录)
// as the pages show them, shared by the dispatch queue, the ticket page,
// the 派单目录 page and the 热点分析 page.
//
// Categories come from GET /v1/categories (anyone), read once per page
// load and kept: the server reads its catalogue at start, so it does not
// change while the console runs. A category shows as
// "010101 私搭乱建 (城乡建设 › 违法建设)".
//
// A suggestion comes from GET /v1/tickets/{id}:suggestDispatch (the
// bureau's): the most specific rule of the current dispatch catalogue for
// the ticket's category (or the one being picked) and the township in its
// address. The box beside the department picker says it and 采用 fills
// the lead and the assisting departments; the server records whether the
// dispatch followed it. The server decides; nothing here is a rule.
import {h, select, uid} from './dom.js';
import * as api from './api.js';
import {fmtTime} from './format.js';
import {table, deptName} from './ui.js';

let loading = null;

// {version, categories: [{code, name, level, parent}]}, fetched once; a
// failed read is asked again next time.
export function categories() {
  if (!loading) {
    loading = api.get('/v1/categories').then((r) => ({version: r.version || '', categories: r.categories || []}),
      (e) => { loading = null; throw e; });
  }
  return loading;
}

// "010101 私搭乱建 (城乡建设 › 违法建设)"; the code alone when the catalogue
// does not have it; '' for no code.
export function categoryLabel(cats, code) {
  if (!code) return '';
  const byCode = new Map(((cats && cats.categories) || []).map((c) => [c.code, c]));
  const c = byCode.get(code);
  if (!c) return code;
  const path = [];
  for (let p = byCode.get(c.parent); p; p = byCode.get(p.parent)) path.unshift(p.name);
  return `${c.code} ${c.name}${path.length ? ` (${path.join(' › ')})` : ''}`;
}

// A select of every category, grouped by 大类 (an optgroup each), the 中类
// and 小类 indented under their parents; first an empty choice
// (`empty`). `value`: the code chosen at the start.
export function categoryPicker(cats, {value = '', empty = '— 未分类 —', name = 'category', id} = {}) {
  const el = h('select', {name, id: id || uid('category'), class: 'category-picker'});
  el.appendChild(h('option', {value: ''}, empty));
  const list = (cats && cats.categories) || [];
  let group = null;
  for (const c of list) {
    if (c.level === 1) {
      group = h('optgroup', {label: `${c.code} ${c.name}`});
      el.appendChild(group);
    }
    const indent = '\u3000'.repeat(Math.max(0, (c.level || 1) - 1));
    (group || el).appendChild(h('option', {value: c.code, title: categoryLabel(cats, c.code)}, `${indent}${c.code} ${c.name}`));
  }
  if (value && !list.some((c) => c.code === value)) el.appendChild(h('option', {value}, value));
  el.value = value || '';
  return el;
}

// The departments of a rule: "住建局 (协办: 城管局、交通局)".
export function ruleDepartments(rule, depts) {
  const assisting = (rule.assistingDepartments || []).map((d) => deptName(depts, d));
  return `${deptName(depts, rule.department)}${assisting.length ? ` (协办: ${assisting.join('、')})` : ''}`;
}

// "0101 违法建设 · 城关镇" / "0101 违法建设 · 全部乡镇".
export function ruleScope(rule, cats) {
  return `${categoryLabel(cats, rule.category)} · ${rule.township || '全部乡镇'}`;
}

// Cached suggestions: "ticket|etag|category" -> a promise of the answer.
const suggestions = new Map();

// The suggestion for `t` were it classified `category` ('' = its own).
export function suggestion(t, category) {
  const key = `${t.name}|${t.etag || ''}|${category || ''}`;
  if (!suggestions.has(key)) {
    const p = api.get(`/v1/${t.name}:suggestDispatch`, {category: category || undefined});
    p.catch(() => suggestions.delete(key));
    suggestions.set(key, p);
  }
  return suggestions.get(key);
}

// The box beside a dispatch form's department picker: "派单目录建议: 住建局
// (协办: …) [采用]". `leadSelect`: the lead's select; `assistEl`: the
// assisting departments' picker (assists.js), whose boxes 采用 checks.
// `onAdopt()` after 采用 filled them. Returns the element; `update(t,
// category)` asks again (the category picked changed).
export function suggestionBox(ctx, depts, leadSelect, assistEl, {onAdopt = null} = {}) {
  const box = h('div', {class: 'dispatch-suggestion', 'aria-live': 'polite', dataset: {state: 'loading'}},
    h('span', {class: 'muted'}, '派单目录建议:正在读取…'));
  let asked = 0;
  function adopt(rule) {
    if (![...leadSelect.options].some((o) => o.value === rule.department)) {
      ctx.flash(`建议的承办部门${deptName(depts, rule.department)}不能选为本次派单的部门(如退单的原部门),请另选。`, 'error');
      return;
    }
    leadSelect.value = rule.department;
    leadSelect.dispatchEvent(new Event('change'));
    const wanted = new Set(rule.assistingDepartments || []);
    for (const b of assistEl.querySelectorAll('input[name=assistingDepartment]')) {
      if (b.disabled) continue;
      const on = wanted.has(b.value);
      if (b.checked !== on) { b.checked = on; b.dispatchEvent(new Event('change')); }
    }
    if (wanted.size) assistEl.open = true;
    if (onAdopt) onAdopt();
  }
  async function update(t, category) {
    const mine = ++asked;
    box.dataset.state = 'loading';
    box.replaceChildren(h('span', {class: 'muted'}, '派单目录建议:正在读取…'));
    let s;
    try {
      s = await suggestion(t, category);
    } catch (e) {
      if (mine !== asked) return;
      box.dataset.state = 'error';
      box.replaceChildren(h('span', {class: 'muted'}, `派单目录建议:读取失败(${e.message})`));
      return;
    }
    if (mine !== asked) return;
    const rule = s.rule;
    if (!rule) {
      box.dataset.state = 'none';
      box.replaceChildren(h('span', {class: 'muted'}, category || t.category
        ? '派单目录建议:目录中没有适用于该分类和乡镇的条目,请自行选择部门。'
        : '派单目录建议:工单未分类,选择诉求分类后给出建议。'));
      return;
    }
    box.dataset.state = 'rule';
    box.dataset.department = rule.department;
    // The lead not offered (the department that returned the ticket): no 采用.
    const offered = [...leadSelect.options].some((o) => o.value === rule.department);
    const button = offered ? h('button', {type: 'button', class: 'secondary adopt-suggestion'}, '采用')
      : h('span', {class: 'muted'}, '(即退单的部门:如属其职责,请驳回退单)');
    if (offered) button.addEventListener('click', () => adopt(rule));
    box.replaceChildren(h('strong', null, '派单目录建议: '), h('span', {class: 'suggested-departments'}, ruleDepartments(rule, depts)),
      ' ', button,
      h('span', {class: 'muted'}, ` 依据第 ${s.catalogueVersion} 版目录:${rule.category}${rule.township ? ` · ${rule.township}` : ''}`
        + `${rule.note ? `(${rule.note})` : ''}`));
  }
  return {el: box, update};
}

// The ticket's dispatches (每次派单): when, to which department, the
// suggestion then, whether it followed it, whether it was returned.
export function dispatchRecords(t, depts) {
  const rows = (t.dispatches || []).map((d, i) => {
    const rule = d.suggestion && d.suggestion.rule;
    return h('tr', {dataset: {index: i, followed: String(Boolean(d.followed)), returned: String(Boolean(d.returned))}},
      h('td', null, fmtTime(d.dispatchTime)),
      h('th', {scope: 'row'}, deptName(depts, d.department)),
      h('td', null, rule ? `${ruleDepartments(rule, depts)}(第 ${d.suggestion.catalogueVersion} 版)` : '无建议'),
      h('td', {dataset: {cell: 'followed'}}, !rule ? '—' : d.followed ? '按目录' : '未按目录'),
      h('td', {dataset: {cell: 'returned'}}, d.returned ? '已退单' : '否'));
  });
  return table(['派单时间', '部门', '派单目录建议', '是否按目录', '是否退单'], rows, {caption: `共派单 ${rows.length} 次`});
}

// "12.5%" from permille; "—" when unset.
export function permilleText(p) {
  if (p === undefined || p === null) return '—';
  const v = Math.abs(Number(p));
  return `${Math.floor(v / 10)}.${v % 10}%`;
}

// The 热点问题 sentence exactly as hotlinectl's HotspotsZh
// (tools/hotspot_format.cc): '' when no category has tickets.
export function hotspotsZh(hot) {
  const top = hot.topCategories || [];
  if (!top.length) return '';
  const n = (v) => Number(v || 0);
  const labelOf = (r) => (r.name ? r.name : r.key);
  const growth = (r) => {
    if (r.growthPermille === undefined || r.growthPermille === null) return '(上期无)';
    if (n(r.growthPermille) === 0) return '(环比持平)';
    return `${n(r.growthPermille) > 0 ? '(环比增长' : '(环比下降'}${permilleText(r.growthPermille)})`;
  };
  let out = `热点问题:${top.slice(0, 3).map((r) => `${labelOf(r)}${n(r.count)}件${growth(r)}`).join('、')}`;
  const rising = hot.risingCategories || [];
  if (rising.length) out += `;增长最快的是${labelOf(rising[0])}(增加${n(rising[0].count) - n(rising[0].previousCount)}件)`;
  const places = (hot.topTownships || []).slice(0, 3).map((r) => `${r.key}(${n(r.count)}件)`);
  if (places.length) out += `;诉求集中在${places.join('、')}`;
  if (n(hot.repeatedTickets) > 0) out += `;重复诉求${n(hot.repeatedTickets)}件`;
  return `${out}。\n`;
}

// A <select> of the levels 大类 / 中类 / 小类.
export function levelSelect(value = '2', attrs = {}) {
  return select([{value: '1', label: '大类'}, {value: '2', label: '中类'}, {value: '3', label: '小类'}]
    .map((o) => ({...o, selected: o.value === String(value)})), attrs);
}
