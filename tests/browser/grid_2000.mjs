// A job on 2,000 hosts: the grid gets one cell per host (placeholders from
// the play's host count, named as results arrive), every cell ends ok, the
// counts say so, and the page keeps up with the stream to the recap.
import {scenario, newPage, login, shot, check, assert, data, base} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b);
  await login(page, 'op1');
  await page.goto(`${base}#/templates/${data.big_template_id}/launch`);
  await page.getByRole('button', {name: 'Launch'}).click();
  await page.waitForURL(/#\/jobs\/\d+$/);
  const started = Date.now();
  await page.locator('.hostgrid .cell').nth(1999).waitFor({state: 'attached', timeout: 120000});
  await page.locator('pre.output').getByText('PLAY RECAP').waitFor({timeout: 300000});
  await page.locator('.job-head .badge.s-successful').waitFor({timeout: 60000});
  const seconds = (Date.now() - started) / 1000;
  assert.equal(await page.locator('.hostgrid .cell').count(), 2000);
  assert.equal(await page.locator('.hostgrid .cell.s-ok').count(), 2000);
  assert.equal(await page.locator('ul.legend [data-count="ok"]').innerText(), '2000');
  assert.equal(await page.getByRole('button', {name: 'node11999: ok'}).count(), 1);
  assert.equal(await page.locator('table.recap-table tbody tr').count(), 2000);
  // Readable: cells are at least 12 px and all of them fit a laptop screen
  // (no scrolling, sideways or in the grid).
  const box = await page.locator('.hostgrid .cell').first().boundingBox();
  assert.ok(box.width >= 12 && box.height >= 12, JSON.stringify(box));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.ok(await page.locator('.hostgrid').evaluate((el) => el.scrollHeight <= el.clientHeight + 1),
    'all 2,000 cells on screen without scrolling the grid');
  await page.locator('section', {has: page.locator('#grid-h')}).screenshot({path: `${process.env.ARTIFACT_DIR}/grid-2000.png`, timeout: 120000});
  await shot(page, 'job-2000', {fullPage: false});  // 4,000 lines of output and recap: the screen is enough
  console.log(JSON.stringify({hosts: 2000, seconds_to_recap_on_page: seconds}));
  check(page);
});
