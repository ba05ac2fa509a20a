// One notification (#/notifications/7): its target, the events it tells,
// the delivery log with the retry state (queued, retrying after a failure
// with the attempt count, the next try and the last error, sent, or failed
// for good after the last attempt), and for operators the edit form.
// #/notifications/new is the form empty. The secret (a robot's signing
// secret, an SMTP password) is write-only: the form can set or remove it,
// never show it.
import {get, post, patch, del, qs} from '../api.js';
import {h, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge} from '../table.js';
import {tabs, templatesById, targetName, targetSelect, targetOf, workflowsById, enabledBadge, toggleButton, showRefusal, splitList} from './automation.js';
import {eventsText, targetText} from './notifications.js';

const kinds = ['dingtalk', 'wecom', 'feishu', 'slack', 'email', 'webhook'];
const events = ['started', 'succeeded', 'failed'];
const kMaxAttempts = 5;  // automation/notifier.hpp

// A delivery's state as a person reads it: a pending one that already
// failed is being retried.
function deliveryState(d) {
  if (d.state === 'pending' && d.attempts > 0)
    return [badge('retrying', t('notify.state_retrying')), ' ', t('notify.attempts', {n: d.attempts, max: kMaxAttempts})];
  const shown = [badge(d.state, t(`notify.state_${d.state}`))];
  if (d.attempts > 1 || d.state === 'failed') shown.push(' ', t('notify.attempts', {n: d.attempts, max: kMaxAttempts}));
  return shown;
}

