// Admin: the audit log, newest first, filtered by resource, action and user.
import {get, qs} from '../api.js';
import {h, field, fmtTime} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable} from '../table.js';

export async function render({main}) {
  const inputs = {resource: h('input', {name: 'resource', size: 10}), action: h('input', {name: 'action', size: 10}),
    username: h('input', {name: 'username', size: 12})};
  const filters = {};
  const table = pagedTable({
    caption: t('audit.caption'),
    columns: [
      {key: 'time', label: t('audit.time'), cell: (a) => fmtTime(a.time, lang)},
      {key: 'username', label: t('login.username')},
      {key: 'action', label: t('audit.action')},
      {key: 'resource', label: t('audit.resource'), cell: (a) => `${a.resource}${a.resource_id ? ` #${a.resource_id}` : ''}`},
      {key: 'address', label: t('sessions.address')},
      {key: 'details', label: t('audit.details'), cell: (a) => h('code', {}, JSON.stringify(a.details || {}))},
    ],
    load: (p) => get(`audit${qs({...filters, limit: p.limit, offset: p.offset})}`),
  });
  const form = h('form', {class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    for (const [k, el] of Object.entries(inputs)) filters[k] = el.value.trim();
    table.restart();
  }}, field(t('audit.resource'), inputs.resource), field(t('audit.action'), inputs.action), field(t('login.username'), inputs.username),
  h('button', {type: 'submit'}, t('hosts.filter')));
  main.append(h('h1', {}, t('nav.audit')), form, table.root);
  await table.reload();
}
