// Batch execution from the hosts page (Spug's "batch execution"): an ad-hoc
// command on the selected hosts, as a job whose inventory is those hosts
// (POST /api/v1/jobs {module, args, inventory_text, credential_id}); the job
// page then shows each host's output side by side.
import {get, post} from '../api.js';
import {h, notify} from '../dom.js';
import {t} from '../i18n.js';

// The selected hosts as an inventory in YAML's JSON form (the server reads
// an inventory text as YAML first): ansible_host is the CMDB ip unless the
// host's vars set it (as the CMDB inventory does), and every var comes
// along with its type (lists and mappings too, which an INI host line
// cannot carry).
export function inventoryYaml(hosts) {
  const entries = hosts.map((host) => [host.hostname, {...(host.ip ? {ansible_host: host.ip} : {}), ...(host.vars || {})}]);
  return `${JSON.stringify({all: {hosts: Object.fromEntries(entries)}}, null, 1)}\n`;
}

// The controls for the hosts page's bulk bar; selectedHosts() gives the
// selected host records.
export async function batchControls(selectedHosts, go) {
  const creds = await get('credentials?limit=1000').catch(() => ({items: []}));
  const module = h('select', {'aria-label': t('batch.module')}, ['shell', 'command'].map((m) => h('option', {value: m}, m)));
  const args = h('input', {'aria-label': t('batch.command'), placeholder: t('batch.command'), size: 24});
  const cred = h('select', {'aria-label': t('template.credential')}, h('option', {value: ''}, t('template.no_credential')),
    creds.items.map((c) => h('option', {value: c.id}, `${c.name} (${c.kind})`)));
  const run = h('button', {type: 'button', class: 'primary', onclick: async () => {
    if (!args.value.trim()) { args.focus(); return; }
    const hosts = await selectedHosts();
    const body = {module: module.value, args: args.value, inventory_text: inventoryYaml(hosts)};
    if (cred.value) body.credential_id = Number(cred.value);
    try {
      const job = await post('jobs', body);
      go(`/jobs/${job.id}?side=1`);
    } catch (e) {
      notify(e.message, 'error');
    }
  }}, t('batch.run'));
  return [module, args, cred, run];
}
