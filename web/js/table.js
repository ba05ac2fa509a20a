// A server-side paged table: the API pages, sorts and filters (limit,
// offset, sort, order); this draws one page, the sortable headers and the
// pager. Rows may be selectable for bulk actions.
import {h, clear, notify} from './dom.js';
import {del} from './api.js';
import {t} from './i18n.js';

// columns: [{key, label, sortable, cell: (row) => node|string}]
// load: async ({limit, offset, sort, order}) => {items, total}
export function pagedTable({columns, load, caption, limit = 50, selectable = false, sort = '', order = 'asc',
  onRows = () => {}}) {
  const st = {offset: 0, sort, order, total: 0, items: [], selected: new Set()};
  const table = h('table', {class: 'grid'});
  const status = h('p', {class: 'pager-status', 'aria-live': 'polite'});
  const prev = h('button', {type: 'button', onclick: () => { st.offset = Math.max(0, st.offset - limit); reload(); }}, t('table.prev'));
  const next = h('button', {type: 'button', onclick: () => { st.offset += limit; reload(); }}, t('table.next'));
  const root = h('div', {class: 'paged'}, table, h('div', {class: 'pager'}, prev, status, next));

  function header() {
    const cells = [];
    if (selectable) {
      const all = h('input', {type: 'checkbox', 'aria-label': t('table.select_all'), onchange: (e) => {
        for (const r of st.items) e.target.checked ? st.selected.add(r.id) : st.selected.delete(r.id);
        draw();
      }});
      all.checked = st.items.length > 0 && st.items.every((r) => st.selected.has(r.id));
      cells.push(h('th', {scope: 'col', class: 'sel'}, all));
    }
    for (const c of columns) {
      if (!c.sortable) { cells.push(h('th', {scope: 'col'}, c.label)); continue; }
      const active = st.sort === c.key;
      const aria = active ? (st.order === 'asc' ? 'ascending' : 'descending') : 'none';
      cells.push(h('th', {scope: 'col', 'aria-sort': aria}, h('button', {type: 'button', class: 'sort', dataset: {sort: c.key},
        onclick: () => {
          st.order = active && st.order === 'asc' ? 'desc' : 'asc';
          st.sort = c.key;
          st.offset = 0;
          reload();
        }}, c.label, active ? (st.order === 'asc' ? ' ▲' : ' ▼') : '')));
    }
    return h('thead', {}, h('tr', {}, cells));
  }

  function draw() {
    const rows = st.items.map((r) => {
      const cells = [];
      if (selectable)
        cells.push(h('td', {class: 'sel'}, h('input', {type: 'checkbox', checked: st.selected.has(r.id),
          'aria-label': t('table.select_row', {name: r.hostname || r.name || r.id}),
          onchange: (e) => { e.target.checked ? st.selected.add(r.id) : st.selected.delete(r.id); draw(); }})));
      for (const c of columns) cells.push(h('td', {'data-label': c.label}, c.cell ? c.cell(r) : (r[c.key] ?? '')));
      return h('tr', {}, cells);
    });
    if (!rows.length) rows.push(h('tr', {}, h('td', {colspan: columns.length + (selectable ? 1 : 0), class: 'empty'}, t('table.empty'))));
    clear(table, caption ? h('caption', {}, caption) : null, header(), h('tbody', {}, rows));
    const from = st.total ? st.offset + 1 : 0;
    const to = Math.min(st.offset + st.items.length, st.total);
    status.textContent = t('table.range', {from, to, total: st.total});
    prev.disabled = st.offset === 0;
    next.disabled = st.offset + limit >= st.total;
    onRows(st);
  }

  let latest = 0;
  async function reload() {
    // Only the newest request draws: a slow answer to an older filter never
    // replaces a newer one.
    const mine = ++latest;
    table.setAttribute('aria-busy', 'true');
    const page = await load({limit, offset: st.offset, sort: st.sort, order: st.order});
    if (mine !== latest) return;
    table.removeAttribute('aria-busy');
    st.items = page.items;
    st.total = page.total;
    draw();
  }

  return {
    root,
    reload,
    restart: () => { st.offset = 0; return reload(); },
    selected: () => [...st.selected],
    selectedRows: () => st.items.filter((r) => st.selected.has(r.id)),
    clearSelection: () => { st.selected.clear(); draw(); },
  };
}

// A state badge (job states, host statuses).
export function badge(value, label) {
  return h('span', {class: `badge s-${value}`}, label ?? value);
}

// A row's delete button: asks first, deletes `path` (relative to api/v1/),
// then calls done() (usually the table's reload).
export function deleteButton(path, name, done) {
  return h('button', {type: 'button', class: 'danger', 'aria-label': `${t('action.delete')} ${name}`, onclick: async () => {
    if (!confirm(t('common.confirm_delete', {name}))) return;
    try {
      await del(path);
      notify(t('common.deleted'));
      done();
    } catch (e) {
      notify(e.message, 'error');
    }
  }}, t('action.delete'));
}

// A folded "new ..." form above a table: `controls` (labelled fields), an
// error line and Save. submit() sends it (throws an ApiError to show); on
// success the form resets and done() runs (usually the table's reload).
export function createPanel(title, controls, submit, done) {
  const error = h('p', {class: 'error', role: 'alert'});
  return h('details', {class: 'card'}, h('summary', {}, title),
    h('form', {class: 'form', onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        await submit();
        e.target.reset();
        notify(t('form.saved'));
        done();
      } catch (err) {
        error.textContent = err.message;
      }
    }}, controls, error, h('button', {type: 'submit', class: 'primary'}, t('action.save'))));
}
