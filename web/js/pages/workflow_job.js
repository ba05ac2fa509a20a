// One workflow job: its state and each node's (the node's jobs linked, a
// rolling node's batches), approve / deny on a node waiting for approval and
// cancel while it runs (operators); refreshed every two seconds until it
// ends.
import {get, post} from '../api.js';
import {h, clear, fmtTime, notify} from '../dom.js';
import {t, lang} from '../i18n.js';
import {badge} from '../table.js';
import {tabs} from './automation.js';

export async function render({main, params, can}) {
  const id = params[0];
  const body = h('div', {id: 'workflow-job'});
  main.append(tabs('workflows'), h('h1', {}, t('workflow_job.title', {id})), body);

  const act = (path, payload, done) => async () => {
    try {
      await post(`workflow_jobs/${id}/${path}`, payload);
      notify(done);
      await draw();
    } catch (e) {
      notify(e.message, 'error');
    }
  };
  const decide = (n) => h('span', {class: 'row-actions'},
    h('button', {type: 'button', class: 'primary', 'aria-label': `${t('workflow.approve')} ${n.id}`,
      onclick: act('approve', {node: n.id}, t('workflow.approved', {node: n.id}))}, t('workflow.approve')),
    h('button', {type: 'button', class: 'danger', 'aria-label': `${t('workflow.deny')} ${n.id}`,
      onclick: act('deny', {node: n.id}, t('workflow.denied', {node: n.id}))}, t('workflow.deny')));
  const jobsOf = (n) => (n.jobs || []).map((j, i) => [i ? ', ' : '', h('a', {href: `#/jobs/${j}`}, `#${j}`)]);
  const row = (n) => h('tr', {'data-node': n.id},
    h('th', {scope: 'row'}, n.id),
    h('td', {}, t(`wfkind.${n.kind}`)),
    h('td', {class: 'node-state'}, badge(n.state, t(`wfnode.${n.state}`))),
    h('td', {}, jobsOf(n)),
    h('td', {}, [n.message || '', n.deadline && n.state === 'approval' ? h('div', {class: 'muted'}, t('workflow.deadline', {time: fmtTime(n.deadline, lang)})) : '',
      n.progress && n.progress.batches ? h('div', {class: 'muted'}, t('workflow.batches', {done: (n.progress.results || []).length, all: n.progress.batches.length})) : '']),
    h('td', {}, n.state === 'approval' && can('operator') ? decide(n) : ''));

  let timer = null;
  async function draw() {
    const wj = await get(`workflow_jobs/${id}`);
    clear(body,
      h('p', {}, h('strong', {}, wj.name), ' ', h('span', {id: 'workflow-state'}, badge(wj.state, t(`wfstate.${wj.state}`))),
        ' ', h('span', {class: 'muted'}, fmtTime(wj.created, lang)), wj.message ? h('span', {}, ` — ${wj.message}`) : ''),
      wj.state === 'running' && can('operator') ? h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'danger', onclick: act('cancel', {}, t('workflow.canceled'))}, t('workflow.cancel'))) : '',
      h('table', {class: 'grid'},
        h('caption', {}, t('workflow.nodes')),
        h('thead', {}, h('tr', {}, [t('workflow.node'), t('workflow.kind'), t('auto.state'), t('auto.job'), t('auto.message'), t('common.actions')]
          .map((x) => h('th', {scope: 'col'}, x)))),
        h('tbody', {}, wj.nodes.map(row))));
    if (wj.state !== 'running' && timer) {
      clearInterval(timer);
      timer = null;
    }
    return wj;
  }
  const first = await draw();
  if (first.state === 'running') timer = setInterval(() => draw().catch(() => {}), 2000);
  return () => { if (timer) clearInterval(timer); };
}
