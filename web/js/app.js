// The UI's shell: who is logged in, the navigation (only what the user's role
// may use), the language switch, and a hash router (#/hosts, #/jobs/7): the
// document's own URL never changes, so relative URLs keep working under a
// reverse proxy's path prefix.
import {get, post, setUnauthorizedHandler} from './api.js';
import {h, clear, notify} from './dom.js';
import {t, lang, languages, setLang} from './i18n.js';

const rank = {viewer: 1, operator: 2, admin: 3};

const routes = [
  // [pattern, module, least role]
  [/^\/$/, 'dashboard', 'viewer'],
  [/^\/hosts$/, 'hosts', 'viewer'],
  [/^\/hosts\/new$/, 'host_edit', 'operator'],
  [/^\/hosts\/(\d+)$/, 'host', 'viewer'],
  [/^\/hosts\/(\d+)\/edit$/, 'host_edit', 'operator'],
  [/^\/jobs$/, 'jobs', 'viewer'],
  [/^\/jobs\/(\d+)$/, 'job', 'viewer'],
  [/^\/templates$/, 'templates', 'viewer'],
  [/^\/templates\/new$/, 'template_edit', 'operator'],
  [/^\/templates\/(\d+)\/edit$/, 'template_edit', 'operator'],
  [/^\/templates\/(\d+)\/launch$/, 'launch', 'operator'],
  [/^\/projects$/, 'projects', 'viewer'],
  [/^\/projects\/(\d+)\/edit$/, 'project_edit', 'operator'],
  [/^\/schedules$/, 'schedules', 'viewer'],
  [/^\/schedules\/new$/, 'schedule', 'operator'],
  [/^\/schedules\/(\d+)$/, 'schedule', 'viewer'],
  [/^\/webhooks$/, 'webhooks', 'viewer'],
  [/^\/webhooks\/new$/, 'webhook', 'operator'],
  [/^\/webhooks\/(\d+)$/, 'webhook', 'viewer'],
  [/^\/notifications$/, 'notifications', 'viewer'],
  [/^\/notifications\/new$/, 'notification', 'operator'],
  [/^\/notifications\/(\d+)$/, 'notification', 'viewer'],
  [/^\/workflows$/, 'workflows', 'viewer'],
  [/^\/workflows\/new$/, 'workflow_edit', 'operator'],
  [/^\/workflows\/(\d+)\/edit$/, 'workflow_edit', 'operator'],
  [/^\/workflow_jobs\/(\d+)$/, 'workflow_job', 'viewer'],
  [/^\/credentials$/, 'credentials', 'operator'],
  [/^\/credentials\/(\d+)\/edit$/, 'credential_edit', 'admin'],
  [/^\/tokens$/, 'tokens', 'viewer'],
  [/^\/admin\/users$/, 'users', 'admin'],
  [/^\/admin\/audit$/, 'audit', 'admin'],
];

const nav = [
  ['#/', 'nav.dashboard', 'viewer'],
  ['#/jobs', 'nav.jobs', 'viewer'],
  ['#/hosts', 'nav.hosts', 'viewer'],
  ['#/templates', 'nav.templates', 'viewer'],
  ['#/projects', 'nav.projects', 'viewer'],
  // Schedules, webhooks, notifications and workflows: one entry, tabs on the pages.
  ['#/schedules', 'nav.automation', 'viewer', ['#/schedules', '#/webhooks', '#/notifications', '#/workflow']],
  ['#/credentials', 'nav.credentials', 'operator'],
  ['#/admin/users', 'nav.users', 'admin'],
  ['#/admin/audit', 'nav.audit', 'admin'],
];

const state = {user: null, cleanup: null};

export function can(role) {
  return !!state.user && rank[state.user.role] >= rank[role];
}

export function go(path) {
  if (location.hash === `#${path}`) route();
  else location.hash = path;
}

// A 401 once logged in: the session ended (expired, revoked, password
// changed elsewhere).
setUnauthorizedHandler(() => {
  if (!state.user) return;
  notify(t('login.expired'), 'error');
  state.user = null;
  showLogin();
});

async function start() {
  try {
    state.user = await get('me');
  } catch {
    state.user = null;
  }
  window.addEventListener('hashchange', route);
  route();
}

function showLogin() {
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  import('./pages/login.js').then((m) => m.render(document.getElementById('app'), async (user) => {
    state.user = user;
    route();
  }));
}

function shell() {
  const select = h('select', {id: 'lang', 'aria-label': t('shell.language'),
    onchange: (e) => { setLang(e.target.value); route(); }},
  languages.map(([code, name]) => h('option', {value: code, selected: code === lang}, name)));
  const here = `#${location.hash.slice(1).split('?')[0] || '/'}`;
  const links = nav.filter(([, , role]) => can(role)).map(([href, key, , also]) => {
    const active = href === '#/' ? here === '#/' : (also || [href]).some((x) => here.startsWith(x));
    return h('li', {}, h('a', {href, 'aria-current': active ? 'page' : null}, t(key)));
  });
  const main = h('main', {id: 'main', tabindex: '-1'});
  const header = h('header', {class: 'top'},
    h('a', {class: 'brand', href: '#/'}, 'drover'),
    h('nav', {'aria-label': t('shell.navigation')}, h('ul', {}, links)),
    h('div', {class: 'who'},
      select,
      h('a', {href: '#/tokens', title: t('nav.tokens')}, `${state.user.username} (${t(`role.${state.user.role}`)})`),
      h('button', {type: 'button', id: 'logout', onclick: logout}, t('shell.logout'))));
  const skip = h('button', {type: 'button', class: 'skip', onclick: () => main.focus()}, t('shell.skip'));
  clear(document.getElementById('app'), skip, header, main);
  return main;
}

async function logout() {
  try { await post('logout'); } catch { /* the session may be gone already */ }
  state.user = null;
  if (location.hash && location.hash !== '#/') location.hash = '#/';  // the hashchange shows the login
  else showLogin();
}

async function route() {
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  if (!state.user) return showLogin();
  const [path, query] = location.hash.slice(1).split('?');
  const p = path || '/';
  let found = null;
  let params = [];
  for (const [re, mod, role] of routes) {
    const m = p.match(re);
    if (m) { found = [mod, role]; params = m.slice(1); break; }
  }
  const main = shell();
  if (!found) {
    main.append(h('h1', {}, t('page.not_found')));
    return;
  }
  const [mod, role] = found;
  if (!can(role)) {
    main.append(h('h1', {}, t('page.forbidden')));
    return;
  }
  const ctx = {main, params, query: new URLSearchParams(query || ''), user: state.user, can, go};
  try {
    const page = await import(`./pages/${mod}.js`);
    const cleanup = await page.render(ctx);
    if (typeof cleanup === 'function') state.cleanup = cleanup;
  } catch (e) {
    if (e && e.status === 401) return;
    main.append(h('p', {class: 'error', role: 'alert'}, e.message || String(e)));
  }
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} · drover` : 'drover';
  // A screen reader starts reading the new page, not the old position.
  if (!main.contains(document.activeElement)) main.focus({preventScroll: true});
}

start();
