// CSV import of hosts: all or nothing (POST /api/v1/hosts/import); when the
// server refuses a row, the CSV is shown as a table with that row marked and
// the server's message beside it.
import {api} from '../api.js';
import {h, clear, notify} from '../dom.js';
import {t} from '../i18n.js';

// A simple CSV split for showing rows (quotes honoured); the server is the
// judge of what is valid.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

export function importPanel(onDone) {
  const text = h('textarea', {id: 'import-csv', rows: 6, cols: 60, spellcheck: 'false',
    placeholder: 'hostname,ip,role,line,idc,tags\nweb1,10.0.0.1,web,telecom,bj1,edge;cdn'});
  const file = h('input', {type: 'file', accept: '.csv,text/csv', 'aria-label': t('import.file'), onchange: async (e) => {
    if (e.target.files[0]) text.value = await e.target.files[0].text();
  }});
  const result = h('div', {class: 'import-result', 'aria-live': 'polite'});
  const details = h('details', {class: 'card'}, h('summary', {}, t('import.title')),
    h('label', {for: 'import-csv'}, t('import.help')), text, file,
    h('button', {type: 'button', class: 'primary', id: 'import-run', onclick: async () => {
      clear(result);
      try {
        const r = await api('POST', 'hosts/import', text.value, {contentType: 'text/csv'});
        const done = t('import.done', {created: r.created, updated: r.updated});
        result.append(h('p', {class: 'ok', id: 'import-done'}, done));
        notify(done);
        onDone();
      } catch (e) {
        if (e.code !== 'invalid_import') { result.append(h('p', {class: 'error', role: 'alert'}, e.message)); return; }
        showRowError(result, parseCsv(text.value), e);
      }
    }}, t('import.run')),
    result);
  return details;
}

function showRowError(out, rows, e) {
  const bad = Number(e.details.row);  // 1-based, the header is row 1
  const col = String(e.details.column || '').toLowerCase();
  const header = rows[0] || [];
  out.append(h('p', {class: 'error', role: 'alert', id: 'import-error'}, t('import.failed', {row: bad, column: e.details.column || '', message: e.message})));
  const body = rows.slice(1).map((r, i) => {
    const rowNo = i + 2;
    const isBad = rowNo === bad;
    return h('tr', {class: isBad ? 'bad-row' : null, 'aria-invalid': isBad ? 'true' : null},
      h('th', {scope: 'row'}, rowNo),
      header.map((name, j) => h('td', {class: isBad && name.trim().toLowerCase() === col ? 'bad-cell' : null}, r[j] ?? '')),
      h('td', {}, isBad ? e.message : ''));
  });
  out.append(h('table', {class: 'grid import-preview'},
    h('caption', {}, t('import.preview')),
    h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, '#'), header.map((c) => h('th', {scope: 'col'}, c)), h('th', {scope: 'col'}, t('import.error')))),
    h('tbody', {}, body)));
}
