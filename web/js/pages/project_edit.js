// Edit a project (operator): its name; a local project's directory; a git
// project's URL, branch and credential. The kind never changes. A git
// project whose URL, branch or credential changed is synced again: the
// page then opens that sync job.
import {get, patch} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';
import {showRefusal} from './automation.js';

export async function render({main, params, go}) {
  const p = await get(`projects/${params[0]}`);
  const git = p.kind === 'git';
  const name = h('input', {name: 'name', required: true, value: p.name});
  const controls = [field(t('common.name'), name)];
  const read = [(body) => { if (name.value.trim() !== p.name) body.name = name.value.trim(); }];
  if (!git) {
    const path = h('input', {name: 'path', required: true, value: p.path, size: 50, spellcheck: 'false'});
    controls.push(field(t('project.path'), path, t('project.path_hint')));
    read.push((body) => { if (path.value.trim() !== p.path) body.path = path.value.trim(); });
  } else {
    const creds = (await get('credentials?limit=1000').catch(() => ({items: []}))).items
      .filter((c) => c.kind === 'password' || c.kind === 'ssh_key');
    const url = h('input', {name: 'url', required: true, value: p.url, size: 50, spellcheck: 'false'});
    const branch = h('input', {name: 'branch', value: p.branch, size: 16});
    const cred = h('select', {name: 'credential_id'}, h('option', {value: ''}, t('template.no_credential')),
      creds.map((c) => h('option', {value: c.id, selected: c.id === p.credential_id}, `${c.name} (${t(`credential.${c.kind}`)})`)));
    controls.push(field(t('project.url'), url, t('project.url_hint')), field(t('project.branch'), branch, t('project.branch_hint')),
      field(t('template.credential'), cred, t('project.credential_hint')));
    read.push((body) => {
      if (url.value.trim() !== p.url) body.url = url.value.trim();
      if (branch.value.trim() !== p.branch) body.branch = branch.value.trim();
      const c = cred.value ? Number(cred.value) : null;
      if (c !== p.credential_id) body.credential_id = c;
    });
  }
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {};
    for (const r of read) r(body);
    try {
      const saved = await patch(`projects/${p.id}`, body);
      notify(t('form.saved'));
      if (saved.sync_job_id) {
        notify(t('project.resync', {id: saved.sync_job_id}));
        go(`/jobs/${saved.sync_job_id}`);
      } else {
        go('/projects');
      }
    } catch (err) {
      showRefusal(form, error, err);
    }
  }},
  controls, error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/projects'}, t('action.cancel'))));
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/projects'}, t('nav.projects'))),
    h('h1', {}, t('projects.edit', {name: p.name})), h('p', {class: 'meta'}, p.kind), form);
}
