// One schedule (#/schedules/7): its timing, the next runs in its own time
// zone (and the browser's), the runs it fired (launched with the job,
// skipped, refused with the reason), and for operators the form that
// changes it; #/schedules/new is the same form empty. A schedule launches
// its template as its owner, the last user who saved it (docs/SERVER.md).
import {get, post, patch, del, qs} from '../api.js';
import {h, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge} from '../table.js';
import {tabs, templatesById, targetName, targetSelect, targetOf, workflowsById, enabledBadge, toggleButton, showRefusal, browserZone,
  zoneNames, zonedToIso, isoToZoned, fmtZoned} from './automation.js';

// The launch fields a template lets a launch (and so a schedule) set, by
// its prompt-on-launch flags (jobs/job_template.cpp).
const promptFields = {
  ask_limit_on_launch: 'limit', ask_tags_on_launch: 'tags', ask_skip_tags_on_launch: 'skip_tags',
  ask_variables_on_launch: 'extra_vars', ask_job_type_on_launch: 'check', ask_diff_mode_on_launch: 'diff',
  ask_verbosity_on_launch: 'verbosity', ask_forks_on_launch: 'forks', ask_inventory_on_launch: 'inventory_text',
  ask_credential_on_launch: 'credential_id',
};
const cronExamples = ['@hourly', '@daily', '@weekly', '@monthly', '*/15 * * * *', '30 2 * * *', '0 9 * * mon-fri'];

