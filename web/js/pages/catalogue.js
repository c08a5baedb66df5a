// 派单目录 — the dispatch catalogue (GET /v1/dispatchCatalogue, anyone):
// which department leads, and which usually assist, for a category (诉求分类)
// and, when the rule names one, a township (乡镇/街道). The bureau edits the
// current rules as a table (add, remove, edit rows: category, township,
// lead, assisting, note), gives a reason and saves them as a new version
// (POST /v1/dispatchCatalogue with expectedVersion): when someone saved
// meanwhile the server refuses (CATALOGUE_VERSION) and the page offers to
// read the current version again. Departments see the rules read-only.
// The history lists the versions, newest first; a click shows a version's
// rules.
import {h, replace, field, select} from '../dom.js';
import * as api from '../api.js';
import {fmtTime} from '../format.js';
import {panel, table, departments, deptName, act} from '../ui.js';
import {principalLabel, principalName} from '../names.js';
import {assistPicker} from '../assists.js';
import {categories, categoryLabel, categoryPicker} from '../catalogue.js';

// The rules of a version, read-only.
function rulesTable(rules, cats, depts, caption) {
  return table(['诉求分类', '乡镇/街道', '承办部门(主办)', '协办单位', '说明'], (rules || []).map((r) =>
    h('tr', {dataset: {category: r.category || '', township: r.township || ''}},
      h('th', {scope: 'row'}, categoryLabel(cats, r.category)),
      h('td', null, r.township || '全部乡镇'),
      h('td', null, deptName(depts, r.department)),
      h('td', null, (r.assistingDepartments || []).map((d) => deptName(depts, d)).join('、') || '—'),
      h('td', {class: 'pre note'}, r.note || '—'))), {caption});
}

