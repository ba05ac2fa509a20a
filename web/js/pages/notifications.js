// Notifications: who is told when a template's jobs start, succeed or fail
// (DingTalk, WeCom, Feishu, Slack, e-mail or a generic webhook). The list
// (filtered by template) shows the target and the events; operators add,
// enable / disable and delete them; one notification's page
// (notification.js) has its delivery log with the retry state and the edit
// form. Secrets are sealed by the server and never shown.
import {get, qs} from '../api.js';
import {h} from '../dom.js';
import {t} from '../i18n.js';
import {pagedTable, deleteButton} from '../table.js';
import {tabs, templatesById, targetName, workflowsById, templateSelect, enabledBadge, toggleButton} from './automation.js';
import {filteredLoad} from './webhooks.js';

export const eventsText = (events) => (events || []).map((e) => t(`notify.event_${e}`)).join(', ');

// The target without the query string: a robot URL carries its access token there.
export function targetText(n) {
  if (n.kind === 'email') return `${(n.config.to || []).join(', ')} (${n.url.replace(/\/\/[^@/]*@/, '//')})`;
  try {
    const u = new URL(n.url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return n.url;
  }
}

export async function render({main, can, query, go}) {
  const templates = await templatesById();
  const workflows = await workflowsById();
  const filter = templateSelect(templates, query.get('template_id'), {any: true, label: t('auto.filter_template')});
  filter.addEventListener('change', () => go(`/notifications${qs({template_id: filter.value})}`));
  const table = pagedTable({
    caption: t('notifications.caption'),
    columns: [
      {key: 'name', label: t('common.name'), cell: (n) => h('a', {href: `#/notifications/${n.id}`}, n.name)},
      {key: 'template', label: t('auto.template'), cell: (n) => targetName(templates, n, workflows)},
      {key: 'kind', label: t('notify.kind'), cell: (n) => t(`notify.kind_${n.kind}`)},
      {key: 'target', label: t('notify.target'), cell: (n) => h('code', {class: 'url'}, targetText(n))},
      {key: 'events', label: t('notify.events'), cell: (n) => eventsText(n.events)},
      {key: 'has_secret', label: t('notify.secret'), cell: (n) => (n.has_secret ? t('notify.secret_set') : t('notify.secret_none'))},
      {key: 'enabled', label: t('auto.state'), cell: (n) => enabledBadge(n.enabled)},
      {key: 'actions', label: t('common.actions'), cell: (n) => (can('operator') ? h('span', {class: 'row-actions'},
        toggleButton(`notifications/${n.id}`, n, () => table.reload()),
        deleteButton(`notifications/${n.id}`, n.name, () => table.reload())) : '')},
    ],
    load: filter.value ? filteredLoad('notifications', (n) => String(n.template_id) === filter.value)
      : (p) => get(`notifications${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(tabs('notifications'), h('h1', {}, t('nav.notifications')),
    h('p', {class: 'muted'}, t('notifications.intro')),
    h('div', {class: 'actions'},
      can('operator') ? h('a', {class: 'button primary', href: `#/notifications/new${qs({template_id: filter.value})}`}, t('notifications.new')) : null,
      filter),
    table.root);
  await table.reload();
}
