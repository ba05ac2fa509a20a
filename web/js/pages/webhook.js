// One incoming webhook (#/webhooks/7): the URL and how the sender proves
// itself, its filters, the delivery log (launched with the job, filtered,
// rejected, duplicate, refused, each with the HTTP status and the reason),
// and for operators the edit form. #/webhooks/new is the form empty; the
// secret the server makes is shown once, right after the creation (it is
// sealed and never returned again).
import {get, post, patch, del, qs} from '../api.js';
import {h, clear, field, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {pagedTable, badge} from '../table.js';
import {tabs, templatesById, targetName, targetSelect, targetOf, workflowsById, enabledBadge, toggleButton, showRefusal, splitList} from './automation.js';
import {hookUrl, filtersText} from './webhooks.js';

const services = ['github', 'gitlab', 'gitee', 'generic'];

export async function render(ctx) {
  const {main, params, can, query} = ctx;
  const templates = await templatesById();
  const workflows = await workflowsById();
  main.append(tabs('webhooks'), h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, t('nav.webhooks'))));
  if (!params[0]) {
    const place = h('div');
    main.append(h('h1', {}, t('webhooks.new')), place);
    place.append(webhookForm(ctx, {templates, workflows}, {template_id: Number(query.get('template_id')) || undefined}, (saved) => {
      // The one moment the secret exists outside the database.
      clear(place, h('div', {class: 'card secret', 'aria-live': 'polite'},
        h('p', {}, t('webhook.created', {name: saved.name})),
        h('dl', {class: 'facts'},
          h('dt', {}, t('webhook.url')), h('dd', {}, h('code', {id: 'new-hook-url'}, hookUrl(saved.id))),
          saved.secret ? [h('dt', {}, t('webhook.secret')), h('dd', {}, h('code', {id: 'new-hook-secret'}, saved.secret))] : null),
        saved.secret ? h('p', {}, t('webhook.copy_secret_now')) : null,
        h('a', {class: 'button primary', href: `#/webhooks/${saved.id}`}, t('webhook.open'))));
    }));
    return;
  }
  const w = await get(`webhooks/${params[0]}`);
  main.append(h('h1', {}, w.name),
    can('operator') ? h('div', {class: 'actions'},
      toggleButton(`webhooks/${w.id}`, w, () => ctx.go(`/webhooks/${w.id}`)),
      h('button', {type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(t('common.confirm_delete', {name: w.name}))) return;
        await del(`webhooks/${w.id}`);
        notify(t('common.deleted'));
        ctx.go('/webhooks');
      }}, t('action.delete'))) : '',
    h('dl', {class: 'facts card'},
      h('dt', {}, t('webhook.url')), h('dd', {}, h('code', {id: 'hook-url'}, hookUrl(w.id))),
      h('dt', {}, t('auto.template')), h('dd', {}, targetName(templates, w, workflows)),
      h('dt', {}, t('webhook.service')), h('dd', {}, w.service),
      h('dt', {}, t('webhook.proof')), h('dd', {}, t(`webhook.proof_${w.service === 'generic' ? `generic_${w.auth}` : w.service}`)),
      h('dt', {}, t('webhook.filters')), h('dd', {}, filtersText(w.filters)),
      h('dt', {}, t('webhook.secret')), h('dd', {}, t('webhook.secret_sealed')),
      h('dt', {}, t('auto.state')), h('dd', {}, enabledBadge(w.enabled)),
      h('dt', {}, t('common.updated')), h('dd', {}, fmtTime(w.updated, lang))));
  const log = pagedTable({
    caption: t('webhook.deliveries'),
    limit: 20,
    columns: [
      {key: 'received', label: t('webhook.received'), cell: (d) => fmtTime(d.received, lang)},
      {key: 'outcome', label: t('webhook.outcome'), cell: (d) => badge(d.outcome, t(`delivery.${d.outcome}`))},
      {key: 'status', label: t('webhook.status')},
      {key: 'event', label: t('webhook.event')},
      {key: 'ref', label: t('webhook.ref'), cell: (d) => [d.ref, d.commit ? h('div', {class: 'muted'}, d.commit.slice(0, 12)) : '']},
      {key: 'job_id', label: t('auto.job'), cell: (d) => (d.job_id ? h('a', {href: `#/jobs/${d.job_id}`}, `#${d.job_id}`) : '')},
      {key: 'message', label: t('auto.message')},
      {key: 'address', label: t('webhook.address'), cell: (d) => [d.address, d.delivery_id ? h('div', {class: 'muted'}, d.delivery_id) : '']},
    ],
    load: (p) => get(`webhooks/${w.id}/deliveries${qs({limit: p.limit, offset: p.offset})}`),
  });
  main.append(h('h2', {}, t('webhook.deliveries')),
    h('div', {class: 'actions'}, h('button', {type: 'button', onclick: () => log.reload()}, t('auto.refresh'))), log.root);
  if (can('operator'))
    main.append(h('h2', {}, t('webhook.change')), webhookForm(ctx, {templates, workflows}, w, () => ctx.go(`/webhooks/${w.id}`)));
  await log.reload();
}

