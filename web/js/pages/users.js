// Admin: users and roles (create, change role, disable, delete).
import {get, post, patch, qs} from '../api.js';
import {h, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge, deleteButton, createPanel} from '../table.js';

const roles = ['viewer', 'operator', 'admin'];

export async function render({main, user}) {
  const table = pagedTable({
    caption: t('users.caption'),
    columns: [
      {key: 'username', label: t('login.username')},
      {key: 'role', label: t('users.role'), cell: (u) => h('select', {'aria-label': t('users.role_of', {name: u.username}), onchange: async (e) => {
        try { await patch(`users/${u.id}`, {role: e.target.value}); notify(t('form.saved')); } catch (err) { notify(err.message, 'error'); table.reload(); }
      }}, roles.map((r) => h('option', {value: r, selected: r === u.role}, t(`role.${r}`))))},
      {key: 'disabled', label: t('users.state'), cell: (u) => (u.disabled ? badge('disabled', t('users.disabled')) : badge('enabled', t('users.enabled')))},
      {key: 'created', label: t('common.created'), cell: (u) => fmtTime(u.created, lang)},
      {key: 'actions', label: t('common.actions'), cell: (u) => (u.id === user.id ? '' : h('span', {class: 'row-actions'},
        h('button', {type: 'button', onclick: async () => {
          try { await patch(`users/${u.id}`, {disabled: !u.disabled}); table.reload(); } catch (err) { notify(err.message, 'error'); }
        }}, u.disabled ? t('users.enable') : t('users.disable')),
        deleteButton(`users/${u.id}`, u.username, () => table.reload())))},
    ],
    load: (p) => get(`users${qs({limit: p.limit, offset: p.offset})}`),
  });
  const name = h('input', {name: 'username', required: true, autocomplete: 'off'});
  const pw = h('input', {name: 'password', type: 'password', required: true, minlength: 12, autocomplete: 'new-password'});
  const role = h('select', {name: 'role'}, roles.map((r) => h('option', {value: r}, t(`role.${r}`))));
  const form = createPanel(t('users.new'),
    [field(t('login.username'), name), field(t('login.password'), pw, t('password.rule')), field(t('users.role'), role)],
    () => post('users', {username: name.value.trim(), password: pw.value, role: role.value}), () => table.reload());
  main.append(h('h1', {}, t('nav.users')), form, table.root);
  await table.reload();
}
