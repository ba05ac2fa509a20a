// Launch a template: a form with only the fields the template prompts for
// (its ask_*_on_launch flags) and the questions of its launch form (AWX's
// survey: answers become extra_vars; the server checks them again and
// names the field it refuses), the rest are the template's own.
import {get, post} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';

export async function render({main, params, go}) {
  const tpl = await get(`templates/${params[0]}`);
  const controls = [];
  const read = [];
  const text = (name, label, value, hint) => {
    const el = h('input', {name, value: value || ''});
    controls.push(field(label, el, hint));
    read.push((body) => { if (el.value.trim()) body[name] = el.value.trim(); });
  };
  const check = (name, label, value) => {
    const el = h('input', {type: 'checkbox', name, checked: !!value});
    controls.push(h('div', {class: 'field check'}, h('label', {}, el, ' ', label)));
    read.push((body) => { body[name] = el.checked; });
  };
  const number = (name, label, value, min, max) => {
    const el = h('input', {type: 'number', name, min, max, value: value ?? ''});
    controls.push(field(label, el));
    read.push((body) => { if (el.value !== '') body[name] = Number(el.value); });
  };
  if (tpl.ask_limit_on_launch) text('limit', t('launch.limit'), tpl.limit, t('launch.limit_hint'));
  if (tpl.ask_tags_on_launch) text('tags', t('launch.tags'), tpl.tags, t('launch.tags_hint'));
  if (tpl.ask_skip_tags_on_launch) text('skip_tags', t('launch.skip_tags'), '');
  if (tpl.ask_variables_on_launch) {
    const el = h('textarea', {name: 'extra_vars', rows: 5, spellcheck: 'false'});
    el.value = JSON.stringify(tpl.extra_vars || {}, null, 2);
    controls.push(field(t('launch.extra_vars'), el, t('launch.extra_vars_hint')));
    read.push((body) => { body.extra_vars = JSON.parse(el.value || '{}'); });
  }
  const questions = tpl.launch_form || [];
  const answerEls = {};
  let hostNames = null;
  if (questions.some((q) => q.type === 'hosts')) {
    const hosts = await get('hosts?limit=1000').catch(() => ({items: []}));
    hostNames = h('datalist', {id: 'launch-cmdb-hosts'}, hosts.items.map((x) => h('option', {value: x.hostname})));
    controls.push(hostNames);
  }
  for (const q of questions) {
    const name = `extra_vars.${q.variable}`;
    const label = q.label + (q.required ? ' *' : '');
    let el;
    let value;
    if (q.type === 'textarea') {
      el = h('textarea', {name, rows: 3});
      el.value = q.default ?? '';
      value = () => el.value;
    } else if (q.type === 'integer' || q.type === 'float') {
      el = h('input', {type: 'number', name, step: q.type === 'integer' ? '1' : 'any', min: q.min ?? undefined,
        max: q.max ?? undefined, value: q.default ?? ''});
      value = () => (el.value === '' ? null : Number(el.value));
    } else if (q.type === 'choice') {
      el = h('select', {name}, h('option', {value: ''}, '—'),
        q.choices.map((c) => h('option', {value: c, selected: c === q.default}, c)));
      value = () => el.value || null;
    } else if (q.type === 'multichoice') {
      const picked = new Set(q.default || []);
      el = h('select', {name, multiple: true, size: Math.min(6, q.choices.length)},
        q.choices.map((c) => h('option', {value: c, selected: picked.has(c)}, c)));
      value = () => [...el.selectedOptions].map((o) => o.value);
    } else if (q.type === 'password') {
      // A stored default is never sent to the browser: left empty, it is used.
      el = h('input', {type: 'password', name, autocomplete: 'new-password',
        placeholder: q.default ? t('launch.password_default') : ''});
      value = () => el.value || null;
    } else {
      el = h('input', {name, value: q.default ?? '', list: q.type === 'hosts' ? 'launch-cmdb-hosts' : undefined});
      value = () => el.value;
    }
    answerEls[name] = el;
    controls.push(field(label, el, q.description || (q.type === 'hosts' ? t('launch.hosts_hint') : '')));
    read.push((body) => {
      const v = value();
      if (v === null || (v === '' && !q.required)) return;
      body.extra_vars = {...(body.extra_vars || {}), [q.variable]: v};
    });
  }
  if (tpl.ask_job_type_on_launch) check('check', t('launch.check'), tpl.check_mode);
  if (tpl.ask_diff_mode_on_launch) check('diff', t('launch.diff'), false);
  if (tpl.ask_verbosity_on_launch) number('verbosity', t('launch.verbosity'), 0, 0, 4);
  if (tpl.ask_forks_on_launch) number('forks', t('launch.forks'), tpl.forks, 1, 1000);
  if (tpl.ask_inventory_on_launch) {
    const el = h('textarea', {name: 'inventory_text', rows: 4, spellcheck: 'false'});
    controls.push(field(t('launch.inventory_text'), el, t('launch.inventory_hint')));
    read.push((body) => { if (el.value.trim()) body.inventory_text = el.value; });
  }
  if (tpl.ask_credential_on_launch) {
    const creds = await get('credentials?limit=1000').catch(() => ({items: []}));
    const el = h('select', {name: 'credential_id'}, h('option', {value: ''}, t('launch.template_credential')),
      creds.items.map((c) => h('option', {value: c.id}, `${c.name} (${c.kind})`)));
    controls.push(field(t('template.credential'), el));
    read.push((body) => { if (el.value) body.credential_id = Number(el.value); });
  }
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    for (const el of Object.values(answerEls)) el.removeAttribute('aria-invalid');
    const body = {template_id: tpl.id};
    try {
      for (const r of read) r(body);
    } catch {
      error.textContent = t('form.bad_json', {field: t('launch.extra_vars')});
      return;
    }
    try {
      const job = await post('jobs', body);
      notify(t('launch.started', {id: job.id}));
      go(`/jobs/${job.id}`);
    } catch (err) {
      error.textContent = err.message;
      const bad = answerEls[err.details?.field];
      if (bad) { bad.setAttribute('aria-invalid', 'true'); bad.focus(); }
    }
  }},
  controls.length ? controls : h('p', {class: 'muted'}, t('launch.nothing_to_ask')),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary', id: 'launch'}, t('template.launch')),
    h('a', {class: 'button', href: '#/templates'}, t('action.cancel'))));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/templates'}, t('nav.templates'))),
    h('h1', {}, t('launch.title', {name: tpl.name})),
    h('p', {class: 'meta'}, `${tpl.playbook}`), form);
}
