// An operator launches a template from its form (only the fields the
// template asks for), watches the job stream to the recap with the host
// grid filling, downloads the output and relaunches it; then runs it on hosts
// chosen in the CMDB (batch execution), each host's output side by side.
import {scenario, nav, newPage, login, shot, check, assert, data, unlabelled} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  await nav(page, 'Templates').click();
  await page.getByRole('link', {name: `Launch ${data.template_name}`}).click();
  // The template asks for limit, variables and check mode; not for tags or forks.
  await page.getByLabel('Limit').waitFor();
  assert.equal(await page.getByLabel('Tags', {exact: true}).count(), 0);
  assert.equal(await page.getByLabel('Forks').count(), 0);
  await page.getByLabel('Extra variables (JSON)').fill('{"greeting": "hello from the browser"}');
  await shot(page, 'launch-form');
  await page.getByRole('button', {name: 'Launch'}).click();

  await page.waitForURL(/#\/jobs\/\d+$/);
  const jobUrl = page.url();
  // The output streams in ansible-playbook's shape, with its colours.
  const out = page.locator('pre.output');
  await out.getByText('PLAY RECAP').waitFor({timeout: 120000});
  const text = await out.innerText();
  assert.match(text, /PLAY \[web tier\] \*+/);
  assert.match(text, /TASK \[say hello\] \*+/);
  assert.match(text, /ok: \[host001\] => \{\s+"msg": "hello from the browser host001"/);
  assert.match(text, /fatal: \[host003\]: FAILED! =>/);
  assert.ok(await out.locator('.c-changed').count() > 0, 'changed lines are coloured');
  assert.ok(await out.locator('.c-failed').count() > 0, 'failed lines are coloured');
  // The grid: one cell per host, coloured by its state.
  const cells = page.locator('.hostgrid .cell');
  assert.equal(await cells.count(), data.hosts);
  assert.equal(await page.locator('.hostgrid .cell.s-failed').count(), 1);
  assert.equal(await page.locator('.hostgrid .cell.s-changed').count(), data.hosts - 1);
  assert.equal(await page.getByRole('button', {name: 'host003: failed'}).count(), 1);
  // The recap table, and the final state once the stream ended.
  const recap = page.locator('table.recap-table tbody tr');
  await page.locator('.job-head .badge.s-failed').waitFor();
  assert.equal(await recap.count(), data.hosts);
  assert.match(await page.locator('table.recap-table').innerText(), /host003\s+2\s+1\s+0\s+1/);
  // A per-task timeline.
  assert.equal(await page.locator('ol.timeline li').count(), 3);
  await shot(page, 'job-finished');
  assert.deepEqual(await unlabelled(page), [], 'job page');

  // Choosing a cell shows only that host's lines.
  await page.getByRole('button', {name: 'host003: failed'}).click();
  assert.equal(await out.locator('.l[data-host="host001"]:visible').count(), 0);
  await page.getByRole('button', {name: 'host003: failed'}).click();

  // Download: ansible-playbook's text of the run.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', {name: 'Download output'}).click()]);
  const saved = await dl.path();
  const fs = await import('node:fs');
  assert.match(fs.readFileSync(saved, 'utf8'), /PLAY RECAP/);

  // Relaunch: a new job of the same spec, followed on its own page.
  await page.getByRole('button', {name: 'Relaunch'}).click();
  await page.waitForURL((u) => /#\/jobs\/\d+$/.test(u.toString()) && u.toString() !== jobUrl);
  const relaunched = page.url().match(/(\d+)$/)[1];
  await page.getByRole('heading', {name: new RegExp(`^#${relaunched} `)}).waitFor();  // the new job's page
  await page.locator('pre.output').getByText('PLAY RECAP').waitFor({timeout: 120000});
  assert.match(await page.locator('pre.output').innerText(), /hello from the browser host002/);

  // The job list shows both, newest first, with their states.
  await nav(page, 'Jobs').click();
  await page.locator('table.grid tbody tr').first().waitFor();
  assert.ok(await page.locator('table.grid tbody tr').count() >= 2);
  await shot(page, 'jobs-list');
  // Filtered by state: only the failed ones (the launch and the relaunch).
  await page.getByLabel('State').selectOption('failed');
  await page.getByRole('button', {name: 'Filter'}).click();
  await page.locator('.pager-status', {hasText: /of [23]$/}).waitFor();
  for (const row of await page.locator('table.grid tbody tr').allInnerTexts()) assert.match(row, /failed/);
  // Batch execution: two hosts chosen in the CMDB, the template run on them,
  // each host's output side by side.
  await nav(page, 'Hosts').click();
  await page.getByLabel('Search hostname or IP').first().fill('host00');
  await page.locator('.pager-status', {hasText: '1–2 of 2'}).waitFor();
  await page.getByLabel('Select all on this page').check();
  await page.getByRole('combobox', {name: 'Run template on selection'}).selectOption({label: data.template_name});
  await page.getByRole('button', {name: 'Run template on selection'}).click();
  await page.waitForURL(/#\/jobs\/\d+\?side=1$/);
  await page.locator('pre.output').getByText('PLAY RECAP').waitFor({timeout: 120000});
  assert.equal(await page.locator('.hostgrid .cell').count(), 2);
  await page.locator('.side-by-side section').nth(1).waitFor();
  assert.equal(await page.locator('.side-by-side section').count(), 2);
  assert.match(await page.locator('.side-by-side section', {hasText: 'host002'}).innerText(), /changed: \[host002\]/);
  await shot(page, 'job-side-by-side');
  // An ad-hoc command on the same selection, each host's answer side by side.
  await nav(page, 'Hosts').click();
  await page.getByLabel('Search hostname or IP').first().fill('host00');
  await page.locator('.pager-status', {hasText: '1–2 of 2'}).waitFor();
  await page.getByLabel('Select all on this page').check();
  // The hosts' CMDB vars reach the command with their types (a list here).
  await page.getByRole('textbox', {name: 'Command to run on the selection'}).fill("echo answer from {{ inventory_hostname }} in {{ rack | join('+') }}");
  await page.getByRole('button', {name: 'Run command'}).click();
  await page.waitForURL(/#\/jobs\/\d+\?side=1$/);
  await page.locator('.job-head .badge.s-successful').waitFor({timeout: 120000});
  await page.locator('.side-by-side section', {hasText: 'answer from host002'}).waitFor();
  assert.match(await page.locator('.side-by-side section', {hasText: 'host001'}).innerText(), /changed: \[host001\]\s+answer from host001 in r1\+spare/);
  assert.match(await page.locator('.side-by-side section', {hasText: 'host002'}).innerText(), /answer from host002 in r2\+spare/);
  await shot(page, 'batch-command');
  // The host's page lists the jobs that ran on it, newest first.
  await nav(page, 'Hosts').click();
  await page.getByRole('link', {name: 'host002', exact: true}).click();
  await page.getByRole('heading', {name: 'host002', exact: true}).waitFor();
  await page.locator('.pager-status', {hasText: /of [4-9]$/}).waitFor();
  assert.match(await page.locator('table.grid tbody tr').first().innerText(), /shell: echo answer/);
  await shot(page, 'host-jobs');

  // On a phone the job page is one column and still shows grid and output.
  await page.setViewportSize({width: 390, height: 844});
  await page.goto(jobUrl);
  await page.locator('pre.output').getByText('PLAY RECAP').waitFor();
  await shot(page, 'job-phone');
  check(page);
});
