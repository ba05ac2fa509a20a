// Workflow pages (issue 19): the Workflows tab lists the workflow and the
// workflow jobs; Launch opens the new workflow job, whose approval node
// waits with Approve / Deny buttons; approving runs the template node to
// success, denying skips it and fails the workflow job; a viewer sees the
// same page without a decision button. A schedule of the workflow shows it
// as its target and keeps it when its form is saved. The editor writes a
// workflow: a graph the server refuses marks the nodes field with the
// server's reason, the fixed one is saved, and a new schedule picks it from
// the target control.
import {scenario, nav, newPage, login, shot, check, assert, base, data, unlabelled} from './lib.mjs';

async function launch(page) {
  await nav(page, 'Automation').click();
  await page.getByRole('link', {name: 'Workflows', exact: true}).click();
  await page.getByRole('heading', {name: 'Workflows', exact: true}).waitFor();
  // The workflow's own row (the one with its Launch button): the jobs table
  // below, which loads at the same time, has rows named 'release' too.
  const launchButton = page.getByRole('button', {name: 'Launch release'});
  const row = page.locator('tr').filter({has: launchButton});
  assert.match(await row.innerText(), /gate → deploy/);
  await launchButton.click();
  await page.waitForURL(/#\/workflow_jobs\/\d+$/);
  const gate = page.locator('tr[data-node="gate"]');
  await gate.locator('.badge.s-approval').waitFor();
  assert.match(await gate.innerText(), /waiting for approval/);
  assert.match(await gate.innerText(), /ship it\?/);
  return page.url().match(/workflow_jobs\/(\d+)$/)[1];
}

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  const first = await launch(page);
  assert.deepEqual(await unlabelled(page), [], 'workflow job page');
  await shot(page, 'workflow-approval');
  await page.getByRole('button', {name: 'Approve gate'}).click();
  // The page refreshes itself: the deploy node's job runs and succeeds.
  await page.locator('#workflow-state .badge.s-successful').waitFor({timeout: 120000});
  const deploy = page.locator('tr[data-node="deploy"]');
  assert.match(await deploy.innerText(), /successful/);
  assert.equal(await deploy.getByRole('link', {name: /^#\d+$/}).count(), 1, 'the node links its job');
  assert.equal(await page.getByRole('button', {name: /Approve|Deny/}).count(), 0, 'decided');
  await shot(page, 'workflow-successful');

  const second = await launch(page);
  assert.notEqual(second, first);
  await page.getByRole('button', {name: 'Deny gate'}).click();
  await page.locator('#workflow-state .badge.s-failed').waitFor({timeout: 60000});
  assert.match(await page.locator('tr[data-node="deploy"]').innerText(), /skipped/);
  assert.match(await page.locator('tr[data-node="gate"]').innerText(), /denied by op1/);
  await nav(page, 'Automation').click();
  await page.getByRole('link', {name: 'Workflows', exact: true}).click();
  const jobs = page.locator('table', {hasText: 'Workflow jobs'});
  await jobs.getByRole('link', {name: `#${second}`}).waitFor();
  assert.match(await jobs.locator('tr', {hasText: `#${second}`}).innerText(), /failed/);
  await shot(page, 'workflows');

  await page.getByRole('link', {name: 'Schedules', exact: true}).click();
  assert.match(await page.locator('tr', {hasText: 'nightly release'}).innerText(), /workflow #\d+/);
  await page.goto(`${base}#/schedules/${data.workflow_schedule_id}`);
  await page.getByRole('heading', {name: 'nightly release'}).waitFor();
  assert.match(await page.locator('#overrides-allowed').innerText(), /extra_vars only/);
  await page.getByLabel('Launch overrides (JSON)').fill('{"extra_vars": {"channel": "weekly"}}');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByText('{"extra_vars":{"channel":"weekly"}}').waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /workflow #\d+ release/, 'still the workflow\'s schedule');

  await nav(page, 'Automation').click();
  await page.getByRole('link', {name: 'Workflows', exact: true}).click();
  await page.getByRole('link', {name: 'New workflow'}).click();
  await page.getByRole('heading', {name: 'New workflow'}).waitFor();
  await page.getByLabel('Name', {exact: true}).fill('hotfix');
  const nodes = page.getByLabel('Nodes', {exact: true});
  await nodes.fill(JSON.stringify([{id: 'deploy', template_id: data.template_id, on_failure: ['rollbak']}]));
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: /no node 'rollbak'/}).waitFor();
  assert.equal(await nodes.getAttribute('aria-invalid'), 'true', 'the refused field is marked');
  await nodes.fill(JSON.stringify([{id: 'deploy', template_id: data.template_id}]));
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {name: 'Edit workflow hotfix'}).waitFor();
  assert.match(page.url(), /#\/workflows\/\d+\/edit$/);
  assert.deepEqual(await unlabelled(page), [], 'workflow editor');
  await shot(page, 'workflow-editor');
  await page.getByRole('link', {name: 'Schedules', exact: true}).click();
  await page.getByRole('link', {name: 'New schedule'}).click();
  await page.getByLabel('Name', {exact: true}).fill('hotfix weekly');
  await page.getByLabel('Template or workflow', {exact: true}).selectOption({label: 'hotfix'});
  assert.match(await page.locator('#overrides-allowed').innerText(), /extra_vars only/);
  await page.getByLabel('Cron expression').fill('@weekly');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {name: 'hotfix weekly'}).waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /workflow #\d+ hotfix/, 'the new schedule runs the workflow');
  check(page, [/status of 400/]);

  const viewer = await newPage(b);
  await login(viewer, 'viewer1');
  await viewer.goto(`${base}#/workflow_jobs/${first}`);
  await viewer.locator('tr[data-node="gate"]').waitFor();
  assert.equal(await viewer.getByRole('button', {name: /Approve|Deny|Cancel/}).count(), 0, 'a viewer decides nothing');
  await viewer.goto(`${base}#/workflows`);
  await viewer.getByRole('heading', {name: 'Workflows', exact: true}).waitFor();
  assert.equal(await viewer.getByRole('button', {name: /Launch/}).count(), 0, 'a viewer launches nothing');
  check(viewer);
});
