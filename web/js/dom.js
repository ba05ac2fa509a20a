// Small DOM helpers: elements from data (never from HTML strings, so a
// hostname or a task's output can never become markup), times in the
// user's zone, a status line for screen readers.

// h('button', {class: 'x', onclick: f}, 'text', child...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A time stamp from the API (ISO 8601 UTC) in the user's time zone and
// language; '' for null.
export function fmtTime(iso, lang) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, {dateStyle: 'short', timeStyle: 'medium'}).format(d);
}

export function duration(startIso, endIso) {
  if (!startIso) return '';
  const ms = (endIso ? new Date(endIso) : new Date()) - new Date(startIso);
  if (!(ms >= 0)) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

// Announces a message in the page's live region (and shows it).
export function notify(message, kind = 'info') {
  let box = document.getElementById('toast');
  if (!box) {
    box = h('div', {id: 'toast', role: 'status', 'aria-live': 'polite'});
    document.body.append(box);
  }
  const item = h('div', {class: `toast ${kind}`}, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// A labelled form field: h('label') around the text and the control.
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2)}`;
  control.id = id;
  return h('div', {class: 'field'}, h('label', {for: id}, label), control, hint ? h('small', {}, hint) : null);
}

// Triggers a download of `text` as a file (the API answers that need a
// token cannot be plain links when the token is a header; with the cookie
// they could, but this keeps one way).
export function download(name, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: name});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
