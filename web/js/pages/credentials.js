// Credentials: operators see them (never a secret: the API has none to
// give), admins create, edit (credential_edit.js) and delete them. The secret field is write-only.
import {get, post, qs} from '../api.js';
import {h, field, fmtTime} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, deleteButton, createPanel} from '../table.js';

const kinds = ['ssh_key', 'password', 'become'];

export async function render({main, can}) {
  const table = pagedTable({
    caption: t('credentials.caption'),
    columns: [
      {key: 'name', label: t('common.name')},
      {key: 'kind', label: t('credential.kind'), cell: (c) => t(`credential.${c.kind}`)},
      {key: 'username', label: t('credential.username')},
      {key: 'allowed_roles', label: t('credential.allowed_roles'), cell: (c) => (c.allowed_roles || []).map((r) => t(`role.${r}`)).join(', ')},
      {key: 'created', label: t('common.created'), cell: (c) => fmtTime(c.created, lang)},
      {key: 'actions', label: t('common.actions'), cell: (c) => can('admin') ? h('span', {class: 'row-actions'},
        h('a', {class: 'button', href: `#/credentials/${c.id}/edit`, 'aria-label': `${t('action.edit')} ${c.name}`}, t('action.edit')),
        deleteButton(`credentials/${c.id}`, c.name, () => table.reload())) : ''},
    ],
    load: (p) => get(`credentials${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h1', {}, t('nav.credentials')));
  if (can('admin')) main.append(newCredential(() => table.reload()));
  main.append(table.root);
  await table.reload();
}

function newCredential(done) {
  const name = h('input', {name: 'name', required: true});
  const kind = h('select', {name: 'kind'}, kinds.map((k) => h('option', {value: k}, t(`credential.${k}`))));
  const username = h('input', {name: 'username'});
  const secret = h('textarea', {name: 'secret', rows: 4, required: true, spellcheck: 'false', autocomplete: 'off'});
  const roles = ['operator', 'viewer'].map((r) => [r, h('input', {type: 'checkbox', value: r})]);
  return createPanel(t('credentials.new'), [
    field(t('common.name'), name), field(t('credential.kind'), kind), field(t('credential.username'), username),
    field(t('credential.secret'), secret, t('credential.secret_hint')),
    h('fieldset', {}, h('legend', {}, t('credential.allowed_roles')), roles.map(([r, b]) => h('label', {class: 'inline'}, b, ' ', t(`role.${r}`))))],
  () => post('credentials', {name: name.value.trim(), kind: kind.value, username: username.value.trim(), secret: secret.value,
    allowed_roles: roles.filter(([, b]) => b.checked).map(([r]) => r)}), done);
}
