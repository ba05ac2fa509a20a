// Create or edit a host: every CMDB field, tags as a comma list, vars as JSON.
import {get, post, patch} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';
import {hostStatuses} from './hosts.js';

const texts = ['hostname', 'ip', 'role', 'platform', 'machine_type', 'line', 'idc', 'region'];

export async function render({main, params, go}) {
  const id = params[0];
  const host = id ? await get(`hosts/${id}`) : {status: 'online', tags: [], vars: {}};
  const inputs = {};
  for (const k of texts) inputs[k] = h('input', {name: k, value: host[k] || '', required: k === 'hostname'});
  inputs.status = h('select', {name: 'status'}, hostStatuses.map((s) => h('option', {value: s, selected: host.status === s}, t(`status.${s}`))));
  inputs.tags = h('input', {name: 'tags', value: (host.tags || []).join(', ')});
  inputs.vars = h('textarea', {name: 'vars', rows: 6, spellcheck: 'false'});
  inputs.vars.value = JSON.stringify(host.vars || {}, null, 2);
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {};
    for (const k of texts) body[k] = inputs[k].value.trim();
    body.status = inputs.status.value;
    body.tags = inputs.tags.value.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      body.vars = JSON.parse(inputs.vars.value || '{}');
    } catch {
      error.textContent = t('form.bad_json', {field: t('host.vars')});
      inputs.vars.focus();
      return;
    }
    try {
      const saved = id ? await patch(`hosts/${id}`, body) : await post('hosts', body);
      notify(t('form.saved'));
      go(`/hosts/${saved.id}`);
    } catch (err) {
      error.textContent = err.message;
      const bad = err.details && inputs[err.details.field];
      if (bad) { bad.setAttribute('aria-invalid', 'true'); bad.focus(); }
    }
  }},
  texts.map((k) => field(t(`host.${k}`), inputs[k])),
  field(t('host.status'), inputs.status),
  field(t('host.tags'), inputs.tags, t('host.tags_hint')),
  field(t('host.vars'), inputs.vars),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: id ? `#/hosts/${id}` : '#/hosts'}, t('action.cancel'))));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/hosts'}, t('nav.hosts'))),
    h('h1', {}, id ? t('hosts.edit', {name: host.hostname}) : t('hosts.new')), form);
}
