// Create or change a workflow (#/workflows/new, #/workflows/7/edit): its
// name, description, extra vars and its nodes as JSON (the API's
// WorkflowNode: template or approval nodes, on_success / on_failure /
// always edges, rolling deploys), with the templates a node can name listed
// beside. A refused graph (a cycle, an edge to no node, a template that does
// not exist) is shown with the field the server named.
import {get, post, patch, del} from '../api.js';
import {h, field, notify} from '../dom.js';
import {t} from '../i18n.js';
import {tabs, templatesById, showRefusal} from './automation.js';

// A new workflow starts from the commonest shape: deploy, and roll back
// when it fails.
const example = [
  {id: 'deploy', template_id: 1, on_failure: ['rollback']},
  {id: 'rollback', template_id: 2},
];

export async function render({main, params, go}) {
  const id = params[0];
  const wf = id ? await get(`workflows/${id}`) : {name: '', description: '', extra_vars: {}, nodes: example};
  const templates = await templatesById();
  const name = h('input', {name: 'name', required: true, value: wf.name});
  const description = h('input', {name: 'description', value: wf.description || ''});
  const vars = h('textarea', {name: 'extra_vars', rows: 3, spellcheck: 'false'});
  vars.value = JSON.stringify(wf.extra_vars || {}, null, 2);
  const nodes = h('textarea', {name: 'nodes', rows: 14, spellcheck: 'false', class: 'code'});
  nodes.value = JSON.stringify(wf.nodes, null, 2);
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {name: name.value.trim(), description: description.value.trim()};
    for (const [key, box, label] of [['extra_vars', vars, 'template.extra_vars'], ['nodes', nodes, 'workflow.nodes']]) {
      try {
        body[key] = JSON.parse(box.value || (key === 'nodes' ? '[]' : '{}'));
      } catch {
        showRefusal(form, error, {message: t('form.bad_json', {field: t(label)}), details: {field: key}});
        return;
      }
    }
    try {
      const saved = await (id ? patch(`workflows/${id}`, body) : post('workflows', body));
      notify(t('form.saved'));
      go(`/workflows/${saved.id ?? id}/edit`);
    } catch (err) {
      showRefusal(form, error, err);
    }
  }},
  field(t('common.name'), name),
  field(t('workflow.description'), description),
  field(t('template.extra_vars'), vars),
  field(t('workflow.nodes'), nodes, t('workflow.nodes_hint')),
  h('details', {class: 'muted'}, h('summary', {}, t('workflow.templates_for_nodes')),
    h('ul', {id: 'workflow-templates'}, [...templates.values()].map((x) => h('li', {}, h('code', {}, `"template_id": ${x.id}`), ` ${x.name}`)))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    id ? h('button', {type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(t('common.confirm_delete', {name: wf.name}))) return;
      await del(`workflows/${id}`);
      notify(t('common.deleted'));
      go('/workflows');
    }}, t('action.delete')) : '',
    h('a', {class: 'button', href: '#/workflows'}, t('action.cancel'))));
  main.append(tabs('workflows'), h('p', {class: 'crumbs'}, h('a', {href: '#/workflows'}, t('nav.workflows'))),
    h('h1', {}, id ? t('workflows.edit', {name: wf.name}) : t('workflows.new')), form);
}
