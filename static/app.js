// The run page's behaviour: step panels that follow the address, live refresh with backoff,
// and copy buttons. The graph's own pan, zoom and search live in graph.js.
(function () {
  'use strict';

  var MAX_BACKOFF_SECONDS = 60;
  var LOCAL_TIME = {
    year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  };

  function runId() {
    var main = document.querySelector('[data-run-id]');
    return main ? main.getAttribute('data-run-id') : null;
  }

  function panel() {
    return document.getElementById('step-panel');
  }

  // The server hands over the panel address with a placeholder for the step id.
  function stepUrl(step) {
    var main = document.querySelector('[data-step-panel-url]');
    if (!main) return null;
    var template = main.getAttribute('data-step-panel-url');
    return template.replace(main.getAttribute('data-step-placeholder'), encodeURIComponent(step));
  }

  function pageUrl(step) {
    var url = new URL(window.location.href);
    if (step) {
      url.searchParams.set('node', step);
    } else {
      url.searchParams.delete('node');
    }
    return url.pathname + url.search + url.hash;
  }

  function currentStep() {
    return new URL(window.location.href).searchParams.get('node');
  }

  // ---- selection -------------------------------------------------------------------------

  // Only the step's own boxes and links change: the rest of the diagram is not restyled
  // (graph.js draws the selected box over the diagram when told).
  // `within`: only there (a part just swapped in), not the whole page, whose every element a
  // query looks at (the diagram's 40,000-odd at 5,000 steps).
  function markSelected(step, within) {
    if (!within) document.dispatchEvent(new CustomEvent('viewer:step-selected', { detail: { step: step } }));
    var scope = within || document;
    scope.querySelectorAll('.is-selected[data-step-id]').forEach(function (el) {
      if (el.getAttribute('data-step-id') === step) return;
      el.classList.remove('is-selected');
      el.removeAttribute('aria-current');
    });
    if (!step) return;
    scope.querySelectorAll('a[data-step-id="' + CSS.escape(step) + '"]').forEach(function (el) {
      if (el.classList.contains('is-selected')) return;
      el.classList.add('is-selected');
      el.setAttribute('aria-current', 'true');
    });
  }

  // The step whose panel is shown or on its way: the address follows it once the panel is in.
  var shown = currentStep();
  var asked = null; // the address of the panel asked for last

  // An answer for a panel no longer wanted (another step was clicked since, or the panel was
  // closed) is not shown.
  document.addEventListener('htmx:before:swap', function (event) {
    var ctx = event.detail && event.detail.ctx;
    var aside = panel();
    if (!ctx || !aside || ctx.target !== aside || !ctx.request) return;
    var url = new URL(ctx.request.action, window.location.href).href;
    if (!shown || !asked || url !== new URL(asked, window.location.href).href) event.preventDefault();
  });

  // A click's panel is on screen in one request and one frame: the request goes first, and
  // what needs not come before the panel's frame comes after it (the new address, which makes
  // the browser fetch and decode the page's icon again).
  function openStep(step, how, source) {
    var aside = panel();
    var url = stepUrl(step);
    if (!aside || !url) return;
    shown = step;
    asked = url;
    // From the panel, whose requests replace each other (data-hx-sync): the last click wins.
    var answered = htmx.ajax('GET', url, { source: aside, target: aside, swap: 'innerHTML' });
    aside.hidden = false;
    aside.setAttribute('aria-busy', 'true');
    skipLinks(aside);
    markSelected(step);
    document.dispatchEvent(new CustomEvent('viewer:step-opened', { detail: { step: step, source: source || null } }));
    answered.finally(function () {
      if (shown !== step) return; // another step was asked for since, or the panel closed
      aside.removeAttribute('aria-busy');
      var heading = aside.querySelector('h2');
      if (heading && how !== 'restore') {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: window.innerWidth > 900 });
      }
      if (how === 'push') afterFrame(function () {
        if (shown === step && currentStep() !== step) window.history.pushState({ step: step }, '', pageUrl(step));
      });
    });
  }

  function afterFrame(fn) {
    window.requestAnimationFrame(function () { window.setTimeout(fn, 0); });
  }

  // "Skip the diagram, to the step details" is offered while a panel is open (graph.css).
  function skipLinks(aside) {
    var link = document.querySelector('.graph-skip .to-panel'); // before the diagram: found at once
    if (link && link.hidden !== aside.hidden) link.hidden = aside.hidden;
  }

  function closePanel(how) {
    var aside = panel();
    if (!aside || aside.hidden) return;
    var step = shown;
    shown = null;
    aside.hidden = true;
    aside.removeAttribute('aria-busy');
    aside.innerHTML = '';
    skipLinks(aside);
    markSelected(null);
    if (how === 'push' && currentStep()) {
      window.history.pushState({ step: null }, '', pageUrl(null));
    }
    // Back to the step in whichever view of the steps is showing (diagram or list).
    var links = step ? Array.from(
      document.querySelectorAll('.graph a[data-step-id="' + CSS.escape(step) + '"]')
    ) : [];
    var graph = window.viewerGraph;
    if (step && graph && graph.link) {
      document.querySelectorAll('.graph-svg').forEach(function (svg) {
        var el = graph.link(svg, step);
        if (el) links.push(el);
      });
    }
    var back = links.find(function (el) { return el.getClientRects().length > 0; });
    if (back) back.focus();
  }

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var close = event.target.closest('.close-panel');
    if (close) {
      event.preventDefault();
      closePanel('push');
      return;
    }
    // a step's link: in the lists and notes by its data-step-id, in the diagram by its href
    var link = event.target.closest('a[data-step-id], .graph-svg .steps > a');
    var step = link && (link.getAttribute('data-step-id') || window.viewerGraph.stepId(link));
    if (step && runId()) {
      event.preventDefault();
      openStep(step, step === shown ? 'replace' : 'push', link);
    }
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var aside = panel();
    if (aside && !aside.hidden) {
      event.preventDefault();
      closePanel('push');
    }
  });

  window.addEventListener('popstate', function () {
    var step = currentStep();
    var aside = panel();
    var open = aside && !aside.hidden && aside.querySelector('.step-detail[data-step-id="' + CSS.escape(step || '') + '"]');
    if (open) return; // only the fragment (#inputs) changed
    if (step) {
      openStep(step, 'restore');
    } else {
      closePanel('restore');
    }
  });

  // A shared step link on a narrow screen: bring the server-rendered panel into view.
  document.addEventListener('DOMContentLoaded', function () {
    var aside = panel();
    if (aside) skipLinks(aside);
    if (aside && !aside.hidden && currentStep() && window.innerWidth <= 900) {
      aside.scrollIntoView({ block: 'start' });
    }
  });

  // Times are shown in the viewer's timezone; hovering (or focusing) one shows it in the
  // reader's own. Its title is written then, the first time: the first use of the reader's
  // locale costs tens of ms, which the page's start and each swapped panel need not pay.
  var localFormat = null;

  function localTime(event) {
    var el = event.target.closest && event.target.closest('time[datetime]:not([title])');
    if (!el) return;
    var at = new Date(el.getAttribute('datetime'));
    if (isNaN(at.getTime())) return;
    localFormat = localFormat || new Intl.DateTimeFormat([], LOCAL_TIME);
    el.title = 'Your time: ' + localFormat.format(at);
  }

  document.addEventListener('pointerover', localTime);
  document.addEventListener('focusin', localTime);

  // ---- a note that appears or goes away above the diagram does not move it on screen ---------
  // While the run moves, "What this run is waiting for" has a place of its own at least one
  // note high (app.css, .live-slot), so one note coming and going changes nothing below it.
  // The parts above the diagram (the header with the live marker, the story, the notes) keep
  // the largest height they had until the run is over (or the window changes size): a ticking
  // time that wraps one more line, then one less, moves nothing twice. When one grows while
  // the diagram is in view, the page scrolls by as much. Watching starts once the streamed
  // page has loaded: only the live refresh's changes count.

  function keepDiagramInPlace() {
    var graph = document.getElementById('graph');
    var notes = document.getElementById('failure-summary');
    var header = document.querySelector('.run-header-card');
    if (!graph || !notes || !header || !notes.classList.contains('live-slot') || !window.ResizeObserver) return;
    var parts = [header, document.getElementById('what-happened'), notes].filter(Boolean);
    var kept = new Map();
    var top = graph.getBoundingClientRect().top;
    var remember = function () { top = graph.getBoundingClientRect().top; };
    var hold = function (el, height) {
      kept.set(el, height);
      var value = height ? height + 'px' : '';
      if (el.style.minHeight !== value) el.style.minHeight = value;
    };
    window.addEventListener('scroll', remember, { passive: true });
    window.addEventListener('resize', function () {
      parts.forEach(function (el) { hold(el, 0); });
      remember();
    });
    var observer = new ResizeObserver(function () {
      var live = document.querySelector('#live:not(.done)') !== null;
      parts.forEach(function (el) { hold(el, live ? Math.max(kept.get(el) || 0, el.offsetHeight) : 0); });
      var rect = graph.getBoundingClientRect();
      var moved = rect.top - top;
      if (moved && rect.bottom > 0 && rect.top < window.innerHeight) window.scrollBy(0, moved);
      remember();
    });
    parts.forEach(function (el) { observer.observe(el); });
  }

  window.addEventListener('load', keepDiagramInPlace);

  // ---- htmx: never look inside what it must ignore ------------------------------------------
  // Before it honours data-hx-ignore, htmx's processing of an element (the whole page at start,
  // each swapped part) visits every element and attribute below it: 150 ms and more for a large
  // diagram. An element holding an ignored part, and no htmx attribute of its own, is processed
  // child by child instead (htmx:before:process is cancelable), around the ignored parts.
  function hasHtmx(el) {
    return el.getAttributeNames().some(function (name) { return /^(data-)?hx-/.test(name); });
  }

  document.addEventListener('htmx:before:process', function (event) {
    var el = event.target;
    if (!(el instanceof Element) || !el.querySelector('[data-hx-ignore]') || hasHtmx(el)) return;
    event.preventDefault();
    Array.prototype.forEach.call(el.children, function (child) {
      if (!child.hasAttribute('data-hx-ignore')) htmx.process(child);
    });
  });

  // ---- htmx swaps ----------------------------------------------------------------------

  document.addEventListener('htmx:after:swap', function (event) {
    var target = event.detail && event.detail.ctx && event.detail.ctx.target;
    var aside = panel();
    if (aside && target === aside) aside.hidden = aside.children.length === 0;
    if (aside) skipLinks(aside);
    if (target && target.id === 'live') {
      var live = document.getElementById('live');
      if (live) {
        publishStatuses(live);
        announce(live.getAttribute('data-news'));
      }
    }
    // A panel swapped in marks its own links; other swaps (live updates, with parts swapped
    // out of band) the whole page's, as they may replace any of them.
    markSelected(shown, aside && target === aside ? aside : null);
  });

  // Screen readers hear what changed (a step started, waits, the run ended), not every poll:
  // #live-news is written only when the news differs from the last (the first is the page's).
  var lastNews = null;

  function announce(news) {
    var region = document.getElementById('live-news');
    if (!region || !news || news === lastNews) return;
    if (lastNews !== null) region.textContent = news;
    lastNews = news;
  }

  document.addEventListener('DOMContentLoaded', function () {
    var live = document.getElementById('live');
    if (live) announce(live.getAttribute('data-news'));
  });

  function publishStatuses(live) {
    var items = live.querySelectorAll('.step-statuses li[data-step-id]');
    if (!items.length) return;
    var statuses = {};
    items.forEach(function (item) {
      statuses[item.getAttribute('data-step-id')] = {
        status: item.getAttribute('data-status'),
        text: item.getAttribute('data-text'),
        warned: item.hasAttribute('data-warned'),
      };
    });
    document.dispatchEvent(new CustomEvent('viewer:statuses', { detail: { statuses: statuses } }));
  }

  // ---- refresh failures: keep the last data, say it is stale, retry with backoff -------------

  // data-retry lists the status classes ("4xx 5xx") whose answers must not replace the data.
  function keepDataOnError(event) {
    var el = event.target;
    var ctx = event.detail && event.detail.ctx;
    if (!(el instanceof Element) || !el.hasAttribute('data-retry') || !ctx || !ctx.response) return;
    var kind = String(ctx.response.status).charAt(0) + 'xx';
    if (el.getAttribute('data-retry').split(/\s+/).indexOf(kind) !== -1) ctx.swap = 'none';
  }

  function onRefreshFailure(event) {
    var el = event.target;
    if (!(el instanceof Element) || !el.hasAttribute('data-retry')) return;
    var failures = Number(el.getAttribute('data-failures') || '0') + 1;
    var wait = Math.min(MAX_BACKOFF_SECONDS, 3 * Math.pow(2, failures - 1));
    el.setAttribute('data-failures', String(failures));
    el.classList.add('is-stale');
    if (el.id === 'live') {
      var updated = el.getAttribute('data-updated');
      var since = updated ? new Date(updated).toLocaleTimeString([], { timeZoneName: 'short' }) : 'the last update';
      var text = el.querySelector('.live-text');
      if (text) text.textContent = 'Stale since ' + since + ' · retrying in ' + wait + ' s';
      if (failures === 1) announce('Live updates stopped: the runs service did not answer. Retrying.');
    }
    window.setTimeout(function () {
      if (el.isConnected) htmx.trigger(el, 'viewer:retry');
    }, wait * 1000);
  }

  document.addEventListener('htmx:response:error', keepDataOnError);
  document.addEventListener('htmx:response:error', onRefreshFailure);
  document.addEventListener('htmx:error', onRefreshFailure);

  // ---- display preferences: applied at once, remembered by the server's cookie ------------

  function readerZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { return ''; }
  }

  // The reader's zone goes with what they save (asked for then: the first use of Intl costs
  // tens of ms, which the page's start need not pay).
  function fillZone(form) {
    var zone = form.querySelector('[data-reader-zone]');
    if (zone && !zone.value) zone.value = readerZone();
  }

  function savePreferences(form) {
    fillZone(form);
    // redirect: 'manual' keeps the cookie the answer sets without loading the page it points to.
    return fetch(form.action, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin', redirect: 'manual',
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.prefs-form').forEach(function (form) {
      form.addEventListener('submit', function () { fillZone(form); });
      var save = form.querySelector('button[type="submit"]');
      if (save) save.hidden = true;
      form.addEventListener('change', function (event) {
        var name = event.target.getAttribute('name');
        if (name === 'theme') {
          var theme = event.target.value;
          if (theme === 'system') document.documentElement.removeAttribute('data-theme');
          else document.documentElement.setAttribute('data-theme', theme);
          savePreferences(form);
        } else if (name === 'times') {
          // Times are written by the server: show the page again in the new way.
          savePreferences(form).finally(function () { window.location.reload(); });
        }
      });
    });
  });

  // ---- copy buttons ------------------------------------------------------------------------
  // A refused clipboard says so and puts the text, selected, beside the button to copy by hand.

  function copyDone(button) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = 'Copied';
    window.setTimeout(function () { button.textContent = label; }, 1500);
  }

  function copyFailed(button, text) {
    var next = button.nextElementSibling;
    if (next && next.classList.contains('copy-failed')) next.remove();
    var box = document.createElement('span');
    box.className = 'copy-failed';
    box.setAttribute('role', 'alert');
    var note = document.createElement('span');
    note.textContent = 'Copy failed, select the text and copy it yourself: ';
    var area = document.createElement('textarea');
    area.readOnly = true;
    area.value = text;
    area.rows = Math.min(6, text.split('\n').length);
    area.setAttribute('aria-label', 'Text to copy');
    box.appendChild(note);
    box.appendChild(area);
    button.insertAdjacentElement('afterend', box);
    area.focus();
    area.select();
  }

  function copyByCommand(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
    area.remove();
    return copied;
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-copy]');
    if (!button) return;
    var text = button.getAttribute('data-copy');
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copyDone(button); },
        function () { if (copyByCommand(text)) { copyDone(button); } else { copyFailed(button, text); } }
      );
    } else if (copyByCommand(text)) {
      copyDone(button);
    } else {
      copyFailed(button, text);
    }
  });
})();
