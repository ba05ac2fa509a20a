// One host: its fields, tags, vars, the facts last gathered on it (the
// server keeps them in the job events: GET /api/v1/hosts/{id}/facts) and its
// job history; edit and delete for operators.
import {get, del, qs} from '../api.js';
import {h, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {badge, pagedTable} from '../table.js';

const shown = ['hostname', 'ip', 'role', 'platform', 'machine_type', 'line', 'idc', 'region'];

// The facts most people look for first, when gathered.
const summary = [
  ['facts.os', (f) => [f.ansible_distribution, f.ansible_distribution_version].filter(Boolean).join(' ')],
  ['facts.kernel', (f) => f.ansible_kernel],
  ['facts.arch', (f) => f.ansible_architecture],
  ['facts.cpus', (f) => f.ansible_processor_vcpus],
  ['facts.memory', (f) => (f.ansible_memtotal_mb ? `${f.ansible_memtotal_mb} MB` : '')],
  ['facts.address', (f) => f.ansible_default_ipv4 && f.ansible_default_ipv4.address],
  ['facts.fqdn', (f) => f.ansible_fqdn],
  ['facts.virtualization', (f) => [f.ansible_virtualization_type, f.ansible_virtualization_role].filter(Boolean).join(' / ')],
];

function factValue(v) {
  if (v !== null && typeof v === 'object') {
    const n = Array.isArray(v) ? v.length : Object.keys(v).length;
    return h('details', {}, h('summary', {}, Array.isArray(v) ? t('facts.items', {n}) : t('facts.keys', {n})),
      h('pre', {class: 'code'}, JSON.stringify(v, null, 2)));
  }
  return String(v);
}

function factsSection(answer) {
  if (!answer.facts) return [h('p', {class: 'muted', id: 'no-facts'}, t('facts.none'))];
  const f = answer.facts;
  const rows = Object.keys(f).sort().map((k) => h('tr', {dataset: {fact: k}}, h('th', {scope: 'row'}, k), h('td', {}, factValue(f[k]))));
  const body = h('tbody', {}, rows);
  const filter = h('input', {type: 'search', 'aria-label': t('facts.filter'), placeholder: t('facts.filter'), oninput: () => {
    const q = filter.value.trim().toLowerCase();
    for (const r of rows) r.hidden = !!q && !r.dataset.fact.toLowerCase().includes(q) && !r.textContent.toLowerCase().includes(q);
  }});
  return [
    h('p', {class: 'meta'}, t('facts.gathered', {time: fmtTime(answer.gathered, lang)}), ' ',
      h('a', {href: `#/jobs/${answer.job_id}`}, t('facts.by_job', {id: answer.job_id}))),
    h('dl', {class: 'facts card', id: 'fact-summary'}, summary.map(([key, pick]) => {
      const v = pick(f);
      return v === undefined || v === null || v === '' ? null : [h('dt', {}, t(key)), h('dd', {}, String(v))];
    })),
    h('details', {class: 'card all-facts'}, h('summary', {}, t('facts.all', {n: rows.length})),
      h('div', {class: 'filters'}, filter),
      h('table', {class: 'grid facts-table'}, h('caption', {}, t('facts.caption')),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('facts.name')), h('th', {scope: 'col'}, t('facts.value')))), body)),
  ];
}

export async function render({main, params, can, go}) {
  const [host, facts] = await Promise.all([get(`hosts/${params[0]}`), get(`hosts/${params[0]}/facts`)]);
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
      }}, t('action.delete'))) : '',
    h('dl', {class: 'facts card'}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')])),
    h('h2', {}, t('host.vars')),
    h('pre', {class: 'code'}, JSON.stringify(host.vars || {}, null, 2)),
    h('h2', {}, t('facts.title')), ...factsSection(facts),
    h('h2', {}, t('host.jobs')), jobs.root);
  await jobs.reload();
}