export async function render(ctx) {
  const isBureau = ctx.role === 'bureau';
  const [cats, depts] = await Promise.all([categories(), departments().catch(() => [])]);
  let current = await api.get('/v1/dispatchCatalogue');
  if (!ctx.isCurrent()) return undefined;
  const head = h('p', {class: 'hint', id: 'catalogue-version'});
  const editor = h('div', {id: 'catalogue-editor'});
  const stale = h('div', {id: 'catalogue-stale', 'aria-live': 'assertive'});
  const historyBox = h('div', {id: 'catalogue-history'});
  const versionView = h('div', {id: 'catalogue-version-view', 'aria-live': 'polite'});
  ctx.main.append(h('h1', null, '派单目录'),
    h('p', {class: 'hint'}, '按诉求分类(可细到乡镇/街道)确定承办部门和常用协办单位。派单时系统按工单的分类和地址中的乡镇给出建议,'
      + '以最具体的条目为准(小类优于中类、大类,指定乡镇优于全部乡镇);是否按目录派单、是否被退单都有记录,退单率见“热点分析”。'),
    head, stale, editor, panel('修订历史', historyBox, versionView));

  // The rows being edited: {category, township, department, assistingDepartments, note}.
  let rows = [];

  function showHead() {
    replace(head, current.version
      ? `当前第 ${current.version} 版,${fmtTime(current.updateTime)} 由${principalName(current.updatedBy || '', depts, [])}修订:${current.reason || ''}`
      : '尚未制定派单目录。');
  }

  function ruleRow(r, i) {
    const category = categoryPicker(cats, {value: r.category, empty: '— 选择诉求分类 —', name: 'ruleCategory'});
    const township = h('input', {type: 'text', name: 'township', value: r.township || '', maxlength: 100, placeholder: '全部乡镇', size: 10});
    const lead = select([{value: '', label: '— 选择部门 —'}, ...depts.map((d) => ({value: d.name, label: d.displayName || d.name}))],
      {name: 'ruleDepartment'});
    lead.value = r.department || '';
    const note = h('input', {type: 'text', name: 'ruleNote', value: r.note || '', maxlength: 2000});
    const picker = assistPicker(depts, lead, {kept: r.assistingDepartments || [],
      onChange: () => { r.department = lead.value; r.assistingDepartments = picker.values(); }});
    category.addEventListener('change', () => { r.category = category.value; });
    township.addEventListener('input', () => { r.township = township.value; });
    note.addEventListener('input', () => { r.note = note.value; });
    const remove = h('button', {type: 'button', class: 'link danger remove-rule'}, '删除');
    remove.addEventListener('click', () => { rows.splice(i, 1); showEditor(); });
    const label = (text, control) => { control.setAttribute('aria-label', `第 ${i + 1} 条 ${text}`); return control; };
    return h('tr', {class: 'rule-row', dataset: {index: i}},
      h('td', null, label('诉求分类', category)), h('td', null, label('乡镇/街道', township)),
      h('td', null, label('承办部门', lead)), h('td', null, picker.el), h('td', null, label('说明', note)), h('td', null, remove));
  }

  function showEditor() {
    if (!isBureau) {
      replace(editor, panel(`现行目录(${(current.rules || []).length} 条)`,
        rulesTable(current.rules, cats, depts, '只读:派单目录由局端修订')));
      return;
    }
    const add = h('button', {type: 'button', id: 'catalogue-add'}, '添加一条');
    add.addEventListener('click', () => {
      rows.push({category: '', township: '', department: '', assistingDepartments: [], note: ''});
      showEditor();
      editor.querySelector('tr.rule-row:last-of-type select[name=ruleCategory]')?.focus();
    });
    const reason = h('input', {type: 'text', id: 'catalogue-reason', name: 'reason', required: true, maxlength: 2000,
      value: editor.querySelector('#catalogue-reason')?.value || ''});
    const save = h('button', {type: 'submit', class: 'primary'}, '保存');
    const form = h('form', {id: 'catalogue-form'},
      table(['诉求分类', '乡镇/街道', '承办部门(主办)', '协办单位', '说明', ''], rows.map(ruleRow),
        {caption: `编辑第 ${current.version || 0} 版的 ${rows.length} 条;保存后成为第 ${Number(current.version || 0) + 1} 版`}),
      h('div', {class: 'actions'}, add),
      field('修订理由', reason, '必填,记入修订历史'),
      h('div', {class: 'actions'}, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) { ctx.flash('请填写修订理由。', 'error'); reason.focus(); return; }
      const missing = rows.findIndex((r) => !r.category || !r.department);
      if (missing >= 0) { ctx.flash(`第 ${missing + 1} 条缺少诉求分类或承办部门。`, 'error'); return; }
      replace(stale);
      save.disabled = true;
      try {
        const saved = await api.post('/v1/dispatchCatalogue', {
          rules: rows.map((r) => ({category: r.category, township: r.township.trim(), department: r.department,
            assistingDepartments: r.assistingDepartments || [], note: r.note})),
          reason: reason.value, expectedVersion: current.version || '0', requestId: api.requestId()});
        ctx.flash(`派单目录已保存为第 ${saved.version} 版。`);
        reason.value = '';
        await load();
      } catch (err) {
        ctx.fail(err);
        if (err.reason === 'CATALOGUE_VERSION') showStale(err);
      } finally {
        save.disabled = false;
      }
    });
    replace(editor, panel('编辑派单目录', form));
  }

  // Someone saved meanwhile: say so, and offer the current version (this
  // page's edits are dropped only when the person asks).
  function showStale(err) {
    const again = h('button', {type: 'button', class: 'primary', id: 'catalogue-reload'}, '重新读取最新版本(放弃本页修改)');
    again.addEventListener('click', () => act(ctx, again, async () => { replace(stale); await load(); }));
    replace(stale, h('div', {class: 'panel refusal', role: 'alert'}, h('p', {class: 'error-message'}, err.message), again));
  }

  function showHistory() {
    const history = current.history || [];
    replace(historyBox, table(['版本', '修订时间', '修订人', '理由', '条目数'], history.map((v) => {
      const open = h('button', {type: 'button', class: 'link', dataset: {version: v.version}}, `第 ${v.version} 版`);
      open.addEventListener('click', () => showVersion(v.version, open));
      return h('tr', {dataset: {version: v.version}}, h('th', {scope: 'row'}, open), h('td', null, fmtTime(v.updateTime)),
        h('td', null, principalLabel(v.updatedBy || '', depts, [])), h('td', {class: 'pre note'}, v.reason || ''),
        h('td', null, String(Number(v.ruleCount || 0))));
    }), {caption: '新版本在前'}));
  }

  async function showVersion(version, button) {
    const got = await act(ctx, button, () => api.get('/v1/dispatchCatalogue', {version}));
    if (!got || !ctx.isCurrent()) return;
    replace(versionView, h('h3', null, `第 ${got.version} 版:${got.reason || ''}`),
      rulesTable(got.rules, cats, depts, `${fmtTime(got.updateTime)} 修订,共 ${(got.rules || []).length} 条`));
    versionView.dataset.version = got.version;
  }

  async function load() {
    current = await api.get('/v1/dispatchCatalogue');
    if (!ctx.isCurrent()) return;
    rows = (current.rules || []).map((r) => ({category: r.category || '', township: r.township || '', department: r.department || '',
      assistingDepartments: [...(r.assistingDepartments || [])], note: r.note || ''}));
    showHead();
    showEditor();
    showHistory();
  }

  rows = (current.rules || []).map((r) => ({category: r.category || '', township: r.township || '', department: r.department || '',
    assistingDepartments: [...(r.assistingDepartments || [])], note: r.note || ''}));
  showHead();
  showEditor();
  showHistory();
  return undefined;
}
