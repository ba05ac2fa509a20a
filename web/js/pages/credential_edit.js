// Edit a credential (admin): name, username, description, who may use it,
// and a new secret. The current secret is never shown (the API has none to
// give); leaving the field empty keeps it.
import {get, patch} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';

export async function render({main, params, go}) {
  const cred = await get(`credentials/${params[0]}`);
  const name = h('input', {name: 'name', required: true, value: cred.name});
  const username = h('input', {name: 'username', value: cred.username || ''});
  const description = h('input', {name: 'description', value: cred.description || '', size: 40});
  const secret = h('textarea', {name: 'secret', rows: 4, spellcheck: 'false', autocomplete: 'off'});
  const roles = ['operator', 'viewer'].map((r) => [r, h('input', {type: 'checkbox', value: r, checked: (cred.allowed_roles || []).includes(r)})]);
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {name: name.value.trim(), username: username.value.trim(), description: description.value,
      allowed_roles: roles.filter(([, b]) => b.checked).map(([r]) => r)};
    if (secret.value) body.secret = secret.value;
    try {
      await patch(`credentials/${cred.id}`, body);
      notify(t('form.saved'));
      go('/credentials');
    } catch (err) {
      error.textContent = err.message;
    }
  }},
  field(t('common.name'), name), field(t('credential.username'), username),
  field(t('credential.description'), description),
  field(t('credential.new_secret'), secret, t('credential.new_secret_hint')),
  h('fieldset', {}, h('legend', {}, t('credential.allowed_roles')), roles.map(([r, b]) => h('label', {class: 'inline'}, b, ' ', t(`role.${r}`)))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/credentials'}, t('action.cancel'))));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/credentials'}, t('nav.credentials'))),
    h('h1', {}, t('credentials.edit', {name: cred.name})), h('p', {class: 'meta'}, t(`credential.${cred.kind}`)), form);
}
