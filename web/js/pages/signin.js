// Sign-in: the person pastes a token once; the server answers with an
// HttpOnly session cookie, and the token is forgotten by the page.
import {h, field} from '../dom.js';
import * as api from '../api.js';
import {callerName} from '../names.js';
import {serverDetail} from '../ui.js';

export function render({main, flash, onSignedIn}) {
  const input = h('input', {type: 'password', id: 'token', name: 'token', autocomplete: 'off',
    required: true, spellcheck: 'false', placeholder: 'hl_…'});
  const error = h('p', {class: 'error-message', id: 'signin-error', role: 'alert', hidden: true});
  const button = h('button', {type: 'submit', class: 'primary'}, '登录');
  const form = h('form', {class: 'signin', id: 'signin-form', 'aria-describedby': 'signin-help'},
    h('h1', null, '登录 12345 工单台'),
    h('p', {id: 'signin-help', class: 'hint'},
      '请粘贴局端或职能部门的访问令牌(由局端在“部门与令牌”页创建)。令牌只用于换取本浏览器的会话,不会保存在页面中。'),
    field('访问令牌', input),
    error,
    h('div', {class: 'actions'}, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const token = input.value.trim();
    if (!token) {
      error.textContent = '请输入令牌。';
      error.hidden = false;
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const caller = await api.signIn(token);
      input.value = '';
      flash(`已登录:${callerName(caller)}`);
      onSignedIn(caller);
    } catch (err) {
      error.textContent = `登录失败:${err.message}`;
      if (err.serverMessage) error.append(serverDetail(err.serverMessage));
      error.hidden = false;
      input.select();
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  main.appendChild(h('section', {class: 'panel narrow'}, form));
  input.focus();
}
