// One host: its fields, tags, vars and job history; edit and delete for
// operators.
import {get, del, qs} from '../api.js';
import {h, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {badge, pagedTable} from '../table.js';

const shown = ['hostname', 'ip', 'role', 'platform', 'machine_type', 'line', 'idc', 'region'];

export async function render({main, params, can, go}) {
  const host = await get(`hosts/${params[0]}`);
  // The jobs that ran on this host (their events name it), newest first.
  const jobs = pagedTable({
    caption: t('host.jobs'),
    limit: 10,
    columns: [
      {key: 'id', label: '#', cell: (j) => h('a', {href: `#/jobs/${j.id}`}, `#${j.id}`)},
      {key: 'name', label: t('job.name'), cell: (j) => h('a', {href: `#/jobs/${j.id}`}, j.name)},
      {key: 'state', label: t('job.state'), cell: (j) => badge(j.state, t(`state.${j.state}`))},
      {key: 'created', label: t('common.created'), cell: (j) => fmtTime(j.created, lang)},
    ],
    load: (p) => get(`hosts/${host.id}/jobs${qs({limit: p.limit, offset: p.offset})}`),
  });
  const rows = shown.map((k) => [t(`host.${k}`), host[k]]);
  rows.push([t('host.status'), badge(host.status, t(`status.${host.status}`))]);
  rows.push([t('host.tags'), (host.tags || []).join(', ')]);
  rows.push([t('common.created'), fmtTime(host.created, lang)]);
  rows.push([t('common.updated'), fmtTime(host.updated, lang)]);
  main.append(
    h('p', {class: 'crumbs'}, h('a', {href: '#/hosts'}, t('nav.hosts'))),
    h('h1', {}, host.hostname),
    can('operator') ? h('div', {class: 'actions'},
      h('a', {class: 'button', href: `#/hosts/${host.id}/edit`}, t('action.edit')),
      h('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(t('hosts.confirm_delete_one', {name: host.hostname}))) return;
        await del(`hosts/${host.id}`);
        notify(t('hosts.deleted', {n: 1}));
        go('/hosts');
      }}, t('action.delete'))) : null,
    h('dl', {class: 'facts card'}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')])),
    h('h2', {}, t('host.vars')),
    h('pre', {class: 'code'}, JSON.stringify(host.vars || {}, null, 2)),
    h('h2', {}, t('host.jobs')), jobs.root);
  await jobs.reload();
}
