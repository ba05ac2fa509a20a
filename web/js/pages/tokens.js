// "My tokens": personal API tokens (the secret shown once, on creation),
// live login sessions, and the password change.
import {get, post, del, qs} from '../api.js';
import {h, clear, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable} from '../table.js';

export async function render({main, user}) {
  const shown = h('div', {'aria-live': 'polite'});
  const tokens = pagedTable({
    caption: t('tokens.caption'),
    columns: [
      {key: 'name', label: t('common.name')},
      {key: 'created', label: t('common.created'), cell: (r) => fmtTime(r.created, lang)},
      {key: 'expires', label: t('tokens.expires'), cell: (r) => (r.expires ? fmtTime(r.expires, lang) : t('tokens.never'))},
      {key: 'revoked', label: t('tokens.state'), cell: (r) => (r.revoked ? t('tokens.revoked') : h('button', {type: 'button', class: 'danger', onclick: async () => {
        await del(`tokens/${r.id}`); notify(t('tokens.revoked')); tokens.reload();
      }}, t('tokens.revoke')))},
    ],
    load: (p) => get(`tokens${qs({limit: p.limit, offset: p.offset})}`),
  });
  const name = h('input', {name: 'name', required: true});
  const days = h('input', {name: 'expires_in_days', type: 'number', min: 1, max: 3650, value: 90});
  const create = h('form', {class: 'form inline-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const tok = await post('tokens', {name: name.value.trim(), expires_in_days: Number(days.value)});
      clear(shown, h('div', {class: 'card secret'}, h('p', {}, t('tokens.copy_now')), h('code', {id: 'new-token'}, tok.token)));
      name.value = '';
      tokens.reload();
    } catch (err) { notify(err.message, 'error'); }
  }}, field(t('common.name'), name), field(t('tokens.days'), days), h('button', {type: 'submit', class: 'primary'}, t('tokens.create')));

  const sessions = h('div');
  async function loadSessions() {
    const page = await get('sessions');
    clear(sessions, h('table', {class: 'grid'}, h('caption', {}, t('sessions.caption')),
      h('thead', {}, h('tr', {}, [t('common.created'), t('tokens.expires'), t('sessions.address'), ''].map((c) => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, page.items.map((s) => h('tr', {}, h('td', {}, fmtTime(s.created, lang)), h('td', {}, fmtTime(s.expires, lang)),
        h('td', {}, s.address), h('td', {}, s.current ? t('sessions.current') : h('button', {type: 'button', onclick: async () => {
          await del(`sessions/${s.id}`); loadSessions();
        }}, t('tokens.revoke'))))))));
  }

  const cur = h('input', {type: 'password', autocomplete: 'current-password', required: true});
  const next = h('input', {type: 'password', autocomplete: 'new-password', required: true, minlength: 12});
  const pwError = h('p', {class: 'error', role: 'alert'});
  const password = h('form', {class: 'form', onsubmit: async (e) => {
    e.preventDefault();
    pwError.textContent = '';
    try {
      await post('password', {current_password: cur.value, new_password: next.value});
      notify(t('password.changed'));
      location.reload();
    } catch (err) { pwError.textContent = err.message; }
  }}, field(t('password.current'), cur), field(t('password.new'), next, t('password.rule')), pwError,
  h('button', {type: 'submit'}, t('password.change')));

  main.append(h('h1', {}, t('tokens.title', {name: user.username})),
    h('section', {class: 'card'}, h('h2', {}, t('nav.tokens')), create, shown, tokens.root),
    h('section', {class: 'card'}, h('h2', {}, t('sessions.title')), sessions),
    h('section', {class: 'card'}, h('h2', {}, t('password.title')), password));
  await Promise.all([tokens.reload(), loadSessions()]);
}
