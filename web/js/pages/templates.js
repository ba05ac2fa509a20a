// Job templates: list; launch, edit and delete for operators.
import {get, qs} from '../api.js';
import {h} from '../dom.js';
import {t} from '../i18n.js';
import {pagedTable, deleteButton} from '../table.js';

export async function render({main, can}) {
  const projects = new Map((await get('projects?limit=1000')).items.map((p) => [p.id, p.name]));
  const table = pagedTable({
    caption: t('templates.caption'),
    columns: [
      {key: 'name', label: t('common.name')},
      {key: 'project', label: t('template.project'), cell: (r) => projects.get(r.project_id) || `#${r.project_id}`},
      {key: 'playbook', label: t('template.playbook')},
      {key: 'actions', label: t('common.actions'), cell: (r) => can('operator') ? h('span', {class: 'row-actions'},
        h('a', {class: 'button primary', href: `#/templates/${r.id}/launch`, 'aria-label': `${t('template.launch')} ${r.name}`}, t('template.launch')),
        h('a', {class: 'button', href: `#/templates/${r.id}/edit`}, t('action.edit')),
        deleteButton(`templates/${r.id}`, r.name, () => table.reload())) : ''},
    ],
    load: (p) => get(`templates${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h1', {}, t('nav.templates')),
    can('operator') ? h('div', {class: 'actions'}, h('a', {class: 'button primary', href: '#/templates/new'}, t('templates.new'))) : null,
    table.root);
  await table.reload();
}
