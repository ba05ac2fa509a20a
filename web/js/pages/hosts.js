// Hosts (the CMDB): the server pages, sorts and filters; selection for bulk
// actions; CSV import with the failing row shown in place.
import {get, post, patch, del, api, qs} from '../api.js';
import {h, field, notify, download} from '../dom.js';
import {t} from '../i18n.js';
import {pagedTable, badge} from '../table.js';
import {importPanel} from './host_import.js';
import {batchControls} from './batch.js';

export const hostStatuses = ['online', 'offline', 'maintenance'];
const filterKeys = ['role', 'line', 'idc', 'region', 'platform', 'machine_type', 'tag'];

export async function render({main, can, query, go}) {
  const filters = {};
  const inputs = {};
  const q = h('input', {type: 'search', name: 'q', placeholder: t('hosts.search'), 'aria-label': t('hosts.search'), value: query.get('q') || ''});
  inputs.q = q;
  const boxes = filterKeys.map((k) => {
    inputs[k] = h('input', {name: k, size: 10, value: query.get(k) || ''});
    return field(t(`host.${k}`), inputs[k]);
  });
  inputs.status = h('select', {name: 'status'}, h('option', {value: ''}, t('hosts.any')),
    hostStatuses.map((s) => h('option', {value: s, selected: query.get('status') === s}, t(`status.${s}`))));
  const read = () => { for (const [k, el] of Object.entries(inputs)) filters[k] = el.value.trim(); };
  let timer = 0;
  const form = h('form', {class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); read(); table.restart(); }},
    field(t('hosts.search'), q), boxes, field(t('host.status'), inputs.status),
    h('button', {type: 'submit'}, t('hosts.filter')),
    h('button', {type: 'button', onclick: () => { for (const el of Object.values(inputs)) el.value = ''; read(); table.restart(); }}, t('hosts.reset')));
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { read(); table.restart(); }, 250); });
  read();

  const columns = [
    {key: 'hostname', label: t('host.hostname'), sortable: true, cell: (r) => h('a', {href: `#/hosts/${r.id}`}, r.hostname)},
    {key: 'ip', label: t('host.ip'), sortable: true},
    {key: 'role', label: t('host.role'), sortable: true},
    {key: 'line', label: t('host.line'), sortable: true},
    {key: 'idc', label: t('host.idc'), sortable: true},
    {key: 'region', label: t('host.region'), sortable: true},
    {key: 'platform', label: t('host.platform'), sortable: true},
    {key: 'status', label: t('host.status'), sortable: true, cell: (r) => badge(r.status, t(`status.${r.status}`))},
    {key: 'tags', label: t('host.tags'), cell: (r) => (r.tags || []).join(', ')},
  ];
  const bulk = h('div', {class: 'bulk', hidden: true});
  const table = pagedTable({
    columns, selectable: can('operator'), sort: 'hostname', caption: t('hosts.caption'),
    load: (p) => get(`hosts${qs({...filters, ...p})}`),
    onRows: (st) => {
      bulk.hidden = st.selected.size === 0;
      bulk.querySelector('.count').textContent = t('hosts.selected', {n: st.selected.size});
    },
  });

  const statusSel = h('select', {'aria-label': t('hosts.set_status')}, hostStatuses.map((s) => h('option', {value: s}, t(`status.${s}`))));
  const tagInput = h('input', {'aria-label': t('hosts.add_tag'), placeholder: t('hosts.add_tag'), size: 10});
  async function each(action, done) {
    const ids = table.selected();
    const rows = await Promise.all(ids.map((id) => get(`hosts/${id}`)));
    try {
      for (const row of rows) await action(row);
      notify(t(done, {n: rows.length}));
    } catch (e) {
      notify(e.message, 'error');
    }
    table.clearSelection();
    await table.reload();
  }
  bulk.append(h('span', {class: 'count'}),
    statusSel, h('button', {type: 'button', onclick: () => each((r) => patch(`hosts/${r.id}`, {status: statusSel.value}), 'hosts.bulk_done')}, t('hosts.set_status')),
    tagInput, h('button', {type: 'button', onclick: () => {
      const tag = tagInput.value.trim();
      if (tag) each((r) => patch(`hosts/${r.id}`, {tags: [...new Set([...(r.tags || []), tag])]}), 'hosts.bulk_done');
    }}, t('hosts.add_tag')),
    h('button', {type: 'button', class: 'danger', onclick: () => {
      if (confirm(t('hosts.confirm_delete', {n: table.selected().length}))) each((r) => del(`hosts/${r.id}`), 'hosts.deleted');
    }}, t('action.delete')));

  const actions = h('div', {class: 'actions'},
    can('operator') ? h('a', {class: 'button primary', href: '#/hosts/new'}, t('hosts.new')) : null,
    h('button', {type: 'button', onclick: async () => {
      download('hosts.csv', await api('GET', `hosts/export${qs({...filters, format: 'csv'})}`, undefined, {raw: true}), 'text/csv');
    }}, t('hosts.export')));
  main.append(h('h1', {}, t('nav.hosts')), actions);
  if (can('operator')) main.append(importPanel(() => table.restart()));
  main.append(form, can('operator') ? bulk : null, table.root);
  await table.reload();

  // Batch execution: an ad-hoc command (batch.js), or a template that
  // prompts for its limit, run on the selected hosts; the job page then shows
  // each host's output side by side.
  // (After the first page: the table comes first.)
  if (!can('operator')) return;
  const runnable = (await get('templates?limit=1000')).items.filter((x) => x.ask_limit_on_launch);
  const templateSel = h('select', {'aria-label': t('hosts.run_template')},
    runnable.map((x) => h('option', {value: x.id}, x.name)));
  const selectedHosts = () => Promise.all(table.selected().map((id) => get(`hosts/${id}`)));
  bulk.append(...await batchControls(selectedHosts, go));
  if (runnable.length) bulk.append(templateSel, h('button', {type: 'button', class: 'primary', onclick: async () => {
    const names = (await selectedHosts()).map((x) => x.hostname);
    try {
      const job = await post('jobs', {template_id: Number(templateSel.value), limit: names.join(',')});
      go(`/jobs/${job.id}?side=1`);
    } catch (e) {
      notify(e.message, 'error');
    }
  }}, t('hosts.run_template')));
}
