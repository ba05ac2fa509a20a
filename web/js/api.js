// The REST API as the UI uses it: the same public routes as every client
// (docs/SERVER.md), with relative URLs (so the UI works under a proxy's path
// prefix) and the browser's session cookie. Every write carries the
// X-Drover-CSRF header the server demands of cookie-authenticated writes.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.details = e.details || {};
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(f) { onUnauthorized = f; }

export async function api(method, path, body, {contentType = 'application/json', raw = false} = {}) {
  const headers = {Accept: raw ? '*/*' : 'application/json'};
  if (method !== 'GET' && method !== 'HEAD') headers['X-Drover-CSRF'] = '1';
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const res = await fetch(`api/v1/${path}`, {method, headers, body: payload, credentials: 'same-origin'});
  if (res.status === 204) return null;
  const text = await res.text();
  if (!res.ok) {
    let parsed = null;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    const err = new ApiError(res.status, parsed);
    if (res.status === 401 && path !== 'login') onUnauthorized(err);
    throw err;
  }
  return raw ? text : (text ? JSON.parse(text) : null);
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

// A query string from an object, skipping empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}
