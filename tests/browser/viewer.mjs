// A viewer sees every page but no button that would answer 403; when he
// tries a write through the API anyway, the server says 403.
import {scenario, newPage, shot, check, assert, data, base, users, unlabelled} from './lib.mjs';

const writeButtons = /^(New host|Import|Launch|Edit|Delete|Cancel job|Relaunch|Set status|Add tag|New template|New project|Sync now)$/;

async function noWriteControls(page, where) {
  const names = await page.locator('button, a.button').allInnerTexts();
  const offending = names.map((n) => n.trim()).filter((n) => writeButtons.test(n));
  assert.deepEqual(offending, [], `write controls on ${where}`);
  assert.equal(await page.locator('input[type=checkbox]').count(), 0, `selection boxes on ${where}`);
}

await scenario(async (b) => {
  const page = await newPage(b);
  // Logging in by keyboard alone: the username field has the focus.
  await page.goto(base);
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'username');
  await page.keyboard.type('viewer1');
  await page.keyboard.press('Tab');
  await page.keyboard.type(users.viewer1);
  await page.keyboard.press('Enter');
  await page.locator('header.top').waitFor();
  const nav = await page.locator('header nav').innerText();
  assert.doesNotMatch(nav, /Credentials|Users|Audit/);
  for (const [hash, name] of [['#/hosts', 'hosts'], [`#/hosts/${data.host_id}`, 'host'], ['#/templates', 'templates'],
    ['#/projects', 'projects'], [`#/jobs/${data.job_id}`, 'job'], ['#/jobs', 'jobs'], ['#/', 'dashboard']]) {
    await page.goto(`${base}${hash}`);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    await noWriteControls(page, name);
    assert.deepEqual(await unlabelled(page), [], `controls without a name on ${name}`);
    await shot(page, `viewer-${name}`);
  }
  // Pages his role may not open say so.
  await page.goto(`${base}#/admin/users`);
  await page.getByText('Your role may not open this page.').waitFor();
  // The API refuses his writes: 403 with the CSRF header, and also without it.
  const answers = await page.evaluate(async () => {
    const withHeader = await fetch('api/v1/hosts', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-Drover-CSRF': '1'},
      body: JSON.stringify({hostname: 'sneaky'})});
    const withoutHeader = await fetch('api/v1/jobs/1/cancel', {method: 'POST'});
    return [withHeader.status, (await withHeader.json()).error.code, withoutHeader.status];
  });
  assert.deepEqual(answers, [403, 'forbidden', 403]);
  // The session cookie is HttpOnly and SameSite=Strict: no script sees it.
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'drover_session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  // Log out: the cookie is gone and the API answers 401.
  await page.getByRole('button', {name: 'Log out'}).click();
  await page.getByRole('heading', {name: 'Log in to drover'}).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('api/v1/me')).status), 401);
  check(page, [/403/, /401/]);
});
