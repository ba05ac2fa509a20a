// Projects: list with their sync state; operators add local or git projects,
// sync, edit (project_edit.js) and delete them.
import {get, post, qs} from '../api.js';
import {h, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge, deleteButton, createPanel} from '../table.js';

export async function render({main, can, go}) {
  const table = pagedTable({
    caption: t('projects.caption'),
    columns: [
      {key: 'name', label: t('common.name')},
      {key: 'kind', label: t('project.kind')},
      {key: 'where', label: t('project.where'), cell: (p) => (p.kind === 'git' ? `${p.url} (${p.branch || 'HEAD'})` : p.path)},
      {key: 'sync_state', label: t('project.sync'), cell: (p) => [badge(p.sync_state, t(`sync.${p.sync_state}`) ), ' ', fmtTime(p.synced, lang)]},
      {key: 'actions', label: t('common.actions'), cell: (p) => can('operator') ? h('span', {class: 'row-actions'},
        p.kind === 'git' ? h('button', {type: 'button', onclick: async () => {
          try { const j = await post(`projects/${p.id}/sync`); go(`/jobs/${j.id}`); } catch (e) { notify(e.message, 'error'); }
        }}, t('project.sync_now')) : null,
        h('a', {class: 'button', href: `#/projects/${p.id}/edit`, 'aria-label': `${t('action.edit')} ${p.name}`}, t('action.edit')),
        deleteButton(`projects/${p.id}`, p.name, () => table.reload())) : ''},
    ],
    load: (p) => get(`projects${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h1', {}, t('nav.projects')));
  if (can('operator')) main.append(newProject(() => table.reload()));
  main.append(table.root);
  await table.reload();
}

function newProject(done) {
  const name = h('input', {name: 'name', required: true});
  const kind = h('select', {name: 'kind'}, h('option', {value: 'local'}, 'local'), h('option', {value: 'git'}, 'git'));
  const where = h('input', {name: 'where', required: true, size: 40});
  const branch = h('input', {name: 'branch', size: 12});
  return createPanel(t('projects.new'), [
    field(t('common.name'), name), field(t('project.kind'), kind), field(t('project.path_or_url'), where),
    field(t('project.branch'), branch)],
  () => {
    const body = {name: name.value.trim(), kind: kind.value};
    if (kind.value === 'local') body.path = where.value.trim();
    else {
      body.url = where.value.trim();
      if (branch.value.trim()) body.branch = branch.value.trim();
    }
    return post('projects', body);
  }, done);
}
