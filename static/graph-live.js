// Live statuses: a refresh of a running run re-colours the steps it names, their warning marks,
// the legend's counts and Find's matches, without drawing the diagram again. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
  var SEP = ' — '; // between name, type and status in a step's aria-label
  var WARNED = SEP + 'with a warning in its logs'; // ends a warned step's aria-label (svg.py)
  var SVG = 'http://www.w3.org/2000/svg';

  // ---- live statuses ---------------------------------------------------------------------------

  // The statuses in sort order, from the registry (viewer/runs/status.py) through the page.
  function statusOrder(root) {
    return ((root && root.getAttribute('data-status-order')) || 'unknown').split(' ');
  }

  function update(s, statuses) {
    var legend = s.root.querySelector('.graph-legend');
    var all = G.steps(s);
    var changed = false;
    Object.keys(statuses).forEach(function (id) {
      var step = s.index.byId.get(id);
      var entry = statuses[id] || {};
      if (!step) return;
      var order = statusOrder(s.root);
      var status = order.indexOf(entry.status) >= 0 ? entry.status : 'unknown';
      var el = step.el;
      var warned = entry.warned === true;
      var label = el.getAttribute('aria-label') || '';
      if (label.slice(-WARNED.length) === WARNED) label = label.slice(0, -WARNED.length);
      var cut = label.lastIndexOf(SEP) + SEP.length;
      var text = typeof entry.text === 'string' && entry.text ? entry.text : label.slice(cut);
      if (warned !== el.classList.contains('warned')) markWarned(s, el, warned);
      var named = label.slice(0, cut) + text + (warned ? WARNED : '');
      if (named !== el.getAttribute('aria-label')) el.setAttribute('aria-label', named);
      if (status === step.status && label.slice(cut) === text) return;
      var before = step.status;
      step.status = status;
      el.setAttribute('data-status', status);
      el.querySelectorAll('use:not(.warn-mark use)').forEach(function (use) {
        var href = use.getAttribute('href') || '';
        if (/^#(st|b|r)-/.test(href)) use.setAttribute('href', href.replace(/-[a-z_]+$/, '-' + status));
      });
      step.key = (named + '\n' + id).toLowerCase();
      changed = true;
      var row = s.rows && s.rows.get(id);
      if (row) {
        row.setAttribute('data-status', status);
        row.setAttribute('data-rank', String(order.indexOf(status)));
        row.cells[2].querySelector('use').setAttribute('href', '#st-' + status);
        row.cells[2].querySelector('span').textContent = text;
      }
      if (before !== status) {
        count(legend, before, -1);
        count(legend, status, 1);
      }
    });
    var jumpButton = s.root.querySelector('[data-action="jump"]');
    jumpButton.disabled = !all.some(function (step) { return step.status === 'failure'; });
    if (changed && s.query !== '') {
      var query = s.query; // statuses are searched too: match again
      s.query = '';
      G.search(s, query);
    } else if (changed) {
      G.mark(s);
    }
  }

  // A step that succeeded with a warning in its logs gets the mark _graph.html draws beside
  // its box (or loses it): the live refresh says which steps have one now.
  function markWarned(s, el, warned) {
    el.classList.toggle('warned', warned);
    var mark = el.querySelector('.warn-mark');
    if (mark) mark.remove();
    if (!warned) return;
    var x = s.boxX + s.boxW;
    var y = s.boxY;
    mark = document.createElementNS(SVG, 'g');
    mark.setAttribute('class', 'warn-mark');
    var title = document.createElementNS(SVG, 'title');
    title.textContent = 'Succeeded with a warning in its logs';
    var circle = document.createElementNS(SVG, 'circle');
    [['cx', x], ['cy', y], ['r', 11]].forEach(function (a) { circle.setAttribute(a[0], String(a[1])); });
    var icon = document.createElementNS(SVG, 'use');
    [['href', '#st-warned'], ['x', x - 8], ['y', y - 8], ['width', 16], ['height', 16]].forEach(function (a) {
      icon.setAttribute(a[0], String(a[1]));
    });
    mark.append(title, circle, icon);
    el.insertBefore(mark, el.querySelector('use[href="#tag"]'));
  }

  function count(legend, status, delta) {
    var n = legend && legend.querySelector('[data-count="' + status + '"]');
    if (!n) return;
    var value = Math.max(0, Number(n.textContent) + delta);
    n.textContent = String(value);
    n.parentNode.hidden = value === 0;
  }

  document.addEventListener('viewer:statuses', function (event) {
    var statuses = event.detail && event.detail.statuses;
    if (!statuses || typeof statuses !== 'object') return;
    document.querySelectorAll('.graph').forEach(function (root) {
      var s = G.states.get(root);
      if (s) update(s, statuses);
    });
  });

})();
