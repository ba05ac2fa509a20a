// The automation pages (issue 19's schedules, webhooks and notifications,
// in the UI of issue 18):
// * a cron schedule in its own time zone with its next runs, a refused cron
//   expression shown in place, disable / enable, then a run-once schedule
//   that fires while the test watches and links its job;
// * a webhook whose secret is shown once; deliveries posted by this test
//   (launched, filtered, rejected) in its log;
// * notifications: one to a local HTTP sink standing for Slack (sent), one
//   to a DingTalk URL where nothing listens (retrying, with the attempt and
//   the error), its secret never on a page;
// * a viewer sees every page without a write control; the pages in Chinese,
//   every string translated.
import http from 'node:http';
import {scenario, nav, newPage, login, shot, check, assert, data, base, unlabelled} from './lib.mjs';
import {en} from '../../web/js/lang/en.js';
import {zh} from '../../web/js/lang/zh-CN.js';
import {enAutomation} from '../../web/js/lang/en-automation.js';
import {zhAutomation} from '../../web/js/lang/zh-CN-automation.js';

const missing = [...Object.keys(en).filter((k) => !(k in zh)), ...Object.keys(enAutomation).filter((k) => !(k in zhAutomation))];
assert.deepEqual(missing, [], 'every English string has its Chinese translation');

