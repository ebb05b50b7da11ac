// The rest of a big diagram, drawn after its first view. The server sends first what that view
// shows, then the rest in chunks, <g class="later" data-area="x0 y0 x1 y1"> (viewer/graph/
// chunks.py); the run page sends the first part only, and the chunks are fetched here from its
// .viewport's data-rest. graph.css does not render them until they are shown here: at once those the
// view comes near, before the frame that draws it (graph.js calls showNear whenever the view
// is set), and the others a few at a time in idle callbacks, nearest to the view first, so
// that no task is long and the page answers while they are drawn; none while the person types
// in "Find a step" (graph.js calls holdLater), so a keystroke's frame draws its matches, not a
// chunk. Only attributes are read: nothing here reads layout. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
  var NEAR_PX = 160; // screen px round the view: a chunk this close is shown with it
  var BUDGET = 120; // arrows, frames and boxes shown per idle callback: about a frame's drawing
  var STILL_MS = 300; // none is shown in idle time until the view (and Find) has rested this long
  var WAIT_MS = 250; // nor later than this after the last ones, idle or not
  var CHUNK = '<g class="later"'; // how each chunk starts (viewer/graph/chunks.py)
  var SLICE_MS = 8; // fetched chunks are put in the page this long at a time
  // a 409: the run (or the viewer) changed after the page was sent (viewer/web/later.py)
  var CHANGED = 'This diagram changed after the page was loaded: reload the page to see it whole, or';

  // The chunks not shown yet, with their areas (read once; from then on they are shown here,
  // not by graph.css's fallback). The first time, the chunks the page left out are fetched.
  function hidden(s) {
    if (!s.later) {
      var viewport = s.svg.querySelector('.viewport');
      if (viewport) viewport.classList.add('is-later');
      if (viewport && viewport.hasAttribute('data-rest')) fetchRest(s, viewport);
      s.later = areas(s.svg.querySelectorAll('.later'));
    }
    return s.later;
  }

  function areas(els) {
    return Array.prototype.map.call(els, function (el) {
      var a = (el.getAttribute('data-area') || '').split(' ').map(Number);
      return { el: el, x0: a[0], y0: a[1], x1: a[2], y1: a[3] };
    });
  }

  // Fetch the chunks the page left out (/_fragments/runs/<id>/graph/rest; a finished run's
  // are kept by the browser, so a second visit reads them from its cache) and put them after
  // the first part, hidden, a few at a time in idle callbacks (5,000 steps' chunks parsed at
  // once would hold the page for a third of a second), showing those near the view; once all
  // are in, their steps join the index. Should the fetch fail, a note says so (the first part
  // stays usable); an ended sign-in goes to the sign-in page, and back here after it.
  function fetchRest(s, viewport) {
    var url = viewport.getAttribute('data-rest');
    var note = s.root.querySelector('[data-role="rest"]');
    if (note) note.hidden = true;
    var headers = { Accept: 'text/html', 'HX-Current-URL': window.location.href };
    window.fetch(url, { credentials: 'same-origin', headers: headers })
      .then(function (response) {
        var signIn = response.headers.get('HX-Redirect') || '';
        if (response.status === 401 && /^\/(?!\/)/.test(signIn)) window.location.assign(signIn);
        if (response.status === 409) throw { sentence: CHANGED };
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (text) {
        return insert(s, viewport, text.split(CHUNK).slice(1));
      })
      .then(function () {
        if (note) note.remove();
      }, function (error) {
        if (!note || !viewport.isConnected) return;
        note.firstElementChild.textContent = error.sentence || 'The rest of this diagram could not be loaded (' + error.message + '): reload the page to try again, or';
        note.querySelector('a').textContent = 'open it whole';
        note.lastChild.textContent = ', with every step as a table.';
        note.classList.add('is-failed');
        note.hidden = false;
      });
  }

  // Put the fetched chunks (their markup, each without its CHUNK start) after the first part,
  // in tasks of about SLICE_MS, the page drawing and answering between them; resolves once all
  // are in.
  function insert(s, viewport, pieces) {
    var range = document.createRange();
    range.selectNodeContents(viewport); // parsed as SVG, in the viewport's place
    var steps = [];
    var at = 0;
    return new Promise(function (resolve) {
      window.setTimeout(function next() {
        if (!viewport.isConnected) return resolve();
        var end = performance.now() + SLICE_MS;
        do {
          var chunk = range.createContextualFragment(CHUNK + pieces[at]);
          var added = areas(chunk.querySelectorAll('.later'));
          steps.push.apply(steps, chunk.querySelectorAll(G.STEPS));
          viewport.appendChild(chunk);
          s.later = hidden(s).concat(added);
          at += 1;
        } while (at < pieces.length && performance.now() < end);
        nearView(s);
        if (at < pieces.length) return window.setTimeout(next, 0);
        viewport.removeAttribute('data-rest');
        G.addSteps(s, steps);
        resolve();
      }, 0);
    });
  }

  function show(chunk) {
    chunk.el.classList.add('is-shown');
  }

  // The view is set (graph.js calls this each time): hold the idle showing, and show the
  // chunks near the view at once.
  function showNear(s) {
    holdLater(s);
    nearView(s);
  }

  // Show the chunks the view (s.k, s.x, s.y over a canvas of s.cw x s.ch) meets or nearly
  // meets; the first time, start showing the others in idle time.
  function nearView(s) {
    var left = hidden(s);
    if (!left.length || !s.cw) return;
    var pad = NEAR_PX / s.k;
    var x0 = -s.x / s.k - pad;
    var y0 = -s.y / s.k - pad;
    var x1 = (s.cw - s.x) / s.k + pad;
    var y1 = (s.ch - s.y) / s.k + pad;
    s.later = left.filter(function (c) {
      var near = c.x0 <= x1 && c.x1 >= x0 && c.y0 <= y1 && c.y1 >= y0;
      if (near) show(c);
      return !near;
    });
    if (!s.showing && s.later.length) showLater(s);
  }

  // None is shown in idle time for STILL_MS from now: the view moves, or the person types.
  function holdLater(s) {
    s.activeAt = performance.now();
  }

  // One idle callback after another, each shows the chunks nearest to the view's centre up to
  // BUDGET elements (the frame after it draws them), until all are shown; none while the view
  // moves (a drag's frames stay short: what it comes to is shown by showNear) or Find is typed in.
  function showLater(s) {
    s.showing = true;
    G.idle(function next() {
      var left = s.later;
      if (!left.length || !s.svg.isConnected) {
        s.showing = false;
        return;
      }
      if (s.dragging || performance.now() - s.activeAt < STILL_MS) return G.idle(next, WAIT_MS);
      var cx = (s.cw / 2 - s.x) / s.k;
      var cy = (s.ch / 2 - s.y) / s.k;
      left.sort(function (a, b) { return away(a, cx, cy) - away(b, cx, cy); });
      var shown = 0;
      while (left.length && shown < BUDGET) {
        var chunk = left.shift();
        show(chunk);
        shown += size(chunk.el);
      }
      G.idle(next, WAIT_MS);
    }, WAIT_MS);
  }

  // How far a chunk's area is from a point (0 inside).
  function away(c, x, y) {
    var dx = Math.max(c.x0 - x, 0, x - c.x1);
    var dy = Math.max(c.y0 - y, 0, y - c.y1);
    return dx * dx + dy * dy;
  }

  // A chunk's elements: its layers' children.
  function size(el) {
    var n = 0;
    for (var layer = el.firstElementChild; layer; layer = layer.nextElementSibling) n += layer.childElementCount;
    return n;
  }

  G.showNear = showNear;
  G.holdLater = holdLater;
})();
