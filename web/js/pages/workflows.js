// Workflows: every workflow with its nodes, launch and edit buttons for
// operators (the editor is workflow_edit.js), and the newest workflow jobs
// with their state; a workflow job's page (workflow_job.js) shows its nodes
// and decides its approvals.
import {get, post, qs} from '../api.js';
import {h, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge} from '../table.js';
import {tabs} from './automation.js';

export async function render({main, can, go}) {
  const launch = (w) => h('button', {type: 'button', class: 'primary', 'aria-label': `${t('workflow.launch')} ${w.name}`,
    onclick: async () => {
      try {
        const wj = await post(`workflows/${w.id}/launch`, {});
        go(`/workflow_jobs/${wj.id}`);
      } catch (e) {
        notify(e.message, 'error');
      }
    }}, t('workflow.launch'));
  const workflows = pagedTable({
    caption: t('workflows.caption'),
    columns: [
      {key: 'name', label: t('common.name'), cell: (w) => [h('strong', {}, w.name), w.description ? h('div', {class: 'muted'}, w.description) : '']},
      {key: 'nodes', label: t('workflow.nodes'), cell: (w) => w.nodes.map((n) => n.id).join(' → ')},
      {key: 'actions', label: t('common.actions'), cell: (w) => (can('operator') ? [launch(w), ' ',
        h('a', {class: 'button', href: `#/workflows/${w.id}/edit`, 'aria-label': `${t('action.edit')} ${w.name}`}, t('action.edit'))] : '')},
    ],
    load: (p) => get(`workflows${qs({limit: p.limit, offset: p.offset})}`),
  });
  const jobs = pagedTable({
    caption: t('workflow_jobs.caption'),
    columns: [
      {key: 'id', label: 'ID', cell: (j) => h('a', {href: `#/workflow_jobs/${j.id}`}, `#${j.id}`)},
      {key: 'name', label: t('common.name')},
      {key: 'state', label: t('auto.state'), cell: (j) => badge(j.state, t(`wfstate.${j.state}`))},
      {key: 'created', label: t('workflow.created'), cell: (j) => fmtTime(j.created, lang)},
      {key: 'message', label: t('auto.message')},
    ],
    load: (p) => get(`workflow_jobs${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(tabs('workflows'), h('h1', {}, t('nav.workflows')),
    h('p', {class: 'muted'}, t('workflows.intro')),
    can('operator') ? h('div', {class: 'actions'}, h('a', {class: 'button primary', href: '#/workflows/new'}, t('workflows.new'))) : '',
    workflows.root, h('h2', {}, t('workflow_jobs.caption')), jobs.root);
  await Promise.all([workflows.reload(), jobs.reload()]);
}
