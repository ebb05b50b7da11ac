// Find, Show, the selected step and the step under the pointer: drawn over the diagram in a
// second small <svg>, so a keystroke or a click repaints a few paths, not every step. Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
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


  // ---- find and show: two paths over the diagram, whatever the number of steps ----------------

  // What Find and Show leave out is dimmed by one veil with a hole over each step they keep, and
  // each match of Find is ringed by one path: a keystroke rewrites two attributes and restyles
  // no step, so its cost does not grow with the diagram's size in the browser's style, layout
  // or paint work (only the loop over the index below does).
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
    var rings = [];
    if (s.query !== '' || wanted) {
      holes.push('M-50 -50H' + (s.width + 50) + 'V' + (s.height + 50) + 'H-50Z');
      G.steps(s).forEach(function (step) {
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
  G.overlay = overlay;
  G.select = select;
  G.hover = hover;
  G.nextMatch = nextMatch;
})();
