// The UI behind a reverse proxy that serves drover under /drover/ (and
// strips the prefix, as `location /drover/ { proxy_pass http://drover/; }`
// does): login, a page, a job's live stream and logout all work, because
// the UI uses only relative URLs.
import http from 'node:http';
import {scenario, nav, newPage, login, shot, check, assert, data, base} from './lib.mjs';

const upstream = new URL(base);
const proxy = http.createServer((req, res) => {
  if (!req.url.startsWith('/drover/')) { res.writeHead(404); res.end('not under the prefix'); return; }
  const fwd = http.request({host: upstream.hostname, port: upstream.port, method: req.method,
    path: req.url.slice('/drover'.length), headers: {...req.headers, host: upstream.host}}, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  fwd.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(fwd);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const prefixed = `http://127.0.0.1:${proxy.address().port}/drover/`;

await scenario(async (b) => {
  const page = await newPage(b);
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(prefixed)) outside.push(r.url()); });
  await login(page, 'admin', undefined, prefixed);
  await page.getByRole('heading', {name: 'Dashboard'}).waitFor();
  await nav(page, 'Hosts').click();
  await page.locator('.pager-status').waitFor();
  await page.goto(`${prefixed}#/jobs/${data.job_id}`);
  await page.locator('pre.output').getByText('PLAY RECAP').waitFor();
  await shot(page, 'proxy-job');
  await page.getByRole('button', {name: 'Log out'}).click();
  await page.getByRole('heading', {name: 'Log in to drover'}).waitFor();
  assert.deepEqual(outside, [], 'every request stays under the prefix');
  check(page);
});
proxy.close();
