// An operator cancels a running job from its page: the state goes to
// canceled and the cancel button disappears.
import {scenario, newPage, login, shot, check, assert, data, base} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  await page.goto(`${base}#/templates/${data.slow_template_id}/launch`);
  await page.getByRole('button', {name: 'Launch'}).click();
  await page.waitForURL(/#\/jobs\/\d+$/);
  // Running: the task has started on the hosts.
  await page.locator('pre.output').getByText('TASK [wait a long time]').waitFor({timeout: 120000});
  await page.locator('.hostgrid .cell.running').first().waitFor();
  await shot(page, 'job-running');
  await page.getByRole('button', {name: 'Cancel job'}).click();
  await page.locator('.job-head .badge.s-canceled').waitFor({timeout: 60000});
  assert.equal(await page.getByRole('button', {name: 'Cancel job'}).count(), 0);
  assert.equal(await page.getByRole('button', {name: 'Relaunch'}).count(), 1);
  await shot(page, 'job-canceled');
  check(page);
});
