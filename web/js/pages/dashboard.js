// The dashboard: jobs running, queued and failed today; the fleet by status,
// line, IDC and role as bar charts (GET /api/v1/hosts/summary); the recent
// failures, each linking to its job.
import {get, qs} from '../api.js';
import {h, fmtTime} from '../dom.js';
import {t, lang} from '../i18n.js';
import {badge} from '../table.js';

function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

const count = async (params) => (await get(`jobs${qs({...params, limit: 1})}`)).total;

function tile(label, value, href) {
  return h('a', {class: 'tile', href}, h('span', {class: 'n'}, value), h('span', {class: 'l'}, label));
}

// A bar chart as a list: readable without colour and by screen readers.
function bars(title, counts, label = (k) => k || t('dash.none')) {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h('figure', {class: 'chart card'}, h('figcaption', {}, title),
    h('ul', {}, entries.map(([k, n]) => {
      const bar = h('span', {class: 'bar', 'aria-hidden': 'true'});
      bar.style.width = `${Math.round((n / max) * 100)}%`;  // CSSOM, allowed by the CSP (no style attribute)
      return h('li', {}, h('span', {class: 'k'}, label(k)), h('span', {class: 'track'}, bar), h('span', {class: 'v'}, n));
    })));
}

export async function render({main}) {
  const today = startOfToday();
  const [running, pending, failed, summary, failures] = await Promise.all([
    count({state: 'running'}), count({state: 'pending'}), count({state: 'failed', created_after: today}),
    get('hosts/summary'), get(`jobs${qs({state: 'failed', limit: 8})}`)]);
  main.append(h('h1', {}, t('nav.dashboard')),
    h('div', {class: 'tiles'},
      tile(t('dash.running'), running, '#/jobs?state=running'),
      tile(t('dash.pending'), pending, '#/jobs?state=pending'),
      tile(t('dash.failed_today'), failed, '#/jobs?state=failed'),
      tile(t('dash.hosts'), summary.total, '#/hosts')),
    h('div', {class: 'charts'},
      bars(t('dash.by_status'), summary.status, (k) => t(`status.${k}`)),
      bars(t('dash.by_line'), summary.line),
      bars(t('dash.by_idc'), summary.idc),
      bars(t('dash.by_role'), summary.role)),
    h('section', {class: 'card'}, h('h2', {}, t('dash.recent_failures')),
      failures.items.length ? h('ul', {class: 'failures'}, failures.items.map((j) => h('li', {},
        badge(j.state, t(`state.${j.state}`)), ' ', h('a', {href: `#/jobs/${j.id}`}, `#${j.id} ${j.name}`), ' ',
        h('span', {class: 'muted'}, fmtTime(j.created, lang))))) : h('p', {class: 'muted'}, t('dash.no_failures'))));
}
