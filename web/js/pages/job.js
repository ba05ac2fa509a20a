// One job, live: the output in ansible-playbook's PLAY / TASK / RECAP shape
// with its colours, the host grid (one cell per host coloured by its state),
// the task timeline and the recap table, from the job's Server-Sent Events
// (GET /api/v1/jobs/{id}/stream; the browser resumes with Last-Event-ID).
import {get, post, api} from '../api.js';
import {h, clear, fmtTime, duration, notify, download} from '../dom.js';
import {t, lang} from '../i18n.js';
import {badge} from '../table.js';
import {Output} from './job_output.js';
import {HostGrid} from './job_grid.js';

const finished = new Set(['successful', 'failed', 'canceled', 'error']);
const eventNames = ['playbook_start', 'play_start', 'task_start', 'runner_start', 'runner_result', 'item_result',
  'file_diff', 'retry', 'async_poll', 'async_finished', 'include', 'notify', 'no_hosts_matched',
  'no_hosts_remaining', 'warning', 'deprecation', 'display', 'stats'];

export async function render({main, params, query, can, go}) {
  const id = params[0];
  let job = await get(`jobs/${id}`);
  const head = h('div', {class: 'job-head'});
  const grid = new HostGrid();
  const output = new Output();
  const recap = h('div', {class: 'recap'});
  const timeline = h('ol', {class: 'timeline', 'aria-label': t('job.timeline')});
  main.append(h('p', {class: 'crumbs'}, h('a', {href: '#/jobs'}, t('nav.jobs'))), head,
    h('section', {'aria-labelledby': 'grid-h'}, h('h2', {id: 'grid-h'}, t('job.hosts')), grid.root),
    h('div', {class: 'job-body'},
      h('section', {class: 'out', 'aria-labelledby': 'out-h'}, h('h2', {id: 'out-h'}, t('job.output')), output.root),
      h('section', {class: 'side', 'aria-labelledby': 'tl-h'}, h('h2', {id: 'tl-h'}, t('job.timeline')), timeline)),
    h('section', {'aria-labelledby': 'recap-h'}, h('h2', {id: 'recap-h'}, t('job.recap')), recap));
  grid.onPick = (host) => output.filter(host);
  const sideBox = h('div', {class: 'side-box'});
  const sideButton = h('button', {type: 'button', 'aria-expanded': 'false', onclick: () => {
    const open = sideButton.getAttribute('aria-expanded') !== 'true';
    sideButton.setAttribute('aria-expanded', String(open));
    sideDrawn = -1;
    if (open) redrawSide(); else clear(sideBox);
  }}, t('job.side_by_side'));
  output.root.before(h('div', {class: 'actions'}, sideButton));
  output.root.after(sideBox);
  // Opened from batch execution (?side=1): the side-by-side view follows
  // the job live.
  if (query.get('side') === '1') sideButton.setAttribute('aria-expanded', 'true');
  let sideDrawn = -1;
  const redrawSide = () => {
    if (sideButton.getAttribute('aria-expanded') !== 'true' || sideDrawn === output.count) return;
    sideDrawn = output.count;
    clear(sideBox, output.sideBySide());
  };

  const tasks = [];
  function drawHead() {
    const buttons = [];
    if (can('operator') && !finished.has(job.state))
      buttons.push(h('button', {type: 'button', id: 'cancel', class: 'danger', disabled: job.cancel_requested, onclick: async () => {
        try { await post(`jobs/${id}/cancel`); notify(t('job.cancel_sent')); } catch (e) { notify(e.message, 'error'); }
      }}, t('job.cancel')));
    if (can('operator') && finished.has(job.state) && job.kind !== 'sync')
      buttons.push(h('button', {type: 'button', id: 'relaunch', onclick: async () => {
        try { const j = await post(`jobs/${id}/relaunch`); go(`/jobs/${j.id}`); } catch (e) { notify(e.message, 'error'); }
      }}, t('job.relaunch')));
    buttons.push(h('button', {type: 'button', id: 'download', onclick: async () => {
      download(`job-${id}.txt`, await api('GET', `jobs/${id}/stdout`, undefined, {raw: true}));
    }}, t('job.download')));
    clear(head, h('h1', {}, `#${job.id} ${job.name}`),
      h('p', {class: 'meta'}, badge(job.state, t(`state.${job.state}`)), ' ',
        t('job.meta', {created: fmtTime(job.created, lang), duration: duration(job.started, job.finished)})),
      job.error ? h('p', {class: 'error'}, job.error) : null,
      h('div', {class: 'actions'}, buttons));
  }
  function drawRecap(stats) {
    const hosts = Object.keys(stats || {}).sort();
    if (!hosts.length) { clear(recap, h('p', {class: 'muted'}, t('job.no_recap'))); return; }
    const cols = ['ok', 'changed', 'unreachable', 'failures', 'skipped', 'rescued', 'ignored'];
    clear(recap, h('table', {class: 'grid recap-table'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, t('host.hostname')), cols.map((c) => h('th', {scope: 'col'}, t(`recap.${c}`))))),
      h('tbody', {}, hosts.map((host) => h('tr', {},
        h('th', {scope: 'row'}, host),
        cols.map((c) => h('td', {class: stats[host][c] ? `n-${c}` : null}, stats[host][c] ?? 0)))))));
  }
  function onEvent(e) {
    output.add(e);
    grid.add(e);
    if (e.event === 'task_start') {
      const prev = tasks[tasks.length - 1];
      if (prev) prev.end = e.time;
      const item = h('li', {}, h('span', {class: 'name'}, e.task.name), h('span', {class: 'dur'}, ''));
      tasks.push({start: e.time, item});
      timeline.append(item);
    }
    if (e.event === 'stats') {
      const prev = tasks[tasks.length - 1];
      if (prev) prev.end = e.time;
      drawRecap(e.hosts);
    }
    for (const tk of tasks.slice(-2)) tk.item.querySelector('.dur').textContent = duration(tk.start, tk.end);
  }

  drawHead();
  drawRecap(job.recap);
  const source = new EventSource(`api/v1/jobs/${id}/stream`);
  for (const name of eventNames) source.addEventListener(name, (m) => onEvent(JSON.parse(m.data)));
  source.addEventListener('end', async () => {
    source.close();
    output.flush();
    job = await get(`jobs/${id}`);
    drawHead();
    if (job.recap) drawRecap(job.recap);
    redrawSide();
    grid.finish(job.state);
  });
  const sideTimer = setInterval(redrawSide, 1000);
  const poll = setInterval(async () => {
    if (document.hidden || finished.has(job.state)) return;
    try {
      const j = await get(`jobs/${id}`);
      if (j.state !== job.state || j.cancel_requested !== job.cancel_requested) { job = j; drawHead(); }
    } catch { /* shown on the next try */ }
  }, 2000);
  return () => { source.close(); clearInterval(poll); clearInterval(sideTimer); output.stop(); };
}
