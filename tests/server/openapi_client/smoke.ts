// A TypeScript client generated from drover's OpenAPI document, used
// against a running server (scripts/check-openapi-client.sh): it must
// type-check under --strict and these calls must work.
import { ApiError, HostsService, JobsService, OpenAPI } from './gen';

OpenAPI.BASE = process.env.DROVER_URL ?? '';
OpenAPI.TOKEN = process.env.DROVER_TOKEN ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const host = await HostsService.postHosts({ hostname: 'client1', role: 'web', tags: ['edge'] });
  const page = await HostsService.getHosts(undefined, undefined, undefined, undefined, undefined,
                                           undefined, undefined, 'edge');
  if (page.total !== 1 || page.items[0].hostname !== 'client1') throw new Error('list: ' + JSON.stringify(page));
  try {
    await HostsService.postHosts({ hostname: 'client1' });
    throw new Error('a duplicate hostname was accepted');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e;
  }
  let job = await JobsService.postJobs({ module: 'command', args: 'true',
                                         inventory_text: 'localhost ansible_connection=local\n' });
  while (job.state === 'pending' || job.state === 'running') {
    await sleep(100);
    job = await JobsService.getJobsById(job.id);
  }
  const events = await JobsService.getJobsByIdEvents(job.id, 0, 100);
  await HostsService.deleteHostsById(host.id);
  console.log(`client ok: host ${host.id}, job ${job.id} ${job.state} with ${events.items.length} events: ` +
              events.items.map((e) => e.event).join(' '));
}

main().catch((e) => {
  console.error('client FAILED:', e);
  process.exitCode = 1;
});
