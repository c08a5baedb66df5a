// Bureau: departments and access tokens. A token's secret is shown once,
// right after it is created.
import {h, replace, select, field} from '../dom.js';
import * as api from '../api.js';
import {fmtTime} from '../format.js';
import {table, departments, act, panel} from '../ui.js';
import {principalLabel} from '../names.js';

export async function render(ctx) {
  const deptBox = h('div', {id: 'dept-table'});
  const tokenBox = h('div', {id: 'token-table'});
  const secretBox = h('div', {id: 'token-secret', 'aria-live': 'polite'});

  const deptId = h('input', {type: 'text', id: 'dept-id', required: true, pattern: '[a-z][a-z0-9-]{0,62}', placeholder: 'housing'});
  const deptName = h('input', {type: 'text', id: 'dept-name', required: true, maxlength: 100, placeholder: '县住房和城乡建设局'});
  const deptButton = h('button', {type: 'submit', class: 'primary'}, '创建部门');
  const deptForm = h('form', {class: 'inline-form', id: 'dept-form'},
    field('部门标识(小写字母、数字、连字符)', deptId), field('部门名称', deptName), deptButton);

  const principal = select([], {id: 'token-principal'});
  const intakeId = h('input', {type: 'text', id: 'token-intake', placeholder: 'platform', pattern: '[a-z][a-z0-9-]{0,62}'});
  const tokenName = h('input', {type: 'text', id: 'token-name', maxlength: 100, placeholder: '用途,如:住建局值班电脑'});
  const tokenButton = h('button', {type: 'submit', class: 'primary'}, '创建令牌');
  const tokenForm = h('form', {class: 'inline-form', id: 'token-form'},
    field('身份', principal), field('受理来源标识(仅 intake)', intakeId), field('说明', tokenName), tokenButton);

  ctx.main.append(h('h1', null, '部门与令牌'),
    panel('职能部门', deptForm, deptBox),
    panel('访问令牌', h('p', {class: 'hint'}, '令牌密钥只在创建时显示一次,请当场交给使用者;服务器只保存其摘要。'), tokenForm, secretBox, tokenBox));

  let depts = [];

  async function loadDepts() {
    depts = await departments();
    if (!ctx.isCurrent()) return;
    replace(deptBox, table(['标识', '名称', '创建时间'], depts.map((d) => h('tr', {dataset: {department: d.name}},
      h('td', null, d.name), h('td', null, d.displayName || ''), h('td', null, fmtTime(d.createTime))))));
    const keep = principal.value;
    replace(principal, h('option', {value: 'bureau'}, '局端(bureau)'),
      ...depts.map((d) => h('option', {value: `department/${api.idOf(d.name)}`}, `部门:${d.displayName || d.name}`)),
      h('option', {value: 'intake'}, '受理来源(intake)'));
    if (keep) principal.value = keep;
  }

  async function loadTokens() {
    const {items} = await api.listAll('/v1/tokens', 'tokens');
    if (!ctx.isCurrent()) return;
    replace(tokenBox, table(['令牌', '身份', '说明', '创建时间', '状态', ''], items.map((t) => {
      let revoke = null;
      if (!t.revokeTime) {
        revoke = h('button', {type: 'button', class: 'danger', 'aria-label': `吊销 ${t.name}`}, '吊销');
        revoke.addEventListener('click', async () => {
          if (!window.confirm(`吊销 ${t.name}(${t.principal})?使用它的人将立即无法访问。`)) return;
          if (await act(ctx, revoke, () => api.post(`/v1/${t.name}:revoke`, {requestId: api.requestId()}), `已吊销 ${t.name}。`)) loadTokens();
        });
      }
      return h('tr', {dataset: {token: t.name}}, h('td', null, t.name),
        h('td', null, principalLabel(t.principal, depts, items), h('small', {class: 'muted'}, ` ${t.principal}`)), h('td', null, t.displayName || (t.certificateIdentity ? `证书:${t.certificateIdentity}` : '')),
        h('td', null, fmtTime(t.createTime)), h('td', null, t.revokeTime ? `已吊销 ${fmtTime(t.revokeTime)}` : '有效'),
        h('td', null, revoke));
    })));
  }

  deptForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = await act(ctx, deptButton, () => api.post('/v1/departments', {departmentId: deptId.value.trim(),
      department: {displayName: deptName.value.trim()}, requestId: api.requestId()}));
    if (d) {
      ctx.flash(`已创建部门 ${d.displayName}(${d.name})。`);
      deptForm.reset();
      loadDepts();
    }
  });

  tokenForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    let p = principal.value;
    if (p === 'intake') {
      if (!intakeId.value.trim()) { ctx.flash('请填写受理来源标识。', 'error'); intakeId.focus(); return; }
      p = `intake/${intakeId.value.trim()}`;
    }
    const t = await act(ctx, tokenButton, () => api.post('/v1/tokens', {token: {principal: p, displayName: tokenName.value.trim()}, requestId: api.requestId()}));
    if (!t) return;
    const secret = h('input', {type: 'text', readonly: true, value: t.secret || '', id: 'new-secret', class: 'secret'});
    const copy = h('button', {type: 'button'}, '复制');
    copy.addEventListener('click', async () => {
      secret.select();
      try { await navigator.clipboard.writeText(secret.value); ctx.flash('已复制。'); } catch { ctx.flash('请手动复制(Ctrl+C)。', 'error'); }
    });
    const hide = h('button', {type: 'button'}, '我已保存,隐藏');
    hide.addEventListener('click', () => replace(secretBox));
    replace(secretBox, h('div', {class: 'secret-box', role: 'status'},
      h('p', null, `${t.name}(${t.principal})的密钥,只显示这一次:`), field('密钥', secret), h('div', {class: 'actions'}, copy, hide)));
    secret.focus();
    secret.select();
    tokenForm.reset();
    loadTokens();
  });

  await loadDepts(); // the token list names departments
  await loadTokens();
}
