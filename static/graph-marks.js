// Find, Show, the selected step and the step under the pointer: drawn over the diagram in a
// second small <svg>, so a keystroke or a click repaints a few paths, not every step. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
  var NS = 'http://www.w3.org/2000/svg';
  // Find's rings are drawn in one path per square area of the diagram this wide, and only in
  // the areas the view meets or nearly meets (NEAR_PX round it): a keystroke draws what can be
  // seen, however many steps match, and the browser draws a screen tile with only the paths
  // that reach into it. When the view moves on, the areas it comes to are ringed before the
  // frame that shows them (graph.js calls ringNear whenever the view is set).
  var AREA = 512;
  var NEAR_PX = 400;
  var RING_OUT = 5.5; // a match's ring: the band from 2.5 to 5.5 px outside its box
  var RING_IN = 2.5;
  var FILTERS = {
    failed: ['failure'],
    active: ['running', 'waiting'],
    notrun: ['not_run', 'pending']
  };

  function filter(s, value) {
    s.filter = FILTERS[value] ? value : 'all';
    s.list.setAttribute('data-filter', s.filter);
    mark(s);
    var wanted = FILTERS[s.filter];
    if (!wanted || !s.list.hidden) return;
    G.showSteps(s, G.steps(s).filter(function (step) { return wanted.indexOf(step.status) >= 0; }));
  }


  // ---- find and show: a few paths over the diagram, whatever the number of steps --------------

  // What Find and Show leave out is dimmed by one veil with a hole over each step they keep, and
  // the matches of Find near the view are ringed by one path per area of the diagram: a
  // keystroke rewrites a few attributes and restyles no step, so the browser's style and layout
  // work does not grow with the diagram's size, and drawing a tile of the screen draws only the
  // rings near it.
  function search(s, text) {
    var query = text.trim().toLowerCase();
    if (query === s.query) return;
    // A longer query can only match fewer steps: look again only at the last matches.
    var pool = s.query !== '' && query.indexOf(s.query) === 0 ? s.matches : G.steps(s);
    s.query = query;
    s.matchAt = -1;
    s.matches = pool.filter(function (step) {
      step.hit = query !== '' && step.key.indexOf(query) >= 0;
      return step.hit;
    });
    mark(s);
    s.list.classList.toggle('has-query', query !== '');
    if (s.rows) G.matchRows(s);
    var n = s.matches.length;
    var out = s.root.querySelector('[data-role="matches"]');
    out.textContent = query === '' ? '' : n === 0 ? 'No matches' : n === 1 ? '1 match' : n + ' matches';
  }

  function mark(s) {
    var wanted = FILTERS[s.filter];
    var holes = [];
    if (s.query !== '' || wanted) {
      holes.push('M-50 -50H' + (s.width + 50) + 'V' + (s.height + 50) + 'H-50Z');
      G.steps(s).forEach(function (step) {
        if (kept(s, step, wanted)) holes.push(hole(s, step));
      });
    }
    s.marks.veil.setAttribute('d', holes.join(''));
    s.marks.near = null;
    ringNear(s);
  }

  // Whether a step is kept by Find (its query) and Show (the `wanted` statuses).
  function kept(s, step, wanted) {
    return (!wanted || wanted.indexOf(step.status) >= 0) && (s.query === '' || step.hit);
  }

  // Ring the matches of Find in the areas the view meets or nearly meets, unless they are
  // ringed already; the areas farther away lose their rings.
  function ringNear(s) {
    var m = s.marks;
    if (s.query === '') {
      if (m.areas.size) m.rings.replaceChildren();
      m.areas.clear();
      m.near = null;
      return;
    }
    var seen = areasNear(s, 0);
    if (!seen || (m.near && covers(m.near, seen))) return;
    var near = (m.near = areasNear(s, NEAR_PX));
    var wanted = FILTERS[s.filter];
    var rings = new Map(); // area -> its matches' rings
    var all = inAreas(s);
    for (var ax = near.x0; ax <= near.x1; ax++) {
      for (var ay = near.y0; ay <= near.y1; ay++) {
        var area = ax + ' ' + ay;
        var found = [];
        (all.get(area) || []).forEach(function (step) {
          if (step.hit && kept(s, step, wanted)) found.push(ring(s, step));
        });
        if (found.length) rings.set(area, found);
      }
    }
    m.areas.forEach(function (path, area) {
      var d = (rings.get(area) || []).join('');
      rings.delete(area);
      if (d === '') {
        path.remove();
        m.areas.delete(area);
      } else if (path.getAttribute('d') !== d) {
        path.setAttribute('d', d);
      }
    });
    rings.forEach(function (found, area) {
      var path = document.createElementNS(NS, 'path');
      path.setAttribute('d', found.join(''));
      m.rings.appendChild(path);
      m.areas.set(area, path);
    });
  }

  // The areas (their first and last columns and rows) whose steps may show in the view, or
  // within `pad` screen px of it; null while the canvas is hidden.
  function areasNear(s, pad) {
    if (!s.cw) return null;
    var p = pad / s.k + RING_OUT;
    return {
      x0: areaAt(-s.x / s.k - p - s.boxW, s.width),
      y0: areaAt(-s.y / s.k - p - s.boxH, s.height),
      x1: areaAt((s.cw - s.x) / s.k + p, s.width),
      y1: areaAt((s.ch - s.y) / s.k + p, s.height)
    };
  }

  // The column (or row) of areas at `x` px, within a diagram `size` px wide (or high).
  function areaAt(x, size) {
    return Math.min(Math.floor(size / AREA), Math.max(0, Math.floor(x / AREA)));
  }

  // Whether the areas `outer` hold all the areas `inner`.
  function covers(outer, inner) {
    return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
  }

  // The steps by the area their box starts in (made again when steps joined the index).
  function inAreas(s) {
    var m = s.marks;
    var all = G.steps(s);
    if (!m.inAreas || m.inAreasOf !== all.length) {
      m.inAreas = new Map();
      m.inAreasOf = all.length;
      all.forEach(function (step) {
        var area = Math.floor(step.x / AREA) + ' ' + Math.floor(step.y / AREA);
        (m.inAreas.get(area) || m.inAreas.set(area, []).get(area)).push(step);
      });
    }
    return m.inAreas;
  }

  // A step's hole in the veil and its ring, each made the first time it is drawn: a keystroke
  // then joins strings it already has (no garbage to collect for each step). Square corners:
  // thousands of arcs would cost more than the rest of a keystroke. The ring is filled, the
  // band between two squares, not stroked: the browser draws a stroke of thousands of squares
  // again for each tile of the screen, far slower than a fill.
  function hole(s, step) {
    if (!step.hole) step.hole = 'M' + step.x + ' ' + step.y + 'h' + s.boxW + 'v' + s.boxH + 'h' + -s.boxW + 'Z';
    return step.hole;
  }

  function ring(s, step) {
    if (step.ring) return step.ring;
    var w = s.boxW;
    var h = s.boxH;
    var out = 'M' + (step.x - RING_OUT) + ' ' + (step.y - RING_OUT) + 'h' + (w + 2 * RING_OUT) +
      'v' + (h + 2 * RING_OUT) + 'h' + -(w + 2 * RING_OUT) + 'Z';
    var inside = 'M' + (step.x - RING_IN) + ' ' + (step.y - RING_IN) + 'v' + (h + 2 * RING_IN) +
      'h' + (w + 2 * RING_IN) + 'v' + -(h + 2 * RING_IN) + 'Z';
    step.ring = out + inside;
    return step.ring;
  }

  // ---- marks: what changes on the diagram is drawn over it ------------------------------------

  // The veil of Find and Show, the rings of the matches, the selected step and the step under
  // the pointer are paths in a second, small <svg> laid over the diagram (with the same
  // transform). Changing them repaints only that <svg>: the diagram's own thousands of
  // elements are painted once, not again on each keystroke, click or hover.
  function overlay(s) {
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'graph-marks');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('width', String(s.width));
    svg.setAttribute('height', String(s.height));
    s.marks = { svg: svg, areas: new Map(), near: null, inAreas: null, inAreasOf: 0 };
    ['veil', 'selected', 'rings', 'hover'].forEach(function (name) {
      var el = document.createElementNS(NS, name === 'rings' ? 'g' : 'path');
      el.setAttribute('class', 'graph-' + name);
      svg.appendChild(el);
      s.marks[name] = el;
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

  // The selected step is outlined over the diagram, and is the current one for screen readers.
  function select(s, id) {
    if (id === s.selected) return;
    var before = s.selected && G.find(s, s.selected);
    if (before) before.el.removeAttribute('aria-current');
    s.selected = id || '';
    var step = s.selected && G.find(s, s.selected);
    if (step) step.el.setAttribute('aria-current', 'true');
    s.marks.selected.setAttribute('d', step ? outline(s, step) : '');
  }

  function hover(s, el) {
    if (el === s.hovered) return;
    s.hovered = el;
    var step = el && G.record(s, el);
    s.marks.hover.setAttribute('d', step ? outline(s, step) : '');
    s.marks.hover.setAttribute('data-status', step ? step.status : '');
  }

  function nextMatch(s) {
    if (!s.matches.length || !s.list.hidden) return;
    s.matchAt = (s.matchAt + 1) % s.matches.length;
    G.reveal(s, s.matches[s.matchAt], true);
  }

  G.filter = filter;
  G.search = search;
  G.mark = mark;
  G.ringNear = ringNear;
  G.overlay = overlay;
  G.select = select;
  G.hover = hover;
  G.nextMatch = nextMatch;
})();
