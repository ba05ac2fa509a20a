// A host's page before and after a job gathered its facts (the summary, the
// whole list with a filter, the job that gathered them), and a project
// edited from the projects page (a refused directory shown in place, then a
// rename and a move).
import {scenario, nav, newPage, login, shot, check, assert, data, unlabelled} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  await nav(page, 'Hosts').click();
  await page.getByRole('link', {name: 'web1', exact: true}).click();
  await page.getByRole('heading', {name: 'Facts'}).waitFor();
  await page.locator('#no-facts').waitFor();
  assert.match(await page.locator('#no-facts').innerText(), /No facts gathered yet/);

  // Gather them: the template's play has gather_facts on web1.
  await nav(page, 'Templates').click();
  await page.getByRole('link', {name: 'Launch gather on web1'}).click();
  await page.getByRole('button', {name: 'Launch'}).click();
  await page.waitForURL(/#\/jobs\/\d+$/);
  const jobId = page.url().match(/#\/jobs\/(\d+)$/)[1];
  await page.locator('.job-head .badge.s-successful').waitFor({timeout: 120000});

  await nav(page, 'Hosts').click();
  await page.getByRole('link', {name: 'web1', exact: true}).click();
  await page.locator('#fact-summary').waitFor();
  const summary = await page.locator('#fact-summary').innerText();
  assert.match(summary, /OS\s+\S+/);
  assert.match(summary, /Kernel\s+\d/);
  assert.match(summary, /Architecture\s+(x86_64|aarch64)/);
  assert.equal(await page.getByRole('link', {name: `by job #${jobId}`}).count(), 1, 'the gathering job is linked');
  const all = page.locator('details.all-facts');
  await all.locator(':scope > summary').click();
  const rows = all.locator('tbody tr');
  const total = await rows.count();
  assert.ok(total > 20, `many facts (${total})`);
  await page.getByRole('searchbox', {name: 'Filter facts'}).fill('ansible_kernel');
  const visible = await all.locator('tbody tr:visible').allInnerTexts();
  assert.ok(visible.length >= 1 && visible.length < total, `the filter narrows the list (${visible.length} of ${total})`);
  assert.ok(visible.every((r) => /kernel/i.test(r)), visible.join(' | '));
  await shot(page, 'host-facts');
  assert.deepEqual(await unlabelled(page), [], 'host page');

  // Edit the project: a directory outside the roots is refused in place.
  await nav(page, 'Projects').click();
  await page.getByRole('link', {name: `Edit ${data.project_name}`}).click();
  await page.getByRole('heading', {name: `Edit ${data.project_name}`}).waitFor();
  assert.deepEqual(await unlabelled(page), [], 'project form');
  await page.getByLabel('Directory').fill('/etc');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: 'allowed project root'}).waitFor();
  assert.equal(await page.getByLabel('Directory').getAttribute('aria-invalid'), 'true');
  await shot(page, 'project-edit-refused');
  await page.getByLabel('Name', {exact: true}).fill('web-project-renamed');
  await page.getByLabel('Directory').fill(`${data.project_root}/other`);
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'web-project-renamed', exact: true}).waitFor();
  assert.match(await page.locator('table.grid tbody').innerText(), new RegExp(`${data.project_root}/other`));
  await shot(page, 'projects-after-edit');
  check(page, [/status of 400/]);
});
