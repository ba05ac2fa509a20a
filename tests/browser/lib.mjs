// Shared by the browser scenarios: Debian's chromium driven by
// playwright-core (no downloaded browser), the server under test from the
// environment the C++ driver (ui_browser_test.cpp) sets, screenshots as test
// artifacts, and a page that fails the scenario on any console error or CSP
// violation.
//
//   DROVER_URL        the server (or the proxy prefix) base URL, ending in /
//   CHROMIUM          the browser binary
//   ARTIFACT_DIR      where screenshots go
//   DROVER_USERS      JSON {"admin": "pw", "op1": "pw", "viewer1": "pw"}
//   DROVER_DATA       JSON: what the driver created (template ids, ...)
import {chromium} from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';

export {assert};
export const base = process.env.DROVER_URL;
export const users = JSON.parse(process.env.DROVER_USERS || '{}');
export const data = JSON.parse(process.env.DROVER_DATA || '{}');
const artifacts = process.env.ARTIFACT_DIR || '.';
fs.mkdirSync(artifacts, {recursive: true});

export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // root in CI: chromium's own sandbox needs user namespaces it may not get.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

// A page in a fresh context (own cookies) that records every console error,
// page error and CSP violation; check(page) fails on any.
export async function newPage(b, {locale = 'en-US', viewport = {width: 1366, height: 850}, timezoneId = 'Asia/Shanghai'} = {}) {
  const context = await b.newContext({locale, viewport, timezoneId});
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.setDefaultTimeout(60000);  // CI runs ctest -j2 on 2 loaded cores
  return page;
}

// Expected console errors (a 403 the test provokes) are filtered by `allow`;
// the 401 of "who am I?" before logging in is always expected.
export function check(page, allow = []) {
  const expected = [/Failed to load resource: the server responded with a status of 401/, ...allow];
  const bad = page.problems.filter((p) => !expected.some((re) => re.test(p)));
  assert.deepEqual(bad, [], 'the page logged errors');
}

export async function login(page, user, password = users[user], at = base) {
  await page.goto(at);
  await page.getByLabel(/Username|用户名/).fill(user);
  await page.getByLabel(/Password|密码/).fill(password);
  await page.getByRole('button', {name: /Log in|登录/}).click();
  await page.locator('header.top').waitFor();
}

// Every form control, button and link on the page has a name a screen
// reader can say (a <label>, aria-label or text); returns the offenders.
export async function unlabelled(page) {
  return page.evaluate(() => {
    const name = (el) => (el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('')) ||
      (['BUTTON', 'A'].includes(el.tagName) ? el.textContent : '') || '').trim();
    return [...document.querySelectorAll('input, select, textarea, button, a[href]')]
      .filter((el) => el.type !== 'hidden' && !name(el)).map((el) => el.outerHTML.slice(0, 80));
  });
}

// A link of the main navigation (pages have other links with the same words).
export function nav(page, name) {
  return page.locator('header nav').getByRole('link', {name, exact: true});
}

// A screenshot artifact (the whole page unless fullPage: false); a loaded CI
// machine may take long to paint a big page, so it gets 2 minutes.
export async function shot(page, name, {fullPage = true} = {}) {
  await page.screenshot({path: path.join(artifacts, `${name}.png`), fullPage, timeout: 120000});
}

// Runs a scenario: closes the browser whatever happens; exit code 1 on failure.
export async function scenario(fn) {
  const b = await browser();
  try {
    await fn(b);
    console.log('scenario passed');
  } catch (e) {
    console.error(e && e.stack ? e.stack : e);
    process.exitCode = 1;
  } finally {
    await b.close();
  }
}
