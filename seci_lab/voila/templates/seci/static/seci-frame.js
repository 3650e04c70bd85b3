// seci-lab's course frame in the browser (issue 20): the contents list is open beside the text on
// wide screens and a button at the bottom right on narrow ones, and it marks the section in view;
// the step list starts at the current page, and a wide table is reachable by keyboard.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 1200px)");
  var current;  // the contents link of the section in view (undefined: not looked yet)

  function tocs() { return document.querySelectorAll(".seci-toc"); }

  function layout() {
    Array.prototype.forEach.call(tocs(), function (nav) {
      var details = nav.querySelector("details");
      if (!details || details.dataset.seciSet === (wide.matches ? "wide" : "narrow")) return;
      current = undefined;  // a redrawn list: mark its section again
      details.dataset.seciSet = wide.matches ? "wide" : "narrow";
      details.open = wide.matches;
    });
    // a table wider than a phone scrolls in its own box: the keyboard can reach and scroll it
    Array.prototype.forEach.call(document.querySelectorAll("#rendered_cells .jp-RenderedHTMLCommon table"),
      function (table) {
        if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) table.tabIndex = 0;
      });
    // a step list that scrolls sideways (phones) starts with the current page in view
    Array.prototype.forEach.call(document.querySelectorAll(".seci-steps ol"), function (list) {
      var here = list.querySelector(".seci-current");
      if (here && list.scrollWidth > list.clientWidth && !list.dataset.seciScrolled) {
        list.dataset.seciScrolled = "1";
        list.scrollLeft = Math.max(0, here.offsetLeft - list.offsetLeft - 24);
      }
    });
  }

  function mark() {
    // the last section whose heading is above the middle of the window is the one being read
    var links = document.querySelectorAll(".seci-toc a[href^='#']");
    var here = null, limit = window.innerHeight / 2;
    Array.prototype.forEach.call(links, function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (target && target.getBoundingClientRect().top < limit) here = a.getAttribute("href");
    });
    if (here === current) return;
    current = here;
    Array.prototype.forEach.call(links, function (a) {
      var on = a.getAttribute("href") === here;
      a.classList.toggle("seci-toc-here", on);
      if (on) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
    });
  }

  // Widgets and charts add thousands of nodes while a page builds: look again at most every
  // 300 ms, and measure positions only when the page scrolls (or once the contents appear).
  var timer = null;
  function soon() {
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      layout();
      if (current === undefined) mark();
    }, 300);
  }
  var scrolling = false;
  function scrolled() {
    if (scrolling) return;
    scrolling = true;
    window.requestAnimationFrame(function () { scrolling = false; mark(); });
  }

  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });

  // A button disabled while its work runs ("Checking...") drops the keyboard focus to the page;
  // when it is enabled again and nothing else took the focus, it gets the focus back.
  var busy = null;
  new MutationObserver(function (records) {
    records.forEach(function (r) {
      var button = r.target;
      if (button.tagName !== "BUTTON") return;
      if (button.disabled && (document.activeElement === button || document.activeElement === document.body)) {
        busy = button;
      } else if (!button.disabled && busy === button) {
        busy = null;
        if (document.activeElement === document.body || !document.activeElement) button.focus();
      }
    });
  }).observe(document.body, { attributes: true, attributeFilter: ["disabled"], subtree: true });
  document.addEventListener("scroll", scrolled, true);
  if (wide.addEventListener) wide.addEventListener("change", function () { soon(); });
  // a link of the list closes it again on a narrow screen, so the section is not covered
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".seci-toc a");
    if (link && !wide.matches) { var d = link.closest("details"); if (d) d.open = false; }
  });
})();
