// The list view of the steps: rendered by the server, fetched the first time it is shown,
// sorted by its column buttons, its rows marked by Find. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});

  // ---- list view: rendered by the server, fetched when first shown -----------------------------

  function showList(s, list) {
    if (list && !s.rows && !s.loading) loadList(s);
    s.list.hidden = !list;
    s.canvas.hidden = list;
    var button = s.root.querySelector('[data-action="view"]');
    button.textContent = list ? 'Diagram' : 'List view';
    button.setAttribute('aria-pressed', String(list));
    s.root.querySelectorAll('.graph-zoom button').forEach(function (b) { b.disabled = list; });
    G.saved(s).list = list;
  }

  function loadList(s) {
    var page = s.root.closest('[data-step-list-url]');
    var url = page && page.getAttribute('data-step-list-url');
    if (!url || !window.htmx) return;
    s.loading = true;
    s.list.setAttribute('aria-busy', 'true');
    window.htmx.ajax('GET', url, { target: s.list, swap: 'innerHTML' }).then(function () {
      s.rows = new Map();
      s.list.querySelectorAll('tbody tr[data-step-id]').forEach(function (tr) {
        s.rows.set(tr.getAttribute('data-step-id'), tr);
        tr.searchKey = (tr.textContent + '\n' + tr.getAttribute('data-step-id')).toLowerCase();
      });
      if (s.query) matchRows(s);
    }).finally(function () {
      s.loading = false;
      s.list.removeAttribute('aria-busy');
    });
  }

  function sortValue(key, tr) {
    if (key === 'status') return Number(tr.getAttribute('data-rank'));
    if (key === 'duration' || key === 'cu') {
      var raw = tr.getAttribute(key === 'cu' ? 'data-cu' : 'data-s');
      return raw === null ? null : Number(raw);
    }
    return tr.cells[key === 'name' ? 0 : 1].textContent.trim().toLowerCase();
  }

  function sortRows(s, button) {
    var key = button.getAttribute('data-sort');
    var th = button.closest('th');
    var descending = th.getAttribute('aria-sort') === 'ascending';
    var body = th.closest('table').tBodies[0];
    var rows = Array.from(body.rows).map(function (tr, i) { return { tr: tr, i: i, v: sortValue(key, tr) }; });
    rows.sort(function (a, b) {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      var order = typeof a.v === 'string' ? a.v.localeCompare(b.v) : a.v - b.v;
      return (descending ? -order : order) || a.i - b.i;
    });
    var sorted = document.createDocumentFragment();
    rows.forEach(function (row) { sorted.appendChild(row.tr); });
    body.appendChild(sorted);
    th.closest('tr').querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }


  function matchRows(s) {
    s.rows.forEach(function (tr) {
      tr.classList.toggle('is-match', s.query !== '' && tr.searchKey.indexOf(s.query) >= 0);
    });
  }

  G.showList = showList;
  G.sortRows = sortRows;
  G.matchRows = matchRows;
})();
