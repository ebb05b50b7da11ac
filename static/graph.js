// The workflow diagram's behaviour: pan, zoom, fit, find, filter, jump to failures, the list
// view and live status updates. Steps stay plain links: opening one is app.js's business.
//
// Work stays proportional to what changes: setting up touches no step and reads no layout
// (the canvas's size comes from a ResizeObserver); the steps are indexed the first time all
// of them are needed (their place, status and accessible name, read from attributes); every
// event is handled by one listener for the whole page (the canvas keeps its pointer and wheel
// listeners); panning and zooming write one CSS transform on the <svg>, once a frame, which
// the browser composites without painting the diagram again; Find and Show draw two paths
// over the diagram instead of restyling its steps; the list view is rendered by the server
// and fetched the first time it is asked for.
(function () {
  'use strict';

  var MIN_SCALE = 0.02;
  var MAX_SCALE = 4;
  var FIT_MAX = 1.5;
  var READABLE = 0.85; // labels (13 px) read at 11 px or more: Fit and the first view stop here
  var GROW_MAX = 1.5; // a small diagram's canvas may grow up to this many window heights
  var NARROW = 600; // a canvas narrower than this (a phone's) holds the off-screen note on two lines
  var ZOOM_STEP = 1.25;
  var DRAG_PX = 4;
  var PAN_PX = 80;
  var SETTLE_MS = 250; // after the view last changed: redraw crisply, say what is off screen
  var HINT_MS = 1800;
  var SEP = ' — '; // between name, type and status in a step's aria-label
  var WARNED = SEP + 'with a warning in its logs'; // ends a warned step's aria-label (_graph.html)
  var SVG = 'http://www.w3.org/2000/svg';
  var FILTERS = {
    failed: ['failure'],
    active: ['running', 'waiting'],
    notrun: ['not_run', 'pending']
  };
  var TRANSLATE = /translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)/;

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
      list: root.querySelector('[data-role="list"]'),
      runId: root.getAttribute('data-run-id') || '',
      width: Number(svg.getAttribute('width')) || 1,
      height: Number(svg.getAttribute('height')) || 1,
      boxX: box ? Number(box.getAttribute('x')) || 0 : 0,
      boxY: box ? Number(box.getAttribute('y')) || 0 : 0,
      boxW: box ? Number(box.getAttribute('width')) || 200 : 200,
      boxH: box ? Number(box.getAttribute('height')) || 56 : 56,
      boxR: box ? Number(box.getAttribute('rx')) || 0 : 0,
      k: 1, x: 0, y: 0,
      cw: 0, // the canvas's size, told by the ResizeObserver (never read here: no forced layout)
      ch: 0,
      placed: false,
      index: null, // built on first use: see steps()
      rows: null,
      query: '',
      filter: 'all',
      marks: null, // the paths drawn over the diagram: see marks()
      selected: '',
      hovered: null,
      matches: [],
      matchAt: -1,
      failAt: -1,
      frame: 0,
      settle: 0,
      dragging: false,
      scaled: false
    };
    states.set(root, s);
    // graph.css already lays the <svg> out at its own size when scripts run (no viewBox
    // change here: that would lay out every label again); from here one transform decides.
    canvas.classList.add('is-ready');
    overlay(s);
    root.querySelector('.graph-toolbar').hidden = false;
    var hint = root.querySelector('[data-role="hint"]');
    if (hint) {
      hint.hidden = false;
      hint.textContent = coarse() ? 'Two fingers to move or zoom' : 'Drag to move · ' + zoomKey() + ' + scroll to zoom';
    }
    wireCanvas(s);
    if (saved(s).list) showList(s, true);
    watchSize(s); // its first report places the view
  }

  // The first view, once the canvas's size is known: as it was when the diagram was drawn
  // again, or on the step in the address, or the whole diagram or its top (place).
  function start(s) {
    s.placed = true;
    var view = saved(s);
    var selected = new URL(window.location.href).searchParams.get('node');
    var step = selected && find(s, selected);
    if (view.k) setView(s, view.k, view.x, view.y);
    else if (step && !wholeFits(s)) reveal(s, step, true);
    else place(s);
    draw(s); // now, not at the next frame: the first frame drawn after set-up shows this view
    select(s, selected);
  }

  // One step's place, status and what "Find" searches, read from its attributes.
  function record(s, el) {
    var id = el.getAttribute('data-step-id');
    var m = TRANSLATE.exec(el.getAttribute('transform') || '');
    return {
      el: el,
      id: id,
      x: (m ? Number(m[1]) : 0) + s.boxX,
      y: (m ? Number(m[2]) : 0) + s.boxY,
      status: el.getAttribute('data-status'),
      key: ((el.getAttribute('aria-label') || '') + '\n' + id).toLowerCase(),
      hit: false
    };
  }

  // Every step, indexed in one pass the first time something needs them all (Find, Show,
  // live statuses, the off-screen note), never while the page is being set up.
  function steps(s) {
    if (!s.index) {
      var list = [];
      var byId = new Map();
      s.svg.querySelectorAll('a.step[data-step-id]').forEach(function (el) {
        var step = record(s, el);
        list.push(step);
        byId.set(step.id, step);
      });
      s.index = { list: list, byId: byId };
    }
    return s.index.list;
  }

  // One step by id: from the index when it is built, else read from its element alone.
  function find(s, id) {
    if (s.index) return s.index.byId.get(id) || null;
    var el = s.svg.querySelector('a.step[data-step-id="' + CSS.escape(id) + '"]');
    return el ? record(s, el) : null;
  }

  function coarse() {
    return window.matchMedia && window.matchMedia('(pointer: coarse)').matches;
  }

  function zoomKey() {
    return /Mac|iPhone|iPad/.test(navigator.platform || '') ? '⌘' : 'Ctrl';
  }

  function stateOf(el) {
    var root = el && el.closest && el.closest('.graph');
    return root ? states.get(root) : null;
  }

  // ---- the view: one transform, written once a frame ----------------------------------------

  function setView(s, k, x, y) {
    var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
    if (scale !== s.k) s.scaled = true;
    s.k = scale;
    s.x = x;
    s.y = y;
    var view = saved(s);
    view.k = s.k;
    view.x = s.x;
    view.y = s.y;
    if (!s.frame) s.frame = window.requestAnimationFrame(function () { draw(s); });
    settleLater(s);
  }

  // Once the view has rested for a moment, and not while it is being dragged.
  function settleLater(s) {
    window.clearTimeout(s.settle);
    if (!s.dragging) s.settle = window.setTimeout(function () { settled(s); }, SETTLE_MS);
  }

  function draw(s) {
    s.frame = 0;
    var transform = 'translate(' + s.x.toFixed(1) + 'px,' + s.y.toFixed(1) + 'px) scale(' + s.k.toFixed(4) + ')';
    s.svg.style.transform = transform;
    s.marks.svg.style.transform = transform;
  }

  // Once the view rests: draw the diagram again at its new scale (a composited layer keeps
  // the scale it was drawn at), and say how much of it is off screen.
  function settled(s) {
    if (s.scaled) {
      s.scaled = false;
      s.svg.classList.add('is-redrawn');
      s.marks.svg.classList.add('is-redrawn');
      window.requestAnimationFrame(function () {
        window.requestAnimationFrame(function () {
          s.svg.classList.remove('is-redrawn');
          s.marks.svg.classList.remove('is-redrawn');
        });
      });
    }
    var out = s.root.querySelector('[data-role="offscreen"]');
    var all = steps(s);
    if (!out || !all.length) return;
    var off = 0;
    var right = s.cw / s.k;
    var bottom = s.ch / s.k;
    var left = -s.x / s.k;
    var top = -s.y / s.k;
    all.forEach(function (step) {
      if (step.x + s.boxW < left || step.y + s.boxH < top || step.x > left + right || step.y > top + bottom) off += 1;
    });
    var text = off === 0 ? '' : off === all.length
      ? 'No step is on screen: use Reset or Fit to screen.'
      : off + ' of ' + all.length + ' steps are off screen: ' + (coarse() ? 'move with two fingers' : 'drag to see them') + ', or zoom out.';
    if (out.textContent !== text) out.textContent = text;
    out.hidden = text === '';
  }

  function saved(s) {
    return views[s.runId] || (views[s.runId] = {});
  }

  function zoomAt(s, px, py, factor) {
    var k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, s.k * factor));
    setView(s, k, px - (px - s.x) * k / s.k, py - (py - s.y) * k / s.k);
  }

  // Fit a region of the diagram on screen, but never below a readable size: then its top
  // (or the first of `steps`) is shown at that size, and the note says what is off screen.
  function fitBox(s, x0, y0, x1, y1, first) {
    if (!s.cw) return;
    var pad = 24;
    var k = Math.min(FIT_MAX, (s.cw - pad) / (x1 - x0), (s.ch - pad) / (y1 - y0));
    if (k >= READABLE) {
      setView(s, k, (s.cw - (x1 - x0) * k) / 2 - x0 * k, (s.ch - (y1 - y0) * k) / 2 - y0 * k);
    } else if (first) {
      centreOn(s, first, READABLE);
    } else {
      setView(s, READABLE, (s.cw - (x1 - x0) * READABLE) / 2 - x0 * READABLE, pad / 2 - y0 * READABLE);
    }
  }

  function fit(s) {
    fitBox(s, 0, 0, s.width, s.height, null);
  }

  // A small diagram opens whole at a readable size: when that needs a taller canvas than the
  // stylesheet's, the canvas grows (up to GROW_MAX windows) and the page scrolls past it like
  // a picture. A diagram too wide or too tall for that keeps the stylesheet's canvas.
  function grow(s) {
    var tall = Math.ceil(s.height * READABLE + 24);
    if (tall <= s.ch || s.width * READABLE + 24 > s.cw || tall > window.innerHeight * GROW_MAX) return;
    s.canvas.style.height = tall + 'px';
    s.ch = s.canvas.clientHeight;
  }

  function wholeFits(s) {
    grow(s);
    return Math.min(s.cw / s.width, s.ch / s.height) >= READABLE;
  }

  // The first view: the whole diagram when it is readable that way, else its top at a
  // readable scale, centred on the trigger.
  function place(s) {
    if (!s.cw) return; // hidden (list view): placed when the diagram is shown
    if (wholeFits(s)) return fit(s);
    var first = s.svg.querySelector('a.step.root') || s.svg.querySelector('a.step[data-step-id]');
    var at = first ? record(s, first) : { x: s.width / 2, y: 0 };
    var room = s.cw < NARROW ? 72 : 32; // on a narrow canvas the off-screen note takes two lines
    setView(s, READABLE, s.cw / 2 - (at.x + s.boxW / 2) * READABLE, room - at.y * READABLE);
  }

  function centreOn(s, step, k) {
    setView(s, k, s.cw / 2 - (step.x + s.boxW / 2) * k, s.ch / 2 - (step.y + s.boxH / 2) * k);
  }

  // Bring a step into view: centred (and readable) when asked, else only if it is outside.
  function reveal(s, step, centre) {
    var left = s.x + step.x * s.k;
    var top = s.y + step.y * s.k;
    var inside = left >= 0 && top >= 0 && left + s.boxW * s.k <= s.cw && top + s.boxH * s.k <= s.ch;
    if (inside && !centre) return;
    centreOn(s, step, centre ? Math.max(s.k, READABLE) : s.k);
  }

  // Bring these steps into view together (or the first of them, readable).
  function showSteps(s, steps) {
    if (!steps.length || !s.cw) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    steps.forEach(function (step) {
      x0 = Math.min(x0, step.x);
      y0 = Math.min(y0, step.y);
      x1 = Math.max(x1, step.x + s.boxW);
      y1 = Math.max(y1, step.y + s.boxH);
    });
    fitBox(s, x0, y0, x1, y1, steps[0]);
  }

  // The canvas's size comes from a ResizeObserver, which reports after layout: nothing here
  // reads layout. Its first report places the view; later ones (a side panel opens, the
  // window narrows) keep what was in the middle of the canvas in its middle.
  function watchSize(s) {
    new ResizeObserver(function (entries) {
      var box = entries[entries.length - 1].contentRect;
      var dw = box.width - s.cw;
      var dh = box.height - s.ch;
      s.cw = box.width;
      s.ch = box.height;
      if (!s.cw) return; // hidden (list view)
      if (!s.placed) return start(s);
      if (dw || dh) setView(s, s.k, s.x + dw / 2, s.y + dh / 2);
    }).observe(s.canvas);
  }

  // ---- pointer and wheel: on the canvas ------------------------------------------------------

  function wireCanvas(s) {
    var canvas = s.canvas;
    var pointers = new Map();
    var drag = null; // {moved, touch} while a pointer is down
    canvas.addEventListener('dragstart', function (event) { event.preventDefault(); });
    // A press starts no text selection: the browser would follow it on every move of a drag and
    // paint the whole diagram again each frame. Focus still goes where the press was.
    canvas.addEventListener('mousedown', function (event) {
      if (event.button !== 0) return;
      event.preventDefault();
      var focusable = event.target.closest('a[href], [tabindex]');
      if (focusable && canvas.contains(focusable)) focusable.focus({ preventScroll: true });
    });
    canvas.addEventListener('pointerdown', function (event) {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (!drag) drag = { moved: false, touch: event.pointerType === 'touch', start: { x: event.clientX, y: event.clientY } };
    });
    canvas.addEventListener('pointermove', function (event) {
      var last = pointers.get(event.pointerId);
      if (!last || !drag) return;
      var now = { x: event.clientX, y: event.clientY };
      if (pointers.size === 2) {
        pinch(s, pointers, event.pointerId, now);
        drag.moved = true;
        s.dragging = true;
      } else if (!drag.touch) {
        // one finger is the page's: it scrolls (touch-action in graph.css); a mouse or pen pans
        if (!drag.moved && Math.hypot(now.x - drag.start.x, now.y - drag.start.y) > DRAG_PX) {
          drag.moved = true;
          s.dragging = true;
          canvas.setPointerCapture(event.pointerId);
          canvas.classList.add('is-dragging');
        }
        if (drag.moved) setView(s, s.k, s.x + now.x - last.x, s.y + now.y - last.y);
      }
      pointers.set(event.pointerId, now);
    });
    function end(event) {
      if (!pointers.delete(event.pointerId)) return;
      if (event.type === 'pointercancel' && drag && drag.touch && !drag.moved) flashHint(s);
      if (pointers.size) return;
      if (drag && drag.moved) {
        suppressClick = true; // the click that ends a drag is not a click on a step
        window.setTimeout(function () { suppressClick = false; }, 0);
      }
      drag = null;
      if (s.dragging) {
        s.dragging = false;
        settleLater(s);
      }
      canvas.classList.remove('is-dragging');
    }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    // The step under the pointer is outlined over the diagram (a CSS :hover would repaint it all).
    canvas.addEventListener('pointerover', function (event) {
      hover(s, drag && drag.moved ? null : event.target.closest('a.step, a.cluster'));
    });
    canvas.addEventListener('pointerleave', function () { hover(s, null); });
    // The wheel scrolls the page; Ctrl/⌘ + wheel (and a touchpad's pinch) zooms the diagram.
    canvas.addEventListener('wheel', function (event) {
      if (!(event.ctrlKey || event.metaKey)) {
        flashHint(s);
        return;
      }
      event.preventDefault();
      var r = s.canvas.getBoundingClientRect();
      var delta = event.deltaY * (event.deltaMode === 1 ? 16 : 1);
      zoomAt(s, event.clientX - r.left, event.clientY - r.top, Math.exp(-delta * 0.0025));
    }, { passive: false });
    // Focus moving to a step off screen must not scroll the canvas itself: the view moves.
    canvas.addEventListener('scroll', function () {
      canvas.scrollLeft = 0;
      canvas.scrollTop = 0;
    });
  }

  function flashHint(s) {
    var hint = s.root.querySelector('[data-role="hint"]');
    if (!hint) return;
    hint.classList.add('is-flashing');
    window.clearTimeout(s.hintTimer);
    s.hintTimer = window.setTimeout(function () { hint.classList.remove('is-flashing'); }, HINT_MS);
  }

  function pinch(s, pointers, movedId, now) {
    var ids = Array.from(pointers.keys());
    var other = pointers.get(ids[0] === movedId ? ids[1] : ids[0]);
    var before = pointers.get(movedId);
    var r = s.canvas.getBoundingClientRect();
    var d0 = Math.hypot(before.x - other.x, before.y - other.y) || 1;
    var d1 = Math.hypot(now.x - other.x, now.y - other.y) || 1;
    zoomAt(s, (now.x + other.x) / 2 - r.left, (now.y + other.y) / 2 - r.top, d1 / d0);
    setView(s, s.k, s.x + (now.x - before.x) / 2, s.y + (now.y - before.y) / 2);
  }

  window.addEventListener('click', function (event) {
    if (suppressClick && event.target.closest && event.target.closest('.graph-canvas')) {
      event.preventDefault();
      event.stopPropagation();
      suppressClick = false;
    }
  }, true);

  // ---- one listener per kind of event, for every diagram on the page -------------------------

  document.addEventListener('click', function (event) {
    var s = stateOf(event.target);
    if (!s) return;
    var button = event.target.closest('button[data-action]');
    if (button && s.root.contains(button)) return act(s, button.getAttribute('data-action'), button);
    var sort = event.target.closest('button[data-sort]');
    if (sort) return sortRows(s, sort);
    var toggle = event.target.closest('a.toggle[data-fragment]');
    if (toggle && !event.defaultPrevented && event.button === 0 && window.htmx &&
        !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      window.htmx.ajax('GET', toggle.getAttribute('data-fragment'), { target: s.root.parentElement, swap: 'innerHTML' });
    }
  });

  document.addEventListener('input', function (event) {
    if (!event.target.matches('.graph [data-role="find"]')) return;
    var s = stateOf(event.target);
    if (!s) return;
    search(s, event.target.value);
  });

  document.addEventListener('change', function (event) {
    if (!event.target.matches('.graph [data-role="filter"]')) return;
    var s = stateOf(event.target);
    if (s) filter(s, event.target.value);
  });

  document.addEventListener('keydown', function (event) {
    var s = stateOf(event.target);
    if (!s) return;
    if (event.target.matches('[data-role="find"]')) {
      if (event.key === 'Enter') {
        event.preventDefault();
        search(s, event.target.value);
        nextMatch(s);
      }
      return;
    }
    if (!s.svg.contains(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    var pans = { ArrowLeft: [PAN_PX, 0], ArrowRight: [-PAN_PX, 0], ArrowUp: [0, PAN_PX], ArrowDown: [0, -PAN_PX] };
    if (pans[event.key] && event.target === s.svg) {
      event.preventDefault();
      setView(s, s.k, s.x + pans[event.key][0], s.y + pans[event.key][1]);
    } else if (event.key === '+' || event.key === '=') {
      event.preventDefault();
      zoomAt(s, s.cw / 2, s.ch / 2, ZOOM_STEP);
    } else if (event.key === '-' || event.key === '_') {
      event.preventDefault();
      zoomAt(s, s.cw / 2, s.ch / 2, 1 / ZOOM_STEP);
    }
  });

  document.addEventListener('focusin', function (event) {
    var s = stateOf(event.target);
    var el = s && s.svg.contains(event.target) && event.target.closest('a.step');
    var step = el && find(s, el.getAttribute('data-step-id'));
    if (step) reveal(s, step, false);
  });

  // A step opened from outside the diagram (the failure summary, the list, the address):
  // the diagram moves to it, and on a wide screen comes into view beside its panel.
  document.addEventListener('viewer:step-opened', function (event) {
    var detail = event.detail || {};
    var source = detail.source;
    document.querySelectorAll('.graph').forEach(function (root) {
      var s = states.get(root);
      var step = s && s.placed && find(s, detail.step);
      if (!step || s.canvas.hidden || (source && s.canvas.contains(source))) return;
      reveal(s, step, true);
      if (source && window.innerWidth > 900) {
        var r = s.canvas.getBoundingClientRect();
        if (r.bottom < 0 || r.top > window.innerHeight) {
          var smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
          (s.root.closest('section') || s.root).scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
        }
      }
    });
  });

  // The step whose panel is open (app.js marks it, and says so).
  document.addEventListener('viewer:step-selected', function (event) {
    var id = (event.detail && event.detail.step) || '';
    document.querySelectorAll('.graph').forEach(function (root) {
      var s = states.get(root);
      if (s && s.placed) select(s, id);
    });
  });

  // ---- toolbar ------------------------------------------------------------------------------

  function act(s, action, button) {
    if (action === 'zoom-in') zoomAt(s, s.cw / 2, s.ch / 2, ZOOM_STEP);
    else if (action === 'zoom-out') zoomAt(s, s.cw / 2, s.ch / 2, 1 / ZOOM_STEP);
    else if (action === 'fit') fit(s);
    else if (action === 'reset') place(s);
    else if (action === 'view') showList(s, s.list.hidden);
    else if (action === 'jump') nextFailure(s, button);
  }

  // Each press goes to the next failed step (and opens it), in the diagram's order.
  function nextFailure(s, button) {
    var failed = steps(s).filter(function (step) { return step.status === 'failure'; });
    if (!failed.length) return;
    s.failAt = (s.failAt + 1) % failed.length;
    var step = failed[s.failAt];
    button.textContent = failed.length > 1 ? 'Next failure (' + (s.failAt + 1) + ' of ' + failed.length + ')' : 'Jump to failure';
    var link = step.el;
    if (!s.list.hidden) {
      var row = s.rows && s.rows.get(step.id);
      if (!row) return;
      link = row.querySelector('a');
      row.scrollIntoView({ block: 'center' });
    } else {
      centreOn(s, step, Math.max(s.k, READABLE));
    }
    link.focus({ preventScroll: true });
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
  }

  function filter(s, value) {
    s.filter = FILTERS[value] ? value : 'all';
    s.list.setAttribute('data-filter', s.filter);
    mark(s);
    var wanted = FILTERS[s.filter];
    if (!wanted || !s.list.hidden) return;
    showSteps(s, steps(s).filter(function (step) { return wanted.indexOf(step.status) >= 0; }));
  }

  // ---- list view: rendered by the server, fetched when first shown -----------------------------

  function showList(s, list) {
    if (list && !s.rows && !s.loading) loadList(s);
    s.list.hidden = !list;
    s.canvas.hidden = list;
    var button = s.root.querySelector('[data-action="view"]');
    button.textContent = list ? 'Diagram' : 'List view';
    button.setAttribute('aria-pressed', String(list));
    s.root.querySelectorAll('.graph-zoom button').forEach(function (b) { b.disabled = list; });
    saved(s).list = list;
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

  // ---- find and show: two paths over the diagram, whatever the number of steps ----------------

  // What Find and Show leave out is dimmed by one veil with a hole over each step they keep, and
  // each match of Find is ringed by one path: a keystroke rewrites two attributes and restyles
  // no step, so its cost does not grow with the diagram's size in the browser's style, layout
  // or paint work (only the loop over the index below does).
  function search(s, text) {
    var query = text.trim().toLowerCase();
    if (query === s.query) return;
    // A longer query can only match fewer steps: look again only at the last matches.
    var pool = s.query !== '' && query.indexOf(s.query) === 0 ? s.matches : steps(s);
    s.query = query;
    s.matchAt = -1;
    s.matches = pool.filter(function (step) {
      step.hit = query !== '' && step.key.indexOf(query) >= 0;
      return step.hit;
    });
    mark(s);
    s.list.classList.toggle('has-query', query !== '');
    if (s.rows) matchRows(s);
    var n = s.matches.length;
    var out = s.root.querySelector('[data-role="matches"]');
    out.textContent = query === '' ? '' : n === 0 ? 'No matches' : n === 1 ? '1 match' : n + ' matches';
  }

  function mark(s) {
    var wanted = FILTERS[s.filter];
    var holes = [];
    var rings = [];
    if (s.query !== '' || wanted) {
      holes.push('M-50 -50H' + (s.width + 50) + 'V' + (s.height + 50) + 'H-50Z');
      steps(s).forEach(function (step) {
        if (wanted && wanted.indexOf(step.status) < 0) return;
        if (s.query !== '' && !step.hit) return;
        holes.push('M' + step.x + ' ' + step.y + 'h' + s.boxW + 'v' + s.boxH + 'h' + -s.boxW + 'Z');
        // square corners: thousands of arcs would cost more than the rest of a keystroke
        if (s.query !== '') rings.push('M' + (step.x - 4) + ' ' + (step.y - 4) + 'h' + (s.boxW + 8) + 'v' + (s.boxH + 8) + 'h' + -(s.boxW + 8) + 'Z');
      });
    }
    s.marks.veil.setAttribute('d', holes.join(''));
    s.marks.rings.setAttribute('d', rings.join(''));
  }

  // ---- marks: what changes on the diagram is drawn over it ------------------------------------

  // The veil of Find and Show, the rings of the matches, the selected step and the step under
  // the pointer are paths in a second, small <svg> laid over the diagram (with the same
  // transform). Changing them repaints only that <svg>: the diagram's own thousands of
  // elements are painted once, not again on each keystroke, click or hover.
  function overlay(s) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'graph-marks');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('width', String(s.width));
    svg.setAttribute('height', String(s.height));
    s.marks = { svg: svg };
    ['veil', 'selected', 'rings', 'hover'].forEach(function (name) {
      var path = document.createElementNS(ns, 'path');
      path.setAttribute('class', 'graph-' + name);
      svg.appendChild(path);
      s.marks[name] = path;
    });
    s.svg.after(svg);
  }

  // A step's box as a path, with its rounded corners.
  function outline(s, step) {
    var x = step.x;
    var y = step.y;
    var r = s.boxR;
    var w = s.boxW - 2 * r;
    var h = s.boxH - 2 * r;
    var arc = 'a' + r + ' ' + r + ' 0 0 1 ';
    return 'M' + (x + r) + ' ' + y + 'h' + w + arc + r + ' ' + r + 'v' + h + arc + -r + ' ' + r +
      'h' + -w + arc + -r + ' ' + -r + 'v' + -h + arc + r + ' ' + -r + 'Z';
  }

  function select(s, id) {
    if (id === s.selected) return;
    s.selected = id || '';
    var step = s.selected && find(s, s.selected);
    s.marks.selected.setAttribute('d', step ? outline(s, step) : '');
  }

  function hover(s, el) {
    if (el === s.hovered) return;
    s.hovered = el;
    var step = el && record(s, el);
    s.marks.hover.setAttribute('d', step ? outline(s, step) : '');
    s.marks.hover.setAttribute('data-status', step ? step.status : '');
  }

  function matchRows(s) {
    s.rows.forEach(function (tr) {
      tr.classList.toggle('is-match', s.query !== '' && tr.searchKey.indexOf(s.query) >= 0);
    });
  }

  function nextMatch(s) {
    if (!s.matches.length || !s.list.hidden) return;
    s.matchAt = (s.matchAt + 1) % s.matches.length;
    reveal(s, s.matches[s.matchAt], true);
  }

  // ---- live statuses ---------------------------------------------------------------------------

  // The statuses in sort order, from the registry (viewer/runs/status.py) through the page.
  function statusOrder(root) {
    return ((root && root.getAttribute('data-status-order')) || 'unknown').split(' ');
  }

  function update(s, statuses) {
    var legend = s.root.querySelector('.graph-legend');
    var all = steps(s);
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
      search(s, query);
    } else if (changed) {
      mark(s);
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
      var s = states.get(root);
      if (s) update(s, statuses);
    });
  });

  document.addEventListener('htmx:after:swap', initAll);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
