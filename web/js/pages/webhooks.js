// Incoming webhooks: each launches its template when GitHub, GitLab, Gitee
// or a generic sender posts a matching push to its URL. The list (filtered
// by template) shows the URL to paste into the sender; operators add,
// enable / disable and delete them; one webhook's page (webhook.js) has its
// delivery log and the edit form.
import {get, qs} from '../api.js';
import {h} from '../dom.js';
import {t} from '../i18n.js';
import {pagedTable, deleteButton} from '../table.js';
import {tabs, templatesById, targetName, workflowsById, templateSelect, enabledBadge, toggleButton} from './automation.js';

// Where the sender posts: absolute, and right behind a proxy's path prefix.
export const hookUrl = (id) => new URL(`api/v1/hooks/${id}`, document.baseURI).href;

export function filtersText(f) {
  const parts = [];
  for (const k of ['branches', 'tags', 'paths']) if (f && f[k] && f[k].length) parts.push(`${t(`webhook.${k}`)}: ${f[k].join(', ')}`);
  return parts.length ? parts.join('; ') : t('webhook.no_filters');
}

// A page of `path`'s list whose records match `keep`: the webhook and
// notification lists have no template filter in the API, and a server has
// tens of them, so the browser filters one big page.
export function filteredLoad(path, keep) {
  return async (p) => {
    const all = (await get(`${path}?limit=1000`)).items.filter(keep);
    return {items: all.slice(p.offset, p.offset + p.limit), total: all.length};
  };
}

export async function render({main, can, query, go}) {
  const templates = await templatesById();
  const workflows = await workflowsById();
  const filter = templateSelect(templates, query.get('template_id'), {any: true, label: t('auto.filter_template')});
  filter.addEventListener('change', () => go(`/webhooks${qs({template_id: filter.value})}`));
  const table = pagedTable({
    caption: t('webhooks.caption'),
    columns: [
      {key: 'name', label: t('common.name'), cell: (w) => h('a', {href: `#/webhooks/${w.id}`}, w.name)},
      {key: 'template', label: t('auto.template'), cell: (w) => targetName(templates, w, workflows)},
      {key: 'service', label: t('webhook.service'), cell: (w) => (w.service === 'generic' ? `generic (${w.auth})` : w.service)},
      {key: 'filters', label: t('webhook.filters'), cell: (w) => filtersText(w.filters)},
      {key: 'url', label: t('webhook.url'), cell: (w) => h('code', {class: 'url'}, hookUrl(w.id))},
      {key: 'enabled', label: t('auto.state'), cell: (w) => enabledBadge(w.enabled)},
      {key: 'actions', label: t('common.actions'), cell: (w) => (can('operator') ? h('span', {class: 'row-actions'},
        toggleButton(`webhooks/${w.id}`, w, () => table.reload()),
        deleteButton(`webhooks/${w.id}`, w.name, () => table.reload())) : '')},
    ],
    load: filter.value ? filteredLoad('webhooks', (w) => String(w.template_id) === filter.value)
      : (p) => get(`webhooks${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(tabs('webhooks'), h('h1', {}, t('nav.webhooks')),
    h('p', {class: 'muted'}, t('webhooks.intro')),
    h('div', {class: 'actions'},
      can('operator') ? h('a', {class: 'button primary', href: `#/webhooks/new${qs({template_id: filter.value})}`}, t('webhooks.new')) : null,
      filter),
    table.root);
  await table.reload();
}
