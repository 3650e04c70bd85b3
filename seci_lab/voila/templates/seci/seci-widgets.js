/* seci-lab: what the widget and chart libraries leave out for keyboard and screen-reader users.
 *
 * Shared by the Voila pages (the seci template includes it) and the saved spiral page (inlined).
 * 1. Accordion headers of ipywidgets 8 are clickable divs: they become buttons a keyboard can
 *    reach (Tab) and press (Enter, Space), with aria-expanded.
 * 2. Every Plotly chart gets role="figure" and a name: the description its figure carries in
 *    layout.meta.seci_lab_label, then its title as drawn now (it says the round a replay shows);
 *    both are refreshed whenever the chart is redrawn. plotly.js sets neither (plotly.js#6920).
 * 3. An animated chart honours prefers-reduced-motion: Play jumps to the last round and
 *    "From round 1" to the first, instead of playing the rounds one after another.
 * 5. The radio buttons of one ipywidgets RadioButtons share no name, so each was a Tab stop and
 *    the arrow keys did nothing: each group gets a name of its own (one Tab stop, arrows choose).
 * 4. A chart whose meta names a table (seci_lab_table) and whose frames are rounds shows in that
 *    table only the rounds drawn, so the table always matches the picture.
 * Nothing here plays an animation on its own.
 */
(function () {
  "use strict";
  if (window.seciWidgets) return;
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

  function reduced() {
    return !!(reduce && reduce.matches);
  }

  // ---- 1. accordion headers
  function header(el) {
    var open = el.parentElement && el.parentElement.classList.contains("jupyter-widget-Collapse-open");
    el.setAttribute("aria-expanded", open ? "true" : "false");
    if (el.dataset.seciKeys) return;
    el.dataset.seciKeys = "1";
    el.setAttribute("role", "button");
    el.tabIndex = 0;
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        el.click();
        header(el);  // the new state at once, not after the next scan
      }
    });
  }

  // ---- 5. radio groups
  var groups = 0;
  function radios(box) {
    if (!box.dataset.seciGroup) {
      groups += 1;
      box.dataset.seciGroup = "seci-radio-" + groups;
    }
    // again on every scan: the widget redraws its inputs when its options change
    Array.prototype.forEach.call(box.querySelectorAll("input[type=radio]"), function (input) {
      if (input.name !== box.dataset.seciGroup) input.name = box.dataset.seciGroup;
    });
  }

  // ---- 2. chart names
  function plain(html) {
    // An inert document: markup in a title is read as text, never loaded or run.
    var doc = new DOMParser().parseFromString(String(html || "").replace(/<br\s*\/?>/gi, ". "), "text/html");
    return (doc.body ? doc.body.textContent : "").replace(/\s+/g, " ").trim();
  }

  function meta(gd) {
    var m = gd.layout && gd.layout.meta;
    return m && typeof m === "object" && !Array.isArray(m) ? m : {};
  }

  function frames(gd) {
    return (gd._transitionData && gd._transitionData._frames) || [];
  }

  function current(gd) {
    // The slider's position is the round drawn (steps are named by round); else the last frame.
    var sliders = (gd.layout && gd.layout.sliders) || [];
    if (sliders.length && sliders[0].steps && sliders[0].steps.length) {
      var step = sliders[0].steps[sliders[0].active || 0];
      if (step && step.args && step.args[0]) return String(step.args[0][0]);
    }
    return null;
  }

  function name(gd) {
    var title = gd.layout && gd.layout.title;
    var text = plain(title && typeof title === "object" ? title.text : title);
    var label = plain(meta(gd).seci_lab_label) || "Chart";
    // "figure", not "img": the chart holds focusable toolbar buttons, and an image may contain none.
    gd.setAttribute("role", "figure");
    gd.setAttribute("aria-label", text ? label + " Shown now: " + text + "." : label);
  }

  function table(gd) {
    var id = meta(gd).seci_lab_table;
    var target = id && document.getElementById(id);
    if (!target || !frames(gd).length) return;
    var round = Number(current(gd));
    var heads = Array.prototype.map.call(target.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var column = heads.indexOf("Round");
    if (column < 0 || !isFinite(round)) return;
    // pandas writes an index column of <th>: count cells of either kind
    Array.prototype.forEach.call(target.querySelectorAll("tbody tr"), function (row) {
      var cell = row.children[column];
      row.hidden = !!cell && Number(cell.textContent) > round;
    });
    target.setAttribute("data-seci-round", String(round));
  }

  // ---- 3. reduced motion
  function still() {
    return { frame: { duration: 0, redraw: true }, transition: { duration: 0 }, mode: "immediate" };
  }

  function motion(gd) {
    var names = frames(gd).map(function (f) { return f.name; });
    var menus = gd.layout && gd.layout.updatemenus;
    if (!names.length || !menus || !menus.length || !window.Plotly) return;
    if (!gd._seciMenus) gd._seciMenus = JSON.parse(JSON.stringify(menus));
    var want = reduced() ? "reduce" : "full";
    if (gd._seciMotion === want) return;
    gd._seciMotion = want;
    var next = JSON.parse(JSON.stringify(gd._seciMenus));
    if (want === "reduce") {
      next.forEach(function (menu) {
        (menu.buttons || []).forEach(function (button) {
          if (button.method !== "animate" || !button.args || button.args[0] !== null) return;
          var fromStart = button.args[1] && button.args[1].fromcurrent === false;
          var to = fromStart ? names[0] : names[names.length - 1];
          button.args = [[to], still()];
          button.label = fromStart ? "⏮ Round 1" : "⏭ Last round";
        });
      });
    }
    window.Plotly.relayout(gd, { updatemenus: next });
  }

  // ---- wiring
  function chart(gd) {
    if (typeof gd.on !== "function") {
      setTimeout(function () { chart(gd); }, 200);
      return;
    }
    name(gd);
    motion(gd);
    table(gd);
    if (gd._seciWired) return;
    gd._seciWired = true;
    ["plotly_afterplot", "plotly_relayout", "plotly_restyle", "plotly_update", "plotly_animated",
     "plotly_sliderchange"].forEach(function (event) {
      gd.on(event, function () {
        name(gd);
        table(gd);
      });
    });
  }

  function scan(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".jupyter-widget-Collapse-header"), header);
    Array.prototype.forEach.call(scope.querySelectorAll(".js-plotly-plot"), chart);
    Array.prototype.forEach.call(scope.querySelectorAll(".widget-radio-box"), radios);
  }

  var queued = false;
  function later() {
    if (queued) return;
    queued = true;
    setTimeout(function () {
      queued = false;
      scan(document);
    }, 50);
  }

  window.seciWidgets = { scan: scan };
  if (reduce) {
    var onChange = function () {
      Array.prototype.forEach.call(document.querySelectorAll(".js-plotly-plot"), motion);
    };
    if (reduce.addEventListener) reduce.addEventListener("change", onChange);
  }
  var start = function () {
    scan(document);
    new MutationObserver(later).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["class"],
    });
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