// The create / change form; done(saved answer) after a save.
function webhookForm({params}, {templates, workflows}, w, done) {
  const id = params[0];
  const name = h('input', {name: 'name', required: true, value: w.name || ''});
  const template = targetSelect(templates, w, workflows);
  const service = h('select', {name: 'service'}, services.map((s) => h('option', {value: s, selected: s === (w.service || 'github')}, t(`webhook.service_${s}`))));
  const auth = h('select', {name: 'auth'}, ['hmac', 'token'].map((a) => h('option', {value: a, selected: a === (w.auth || 'hmac')}, t(`webhook.auth_${a}`))));
  const authField = field(t('webhook.auth'), auth, t('webhook.auth_hint'));
  const showAuth = () => { authField.hidden = service.value !== 'generic'; };
  service.addEventListener('change', showAuth);
  showAuth();
  const secret = h('input', {name: 'secret', type: 'password', minlength: 16, autocomplete: 'new-password', spellcheck: 'false'});
  const lists = {};
  for (const k of ['branches', 'tags', 'paths'])
    lists[k] = h('input', {name: `filters_${k}`, value: ((w.filters || {})[k] || []).join(', '), size: 40, spellcheck: 'false'});
  const enabled = h('input', {type: 'checkbox', name: 'enabled', checked: w.enabled !== false});
  const error = h('p', {class: 'error', role: 'alert'});
  const form = h('form', {class: 'card form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const filters = {};
    for (const [k, el] of Object.entries(lists)) {
      const list = splitList(el.value);
      if (list.length) filters[k] = list;
    }
    const body = {name: name.value.trim(), ...targetOf(template), service: service.value, auth: auth.value,
      filters, enabled: enabled.checked};
    if (secret.value) body.secret = secret.value;
    try {
      const saved = await (id ? patch(`webhooks/${id}`, body) : post('webhooks', body));
      notify(t('form.saved'));
      done(saved);
    } catch (err) {
      showRefusal(form, error, err);
    }
  }},
  field(t('common.name'), name),
  field(t('auto.target'), template, t('webhook.template_hint')),
  field(t('webhook.service'), service),
  authField,
  field(id ? t('webhook.new_secret') : t('webhook.secret'), secret, id ? t('webhook.new_secret_hint') : t('webhook.secret_hint')),
  h('fieldset', {}, h('legend', {}, t('webhook.filters')),
    h('p', {class: 'muted'}, t('webhook.filters_hint')),
    ['branches', 'tags', 'paths'].map((k) => field(t(`webhook.${k}`), lists[k], t(`webhook.${k}_hint`)))),
  h('div', {class: 'field check'}, h('label', {}, enabled, ' ', t('auto.enabled_box'))),
  error,
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, t('action.save')),
    h('a', {class: 'button', href: '#/webhooks'}, t('action.cancel'))));
  return form;
}
