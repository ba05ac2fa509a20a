// The login form: POST /api/v1/login with "cookie": true, so the session
// token lives only in an HttpOnly cookie (never in a URL or in storage).
import {post, get} from '../api.js';
import {h, clear, field} from '../dom.js';
import {t, lang, languages, setLang} from '../i18n.js';

export function render(root, onLogin) {
  const username = h('input', {name: 'username', autocomplete: 'username', required: true});
  const password = h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const error = h('p', {class: 'error', role: 'alert'});
  const select = h('select', {'aria-label': t('shell.language'), onchange: (e) => { setLang(e.target.value); render(root, onLogin); }},
    languages.map(([code, name]) => h('option', {value: code, selected: code === lang}, name)));
  const form = h('form', {class: 'login card', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await post('login', {username: username.value, password: password.value, cookie: true});
      onLogin(await get('me'));
    } catch (err) {
      error.textContent = err.status === 401 ? t('login.wrong') : err.message;
      password.select();
    }
  }},
  h('h1', {}, t('login.title')),
  field(t('login.username'), username),
  field(t('login.password'), password),
  error,
  h('button', {type: 'submit', class: 'primary'}, t('login.submit')),
  select);
  clear(root, h('main', {id: 'main', class: 'center'}, form));
  document.title = `${t('login.title')} · drover`;
  username.focus();
}
