// An admin's pages: the dashboard's numbers and charts, users (create one,
// change its role), the audit log with a filter, credentials (write-only
// secret), projects, templates (create one from the form), and "my tokens"
// (a token shown once).
import {scenario, nav, newPage, login, shot, check, assert, data, unlabelled} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'admin');
  await page.getByRole('heading', {name: 'Dashboard'}).waitFor();
  await page.locator('figure.chart').first().waitFor();
  assert.match(await page.locator('.tiles').innerText(), /Hosts/);
  assert.match(await page.locator('.charts').innerText(), /Hosts by line[\s\S]*telecom/);
  assert.ok(await page.locator('ul.failures a').count() >= 1, 'a recent failure links to its job');
  await shot(page, 'dashboard');

  await nav(page, 'Users').click();
  await page.getByText('New user').click();
  await page.getByLabel('Username').fill('newbie');
  await page.getByLabel('Password').fill('a-long-password-for-newbie');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'newbie', exact: true}).waitFor();
  await page.getByRole('combobox', {name: 'Role of newbie'}).selectOption('operator');
  await page.getByText('Saved').first().waitFor();
  await shot(page, 'users');
  assert.deepEqual(await unlabelled(page), [], 'users page');

  await nav(page, 'Audit log').click();
  await page.getByLabel('Resource').fill('users');
  await page.getByRole('button', {name: 'Filter'}).click();
  // The whole log, drawn first, has users rows too: wait until the filtered
  // answer has replaced it (a timeout here means the filter kept other rows).
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table.grid tbody tr')];
    return rows.length > 0 && rows.every((r) => /^users #\d+$/.test(r.cells[3]?.innerText ?? ''));
  });
  assert.doesNotMatch(await page.locator('table.grid tbody').innerText(), /\blogin\b.*\blogin\b/);
  await shot(page, 'audit');

  await nav(page, 'Credentials').click();
  await page.getByText('New credential').click();
  await page.getByLabel('Name', {exact: true}).fill('deploy-key');
  await page.getByLabel('Secret').fill('not-a-real-secret-0123456789');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'deploy-key', exact: true}).waitFor();
  assert.doesNotMatch(await page.content(), /not-a-real-secret/);
  await shot(page, 'credentials');
  await page.getByRole('link', {name: 'Edit deploy-key'}).click();
  await page.getByLabel('Description').fill('the deploy key');
  await page.getByLabel('operator').check();
  await shot(page, 'credential-edit');
  assert.deepEqual(await unlabelled(page), [], 'credential form');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'operator', exact: true}).waitFor();

  await nav(page, 'Projects').click();
  await page.getByRole('cell', {name: data.project_name, exact: true}).waitFor();
  await page.getByText('New project').click();
  await page.getByLabel('Name', {exact: true}).fill('second');
  await page.getByLabel('Path (local) or URL (git)').fill(`${data.project_root}/nowhere`);
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: 'allowed project root'}).waitFor();  // refused in place
  await page.getByLabel('Path (local) or URL (git)').fill(`${data.project_root}/other`);
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'second', exact: true}).waitFor();
  await shot(page, 'projects');

  await nav(page, 'Templates').click();
  await page.getByRole('link', {name: 'New template'}).click();
  await page.getByLabel('Name', {exact: true}).fill('from the form');
  // The playbook is offered from the chosen project's files.
  await page.getByLabel('Project', {exact: true}).selectOption({label: data.project_name});
  await page.locator('#playbooks option[value="slow.yml"]').waitFor({state: 'attached'});
  assert.deepEqual(await page.locator('#playbooks option').evaluateAll((os) => os.map((o) => o.value)), ['site.yml', 'slow.yml']);
  assert.equal(await page.getByLabel('Playbook', {exact: true}).inputValue(), 'site.yml');
  await page.getByLabel('Inventory', {exact: true}).fill('hosts.ini');
  await page.getByLabel('tags', {exact: true}).check();
  await shot(page, 'template-edit');
  assert.deepEqual(await unlabelled(page), [], 'template form');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('cell', {name: 'from the form', exact: true}).waitFor();
  await shot(page, 'templates');

  await page.getByRole('link', {name: /admin \(admin\)/}).click();
  await page.getByLabel('Name', {exact: true}).fill('ci token');
  await page.getByRole('button', {name: 'Create token'}).click();
  const token = await page.locator('#new-token').innerText();
  assert.match(token, /^drv_/);
  await page.getByRole('cell', {name: 'ci token', exact: true}).waitFor();
  await shot(page, 'tokens');
  assert.deepEqual(await unlabelled(page), [], 'tokens page');
  // The token works as a Bearer token for API clients.
  const status = await page.evaluate(async (tok) => (await fetch('api/v1/me', {headers: {Authorization: `Bearer ${tok}`}})).status, token);
  assert.equal(status, 200);
  check(page, [/status of 400/]);  // the refused project path
});
