// seci-lab's accessibility layer over the ipywidgets controls Voila renders (WCAG 4.1.2).
//
// ipywidgets 8 draws the Play widget as icon-only buttons and slider handles (noUiSlider,
// role="slider") without a name (ipywidgets#2650), so a screen reader announces "button" and
// "slider". Widgets render late and re-render (tabs, accordions, Output widgets), so a
// MutationObserver names them as they appear.
(function () {
  "use strict";

  // The Play widget's icons, and what pressing each button does.
  var PLAY_NAMES = [["fa-play", "Play"], ["fa-pause", "Pause"], ["fa-stop", "Stop"], ["fa-retweet", "Repeat"]];
  var labelCount = 0;

  function nameButton(button) {
    var icon = button.querySelector("i");
    if (!icon) return;
    icon.setAttribute("aria-hidden", "true");
    for (var i = 0; i < PLAY_NAMES.length; i++) {
      if (icon.classList.contains(PLAY_NAMES[i][0])) {
        if (button.getAttribute("aria-label") !== PLAY_NAMES[i][1]) {
          button.setAttribute("aria-label", PLAY_NAMES[i][1]);
          button.title = PLAY_NAMES[i][1];
        }
        if (PLAY_NAMES[i][0] === "fa-retweet") {  // a toggle: say whether it is on
          var pressed = String(button.classList.contains("mod-active"));
          if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
        }
        return;
      }
    }
  }

  function namePlay(widget) {
    widget.querySelectorAll("button").forEach(nameButton);
    if (widget.dataset.seciNamed) return;
    widget.dataset.seciNamed = "1";
    widget.setAttribute("role", "group");
    widget.setAttribute("aria-label", "Playback controls");
    // Play turns into Pause (the icon's class changes) and Repeat toggles on and off.
    new MutationObserver(function () {
      widget.querySelectorAll("button").forEach(nameButton);
    }).observe(widget, { subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  function nameSlider(widget) {
    var handles = widget.querySelectorAll('[role="slider"]:not([aria-labelledby]):not([aria-label])');
    if (!handles.length) return;
    var label = widget.querySelector(":scope > .widget-label");
    if (label && label.textContent.trim()) {
      if (!label.id) label.id = "seci-slider-label-" + (++labelCount);
      handles.forEach(function (h) { h.setAttribute("aria-labelledby", label.id); });
    } else if (widget.title) {  // no description: the tooltip is the only name there is
      handles.forEach(function (h) { h.setAttribute("aria-label", widget.title); });
    }
  }

  function scan(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll(".widget-play").forEach(namePlay);
    root.querySelectorAll(".widget-slider").forEach(nameSlider);
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; scan(document); });
  }

  function start() {
    scan(document);
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
