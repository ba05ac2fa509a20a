// The live host grid: one small cell per host, coloured by its worst state so
// far (failed/unreachable > changed > ok > skipped), outlined while it runs a
// task. Readable at 2,000 hosts: cells wrap to the width (12 px past 1,000
// hosts: about 90 per row on a laptop, 22 rows, all on screen at once), the
// counts above say how many are in each state, and a cell names its host
// (title, aria-label) and shows only that host's output when chosen.
import {h} from '../dom.js';
import {t} from '../i18n.js';

const rank = {pending: 0, skipped: 1, ok: 2, changed: 3, failed: 4, unreachable: 5};
const states = ['pending', 'ok', 'changed', 'failed', 'unreachable', 'skipped'];

export class HostGrid {
  constructor() {
    this.cells = new Map();
    this.spare = [];
    this.counts = Object.fromEntries(states.map((s) => [s, 0]));
    this.legend = h('ul', {class: 'legend', 'aria-live': 'off'});
    this.box = h('div', {class: 'hostgrid', role: 'group', 'aria-label': t('job.hosts')});
    this.root = h('div', {}, this.legend, this.box);
    this.onPick = () => {};
    this.drawLegend();
  }

  drawLegend() {
    this.legend.replaceChildren(...states.map((s) => h('li', {class: `s-${s}`},
      h('span', {class: 'swatch', 'aria-hidden': 'true'}), `${t(`grid.${s}`)}: `, h('b', {dataset: {count: s}}, this.counts[s]))));
  }

  makeCell() {
    const cell = h('button', {type: 'button', class: 'cell s-pending', 'aria-label': t('grid.pending')});
    cell.dataset.state = 'pending';
    cell.addEventListener('click', () => {
      if (!cell.dataset.host) return;
      // One chosen host at a time: its output only (aria-pressed says which).
      const on = cell.getAttribute('aria-pressed') !== 'true';
      for (const c of this.box.querySelectorAll('[aria-pressed="true"]')) c.setAttribute('aria-pressed', 'false');
      cell.setAttribute('aria-pressed', String(on));
      this.onPick(cell.dataset.host);
    });
    this.box.append(cell);
    this.counts.pending++;
    return cell;
  }

  // Placeholders for the hosts a play will run on, before their names come.
  expect(n) {
    const have = this.cells.size + this.spare.length;
    // Past 1,000 hosts the cells shrink to 12 px: 2,000 fit a laptop screen.
    this.box.classList.toggle('dense', Math.max(n, have) > 1000);
    for (let i = have; i < n; i++) this.spare.push(this.makeCell());
  }

  cell(host) {
    let c = this.cells.get(host);
    if (!c) {
      c = this.spare.shift() || this.makeCell();
      c.dataset.host = host;
      c.title = host;
      this.cells.set(host, c);
      this.setState(c, 'pending');
    }
    return c;
  }

  setState(c, s) {
    this.counts[c.dataset.state]--;
    this.counts[s]++;
    c.dataset.state = s;
    c.className = `cell s-${s}${c.classList.contains('running') ? ' running' : ''}`;
    c.setAttribute('aria-label', `${c.dataset.host}: ${t(`grid.${s}`)}`);
    for (const el of this.legend.querySelectorAll('b')) el.textContent = this.counts[el.dataset.count];
  }

  add(e) {
    if (e.event === 'play_start') this.expect(e.play.host_count || 0);
    if (!e.host || typeof e.host !== 'string') return;
    const c = this.cell(e.host);
    if (e.event === 'runner_start') c.classList.add('running');
    if (e.event === 'runner_result') {
      c.classList.remove('running');
      const s = e.ignore_errors ? 'ok' : e.status;
      if ((rank[s] ?? 0) > rank[c.dataset.state]) this.setState(c, s);
    }
  }

  finish() {
    for (const c of this.cells.values()) c.classList.remove('running');
  }
}
