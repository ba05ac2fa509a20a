// Create or edit a job template: project and playbook, inventory (a file of
// the project, inline text, or a CMDB query), credential, defaults, and the
// prompt-on-launch flags.
import {get, post, patch} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';

const asks = ['limit', 'tags', 'skip_tags', 'variables', 'job_type', 'diff_mode', 'verbosity', 'forks', 'inventory', 'credential'];

export async function render({main, params, go}) {
  const id = params[0];
  const tpl = id ? await get(`templates/${id}`) : {inventory: {file: 'hosts.ini'}, extra_vars: {}, forks: 5};
  const projects = (await get('projects?limit=1000')).items;
  const creds = (await get('credentials?limit=1000').catch(() => ({items: []}))).items;
  const name = h('input', {name: 'name', required: true, value: tpl.name || ''});
  const project = h('select', {name: 'project_id', required: true},
    projects.map((p) => h('option', {value: p.id, selected: p.id === tpl.project_id}, p.name)));
  // The playbook is picked from the project's playbooks (typing works too).
  const books = h('datalist', {id: 'playbooks'});
  const playbook = h('input', {name: 'playbook', required: true, value: tpl.playbook || '', placeholder: 'site.yml', list: 'playbooks', autocomplete: 'off'});
  let asked = 0;
  const loadBooks = async () => {
    if (!project.value) return;
    const mine = ++asked;
    const found = await get(`projects/${project.value}/playbooks`).catch(() => ({items: []}));
    if (mine !== asked) return;  // another project was chosen meanwhile
    books.replaceChildren(...found.items.map((p) => h('option', {value: p})));
    if (!playbook.value && found.items.length) playbook.value = found.items[0];
  };
  project.addEventListener('change', () => { playbook.value = ''; loadBooks(); });
  loadBooks();
  const invKind = Object.keys(tpl.inventory || {file: ''})[0] || 'file';
  const kind = h('select', {name: 'inventory_kind'}, ['file', 'text', 'query'].map((k) => h('option', {value: k, selected: k === invKind}, t(`template.inv_${k}`))));
  const invValue = h('textarea', {name: 'inventory', rows: 3, spellcheck: 'false'});
  const current = tpl.inventory ? tpl.inventory[invKind] : '';
  invValue.value = typeof current === 'string' ? current : JSON.stringify(current ?? {}, null, 2);
  const cred = h('select', {name: 'credential_id'}, h('option', {value: ''}, t('template.no_credential')),
    creds.map((c) => h('option', {value: c.id, selected: c.id === tpl.credential_id}, `${c.name} (${c.kind})`)));
  const vars = h('textarea', {name: 'extra_vars', rows: 4, spellcheck: 'false'});
  vars.value = JSON.stringify(tpl.extra_vars || {}, null, 2);
  // The launch form's questions as JSON (a password default comes back as
  // "$encrypted$", which keeps it).
  const launchForm = h('textarea', {name: 'launch_form', rows: 4, spellcheck: 'false'});
  launchForm.value = JSON.stringify(tpl.launch_form || [], null, 2);
  const forks = h('input', {name: 'forks', type: 'number', min: 1, max: 1000, value: tpl.forks ?? 5});
  const limit = h('input', {name: 'limit', value: tpl.limit || ''});
  const tags = h('input', {name: 'tags', value: tpl.tags || ''});
  const checkMode = h('input', {type: 'checkbox', name: 'check_mode', checked: !!tpl.check_mode});
  const askBoxes = asks.map((a) => {
    const key = `ask_${a}_on_launch`;
    return [key, h('input', {type: 'checkbox', name: key, checked: !!tpl[key]})];
  });
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {name: name.value.trim(), project_id: Number(project.value), playbook: playbook.value.trim(),
      forks: Number(forks.value), limit: limit.value.trim(), tags: tags.value.trim(), check_mode: checkMode.checked,
      credential_id: cred.value ? Number(cred.value) : null};
    try {
      body.extra_vars = JSON.parse(vars.value || '{}');
      body.inventory = {[kind.value]: kind.value === 'query' ? JSON.parse(invValue.value || '{}') : invValue.value};
    } catch {
      error.textContent = t('form.bad_json', {field: t('template.extra_vars')});
      return;
    }
    try {
      body.launch_form = JSON.parse(launchForm.value || '[]');
    } catch {
      error.textContent = t('form.bad_json', {field: t('template.launch_form')});
      return;
    }
    for (const [key, box] of askBoxes) body[key] = box.checked;
    try {
      await (id ? patch(`templates/${id}`, body) : post('templates', body));
      notify(t('form.saved'));
      go('/templates');
    } catch (err) {
      error.textContent = err.message;
    }
  }},
  field(t('common.name'), name),
  field(t('template.project'), project),
  field(t('template.playbook'), playbook, t('template.playbook_hint')), books,
  field(t('template.inventory_kind'), kind),
  field(t('template.inventory'), invValue, t('template.inventory_hint')),
  field(t('template.credential'), cred),
  field(t('template.extra_vars'), vars),
  field(t('template.launch_form'), launchForm, t('template.launch_form_hint')),
  field(t('launch.forks'), forks),
  field(t('launch.limit'), limit),
  field(t('launch.tags'), tags),
  h('div', {class: 'field check'}, h('label', {}, checkMode, ' ', t('launch.check'))),
  h('fieldset', {}, h('legend', {}, t('template.prompts')),
    askBoxes.map(([key, box]) => h('label', {class: 'inline'}, box, ' ', t(`template.${key}`)))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/templates'}, t('action.cancel'))));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/templates'}, t('nav.templates'))),
    h('h1', {}, id ? t('templates.edit', {name: tpl.name}) : t('templates.new')), form);
}
