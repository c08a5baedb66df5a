// Names people know for the principals the API names by id: "bureau",
// "department/housing", "intake/city-platform", and the server's own
// actors "sweeper" (the deadline rules) and "calendar". The id stays
// available as a detail (a tooltip), never as the text.
import {h} from './dom.js';

// The signed-in caller: GetCaller's display_name (the department's, or the
// token's), else the role.
export function callerName(caller) {
  if (!caller) return '';
  return caller.displayName || principalName(caller.principal);
}

// `depts`: ListDepartments' departments; `tokens`: ListTokens' tokens (the
// bureau only; an intake source is named after its token's display name).
export function principalName(principal, depts = [], tokens = []) {
  const p = String(principal || '');
  if (!p) return '—';
  if (p === 'bureau') return '局端';
  if (p === 'sweeper') return '时限规则(系统)';
  if (p === 'calendar') return '工作日历(系统)';
  if (p.startsWith('department/')) {
    const name = `departments/${p.slice('department/'.length)}`;
    const d = depts.find((x) => x.name === name);
    return d && d.displayName ? d.displayName : '职能部门';
  }
  if (p.startsWith('intake/')) {
    const t = tokens.find((x) => x.principal === p && x.displayName && !x.revokeTime)
      || tokens.find((x) => x.principal === p && x.displayName);
    return t ? t.displayName : '受理平台';
  }
  return p;
}

// The name as an element with the id as its tooltip.
export function principalLabel(principal, depts = [], tokens = []) {
  if (!principal) return '';
  return h('span', {class: 'principal', title: principal, 'data-principal': principal},
    principalName(principal, depts, tokens));
}
