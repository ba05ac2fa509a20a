// Schedules: every schedule with its timing, time zone and next run (the
// server computes next runs in the schedule's zone), filtered by template;
// operators add, enable / disable and delete them. One schedule's page
// (schedule.js) has its next runs, the runs it fired and the edit form.
import {get, qs} from '../api.js';
import {h, fmtTime} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, deleteButton} from '../table.js';
import {tabs, templatesById, targetName, workflowsById, templateSelect, enabledBadge, toggleButton, fmtZoned} from './automation.js';

export async function render({main, can, query, go}) {
  const templates = await templatesById();
  const workflows = await workflowsById();
  const filter = templateSelect(templates, query.get('template_id'), {any: true, label: t('auto.filter_template')});
  filter.addEventListener('change', () => go(`/schedules${qs({template_id: filter.value})}`));
  const table = pagedTable({
    caption: t('schedules.caption'),
    columns: [
      {key: 'name', label: t('common.name'), cell: (s) => h('a', {href: `#/schedules/${s.id}`}, s.name)},
      {key: 'template', label: t('auto.template'), cell: (s) => targetName(templates, s, workflows)},
      {key: 'when', label: t('schedule.when'), cell: (s) => (s.cron ? h('code', {}, s.cron) : t('schedule.once_at', {time: fmtZoned(s.run_at, s.time_zone, lang)}))},
      {key: 'time_zone', label: t('schedule.time_zone')},
      {key: 'next_run', label: t('schedule.next_run'), cell: (s) => (s.enabled && s.next_run ? fmtZoned(s.next_run, s.time_zone, lang) : '—')},
      {key: 'last', label: t('schedule.last_run'), cell: (s) => [
        s.last_run ? fmtTime(s.last_run, lang) : '',
        s.last_job_id ? [' ', h('a', {href: `#/jobs/${s.last_job_id}`}, `#${s.last_job_id}`)] : '',
        s.last_error ? h('div', {class: 'error'}, s.last_error) : '']},
      {key: 'enabled', label: t('auto.state'), cell: (s) => enabledBadge(s.enabled)},
      {key: 'actions', label: t('common.actions'), cell: (s) => (can('operator') ? h('span', {class: 'row-actions'},
        toggleButton(`schedules/${s.id}`, s, () => table.reload()),
        deleteButton(`schedules/${s.id}`, s.name, () => table.reload())) : '')},
    ],
    load: (p) => get(`schedules${qs({template_id: filter.value, limit: p.limit, offset: p.offset})}`),
  });
  main.append(tabs('schedules'), h('h1', {}, t('nav.schedules')),
    h('p', {class: 'muted'}, t('schedules.intro')),
    h('div', {class: 'actions'},
      can('operator') ? h('a', {class: 'button primary', href: `#/schedules/new${qs({template_id: filter.value})}`}, t('schedules.new')) : null,
      filter),
    table.root);
  await table.reload();
}
