// The diagram's canvas: a mouse or pen drags it, two fingers pinch it, Ctrl/⌘ + wheel zooms it;
// one finger and the plain wheel stay the page's (they scroll). Part of graph.js.
(function () {
  'use strict';

  var G = (window.viewerGraph = window.viewerGraph || {});
  var DRAG_PX = 4;
  var HINT_MS = 1800;
  var suppressClick = false;

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
        if (drag.moved) G.setView(s, s.k, s.x + now.x - last.x, s.y + now.y - last.y);
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
        G.settleLater(s);
      }
      canvas.classList.remove('is-dragging');
    }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    // The step under the pointer is outlined over the diagram (a CSS :hover would repaint it all).
    canvas.addEventListener('pointerover', function (event) {
      G.hover(s, drag && drag.moved ? null : event.target.closest(G.STEPS + ', a.cluster'));
    });
    canvas.addEventListener('pointerleave', function () { G.hover(s, null); });
    // The wheel scrolls the page; Ctrl/⌘ + wheel (and a touchpad's pinch) zooms the diagram.
    canvas.addEventListener('wheel', function (event) {
      if (!(event.ctrlKey || event.metaKey)) {
        flashHint(s);
        return;
      }
      event.preventDefault();
      var r = s.canvas.getBoundingClientRect();
      var delta = event.deltaY * (event.deltaMode === 1 ? 16 : 1);
      G.zoomAt(s, event.clientX - r.left, event.clientY - r.top, Math.exp(-delta * 0.0025));
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
    G.zoomAt(s, (now.x + other.x) / 2 - r.left, (now.y + other.y) / 2 - r.top, d1 / d0);
    G.setView(s, s.k, s.x + (now.x - before.x) / 2, s.y + (now.y - before.y) / 2);
  }

  window.addEventListener('click', function (event) {
    if (suppressClick && event.target.closest && event.target.closest('.graph-canvas')) {
      event.preventDefault();
      event.stopPropagation();
      suppressClick = false;
    }
  }, true);

  G.wireCanvas = wireCanvas;
  G.flashHint = flashHint;
})();
