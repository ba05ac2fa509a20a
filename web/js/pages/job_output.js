// A job's output as ansible-playbook prints it (PLAY [..] ****, TASK [..],
// ok: [host], changed:, fatal: ... FAILED! =>, PLAY RECAP) with its colours,
// drawn from the JSON events (docs/JSON_EVENTS.md). Lines are appended in
// batches once per animation frame: 2,000 hosts' results arrive faster than
// a per-event DOM update could follow.
import {h} from '../dom.js';

const width = 80;
const banner = (text) => `${text} ${'*'.repeat(Math.max(3, width - text.length - 1))}`;
const statusWord = {ok: 'ok', changed: 'changed', skipped: 'skipping', failed: 'fatal', unreachable: 'fatal'};

// A result as ansible-playbook prints it: Python's json.dumps with sorted
// keys and ", " / ": " separators, without the keys its callback hides
// below -vvv (invocation, _ansible_*).
function pyDump(v) {
  if (Array.isArray(v)) return `[${v.map(pyDump).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}: ${pyDump(v[k])}`).join(', ')}}`;
  return JSON.stringify(v);
}

function shown(result) {
  const out = {};
  for (const [k, v] of Object.entries(result)) if (k !== 'invocation' && !k.startsWith('_ansible')) out[k] = v;
  return out;
}

export class Output {
  constructor() {
    this.root = h('pre', {class: 'output', tabindex: '0', 'aria-label': 'output', role: 'log'});
    this.queue = [];
    this.count = 0;  // lines so far
    this.byHostLines = new Map();  // host -> its lines, for the side-by-side view
    this.tasks = new Map();
    this.frame = 0;
    this.only = null;
    this.follow = true;
    this.root.addEventListener('scroll', () => {
      this.follow = this.root.scrollTop + this.root.clientHeight >= this.root.scrollHeight - 30;
    });
  }

  line(text, cls, host) {
    const l = {text, cls, host};
    this.queue.push(l);
    this.count++;
    if (host) {
      if (!this.byHostLines.has(host)) this.byHostLines.set(host, []);
      this.byHostLines.get(host).push(l);
    }
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    if (!this.queue.length) return;
    const frag = document.createDocumentFragment();
    for (const {text, cls, host} of this.queue) {
      const el = h('span', {class: cls ? `l ${cls}` : 'l'}, `${text}\n`);
      if (host) el.dataset.host = host;
      if (this.only && host !== this.only) el.hidden = true;
      frag.append(el);
    }
    this.queue = [];
    this.root.append(frag);
    if (this.follow) this.root.scrollTop = this.root.scrollHeight;
  }

  // Each host's lines in a card of its own, side by side (the batch
  // execution view): a snapshot of the lines so far.
  sideBySide() {
    const hosts = [...this.byHostLines.keys()].sort();
    return h('div', {class: 'side-by-side'}, hosts.map((host) => h('section', {class: 'host-out', 'aria-label': host},
      h('h3', {}, host),
      h('pre', {class: 'output small'}, this.byHostLines.get(host).map((l) => h('span', {class: l.cls ? `l ${l.cls}` : 'l'}, `${l.text}\n`))))));
  }

  stop() { if (this.frame) cancelAnimationFrame(this.frame); }

  // Shows only one host's result lines (the banners stay); null: all.
  filter(host) {
    this.only = this.only === host ? null : host;
    for (const el of this.root.children) el.hidden = !!(this.only && el.dataset.host && el.dataset.host !== this.only);
  }

  add(e) {
    switch (e.event) {
      case 'play_start':
        this.line('');
        this.line(banner(`PLAY [${e.play.name}]`), 'banner');
        break;
      case 'task_start':
        this.tasks.set(e.task.id, e.task);
        this.line('');
        this.line(banner(`${e.task.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task.name}]`), 'banner');
        break;
      case 'runner_result':
      case 'item_result':
        this.result(e);
        break;
      case 'retry':
        this.line(`FAILED - RETRYING: [${e.host}]: ${this.tasks.get(e.task_id)?.name || ''} (${e.retries - e.attempt} retries left).`, 'c-failed', e.host);
        break;
      case 'warning':
        this.line(`[WARNING]: ${e.msg}`, 'c-warn');
        break;
      case 'deprecation':
        this.line(`[DEPRECATION WARNING]: ${e.msg}`, 'c-warn');
        break;
      case 'no_hosts_matched':
        this.line('skipping: no hosts matched', 'c-skipped');
        break;
      case 'no_hosts_remaining':
        this.line('NO MORE HOSTS LEFT', 'c-failed');
        break;
      case 'stats':
        this.recap(e.hosts || {});
        break;
      default:
        break;
    }
  }

  result(e) {
    const r = e.result || {};
    const task = this.tasks.get(e.task_id) || {};
    const item = e.event === 'item_result' ? ` => (item=${r._ansible_item_label ?? r.item ?? ''})` : '';
    const host = e.delegated_to ? `${e.host} -> ${e.delegated_to}` : e.host;
    const cls = `c-${e.status}`;
    if (e.status === 'failed' || e.status === 'unreachable') {
      const word = e.status === 'unreachable' ? 'UNREACHABLE!' : 'FAILED!';
      this.line(`${statusWord[e.status]}: [${host}]${item}: ${word} => ${pyDump({...shown(r), changed: !!r.changed})}`, cls, e.host);
      if (e.ignore_errors) this.line('...ignoring', 'c-skipped', e.host);
      return;
    }
    let text = `${statusWord[e.status] || e.status}: [${host}]${item}`;
    if (/(^|\.)debug$/.test(task.action || '') && 'msg' in r) text += ` => ${JSON.stringify({msg: r.msg}, null, 4)}`;
    this.line(text, cls, e.host);
    if (e.event === 'runner_result' && typeof r.stdout === 'string' && r.stdout && /(^|\.)(command|shell|raw|script)$/.test(task.action || ''))
      this.line(r.stdout, 'c-plain', e.host);
  }

  recap(hosts) {
    this.line('');
    this.line(banner('PLAY RECAP'), 'banner');
    for (const name of Object.keys(hosts).sort()) {
      const s = hosts[name];
      const cls = s.failures || s.unreachable ? 'c-failed' : s.changed ? 'c-changed' : 'c-ok';
      this.line(`${name.padEnd(26)} : ok=${s.ok}    changed=${s.changed}    unreachable=${s.unreachable}    failed=${s.failures}    skipped=${s.skipped}    rescued=${s.rescued}    ignored=${s.ignored}`, cls, name);
    }
  }
}
