// The job list: filters by state, kind and user; refreshed every 5 s while
// shown so running jobs move on their own.
import {get, qs} from '../api.js';
import {h, field, fmtTime, duration} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge} from '../table.js';

export const jobStates = ['pending', 'running', 'successful', 'failed', 'canceled', 'error'];

export async function render({main, query}) {
  const state = h('select', {name: 'state'}, h('option', {value: ''}, t('hosts.any')),
    jobStates.map((s) => h('option', {value: s, selected: query.get('state') === s}, t(`state.${s}`))));
  const kind = h('select', {name: 'kind'}, h('option', {value: ''}, t('hosts.any')),
    ['playbook', 'adhoc', 'sync'].map((k) => h('option', {value: k}, t(`kind.${k}`))));
  const user = h('input', {name: 'created_by', size: 12});
  const after = h('input', {name: 'created_after', type: 'date'});
  const filters = {};
  const read = () => Object.assign(filters, {state: state.value, kind: kind.value, created_by: user.value.trim(), created_after: after.value});
  read();
  const table = pagedTable({
    caption: t('jobs.caption'),
    columns: [
      {key: 'id', label: '#', cell: (j) => h('a', {href: `#/jobs/${j.id}`}, `#${j.id}`)},
      {key: 'name', label: t('job.name'), cell: (j) => h('a', {href: `#/jobs/${j.id}`}, j.name)},
      {key: 'state', label: t('job.state'), cell: (j) => badge(j.state, t(`state.${j.state}`))},
      {key: 'kind', label: t('job.kind'), cell: (j) => t(`kind.${j.kind}`)},
      {key: 'created', label: t('common.created'), cell: (j) => fmtTime(j.created, lang)},
      {key: 'duration', label: t('job.duration'), cell: (j) => duration(j.started, j.finished)},
    ],
    load: (p) => get(`jobs${qs({...filters, limit: p.limit, offset: p.offset})}`),
  });
  const form = h('form', {class: 'filters', onsubmit: (e) => { e.preventDefault(); read(); table.restart(); }},
    field(t('job.state'), state), field(t('job.kind'), kind), field(t('jobs.created_by'), user),
    field(t('jobs.created_after'), after), h('button', {type: 'submit'}, t('hosts.filter')));
  main.append(h('h1', {}, t('nav.jobs')), form, table.root);
  await table.reload();
  const timer = setInterval(() => { if (!document.hidden) table.reload().catch(() => {}); }, 5000);
  return () => clearInterval(timer);
}