export async function render(ctx) {
  const {main, params, can, query} = ctx;
  const templates = await templatesById();
  const workflows = await workflowsById();
  main.append(tabs('notifications'), h('p', {class: 'crumbs'}, h('a', {href: '#/notifications'}, t('nav.notifications'))));
  if (!params[0]) {
    main.append(h('h1', {}, t('notifications.new')),
      notificationForm(ctx, templates, {template_id: Number(query.get('template_id')) || undefined}, workflows));
    return;
  }
  const n = await get(`notifications/${params[0]}`);
  main.append(h('h1', {}, n.name),
    can('operator') ? h('div', {class: 'actions'},
      toggleButton(`notifications/${n.id}`, n, () => ctx.go(`/notifications/${n.id}`)),
      h('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(t('common.confirm_delete', {name: n.name}))) return;
        await del(`notifications/${n.id}`);
        notify(t('common.deleted'));
        ctx.go('/notifications');
      }}, t('action.delete'))) : '',
    h('dl', {class: 'facts card'},
      h('dt', {}, t('auto.template')), h('dd', {}, targetName(templates, n, workflows)),
      h('dt', {}, t('notify.kind')), h('dd', {}, t(`notify.kind_${n.kind}`)),
      h('dt', {}, t('notify.target')), h('dd', {}, h('code', {class: 'url'}, targetText(n))),
      h('dt', {}, t('notify.events')), h('dd', {}, eventsText(n.events)),
      h('dt', {}, t('notify.secret')), h('dd', {}, n.has_secret ? t('notify.secret_set') : t('notify.secret_none')),
      h('dt', {}, t('auto.state')), h('dd', {}, enabledBadge(n.enabled))));
  const log = pagedTable({
    caption: t('notify.deliveries'),
    limit: 20,
    columns: [
      {key: 'created', label: t('notify.queued'), cell: (d) => fmtTime(d.created, lang)},
      {key: 'job_id', label: t('auto.job'), cell: (d) => h('a', {href: `#/jobs/${d.job_id}`}, `#${d.job_id}`)},
      {key: 'event', label: t('notify.event'), cell: (d) => t(`notify.event_${d.event}`)},
      {key: 'state', label: t('auto.state'), cell: deliveryState},
      {key: 'next_attempt', label: t('notify.next_attempt'), cell: (d) => (d.state === 'pending' ? fmtTime(d.next_attempt, lang) : '')},
      {key: 'finished', label: t('notify.finished'), cell: (d) => fmtTime(d.finished, lang)},
      {key: 'last_error', label: t('notify.last_error'), cell: (d) => (d.last_error ? h('span', {class: 'error'}, d.last_error) : '')},
    ],
    load: (p) => get(`notifications/${n.id}/deliveries${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h2', {}, t('notify.deliveries')),
    h('p', {class: 'muted'}, t('notify.retry_rule')),
    h('div', {class: 'actions'}, h('button', {type: 'button', onclick: () => log.reload()}, t('auto.refresh'))), log.root);
  if (can('operator')) main.append(h('h2', {}, t('notify.change')), notificationForm(ctx, templates, n, workflows));
  await log.reload();
}

// The create / change form.
function notificationForm({params, go}, templates, n, workflows) {
  const id = params[0];
  const config = n.config || {};
  const name = h('input', {name: 'name', required: true, value: n.name || ''});
  const template = targetSelect(templates, n, workflows);
  const kind = h('select', {name: 'kind'}, kinds.map((k) => h('option', {value: k, selected: k === (n.kind || 'dingtalk')}, t(`notify.kind_${k}`))));
  const url = h('input', {name: 'url', required: true, value: n.url || '', size: 60, spellcheck: 'false', autocomplete: 'off'});
  const urlHint = h('small', {});
  const urlField = h('div', {class: 'field'}, h('label', {for: 'f-url'}, t('notify.url')), url, urlHint);
  url.id = 'f-url';
  const secret = h('input', {name: 'secret', type: 'password', autocomplete: 'new-password', spellcheck: 'false'});
  const dropSecret = h('input', {type: 'checkbox', name: 'drop_secret'});
  const boxes = events.map((e) => [e, h('input', {type: 'checkbox', name: 'events', value: e, checked: (n.events || ['failed']).includes(e)})]);
  // E-mail's and the generic webhook's own settings.
  const from = h('input', {name: 'config_from', value: config.from || '', autocomplete: 'off'});
  const to = h('input', {name: 'config_to', value: (config.to || []).join(', '), size: 40, autocomplete: 'off'});
  const smtpUser = h('input', {name: 'config_username', value: config.username || '', autocomplete: 'off'});
  const starttls = h('input', {type: 'checkbox', name: 'config_starttls', checked: !!config.starttls});
  const body = h('textarea', {name: 'config_body', rows: 4, spellcheck: 'false'});
  body.value = config.body || '';
  const contentType = h('input', {name: 'config_content_type', value: config.content_type || '', placeholder: 'application/json'});
  const email = h('fieldset', {}, h('legend', {}, t('notify.kind_email')),
    field(t('notify.from'), from), field(t('notify.to'), to, t('notify.to_hint')), field(t('notify.smtp_user'), smtpUser),
    h('div', {class: 'field check'}, h('label', {}, starttls, ' ', t('notify.starttls'))));
  const webhook = h('fieldset', {}, h('legend', {}, t('notify.kind_webhook')),
    field(t('notify.body'), body, t('notify.body_hint')), field(t('notify.content_type'), contentType));
  const showKind = () => {
    email.hidden = kind.value !== 'email';
    webhook.hidden = kind.value !== 'webhook';
    urlHint.textContent = t(`notify.url_hint_${kind.value}`);
    url.placeholder = kind.value === 'email' ? 'smtps://smtp.example.com:465' : 'https://';
  };
  kind.addEventListener('change', showKind);
  showKind();
  const enabled = h('input', {type: 'checkbox', name: 'enabled', checked: n.enabled !== false});
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const cfg = {};
    if (kind.value === 'email') {
      if (from.value.trim()) cfg.from = from.value.trim();
      cfg.to = splitList(to.value);
      if (smtpUser.value.trim()) cfg.username = smtpUser.value.trim();
      if (starttls.checked) cfg.starttls = true;
    } else if (kind.value === 'webhook') {
      if (body.value.trim()) cfg.body = body.value;
      if (contentType.value.trim()) cfg.content_type = contentType.value.trim();
    }
    const out = {name: name.value.trim(), ...targetOf(template), kind: kind.value, url: url.value.trim(),
      config: cfg, events: boxes.filter(([, b]) => b.checked).map(([ev]) => ev), enabled: enabled.checked};
    if (secret.value) out.secret = secret.value;
    else if (dropSecret.checked) out.secret = null;
    try {
      const saved = await (id ? patch(`notifications/${id}`, out) : post('notifications', out));
      notify(t('form.saved'));
      go(`/notifications/${saved.id}`);
    } catch (err) {
      showRefusal(form, error, err);
    }
  }},
  field(t('common.name'), name),
  field(t('auto.target'), template),
  field(t('notify.kind'), kind),
  urlField,
  field(id && n.has_secret ? t('notify.new_secret') : t('notify.secret'), secret,
    id && n.has_secret ? t('notify.new_secret_hint') : t('notify.secret_hint')),
  id && n.has_secret ? h('div', {class: 'field check'}, h('label', {}, dropSecret, ' ', t('notify.drop_secret'))) : null,
  h('fieldset', {}, h('legend', {}, t('notify.events')),
    boxes.map(([e, b]) => h('label', {class: 'inline'}, b, ' ', t(`notify.event_${e}`)))),
  email, webhook,
  h('div', {class: 'field check'}, h('label', {}, enabled, ' ', t('auto.enabled_box'))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/notifications'}, t('action.cancel'))));
  return form;
}
