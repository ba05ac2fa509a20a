// What the automation pages share (schedules.js, webhooks.js,
// notifications.js and their record pages): the tabs between them, the
// templates they launch or watch, enable / disable, a field the server
// refused marked in place, and time zones (a schedule's own zone, which may
// not be the browser's).
import {get, patch} from '../api.js';
import {h, notify} from '../dom.js';
import {t} from '../i18n.js';
import {badge} from '../table.js';

export function tabs(current) {
  const pages = [['schedules', 'nav.schedules'], ['webhooks', 'nav.webhooks'], ['notifications', 'nav.notifications'],
    ['workflows', 'nav.workflows']];
  return h('nav', {class: 'tabs', 'aria-label': t('nav.automation')}, h('ul', {},
    pages.map(([k, key]) => h('li', {}, h('a', {href: `#/${k}`, 'aria-current': k === current ? 'page' : null}, t(key))))));
}

// id -> template record, for names and prompt flags.
export async function templatesById() {
  const page = await get('templates?limit=1000');
  return new Map(page.items.map((x) => [x.id, x]));
}

export function templateName(templates, id) {
  const tpl = templates.get(id);
  return tpl ? tpl.name : (id ? `#${id}` : '');
}

// What a schedule, webhook or notification targets: its template's name, or
// its workflow (target_kind workflow), linked to the workflows.
export function targetName(templates, record, workflows = new Map()) {
  if (record.workflow_id) {
    const w = workflows.get(record.workflow_id);
    const text = t('auto.workflow_target', {id: record.workflow_id}) + (w ? ` ${w.name}` : '');
    return h('a', {href: w ? `#/workflows/${w.id}/edit` : '#/workflows'}, text);
  }
  return templateName(templates, record.template_id);
}

export async function workflowsById() {
  const page = await get('workflows?limit=1000').catch(() => ({items: []}));
  return new Map(page.items.map((x) => [x.id, x]));
}

// A form's target control: one <select> of the templates and the workflows
// (values "t<id>" and "w<id>"); targetOf() turns its choice into the API's
// template_id or workflow_id.
export function targetSelect(templates, record, workflows = new Map()) {
  const selected = record.workflow_id ? `w${record.workflow_id}` : `t${record.template_id ?? ''}`;
  const option = (prefix, x) => h('option', {value: `${prefix}${x.id}`, selected: `${prefix}${x.id}` === selected}, x.name);
  return h('select', {name: 'template_id', required: true},
    h('optgroup', {label: t('auto.target_templates')}, [...templates.values()].map((x) => option('t', x))),
    workflows.size ? h('optgroup', {label: t('auto.target_workflows')}, [...workflows.values()].map((x) => option('w', x))) : null);
}

export const targetOf = (select) => (select.value.startsWith('w') ? {workflow_id: Number(select.value.slice(1))}
  : {template_id: Number(select.value.slice(1))});

// A <select> of templates; `any` adds "every template" (a list filter).
export function templateSelect(templates, selected, {any = false, label = t('auto.template')} = {}) {
  return h('select', {name: 'template_id', 'aria-label': any ? label : null, required: !any},
    any ? h('option', {value: ''}, t('auto.any_template')) : null,
    [...templates.values()].map((x) => h('option', {value: x.id, selected: String(x.id) === String(selected ?? '')}, x.name)));
}

export function enabledBadge(on) {
  return badge(on ? 'enabled' : 'disabled', t(on ? 'auto.enabled' : 'auto.disabled'));
}

// Enable / Disable of `path` (PATCH {enabled}); done() after the change.
export function toggleButton(path, record, done) {
  const label = record.enabled ? t('auto.disable') : t('auto.enable');
  return h('button', {type: 'button', 'aria-label': `${label} ${record.name}`, onclick: async () => {
    try {
      await patch(path, {enabled: !record.enabled});
      notify(record.enabled ? t('auto.now_disabled', {name: record.name}) : t('auto.now_enabled', {name: record.name}));
      done();
    } catch (e) {
      notify(e.message, 'error');
    }
  }}, label);
}

// Shows a refused request in the form's alert line and marks the field the
// server named (details.field) for screen readers and the eye.
export function showRefusal(form, error, err) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  error.textContent = err.message;
  const name = (err.details && err.details.field || '').split(/[.[]/)[0];
  const el = name ? form.querySelector(`[name="${name}"]`) : null;
  if (el) {
    el.setAttribute('aria-invalid', 'true');
    el.focus();
  }
}

// Comma lists in inputs: "main, release/*" <-> ["main", "release/*"].
export const splitList = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);

export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function zoneNames() {
  let names = [];
  try { names = Intl.supportedValuesOf('timeZone'); } catch { /* an older browser: typing works */ }
  return names.includes('UTC') ? names : ['UTC', ...names];
}

// The wall-clock parts of `date` in zone `tz`.
function wallParts(date, tz) {
  const f = new Intl.DateTimeFormat('en-US', {timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'});
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
}

// How far zone `tz` is ahead of UTC at `date`, in ms.
function zoneOffset(date, tz) {
  const p = wallParts(date, tz);
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

// A datetime-local value ("2026-12-24T18:00" or with seconds) read as a wall
// time in zone `tz` -> ISO 8601 UTC ("2026-12-24T10:00:00Z"); null when it
// does not read.
export function zonedToIso(local, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let utc = wall - zoneOffset(new Date(wall), tz);
  utc = wall - zoneOffset(new Date(utc), tz);  // the offset at the instant itself (DST edges)
  return new Date(utc).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// An ISO time -> the datetime-local value of its wall time in zone `tz`.
export function isoToZoned(iso, tz) {
  if (!iso) return '';
  const p = wallParts(new Date(iso), tz);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

// A time as a clock in zone `tz` shows it, with the zone's name.
export function fmtZoned(iso, tz, lang) {
  if (!iso) return '';
  const text = new Intl.DateTimeFormat(lang, {timeZone: tz, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23'}).format(new Date(iso));
  return `${text} (${tz})`;
}
