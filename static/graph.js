// The workflow diagram's behaviour: pan, zoom, fit, find, filter, jump to failures, the list
// view and live status updates. Steps stay plain links: opening one is app.js's business.
//
// Work stays proportional to what changes: setting up touches no step and reads no layout
// (the canvas's size comes from a ResizeObserver), and the diagram is first drawn in the view
// it opens with: a diagram too big to fit in the view the server wrote and graph.css draws
// before this file runs (adopted as it is), any other from .is-ready on (graph.css renders
// the canvas's content from then); the steps are indexed in idle time after that, or the
// first time all of them are needed (their place, status and accessible name, read from
// attributes); every event is handled by one listener for the whole page (the canvas keeps its pointer and wheel
// listeners); panning and zooming write one CSS transform on the <svg>, once a frame, which
// the browser composites without painting the diagram again; Find and Show draw two paths
// over the diagram instead of restyling its steps; the list view is rendered by the server
// and fetched the first time it is asked for.
//
// This file is the set-up, the view and the toolbar; its parts (loaded before it, sharing
// window.viewerGraph): graph-canvas.js (drag, pinch, wheel), graph-marks.js (Find, Show, the
// selected and hovered step), graph-list.js (the list view), graph-live.js (live statuses),
// graph-later.js (a big diagram's parts outside its first view, drawn after it).
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});

  var MIN_SCALE = 0.02;
  var MAX_SCALE = 4;
  var FIT_MAX = 1.5;
  var READABLE = 0.85; // labels (13 px) read at 11 px or more: Fit and the first view stop here
  var GROW_MAX = 1.5; // a small diagram's canvas may grow up to this many window heights
  var NARROW = 600; // a canvas narrower than this (a phone's) holds the off-screen note on two lines
  var TOP_Y = 24; // a top first view's <svg> box starts this far above the trigger (firstview.py)
  var ZOOM_STEP = 1.25;
  var PAN_PX = 80;
  var SETTLE_MS = 250; // after the view last changed: redraw crisply, say what is off screen
  var STEPS = '.steps > a'; // a step: its link, drawn by viewer/graph/svg.py
  var PLACE = /^translate\((-?[\d.]+)[ ,]+(-?[\d.]+)\)$/; // a step link's transform (svg.py)

  var states = new WeakMap(); // .graph element -> its state
  var views = {}; // run id -> {k, x, y, list}: kept when the diagram is drawn again

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
    // a box's width, height and corner, and its corner's offset from its step's place
    var box = (svg.getAttribute('data-box') || '200 56 8 34 23').split(' ').map(Number);
    var size = (svg.getAttribute('data-size') || '').split(' ').map(Number); // the diagram's
    var viewBox = svg.viewBox.baseVal; // the <svg>'s box in the diagram's px: see draw()
    var s = {
      root: root,
      svg: svg,
      canvas: canvas,
      list: root.querySelector('[data-role="list"]'),
      runId: root.getAttribute('data-run-id') || '',
      // a step's status when its link has none (the commonest, left off by viewer/graph/svg.py)
      defaultStatus: root.getAttribute('data-status-default') || 'unknown',
      width: size[0] || Number(svg.getAttribute('width')) || 1,
      height: size[1] || Number(svg.getAttribute('height')) || 1,
      vx: viewBox ? viewBox.x : 0, // where the <svg>'s box starts in the diagram
      vy: viewBox ? viewBox.y : 0,
      first: svg.getAttribute('data-first'), // the first view graph.css drew (see adopt)
      boxW: box[0] || 200,
      boxH: box[1] || 56,
      boxR: box[2] || 0,
      placeX: box[3] || 0, // a step's place (its link's translation) from its box's corner
      placeY: box[4] || 0,
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
    // A first view graph.css drew stays until start() adopts it.
    if (!s.first) canvas.classList.add('is-ready');
    G.overlay(s);
    root.querySelector('.graph-toolbar').hidden = false;
    var hint = root.querySelector('[data-role="hint"]');
    if (hint) {
      hint.hidden = false;
      hint.textContent = coarse() ? 'Two fingers to move or zoom' : 'Drag to move · ' + zoomKey() + ' + scroll to zoom';
    }
    G.wireCanvas(s);
    if (saved(s).list) G.showList(s, true);
    watchSize(s); // its first report places the view
  }

  // The first view, once the canvas's size is known: as it was when the diagram was drawn
  // again, or the one graph.css drew (adopt), or on the step in the address, or the whole
  // diagram or its top (place).
  function start(s) {
    s.placed = true;
    var view = saved(s);
    var selected = new URL(window.location.href).searchParams.get('node');
    var step = selected && find(s, selected);
    if (view.k) setView(s, view.k, view.x, view.y);
    else if (s.first) adopt(s);
    else if (step && !wholeFits(s)) centreOn(s, step, READABLE);
    else place(s);
    s.canvas.classList.add('is-ready'); // graph.css's first view gives way to the transform,
    draw(s); // drawn now, not at the next frame: the first frame after set-up shows this view
    s.scaled = false; // and draws the diagram at its scale: nothing to draw again
    G.select(s, selected);
    indexLater(s);
  }

  // A step's id: its link's `node` parameter (?node=<id>, or ?steps=all&node=<id>).
  // Read by hand when it is the last parameter, as svg.py writes it (indexing 5,000 steps with
  // a URLSearchParams each takes a tenth of a second).
  function stepId(el) {
    var href = el.getAttribute('href') || '';
    var at = href.lastIndexOf('node=');
    var before = href.charAt(at - 1);
    if (at > 0 && (before === '?' || before === '&') && !/[&+]/.test(href.slice(at))) {
      try {
        return decodeURIComponent(href.slice(at + 5));
      } catch (e) {
        // not UTF-8 once decoded: as URLSearchParams reads it, below
      }
    }
    return new URLSearchParams(href.slice(href.indexOf('?') + 1)).get('node');
  }

  // What "Find" searches in a step: its texts (the full name and type where they were cut),
  // its status word (its icon's aria-label) and its id.
  function searchKey(el, id) {
    var icon = el.querySelector(':scope > path');
    return (el.textContent + '\n' + (icon ? icon.getAttribute('aria-label') : '') + '\n' + id).toLowerCase();
  }

  // One step's box (its top-left corner, from its link's translation), status and what "Find"
  // searches.
  function record(s, el) {
    var id = stepId(el);
    var at = PLACE.exec(el.getAttribute('transform') || '');
    return {
      el: el,
      id: id,
      x: at ? Number(at[1]) - s.placeX : 0,
      y: at ? Number(at[2]) - s.placeY : 0,
      status: el.getAttribute('data-status') || s.defaultStatus,
      key: searchKey(el, id),
      hit: false,
      hole: '', // its hole in Find's and Show's veil, and its ring: made when first drawn (graph-marks.js)
      ring: ''
    };
  }

  // Every step (Find, Show, live statuses, the off-screen note): indexed bit by bit in idle
  // time once the first view is drawn (indexLater), or at once when needed before that.
  function steps(s) {
    index(s, null);
    return s.index.list;
  }

  // Index the steps not yet indexed, until the idle `deadline` runs out (null: all of them);
  // true when every step is.
  function index(s, deadline) {
    var ix = s.index || (s.index = {
      list: [],
      byId: new Map(),
      todo: s.svg.querySelectorAll(STEPS),
      at: 0
    });
    while (ix.todo && ix.at < ix.todo.length) {
      var step = record(s, ix.todo[ix.at]);
      ix.at += 1;
      ix.list.push(step);
      ix.byId.set(step.id, step);
      if (deadline && ix.at % 100 === 0 && deadline.timeRemaining() < 2) return false;
    }
    ix.todo = null;
    return true;
  }

  function indexed(s) {
    return Boolean(s.index && !s.index.todo);
  }

  // Steps that came after the first part (the rest of a big diagram, graph-later.js): indexed
  // too, then Find, Show and the off-screen note look again, over every step.
  function addSteps(s, els) {
    var ix = s.index;
    if (ix) {
      var left = ix.todo ? Array.prototype.slice.call(ix.todo, ix.at) : [];
      ix.todo = left.concat(Array.prototype.slice.call(els));
      ix.at = 0;
    }
    indexLater(s, function () {
      var query = s.query;
      s.query = '';
      if (query) G.search(s, query); // looks at every step again, and marks
      else G.mark(s);
      offscreen(s);
    });
  }

  // Index the steps in idle time, then do `then` (the latest asked for).
  function indexLater(s, then) {
    if (then) s.afterIndex = then;
    if (s.indexing) return;
    s.indexing = true;
    idle(function slice(deadline) {
      if (!index(s, deadline)) return idle(slice);
      s.indexing = false;
      var next = s.afterIndex;
      s.afterIndex = null;
      if (next) next();
    });
  }

  // `fn` when the page is idle (within `wait` ms anyway, 1,000 unless told); a browser without
  // requestIdleCallback gets a short slice after a timeout.
  function idle(fn, wait) {
    if (window.requestIdleCallback) return window.requestIdleCallback(fn, { timeout: wait || 1000 });
    window.setTimeout(function () {
      var end = performance.now() + 8;
      fn({ timeRemaining: function () { return end - performance.now(); } });
    }, 50);
  }

  // One step by id: from the index when it is built, else read from its element alone.
  function find(s, id) {
    if (indexed(s)) return s.index.byId.get(id) || null;
    var el = link(s.svg, id);
    return el ? record(s, el) : null;
  }

  // A step's link in the diagram `svg`, by the href viewer/graph/toggles.py quote_value
  // writes (letters, digits, "_.~:-" kept, the rest percent-encoded), without an index.
  function link(svg, id) {
    var quoted;
    try {
      quoted = encodeURIComponent(id).replace(/%3A/g, ':').replace(/[!'()*]/g, function (c) {
        return '%' + c.charCodeAt(0).toString(16).toUpperCase();
      });
    } catch (e) {
      return null; // not text a link could carry
    }
    var el = svg.querySelector(STEPS + '[href$="node=' + quoted + '"]');
    return el && stepId(el) === id ? el : null;
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
    G.showNear(s); // the parts of the diagram drawn later that the view meets (graph-later.js)
    G.ringNear(s); // the rings of Find's matches the view meets (graph-marks.js)
    settleLater(s);
  }

  // Once the view has rested for a moment, and not while it is being dragged.
  function settleLater(s) {
    window.clearTimeout(s.settle);
    if (!s.dragging) s.settle = window.setTimeout(function () { settled(s); }, SETTLE_MS);
  }

  // A point of the diagram is on the canvas at s.x + s.k * x (and s.y + s.k * y). The marks'
  // <svg> is in the diagram's px; the diagram's <svg> box starts at (s.vx, s.vy) of the
  // diagram (its viewBox: see viewer/graph/firstview.py), so it moves that much further.
  function draw(s) {
    s.frame = 0;
    var scale = ' scale(' + s.k.toFixed(4) + ')';
    s.svg.style.transform = translate(s.x + s.k * s.vx, s.y + s.k * s.vy) + scale;
    s.marks.svg.style.transform = translate(s.x, s.y) + scale;
  }

  function translate(x, y) {
    return 'translate(' + x.toFixed(1) + 'px,' + y.toFixed(1) + 'px)';
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
    if (indexed(s)) offscreen(s);
    else indexLater(s, function () { offscreen(s); });
  }

  // Say how much of the diagram is off screen.
  function offscreen(s) {
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
      // its top, centred on the trigger (a wide diagram's middle may hold no step at the top)
      var root = s.svg.querySelector(STEPS + '.root');
      var cx = root ? record(s, root).x + s.boxW / 2 : (x0 + x1) / 2;
      setView(s, READABLE, s.cw / 2 - cx * READABLE, pad / 2 - y0 * READABLE);
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
    var first = s.svg.querySelector(STEPS + '.root') || s.svg.querySelector(STEPS);
    var at = first ? record(s, first) : { x: s.width / 2, y: 0 };
    setView(s, READABLE, s.cw / 2 - (at.x + s.boxW / 2) * READABLE, room(s) - at.y * READABLE);
  }

  // Room left above the trigger in the first view: on a narrow canvas the off-screen note
  // takes two lines (graph.css's first view leaves the same).
  function room(s) {
    return s.cw < NARROW ? 72 : 32;
  }

  // The first view graph.css drew (a diagram too big to fit): the point in the middle of the
  // <svg>'s box, at the canvas's top centre (TOP_Y below the box's top, `room` px down) or at
  // its centre, at READABLE; taken as it is, so nothing moves.
  function adopt(s) {
    var box = s.svg.viewBox.baseVal;
    var x = s.cw / 2 - (box.x + box.width / 2) * READABLE;
    if (s.first === 'centre') setView(s, READABLE, x, s.ch / 2 - (box.y + box.height / 2) * READABLE);
    else setView(s, READABLE, x, room(s) - (box.y + TOP_Y) * READABLE);
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

  // A toggle links to the page with other boxes open (?steps=all&boxes=…); with scripts only
  // the diagram is fetched again: the graph fragment (the root's data-fragment) with those boxes.
  function fragmentOf(s, toggle) {
    var boxes = new URL(toggle.getAttribute('href'), location.href).searchParams.get('boxes');
    return s.root.getAttribute('data-fragment') + (boxes ? '?boxes=' + encodeURIComponent(boxes) : '');
  }

  // ---- one listener per kind of event, for every diagram on the page -------------------------

  document.addEventListener('click', function (event) {
    var s = stateOf(event.target);
    if (!s) return;
    var button = event.target.closest('button[data-action]');
    if (button && s.root.contains(button)) return act(s, button.getAttribute('data-action'), button);
    var sort = event.target.closest('button[data-sort]');
    if (sort) return G.sortRows(s, sort);
    var toggle = event.target.closest('a.toggle');
    if (toggle && !event.defaultPrevented && event.button === 0 && window.htmx &&
        !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      window.htmx.ajax('GET', fragmentOf(s, toggle), { target: s.root.parentElement, swap: 'innerHTML' });
    }
  });

  document.addEventListener('input', function (event) {
    if (!event.target.matches('.graph [data-role="find"]')) return;
    var s = stateOf(event.target);
    if (!s) return;
    G.holdLater(s); // nothing else is drawn while the person types (graph-later.js)
    G.search(s, event.target.value);
  });

  document.addEventListener('change', function (event) {
    if (!event.target.matches('.graph [data-role="filter"]')) return;
    var s = stateOf(event.target);
    if (s) G.filter(s, event.target.value);
  });

  document.addEventListener('keydown', function (event) {
    var s = stateOf(event.target);
    if (!s) return;
    if (event.target.matches('[data-role="find"]')) {
      if (event.key === 'Enter') {
        event.preventDefault();
        G.search(s, event.target.value);
        G.nextMatch(s);
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
    if (s && event.target.matches('[data-role="find"]')) G.holdLater(s); // about to type
    var el = s && s.svg.contains(event.target) && event.target.closest(STEPS);
    var step = el && find(s, stepId(el));
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
      if (s && s.placed) G.select(s, id);
    });
  });

  // ---- toolbar ------------------------------------------------------------------------------

  function act(s, action, button) {
    if (action === 'zoom-in') zoomAt(s, s.cw / 2, s.ch / 2, ZOOM_STEP);
    else if (action === 'zoom-out') zoomAt(s, s.cw / 2, s.ch / 2, 1 / ZOOM_STEP);
    else if (action === 'fit') fit(s);
    else if (action === 'reset') place(s);
    else if (action === 'view') G.showList(s, s.list.hidden);
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

  // What the other parts (graph-canvas.js, graph-marks.js, graph-list.js, graph-live.js) use.
  G.states = states;
  G.steps = steps;
  G.addSteps = addSteps;
  G.find = find;
  G.link = link;
  G.stepId = stepId;
  G.searchKey = searchKey;
  G.STEPS = STEPS;
  G.record = record;
  G.reveal = reveal;
  G.showSteps = showSteps;
  G.saved = saved;
  G.setView = setView;
  G.zoomAt = zoomAt;
  G.settleLater = settleLater;
  G.coarse = coarse;
  G.idle = idle;
  G.zoomKey = zoomKey;

  document.addEventListener('htmx:after:swap', initAll);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
