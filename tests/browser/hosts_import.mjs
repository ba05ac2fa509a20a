// An operator imports hosts from CSV: a bad row is refused with the row
// marked in place and nothing imported; the fixed CSV imports; the table
// filters, sorts and searches on the server; hosts are bulk-tagged, one is
// edited and deleted.
import {scenario, nav, newPage, login, shot, check, assert, unlabelled} from './lib.mjs';

const good = 'hostname,ip,role,line,idc,tags\nimp-web1,10.9.0.1,impweb,telecom,bj1,edge;cdn\nimp-web2,10.9.0.2,impweb,unicom,sh2,edge\nimp-db1,10.9.0.3,impdb,telecom,bj1,\n';
const bad = good.replace('imp-web2,10.9.0.2', 'imp web2,10.9.0.2');

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  await nav(page, 'Hosts').click();
  await page.getByText('Import hosts from CSV').click();
  await page.getByLabel(/CSV with a header row/).fill(bad);
  await page.getByRole('button', {name: 'Import', exact: true}).click();
  const error = page.locator('#import-error');
  await error.waitFor();
  assert.match(await error.innerText(), /row 3, column hostname/);
  const badRow = page.locator('.import-preview tr.bad-row');
  assert.equal(await badRow.count(), 1);
  assert.match(await badRow.innerText(), /imp web2/);
  assert.equal(await page.locator('.import-preview td.bad-cell').innerText(), 'imp web2');
  await shot(page, 'hosts-import-error');
  // Nothing was written: all or nothing.
  await page.getByLabel('Search hostname or IP').first().fill('imp-');
  await page.locator('.pager-status', {hasText: '0–0 of 0'}).waitFor();

  await page.getByLabel(/CSV with a header row/).fill(good);
  await page.getByRole('button', {name: 'Import', exact: true}).click();
  await page.locator('#import-done', {hasText: '3 created'}).waitFor();
  await page.locator('.pager-status', {hasText: '1–3 of 3'}).waitFor();

  // Filters on a field, and sorting by a column (server side).
  await page.getByLabel('Search hostname or IP').first().fill('');
  await page.getByLabel('Role', {exact: true}).fill('impweb');
  await page.getByRole('button', {name: 'Filter'}).click();
  await page.locator('.pager-status', {hasText: '1–2 of 2'}).waitFor();
  await page.getByRole('button', {name: 'Hostname'}).click();  // asc -> desc
  await page.locator('th[aria-sort="descending"]').waitFor();
  assert.match(await page.locator('table.grid tbody tr').first().innerText(), /imp-web2/);
  await shot(page, 'hosts-filtered');
  // Export: the filtered hosts as CSV.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', {name: 'Export CSV'}).click()]);
  const csv = (await import('node:fs')).readFileSync(await dl.path(), 'utf8');
  assert.match(csv, /^hostname,/);
  assert.match(csv, /imp-web1/);
  assert.doesNotMatch(csv, /imp-db1/, 'only the filtered hosts');

  // Bulk: both selected, a tag added to each.
  await page.getByLabel('Select all on this page').check();
  await page.getByText('2 selected').waitFor();
  assert.deepEqual(await unlabelled(page), [], 'hosts page with the bulk bar');
  await page.getByRole('textbox', {name: 'Add tag'}).fill('bulk-added');
  await page.getByRole('button', {name: 'Add tag'}).click();
  await page.getByText('2 hosts changed').waitFor();
  await page.getByLabel('Role', {exact: true}).fill('');
  await page.getByLabel('Tag', {exact: true}).fill('bulk-added');
  await page.getByRole('button', {name: 'Filter'}).click();
  await page.locator('.pager-status', {hasText: '1–2 of 2'}).waitFor();

  // Detail, edit, delete.
  await page.getByRole('link', {name: 'imp-web1'}).click();
  await page.getByRole('heading', {name: 'imp-web1', exact: true}).waitFor();
  await shot(page, 'host-detail');
  await page.getByRole('link', {name: 'Edit'}).click();
  await page.getByLabel('IDC').fill('gz3');
  await page.getByLabel('Variables (JSON)').fill('{"http_port": 8080}');
  await shot(page, 'host-edit');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {name: 'imp-web1', exact: true}).waitFor();
  assert.match(await page.locator('dl.facts').innerText(), /gz3/);
  assert.match(await page.locator('pre.code').innerText(), /"http_port": 8080/);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', {name: 'Delete'}).click();
  await page.waitForURL(/#\/hosts$/);
  check(page, [/status of 400/]);  // the refused import
});