// Stands for Slack's incoming webhook: records what it is sent, answers ok.
const received = [];
const sink = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    received.push({url: req.url, body});
    res.writeHead(200, {'Content-Type': 'text/plain'});
    res.end('ok');
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/services/T0/B0/slack-hook`;

// Reloads the page until `locator`'s text matches `re` (a background
// thread of the server does the work: the scheduler, the notifier).
async function reloadUntil(page, locator, re, what, tries = 60) {
  for (let i = 0; i < tries; i++) {
    await page.reload();
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    if (re.test(await locator.innerText().catch(() => ''))) return;
    await page.waitForTimeout(2000);
  }
  assert.fail(`${what}: never matched ${re}; last: ${await locator.innerText().catch(() => '(none)')}`);
}

async function schedules(page) {
  await nav(page, 'Automation').click();
  await page.getByRole('heading', {name: 'Schedules'}).waitFor();
  await page.getByRole('link', {name: 'New schedule'}).click();
  await page.getByLabel('Name', {exact: true}).fill('nightly deploy');
  await page.getByLabel('Template or workflow', {exact: true}).selectOption({label: data.template_name});
  // The template prompts for limit, variables and check mode: what a schedule may override.
  assert.match(await page.locator('#overrides-allowed').innerText(), /limit, extra_vars, check/);
  await page.getByLabel('Cron expression').fill('61 * * * *');
  assert.equal(await page.getByLabel('Time zone', {exact: true}).inputValue(), 'Asia/Shanghai', "the browser's zone by default");
  assert.deepEqual(await unlabelled(page), [], 'schedule form');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: /./}).waitFor();
  assert.equal(await page.getByLabel('Cron expression').getAttribute('aria-invalid'), 'true', 'the refused field is marked');
  await shot(page, 'schedule-refused');
  await page.getByLabel('Cron expression').fill('30 2 * * *');
  await page.getByLabel('Launch overrides (JSON)').fill('{"limit": "localhost"}');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {name: 'nightly deploy'}).waitFor();
  // Five next runs, each at 02:30 in Shanghai.
  const runs = await page.locator('#next-runs li').allInnerTexts();
  assert.equal(runs.length, 5, runs.join(' | '));
  for (const r of runs) assert.match(r, /02:30 \(Asia\/Shanghai\)/);
  const api = await page.evaluate(async () => {
    const id = location.hash.match(/\d+/)[0];
    return (await fetch(`api/v1/schedules/${id}`)).json();
  });
  assert.deepEqual(await page.locator('#next-runs time').evaluateAll((ts) => ts.map((x) => x.getAttribute('datetime'))), api.next_runs);
  assert.deepEqual(api.overrides, {limit: 'localhost'});
  await shot(page, 'schedule');
  await page.getByRole('button', {name: 'Disable nightly deploy'}).first().click();
  await page.getByText('None while the schedule is disabled.').waitFor();
  await page.getByRole('button', {name: 'Enable nightly deploy'}).first().click();
  await page.locator('#next-runs li').nth(4).waitFor();

  // Once, 40 s from now (UTC): the scheduler fires it and the runs list links the job.
  await nav(page, 'Automation').click();
  await page.getByRole('link', {name: 'New schedule'}).click();
  await page.getByLabel('Name', {exact: true}).fill('soon');
  await page.getByLabel('Template or workflow', {exact: true}).selectOption({label: data.template_name});
  await page.getByLabel('Once').check();
  await page.getByLabel('Time zone', {exact: true}).fill('UTC');
  let at = new Date(Date.now() + 40000);
  if (at.getUTCSeconds() === 0) at = new Date(at.getTime() + 1000);  // the browser drops ":00"
  await page.getByLabel('Date and time').fill(at.toISOString().slice(0, 19));
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {name: 'soon'}).waitFor();
  assert.equal(await page.locator('#next-runs li').count(), 1);
  assert.equal(await page.locator('#next-runs time').getAttribute('datetime'), `${at.toISOString().slice(0, 19)}.000Z`);
  await reloadUntil(page, page.locator('table.grid tbody'), /launched/, 'the run-once schedule');
  const jobLink = page.locator('table.grid tbody a').first();
  assert.match(await jobLink.innerText(), /^#\d+$/);
  await shot(page, 'schedule-fired');
  await jobLink.click();
  await page.locator('.job-head .badge').waitFor();

  await nav(page, 'Automation').click();
  await page.getByRole('cell', {name: 'nightly deploy', exact: true}).waitFor();
  const list = await page.locator('table.grid tbody').innerText();
  assert.match(list, /30 2 \* \* \*/);
  assert.match(list, /soon/);
  await shot(page, 'schedules');
}

async function webhooks(page) {
  await page.locator('nav.tabs').getByRole('link', {name: 'Webhooks'}).click();
  await page.getByRole('heading', {name: 'Webhooks'}).waitFor();
  await page.getByRole('link', {name: 'New webhook'}).click();
  await page.getByLabel('Name', {exact: true}).fill('ci push');
  await page.getByLabel('Template or workflow', {exact: true}).selectOption({label: data.template_name});
  await page.getByLabel('Sender', {exact: true}).selectOption('generic');
  await page.getByLabel("Generic sender's proof").selectOption('token');
  await page.getByLabel('Branches').fill('main, release/*');
  assert.deepEqual(await unlabelled(page), [], 'webhook form');
  await page.getByRole('button', {name: 'Save'}).click();
  const url = await page.locator('#new-hook-url').innerText();
  const secret = await page.locator('#new-hook-secret').innerText();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hooks\/\d+$/);
  assert.match(secret, /^[0-9a-f]{48}$/);
  await shot(page, 'webhook-created');

  const deliver = (token, id, ref) => fetch(url, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Drover-Token': token, 'X-Drover-Delivery': id},
    body: JSON.stringify({ref, commit: `c0ffee${id}`, author: 'dev'})});
  assert.equal((await deliver(secret, 'ui-1', 'refs/heads/main')).status, 202);
  assert.equal((await deliver(secret, 'ui-2', 'refs/heads/feature/x')).status, 200);
  assert.equal((await deliver('wrong-token-0123456789', 'ui-3', 'refs/heads/main')).status, 401);

  await page.getByRole('link', {name: 'Open the webhook'}).click();
  await page.getByRole('heading', {name: 'ci push'}).waitFor();
  assert.equal(await page.locator('#hook-url').innerText(), url);
  assert.doesNotMatch(await page.content(), new RegExp(secret), 'the secret is not shown again');
  const log = await page.locator('table.grid tbody').innerText();
  assert.match(log, /rejected\s+401/);
  assert.match(log, /filtered\s+200[\s\S]*feature\/x/);
  assert.match(log, /launched\s+202[\s\S]*refs\/heads\/main/);
  assert.equal(await page.locator('table.grid tbody a[href^="#/jobs/"]').count(), 1, 'the launched delivery links its job');
  await shot(page, 'webhook');
}

async function notifications(page) {
  await page.locator('nav.tabs').getByRole('link', {name: 'Notifications'}).click();
  await page.getByRole('heading', {name: 'Notifications'}).waitFor();
  const add = async (name, kind, url, secret) => {
    await page.getByRole('link', {name: 'New notification'}).click();
    await page.getByLabel('Name', {exact: true}).fill(name);
    await page.getByLabel('Template or workflow', {exact: true}).selectOption({label: data.template_name});
    await page.getByLabel('Kind').selectOption(kind);
    await page.getByLabel('URL').fill(url);
    if (secret) await page.getByLabel('Secret').fill(secret);
    await page.getByLabel('succeeded').check();
    assert.deepEqual(await unlabelled(page), [], 'notification form');
    await page.getByRole('button', {name: 'Save'}).click();
    await page.getByRole('heading', {name}).waitFor();
  };
  await add('team slack', 'slack', sinkUrl, '');
  await page.locator('nav.tabs').getByRole('link', {name: 'Notifications'}).click();
  await add('ops robot', 'dingtalk', 'http://127.0.0.1:1/robot/send?access_token=tok-not-shown', 'SEC-never-shown-0123');
  await shot(page, 'notification-new');

  // A job of the template: both are told it succeeded.
  await nav(page, 'Templates').click();
  await page.getByRole('link', {name: `Launch ${data.template_name}`}).click();
  await page.getByRole('button', {name: 'Launch'}).click();
  await page.locator('.job-head .badge.s-successful').waitFor({timeout: 120000});

  await nav(page, 'Automation').click();
  await page.locator('nav.tabs').getByRole('link', {name: 'Notifications'}).click();
  const table = await page.locator('table.grid tbody').innerText();
  assert.match(table, /http:\/\/127\.0\.0\.1:1\/robot\/send\?…/, 'the robot URL without its access token');
  assert.doesNotMatch(await page.content(), /tok-not-shown|SEC-never-shown/);
  await page.getByRole('link', {name: 'team slack'}).click();
  await reloadUntil(page, page.locator('table.grid tbody'), /succeeded\s+sent/, 'the Slack delivery');
  assert.ok(received.some((r) => r.url === '/services/T0/B0/slack-hook' && /succeeded/.test(r.body)), JSON.stringify(received));
  await shot(page, 'notification-sent');
  await page.locator('nav.tabs').getByRole('link', {name: 'Notifications'}).click();
  await page.getByRole('link', {name: 'ops robot'}).click();
  await reloadUntil(page, page.locator('table.grid tbody'), /retrying\s+attempt [1-4] of 5/, 'the failing delivery');
  assert.match(await page.locator('table.grid tbody td.error, table.grid tbody .error').first().innerText(), /\S/, 'its last error');
  assert.doesNotMatch(await page.content(), /SEC-never-shown/);
  await shot(page, 'notification-retrying');
  // The secret is write-only: removing it is all the form can do with it.
  await page.getByLabel('Remove the stored secret').check();
  await page.getByRole('button', {name: 'Save'}).click();
  await page.locator('dl.facts dd').filter({hasText: /^none$/}).waitFor();  // Secret: none
}

async function viewer(b) {
  const page = await newPage(b);
  await login(page, 'viewer1');
  for (const hash of ['#/schedules', '#/webhooks', '#/notifications']) {
    await page.goto(`${base}${hash}`);
    await page.locator('table.grid tbody tr').first().waitFor();
    await page.waitForLoadState('networkidle');
    const writes = (await page.locator('button, a.button').allInnerTexts()).map((x) => x.trim())
      .filter((x) => /^(New schedule|New webhook|New notification|Enable|Disable|Delete|Save|Edit)$/.test(x));
    assert.deepEqual(writes, [], `write controls on ${hash}`);
    // The record's page too: details and log, no form.
    await page.locator('table.grid tbody a').first().click();
    await page.locator('main h2').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('main form').count(), 0, `a form on ${page.url()}`);
    assert.equal(await page.getByRole('button', {name: /^(Enable|Disable|Delete)/}).count(), 0);
    assert.deepEqual(await unlabelled(page), [], `controls without a name on ${page.url()}`);
    await shot(page, `viewer-${hash.slice(2)}`);
  }
  const status = await page.evaluate(async () => (await fetch('api/v1/schedules/1', {method: 'PATCH',
    headers: {'Content-Type': 'application/json', 'X-Drover-CSRF': '1'}, body: '{"enabled": false}'})).status);
  assert.equal(status, 403);
  check(page, [/403/]);
}

async function chinese(b) {
  const page = await newPage(b, {locale: 'zh-CN'});
  await login(page, 'admin');
  await nav(page, '自动化').click();
  await page.getByRole('heading', {name: '定时任务'}).waitFor();
  assert.match(await page.locator('table.grid thead').innerText(), /下次运行/);
  await page.getByRole('link', {name: 'nightly deploy'}).click();
  await page.getByRole('heading', {name: '接下来的运行'}).waitFor();
  await shot(page, 'zh-schedule');
  await page.locator('nav.tabs').getByRole('link', {name: '通知'}).click();
  await page.getByRole('link', {name: 'ops robot'}).click();
  await page.getByRole('heading', {name: '投递记录（最新在前）'}).waitFor();
  assert.match(await page.locator('table.grid tbody').innerText(), /重试中|失败/);
  await shot(page, 'zh-notification');
  check(page);
}

await scenario(async (b) => {
  try {
    const page = await newPage(b);
    await login(page, 'op1');
    await schedules(page);
    await webhooks(page);
    await notifications(page);
    check(page, [/status of 400/]);  // the refused cron expression
    await viewer(b);
    await chinese(b);
  } finally {
    sink.close();
  }
});