export async function render(ctx) {
  const {main, params, can, query} = ctx;
  const templates = await templatesById();
  const workflows = await workflowsById();
  main.append(tabs('schedules'), h('p', {class: 'crumbs'}, h('a', {href: '#/schedules'}, t('nav.schedules'))));
  if (!params[0]) {
    main.append(h('h1', {}, t('schedules.new')),
      scheduleForm(ctx, templates, {template_id: Number(query.get('template_id')) || undefined}, workflows));
    return;
  }
  const s = await get(`schedules/${params[0]}`);
  const reload = () => ctx.go(`/schedules/${s.id}`);
  main.append(h('h1', {}, s.name),
    can('operator') ? h('div', {class: 'actions'},
      toggleButton(`schedules/${s.id}`, s, reload),
      h('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(t('common.confirm_delete', {name: s.name}))) return;
        await del(`schedules/${s.id}`);
        notify(t('common.deleted'));
        ctx.go('/schedules');
      }}, t('action.delete'))) : '',
    h('dl', {class: 'facts card'},
      h('dt', {}, t('auto.template')), h('dd', {}, s.workflow_id ? targetName(templates, s, workflows) : h('a', {href: `#/templates`}, targetName(templates, s))),
      h('dt', {}, t('schedule.when')), h('dd', {}, s.cron ? h('code', {}, s.cron) : t('schedule.once_at', {time: fmtZoned(s.run_at, s.time_zone, lang)})),
      h('dt', {}, t('schedule.time_zone')), h('dd', {}, s.time_zone),
      h('dt', {}, t('schedule.missed_runs')), h('dd', {}, t(`schedule.missed_${s.missed_runs}`)),
      h('dt', {}, t('schedule.overrides')), h('dd', {}, h('code', {}, JSON.stringify(s.overrides || {}))),
      h('dt', {}, t('auto.state')), h('dd', {}, enabledBadge(s.enabled)),
      h('dt', {}, t('schedule.last_run')), h('dd', {}, s.last_run ? fmtTime(s.last_run, lang) : '—',
        s.last_job_id ? [' ', h('a', {href: `#/jobs/${s.last_job_id}`}, `#${s.last_job_id}`)] : ''),
      s.last_error ? [h('dt', {}, t('schedule.last_error')), h('dd', {class: 'error'}, s.last_error)] : null),
    h('h2', {id: 'next-runs-title'}, t('schedule.next_runs')),
    nextRuns(s));
  const runs = pagedTable({
    caption: t('schedule.runs'),
    limit: 20,
    columns: [
      {key: 'slot', label: t('schedule.slot'), cell: (r) => fmtZoned(r.slot, s.time_zone, lang)},
      {key: 'fired', label: t('schedule.fired'), cell: (r) => fmtTime(r.fired, lang)},
      {key: 'outcome', label: t('schedule.outcome'), cell: (r) => badge(r.outcome, t(`run.${r.outcome}`))},
      {key: 'job_id', label: t('auto.job'), cell: (r) => (r.job_id ? h('a', {href: `#/jobs/${r.job_id}`}, `#${r.job_id}`) : '')},
      {key: 'message', label: t('auto.message')},
    ],
    load: (p) => get(`schedules/${s.id}/runs${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h2', {}, t('schedule.runs')), runs.root);
  if (can('operator')) main.append(h('h2', {}, t('schedule.change')), scheduleForm(ctx, templates, s, workflows));
  await runs.reload();
}

function nextRuns(s) {
  if (!s.enabled) return h('p', {class: 'muted', id: 'next-runs'}, t('schedule.none_disabled'));
  if (!s.next_runs || !s.next_runs.length) return h('p', {class: 'muted', id: 'next-runs'}, t('schedule.none_left'));
  return h('ol', {class: 'next-runs', id: 'next-runs', 'aria-labelledby': 'next-runs-title'}, s.next_runs.map((iso) => h('li', {},
    h('time', {datetime: iso}, fmtZoned(iso, s.time_zone, lang)),
    s.time_zone !== browserZone ? h('span', {class: 'muted'}, ` · ${t('schedule.your_time', {time: fmtTime(iso, lang)})}`) : null)));
}

// The create / change form. `s` is the schedule (or the defaults of a new one).
function scheduleForm({params, go}, templates, s, workflows) {
  const id = params[0];
  const name = h('input', {name: 'name', required: true, value: s.name || ''});
  const template = targetSelect(templates, s, workflows);
  const once = !!s.run_at && !s.cron;
  const modeCron = h('input', {type: 'radio', name: 'mode', value: 'cron', checked: !once});
  const modeOnce = h('input', {type: 'radio', name: 'mode', value: 'once', checked: once});
  const cron = h('input', {name: 'cron', value: s.cron || '', placeholder: '30 2 * * *', list: 'cron-examples', autocomplete: 'off', spellcheck: 'false'});
  const zone = h('input', {name: 'time_zone', required: true, value: s.time_zone || browserZone, list: 'zone-names', autocomplete: 'off'});
  const runAt = h('input', {name: 'run_at', type: 'datetime-local', step: 1, value: isoToZoned(s.run_at, s.time_zone || browserZone)});
  const missed = h('select', {name: 'missed_runs'}, ['skip', 'run_once'].map((m) => h('option', {value: m, selected: m === (s.missed_runs || 'skip')}, t(`schedule.missed_${m}`))));
  const overrides = h('textarea', {name: 'overrides', rows: 3, spellcheck: 'false'});
  overrides.value = JSON.stringify(s.overrides || {}, null, 2);
  const allowed = h('small', {id: 'overrides-allowed'});
  const showAllowed = () => {
    const target = targetOf(template);
    const tpl = templates.get(target.template_id);
    const keys = tpl ? Object.entries(promptFields).filter(([flag]) => tpl[flag]).map(([, k]) => k) : [];
    if (target.workflow_id) allowed.textContent = t('schedule.overrides_workflow');
    else allowed.textContent = keys.length ? t('schedule.overrides_allowed', {fields: keys.join(', ')}) : t('schedule.overrides_none');
  };
  template.addEventListener('change', showAllowed);
  showAllowed();
  const enabled = h('input', {type: 'checkbox', name: 'enabled', checked: s.enabled !== false});
  const cronField = field(t('schedule.cron'), cron, t('schedule.cron_hint'));
  const onceField = field(t('schedule.run_at'), runAt, t('schedule.run_at_hint'));
  const showMode = () => {
    cronField.hidden = !modeCron.checked;
    onceField.hidden = modeCron.checked;
    cron.required = modeCron.checked;
    runAt.required = !modeCron.checked;
  };
  modeCron.addEventListener('change', showMode);
  modeOnce.addEventListener('change', showMode);
  showMode();
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = {name: name.value.trim(), ...targetOf(template), time_zone: zone.value.trim(),
      missed_runs: missed.value, enabled: enabled.checked};
    try {
      body.overrides = JSON.parse(overrides.value || '{}');
    } catch {
      showRefusal(form, error, {message: t('form.bad_json', {field: t('schedule.overrides')}), details: {field: 'overrides'}});
      return;
    }
    if (modeCron.checked) body.cron = cron.value.trim();
    else {
      body.run_at = zonedToIso(runAt.value, body.time_zone);
      if (!body.run_at) {
        showRefusal(form, error, {message: t('schedule.run_at_missing'), details: {field: 'run_at'}});
        return;
      }
    }
    try {
      const saved = await (id ? patch(`schedules/${id}`, body) : post('schedules', body));
      notify(t('form.saved'));
      go(`/schedules/${saved.id}`);
    } catch (err) {
      showRefusal(form, error, err);
    }
  }},
  field(t('common.name'), name),
  field(t('auto.target'), template),
  h('fieldset', {}, h('legend', {}, t('schedule.when')),
    h('label', {class: 'inline'}, modeCron, ' ', t('schedule.mode_cron')),
    h('label', {class: 'inline'}, modeOnce, ' ', t('schedule.mode_once')),
    cronField, h('datalist', {id: 'cron-examples'}, cronExamples.map((c) => h('option', {value: c}))),
    onceField),
  field(t('schedule.time_zone'), zone, t('schedule.time_zone_hint')),
  h('datalist', {id: 'zone-names'}, zoneNames().map((z) => h('option', {value: z}))),
  field(t('schedule.missed_runs'), missed, t('schedule.missed_hint')),
  h('div', {class: 'field'}, h('label', {for: 'f-overrides'}, t('schedule.overrides')), overrides, allowed),
  h('div', {class: 'field check'}, h('label', {}, enabled, ' ', t('auto.enabled_box'))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/schedules'}, t('action.cancel'))));
  overrides.id = 'f-overrides';
  return form;
}
