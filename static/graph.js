// The workflow diagram's behaviour: pan, zoom, fit, find, filter, jump to failure, the list
// view and live status updates. Steps stay plain links: opening one is app.js's business.
(function () {
  'use strict';

  var MIN_SCALE = 0.002; // low enough to fit 5,000 steps on a phone
  var MAX_SCALE = 4;
  var ZOOM_STEP = 1.25;
  var DRAG_PX = 4;
  var PAN_PX = 80;
  var READABLE = 0.85; // labels (13 px) read at 11 px or more; a diagram too big to fit at this scale opens at its top instead
  var SEP = ' — '; // between name, type and status in a step's aria-label
  var SVG_NS = 'http://www.w3.org/2000/svg';

  var states = new WeakMap(); // .graph element -> its state
  var views = {}; // run id -> {k, x, y, list}: kept when the diagram is drawn again
  var suppressClick = false;

  // ---- set-up ----------------------------------------------------------------------------

  function initAll() {
    document.querySelectorAll('.graph').forEach(function (root) {
      if (!states.has(root)) init(root);
    });
  }

  function init(root) {
    var svg = root.querySelector('.graph-svg');
    var canvas = root.querySelector('[data-role="canvas"]');
    if (!svg || !canvas) return;
    var box = svg.querySelector('#box');
    var s = {
      root: root,
      svg: svg,
      canvas: canvas,
      viewport: svg.querySelector('.viewport'),
      list: root.querySelector('[data-role="list"]'),
      runId: root.getAttribute('data-run-id') || '',
      width: Number(svg.getAttribute('data-width')) || 1,
      height: Number(svg.getAttribute('data-height')) || 1,
      boxW: box ? Number(box.getAttribute('width')) : 200,
      boxH: box ? Number(box.getAttribute('height')) : 56,
      boxX: box ? Number(box.getAttribute('x')) || 0 : 0, // a box's corner from its transform
      boxY: box ? Number(box.getAttribute('y')) || 0 : 0,
      k: 1, x: 0, y: 0,
      placed: false,
      steps: [],
      byId: new Map(),
      rows: null,
      matches: [],
      matchAt: -1
    };
    root.querySelectorAll('a.step').forEach(function (el) {
      var id = el.getAttribute('data-step-id');
      var title = el.querySelector('title');
      var name = (title || el.querySelector('text')).textContent;
      var step = { el: el, id: id, name: name, key: (name + '\n' + id).toLowerCase() };
      s.steps.push(step);
      s.byId.set(id, step);
    });
    states.set(root, s);
    svg.removeAttribute('viewBox'); // from here on the viewport's transform decides
    canvas.classList.add('is-ready');
    root.querySelector('.graph-toolbar').hidden = false;
    wire(s);
    var view = saved(s);
    if (view.list) showList(s, true);
    if (view.k) {
      setView(s, view.k, view.x, view.y);
      s.placed = true;
    } else {
      place(s);
    }
  }

  function wire(s) {
    var root = s.root;
    root.querySelector('.graph-toolbar').addEventListener('click', function (event) {
      var button = event.target.closest('button[data-action]');
      if (button) act(s, button.getAttribute('data-action'), button);
    });
    var find = root.querySelector('[data-role="find"]');
    var timer = 0;
    find.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(s, find.value); }, 120);
    });
    find.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        search(s, find.value);
        nextMatch(s);
      }
    });
    root.querySelector('[data-role="filter"]').addEventListener('change', function (event) {
      root.setAttribute('data-filter', event.target.value);
    });
    s.list.querySelector('thead').addEventListener('click', function (event) {
      var button = event.target.closest('button[data-sort]');
      if (button) sortRows(s, button);
    });
    wirePointer(s);
    keepCentre(s);
    s.svg.addEventListener('keydown', function (event) { onKey(s, event); });
    s.svg.addEventListener('focusin', function (event) {
      var step = event.target.closest && event.target.closest('a.step, a.cluster');
      if (step) reveal(s, step, false);
    });
  }

  // ---- pan and zoom ------------------------------------------------------------------------

  function setView(s, k, x, y) {
    s.k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
    s.x = x;
    s.y = y;
    s.viewport.setAttribute('transform', 'translate(' + s.x.toFixed(1) + ' ' + s.y.toFixed(1) + ') scale(' + s.k.toFixed(4) + ')');
    var view = saved(s);
    view.k = s.k;
    view.x = s.x;
    view.y = s.y;
  }

  function saved(s) {
    return views[s.runId] || (views[s.runId] = {});
  }

  function size(s) {
    return { w: s.canvas.clientWidth, h: s.canvas.clientHeight };
  }

  function zoomAt(s, px, py, factor) {
    var k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, s.k * factor));
    setView(s, k, px - (px - s.x) * k / s.k, py - (py - s.y) * k / s.k);
  }

  function fit(s) {
    var c = size(s);
    if (!c.w) return;
    var k = Math.min(1.5, c.w / s.width, c.h / s.height);
    setView(s, k, (c.w - s.width * k) / 2, (c.h - s.height * k) / 2);
  }

  // The first view: the whole diagram when it is readable that way, else its top at a
  // readable scale, centred on the trigger.
  function place(s) {
    var c = size(s);
    if (!c.w) return; // hidden (list view): placed when the diagram is shown
    s.placed = true;
    if (Math.min(c.w / s.width, c.h / s.height) >= READABLE) return fit(s);
    var root = s.root.querySelector('a.step.root') || (s.steps[0] && s.steps[0].el);
    var at = root ? origin(root) : { x: s.width / 2, y: 0 };
    var k = READABLE;
    setView(s, k, c.w / 2 - (at.x + s.boxW / 2) * k, 32 - at.y * k);
  }

  // The top-left corner of a step's box (its transform places its label; #box is drawn
  // at an offset from there).
  function origin(el) {
    var s = states.get(el.closest('.graph'));
    var m = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(el.getAttribute('transform') || '');
    var dx = s ? s.boxX : 0;
    var dy = s ? s.boxY : 0;
    return m ? { x: Number(m[1]) + dx, y: Number(m[2]) + dy } : { x: 0, y: 0 };
  }

  // Bring a step into view: centred (and readable) when asked, else only if it is outside.
  function reveal(s, el, centre) {
    var c = size(s);
    var at = origin(el);
    var left = s.x + at.x * s.k;
    var top = s.y + at.y * s.k;
    var inside = left >= 0 && top >= 0 && left + s.boxW * s.k <= c.w && top + s.boxH * s.k <= c.h;
    if (inside && !centre) return;
    var k = centre ? Math.max(s.k, READABLE) : s.k;
    setView(s, k, c.w / 2 - (at.x + s.boxW / 2) * k, c.h / 2 - (at.y + s.boxH / 2) * k);
  }

  // When the canvas changes size (a side panel opens, the window narrows), what was in its
  // middle stays in its middle.
  function keepCentre(s) {
    if (!window.ResizeObserver) return;
    var last = size(s);
    new ResizeObserver(function () {
      var now = size(s);
      if (now.w && last.w && s.placed) setView(s, s.k, s.x + (now.w - last.w) / 2, s.y + (now.h - last.h) / 2);
      last = now;
    }).observe(s.canvas);
  }

  function wirePointer(s) {
    var canvas = s.canvas;
    var pointers = new Map();
    var drag = null; // {start, moved} while a pointer is down
    canvas.addEventListener('dragstart', function (event) { event.preventDefault(); });
    canvas.addEventListener('pointerdown', function (event) {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      drag = { moved: drag ? drag.moved : false };
    });
    canvas.addEventListener('pointermove', function (event) {
      var last = pointers.get(event.pointerId);
      if (!last || !drag) return;
      var now = { x: event.clientX, y: event.clientY };
      if (pointers.size === 2) {
        pinch(s, pointers, event.pointerId, now);
        drag.moved = true;
      } else {
        var start = drag.start || (drag.start = last);
        if (!drag.moved && Math.hypot(now.x - start.x, now.y - start.y) > DRAG_PX) {
          drag.moved = true;
          canvas.setPointerCapture(event.pointerId);
          canvas.classList.add('is-dragging');
        }
        if (drag.moved) setView(s, s.k, s.x + now.x - last.x, s.y + now.y - last.y);
      }
      pointers.set(event.pointerId, now);
    });
    function end(event) {
      if (!pointers.delete(event.pointerId)) return;
      if (pointers.size) return;
      if (drag && drag.moved) {
        suppressClick = true; // the click that ends a drag is not a click on a step
        window.setTimeout(function () { suppressClick = false; }, 0);
      }
      drag = null;
      canvas.classList.remove('is-dragging');
    }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', function (event) {
      event.preventDefault();
      var r = s.svg.getBoundingClientRect();
      var delta = event.deltaY * (event.deltaMode === 1 ? 16 : 1);
      zoomAt(s, event.clientX - r.left, event.clientY - r.top, Math.exp(-delta * 0.0015));
    }, { passive: false });
  }

  function pinch(s, pointers, movedId, now) {
    var ids = Array.from(pointers.keys());
    var other = pointers.get(ids[0] === movedId ? ids[1] : ids[0]);
    var before = pointers.get(movedId);
    var r = s.svg.getBoundingClientRect();
    var d0 = Math.hypot(before.x - other.x, before.y - other.y) || 1;
    var d1 = Math.hypot(now.x - other.x, now.y - other.y) || 1;
    var mx = (now.x + other.x) / 2 - r.left;
    var my = (now.y + other.y) / 2 - r.top;
    zoomAt(s, mx, my, d1 / d0);
    setView(s, s.k, s.x + (now.x - before.x) / 2, s.y + (now.y - before.y) / 2);
  }

  window.addEventListener('click', function (event) {
    if (suppressClick && event.target.closest && event.target.closest('.graph-canvas')) {
      event.preventDefault();
      event.stopPropagation();
      suppressClick = false;
    }
  }, true);

  function onKey(s, event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var c = size(s);
    var pans = { ArrowLeft: [PAN_PX, 0], ArrowRight: [-PAN_PX, 0], ArrowUp: [0, PAN_PX], ArrowDown: [0, -PAN_PX] };
    if (pans[event.key] && event.target === s.svg) {
      event.preventDefault();
      setView(s, s.k, s.x + pans[event.key][0], s.y + pans[event.key][1]);
    } else if (event.key === '+' || event.key === '=') {
      event.preventDefault();
      zoomAt(s, c.w / 2, c.h / 2, ZOOM_STEP);
    } else if (event.key === '-' || event.key === '_') {
      event.preventDefault();
      zoomAt(s, c.w / 2, c.h / 2, 1 / ZOOM_STEP);
    }
  }

  // ---- toolbar -------------------------------------------------------------------------------

  function act(s, action, button) {
    var c = size(s);
    if (action === 'zoom-in') zoomAt(s, c.w / 2, c.h / 2, ZOOM_STEP);
    else if (action === 'zoom-out') zoomAt(s, c.w / 2, c.h / 2, 1 / ZOOM_STEP);
    else if (action === 'fit') fit(s);
    else if (action === 'reset') place(s);
    else if (action === 'view') showList(s, s.list.hidden);
    else if (action === 'jump') jump(s, button.getAttribute('data-target'));
  }

  function jump(s, id) {
    var step = id && s.byId.get(id);
    if (!step) return;
    var link = step.el;
    if (!s.list.hidden) {
      var row = s.rows && s.rows.get(id);
      if (!row) return;
      link = row.querySelector('a');
      row.scrollIntoView({ block: 'center' });
    } else {
      reveal(s, link, true);
    }
    link.focus({ preventScroll: true });
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
  }

  function showList(s, list) {
    if (list) buildRows(s);
    s.list.hidden = !list;
    s.canvas.hidden = list;
    var button = s.root.querySelector('[data-action="view"]');
    button.textContent = list ? 'Diagram' : 'List view';
    button.setAttribute('aria-pressed', String(list));
    s.root.querySelectorAll('.graph-zoom button, [data-action="fit"]').forEach(function (b) { b.disabled = list; });
    saved(s).list = list;
    if (!list && !s.placed) place(s);
  }

  // ---- find ------------------------------------------------------------------------------------

  function search(s, text) {
    var query = text.trim().toLowerCase();
    var out = s.root.querySelector('[data-role="matches"]');
    s.matches = [];
    s.matchAt = -1;
    s.root.classList.toggle('has-query', query !== '');
    s.steps.forEach(function (step) {
      var hit = query !== '' && step.key.indexOf(query) >= 0;
      step.el.classList.toggle('is-match', hit);
      var row = s.rows && s.rows.get(step.id);
      if (row) row.classList.toggle('is-match', hit);
      if (hit) s.matches.push(step);
    });
    var n = s.matches.length;
    out.textContent = query === '' ? '' : n === 0 ? 'No matches' : n === 1 ? '1 match' : n + ' matches';
  }

  function nextMatch(s) {
    if (!s.matches.length || !s.list.hidden) return;
    s.matchAt = (s.matchAt + 1) % s.matches.length;
    reveal(s, s.matches[s.matchAt].el, true);
  }

  // ---- list view ---------------------------------------------------------------------------------

  // The statuses in sort order, from the registry (viewer/runs/status.py) through the page.
  function statusOrder(root) {
    return ((root && root.getAttribute('data-status-order')) || 'unknown').split(' ');
  }

  function statusText(el) {
    var label = el.getAttribute('aria-label') || '';
    return label.slice(label.lastIndexOf(SEP) + SEP.length);
  }

  function icon(status) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'ico');
    svg.setAttribute('aria-hidden', 'true');
    var use = document.createElementNS(SVG_NS, 'use');
    use.setAttribute('href', '#st-' + status);
    svg.appendChild(use);
    return svg;
  }

  function cell(tr, content) {
    var td = document.createElement('td');
    if (typeof content === 'string') td.textContent = content; else td.appendChild(content);
    tr.appendChild(td);
    return td;
  }

  function statusCell(tr, status, text) {
    var td = cell(tr, icon(status));
    var span = document.createElement('span');
    span.textContent = text;
    td.appendChild(span);
  }

  // Rows are made from the diagram itself (one per step box, one per collapsed box), on first use.
  function buildRows(s) {
    if (s.rows) return;
    s.rows = new Map();
    var body = document.createDocumentFragment();
    s.steps.forEach(function (step) {
      var el = step.el;
      var status = el.getAttribute('data-status');
      var tr = document.createElement('tr');
      tr.setAttribute('data-status', status);
      var link = document.createElement('a');
      link.href = el.getAttribute('href');
      link.setAttribute('data-step-id', step.id);
      link.textContent = step.name;
      cell(tr, link);
      cell(tr, el.getAttribute('data-type') || el.querySelector('text.ty').textContent);
      statusCell(tr, status, statusText(el));
      cell(tr, el.getAttribute('data-d') || '—');
      cell(tr, el.getAttribute('data-cu') || '—');
      if (step.el.classList.contains('is-match')) tr.classList.add('is-match');
      s.rows.set(step.id, tr);
      body.appendChild(tr);
    });
    s.root.querySelectorAll('a.cluster').forEach(function (el) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-status', el.getAttribute('data-status'));
      var link = document.createElement('a');
      link.href = el.getAttribute('href');
      link.className = 'toggle';
      link.setAttribute('data-fragment', el.getAttribute('data-fragment'));
      link.textContent = el.getAttribute('aria-label');
      cell(tr, link);
      cell(tr, el.getAttribute('data-count') + ' steps');
      statusCell(tr, el.getAttribute('data-status'), '');
      cell(tr, '—');
      cell(tr, '—');
      body.appendChild(tr);
    });
    s.list.querySelector('tbody').appendChild(body);
  }

  function durationSeconds(text) {
    var units = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 };
    var total = 0;
    var found = false;
    text.replace(/(\d+(?:\.\d+)?)\s*(ms|min|s|h|d)\b/g, function (_, n, unit) {
      total += Number(n) * units[unit];
      found = true;
      return '';
    });
    return found ? total : null;
  }

  function sortValue(key, tr) {
    var text = tr.cells[{ name: 0, type: 1, status: 2, duration: 3, cu: 4 }[key]].textContent.trim();
    if (key === 'status') return statusOrder(tr.closest('.graph')).indexOf(tr.getAttribute('data-status'));
    if (key === 'duration') return durationSeconds(text);
    if (key === 'cu') {
      var n = Number(text.replace(/[,\s]/g, ''));
      return text === '' || isNaN(n) ? null : n;
    }
    return text.toLowerCase();
  }

  function sortRows(s, button) {
    var key = button.getAttribute('data-sort');
    var th = button.closest('th');
    var descending = th.getAttribute('aria-sort') === 'ascending';
    var body = s.list.querySelector('tbody');
    var rows = Array.from(body.rows).map(function (tr, i) { return { tr: tr, i: i, v: sortValue(key, tr) }; });
    rows.sort(function (a, b) {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      var order = typeof a.v === 'string' ? a.v.localeCompare(b.v) : a.v - b.v;
      return (descending ? -order : order) || a.i - b.i;
    });
    rows.forEach(function (row) { body.appendChild(row.tr); });
    th.closest('tr').querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }

  // ---- live statuses ------------------------------------------------------------------------------

  function update(s, statuses) {
    var legend = s.root.querySelector('.graph-legend');
    Object.keys(statuses).forEach(function (id) {
      var step = s.byId.get(id);
      var entry = statuses[id] || {};
      if (!step) return;
      var status = statusOrder(s.root).indexOf(entry.status) >= 0 ? entry.status : 'unknown';
      var el = step.el;
      var before = el.getAttribute('data-status');
      var label = el.getAttribute('aria-label') || '';
      var text = typeof entry.text === 'string' && entry.text ? entry.text : statusText(el);
      el.setAttribute('data-status', status);
      var use = el.querySelector('use'); // #b-<status>, or #r-<status> for the trigger
      use.setAttribute('href', use.getAttribute('href').replace(/-[a-z_]+$/, '-' + status));
      el.setAttribute('aria-label', label.slice(0, label.lastIndexOf(SEP) + SEP.length) + text);
      var row = s.rows && s.rows.get(id);
      if (row) {
        row.setAttribute('data-status', status);
        row.cells[2].querySelector('use').setAttribute('href', '#st-' + status);
        row.cells[2].querySelector('span').textContent = text;
      }
      if (before !== status) {
        count(legend, before, -1);
        count(legend, status, 1);
      }
    });
    var jumpButton = s.root.querySelector('[data-action="jump"]');
    var failed = s.steps.find(function (step) { return step.el.getAttribute('data-status') === 'failure'; });
    if (failed && !jumpButton.getAttribute('data-target')) jumpButton.setAttribute('data-target', failed.id);
    jumpButton.disabled = !jumpButton.getAttribute('data-target');
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
      var s = states.get(root);
      if (s) update(s, statuses);
    });
  });

  // ---- expanding a fan-out or collapsing a block: swap the graph, keep the view ----------------------

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('.graph a.toggle[data-fragment]');
    if (!link || event.defaultPrevented || event.button !== 0 || !window.htmx) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var root = link.closest('.graph');
    event.preventDefault();
    window.htmx.ajax('GET', link.getAttribute('data-fragment'), { target: root.parentElement, swap: 'innerHTML' });
  });

  document.addEventListener('htmx:after:swap', initAll);
  document.addEventListener('htmx:after:settle', initAll);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
