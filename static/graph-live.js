// Live statuses: a refresh of a running run re-colours the steps it names, their warning marks,
// the legend's counts and Find's matches, without drawing the diagram again. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
  var WARNED_TITLE = 'Succeeded with a warning in its logs'; // the mark's (viewer/graph/svg.py)
  var WARNED = ', with a warning in its logs'; // ends the icon's aria-label of a step with the mark
  var SVG = 'http://www.w3.org/2000/svg';
  var MOVE = /^M(-?[\d.]+)[ ,]?(-?[\d.]+)/; // an icon's first point: the rest is relative

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
      var icon = el.querySelector(':scope > path');
      if (!icon) return;
      var shown = icon.getAttribute('aria-label') || '';
      var said = shown;
      if (said.slice(-WARNED.length) === WARNED) said = said.slice(0, -WARNED.length);
      var text = typeof entry.text === 'string' && entry.text ? entry.text : said;
      var warned = entry.warned === true;
      if (warned !== !!el.querySelector('.warn-mark')) markWarned(s, step, warned);
      var label = text + (warned ? WARNED : '');
      if (label !== shown) {
        icon.setAttribute('aria-label', label);
        step.key = G.searchKey(el, id);
      }
      if (status === step.status && said === text) return;
      var before = step.status;
      step.status = status;
      if (status === s.defaultStatus) el.removeAttribute('data-status'); // as svg.py draws it
      else el.setAttribute('data-status', status);
      if (before !== status) icon.setAttribute('d', redrawn(s, icon.getAttribute('d'), before, status));
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

  // An icon's path data as the <symbol> of `key` has it (first point, then relative moves).
  function symbol(s, key) {
    var path = s.svg.querySelector('#st-' + key + ' path');
    return path ? path.getAttribute('d') : 'M0 0';
  }

  // `d` drawn with its first point moved by (dx, dy), its numbers apart by commas or minus
  // signs as the server writes them (viewer/graph/svg.py).
  function moved(d, dx, dy) {
    var m = MOVE.exec(d);
    var round = function (v) { return Math.round(v * 100) / 100; };
    var y = round(Number(m[2]) + dy);
    var tail = d.slice(m[0].length).replace(/ -/g, '-').replace(/ /g, ',');
    return 'M' + round(Number(m[1]) + dx) + (y < 0 ? '' : ',') + y + tail;
  }

  // A step's icon `d` (of status `from`) as the icon of status `to`, in the same place.
  function redrawn(s, d, from, to) {
    var at = MOVE.exec(d);
    var was = MOVE.exec(symbol(s, from));
    if (!at || !was) return d;
    return moved(symbol(s, to), Number(at[1]) - Number(was[1]), Number(at[2]) - Number(was[2]));
  }

  // A step that succeeded with a warning in its logs gets the mark viewer/graph/svg.py draws
  // on its box's top-right corner (or loses it): the live refresh says which steps have one now.
  function markWarned(s, step, warned) {
    var el = step.el;
    var mark = el.querySelector('.warn-mark');
    if (mark) mark.remove();
    if (!warned) return;
    var x = s.boxW - s.placeX; // its box's top-right corner, in the step's own coordinates
    var y = -s.placeY;
    mark = document.createElementNS(SVG, 'g');
    mark.setAttribute('class', 'warn-mark');
    mark.setAttribute('aria-hidden', 'true');
    var title = document.createElementNS(SVG, 'title');
    title.textContent = WARNED_TITLE;
    var circle = document.createElementNS(SVG, 'circle');
    [['cx', x], ['cy', y], ['r', 11]].forEach(function (a) { circle.setAttribute(a[0], String(a[1])); });
    var icon = document.createElementNS(SVG, 'path');
    icon.setAttribute('d', moved(symbol(s, 'warned'), x - 8, y - 8));
    mark.append(title, circle, icon);
    el.insertBefore(mark, el.querySelector(':scope > .tag'));
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
