// A browser that prefers Chinese gets the UI in Simplified Chinese, with
// times in the user's time zone; the language switch goes to English and
// stays there.
import {scenario, newPage, login, shot, check, assert, data, base} from './lib.mjs';

await scenario(async (b) => {
  const page = await newPage(b, {locale: 'zh-CN', timezoneId: 'Asia/Shanghai'});
  await page.goto(base);
  await page.getByRole('heading', {name: '登录 drover'}).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await shot(page, 'zh-login');
  await login(page, 'admin');
  const nav = await page.locator('header nav').innerText();
  for (const word of ['概览', '作业', '主机', '模板', '项目', '凭据', '用户', '审计日志']) assert.ok(nav.includes(word), word);
  await page.getByRole('heading', {name: '概览'}).waitFor();
  await shot(page, 'zh-dashboard');

  // Times in the user's zone (UTC+8 here), in the language's format.
  await page.goto(`${base}#/jobs/${data.job_id}`);
  await page.locator('.job-head .meta').waitFor();
  const job = await page.evaluate(async (id) => (await fetch(`api/v1/jobs/${id}`)).json(), data.job_id);
  const expected = new Intl.DateTimeFormat('zh-CN', {dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Shanghai'})
    .format(new Date(job.created));
  assert.ok((await page.locator('.job-head .meta').innerText()).includes(expected), `created shown as ${expected}`);
  await page.goto(`${base}#/hosts`);
  await page.getByRole('heading', {name: '主机'}).waitFor();
  // The pager's status is empty until the hosts have come (the heading does not wait for them).
  await page.locator('.pager-status', {hasText: /共 \d+ 条/}).waitFor();
  await shot(page, 'zh-hosts');

  // Switch to English: the page redraws, and the choice survives a reload.
  await page.getByRole('combobox', {name: '语言'}).selectOption('en');
  await page.getByRole('heading', {name: 'Hosts'}).waitFor();
  await page.reload();
  await page.getByRole('heading', {name: 'Hosts'}).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  check(page);
});
