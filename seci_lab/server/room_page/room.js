/* The room screen of a seci-lab workshop: read-only, plain script, no other origin.
 * Text from people only ever reaches the page through textContent (never as markup); the
 * page has nothing to act with. It long-polls the server, which answers when the session
 * moves (within about a second), and redraws what changed. */
(function () {
  "use strict";
  var API = "room/api/state";
  var SVG = "http://www.w3.org/2000/svg";
  var $ = function (id) { return document.getElementById(id); };
  var version = 0;
  var view = null;
  var clockOffset = 0;     // server time minus this computer's, in seconds
  var shown = {};          // ids of the board's items shown last (new ones are marked)
  var lastPhase = null;
  var qrFor = "";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function fill(list, nodes) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    nodes.forEach(function (node) { list.appendChild(node); });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function card(item, marked) {
    var li = el("li", item.text);
    li.appendChild(el("span", item.by + (item.source_cluster ? " \u00b7 from \u201c" + item.source_cluster + "\u201d" : ""), "by"));
    if (marked) { li.className = "new"; }
    return li;
  }

  function drawHeader(v) {
    var s = v.session;
    $("title").textContent = s.title;
    document.title = s.title + ": room screen";
    var phase = s.phase ? s.phase_label + (s.phase_open ? " (open)" : " (closed)") : "Not started yet";
    $("phase").textContent = "Round " + s.round + " \u00b7 " + phase;
    $("counts").textContent = plural(v.participants, "person", "people") + " \u00b7 " +
      plural(v.contributions, "contribution", "contributions") + " \u00b7 " + s.scale + " level";
    $("prompt-panel").hidden = !s.prompt;
    $("prompt").textContent = s.prompt || "";
    if (lastPhase !== null && lastPhase !== phase) { $("status").textContent = "Now: " + phase; }
    lastPhase = phase;
  }

  function drawJoin(v, joinUrl) {
    $("join-panel").hidden = !v.joining;
    if (!v.joining) { return; }
    // Before the first phase the room is joining: a large code to scan; later a smaller one.
    $("join-panel").className = v.session.phase ? "panel join" : "panel join big";
    $("join-url").textContent = joinUrl.replace(/^https?:\/\//, "");
    $("join-code").textContent = v.join_code;
    var qr = "room/qr.svg?v=" + encodeURIComponent(v.join_code + joinUrl);
    if (qr !== qrFor) { qrFor = qr; $("qr").src = qr; }
  }

  function drawBoard(v) {
    var first = version === 0;
    var now = {};
    fill($("board"), v.show_clusters || v.show_end ? [] : v.board.map(function (item) {
      now[item.id] = true;
      return card(item, !first && !shown[item.id]);
    }));
    shown = now;
    var s = v.session;
    var where = s.phase ? s.phase_label : "round " + s.round;
    $("board-heading").textContent = "Board: " + where;
    $("board-note").textContent = v.board_total === 0 ? "Nothing yet: contributions appear here as they arrive." :
      (v.board_total > v.board.length ? "The newest " + v.board.length + " of " + v.board_total + ", newest first." :
        plural(v.board_total, "contribution", "contributions") + ", newest first.");
  }

  function drawClusters(v) {
    $("clusters-panel").hidden = !v.show_clusters;
    $("board-panel").hidden = v.show_clusters || v.show_end;
    // A panel not shown holds nothing: no stale text (e.g. a member hidden since) in the page.
    if (!v.show_clusters) { fill($("clusters"), []); return; }
    var most = Math.max.apply(null, [1].concat(v.clusters.map(function (c) { return c.votes; })));
    fill($("clusters"), v.clusters.length ? v.clusters.map(function (c) {
      var li = el("li");
      li.appendChild(el("span", c.name, "name"));
      var votes = el("div", null, "votes");
      votes.appendChild(el("span", plural(c.votes, "vote", "votes")));
      var track = el("span", null, "track");
      track.setAttribute("aria-hidden", "true");
      var bar = el("span", null, "fill");
      bar.style.display = "block";
      bar.style.width = Math.round(100 * c.votes / most) + "%";
      track.appendChild(bar);
      votes.appendChild(track);
      li.appendChild(votes);
      var members = el("ul");
      c.members.forEach(function (text) { members.appendChild(el("li", text)); });
      if (c.more) { members.appendChild(el("li", "and " + c.more + " more")); }
      if (c.members.length) { li.appendChild(members); }
      return li;
    }) : [el("li", "No clusters yet: the facilitator groups the contributions.")]);
  }

  function drawEnd(v) {
    $("end-panel").hidden = !v.show_end;
    if (!v.show_end) { fill($("takeaways"), []); fill($("lineage"), []); return; }
    fill($("takeaways"), v.takeaways.length ? v.takeaways.map(function (item) { return card(item, false); })
      : [el("li", "No take-aways yet.")]);
    fill($("lineage"), v.lineage.map(function (chain) {
      var li = el("li");
      li.appendChild(el("strong", "\u201c" + chain.cluster + "\u201d"));
      li.appendChild(el("span", "round " + chain.round + " \u00b7 " + plural(chain.votes, "vote", "votes"), "by"));
      if (chain.members.length) {
        li.appendChild(el("span", "Grew from:", "by"));
        var from = el("ul");
        chain.members.forEach(function (m) {
          var item = el("li", m.text + (m.builds_on.length ? " (building on \u201c" + m.builds_on[0] + "\u201d)" : ""));
          from.appendChild(item);
        });
        li.appendChild(from);
      }
      if (chain.takeaways.length) {
        li.appendChild(el("span", "Led to:", "by"));
        var to = el("ul");
        chain.takeaways.forEach(function (t) { to.appendChild(el("li", t)); });
        li.appendChild(to);
      }
      return li;
    }));
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function drawSpiral(v) {
    var rows = v.spiral.rows, chart = $("spiral");
    var title = $("spiral-label");
    while (chart.lastChild && chart.lastChild !== title) { chart.removeChild(chart.lastChild); }
    var last = rows.length ? rows[rows.length - 1] : null;
    $("spiral-level").textContent = last ? "Now: " + v.spiral.level + " level, round " + last.round : "No steps yet.";
    title.textContent = "The group's spiral seen from above: " + plural(rows.length, "step", "steps") +
      (last ? ", now at the " + v.spiral.level + " level. The table below holds every step." : ".");
    var reach = 1;
    rows.forEach(function (r) { reach = Math.max(reach, Math.abs(r.x), Math.abs(r.y)); });
    var pad = reach * 1.25;
    chart.setAttribute("viewBox", [-pad, -pad, 2 * pad, 2 * pad].join(" "));
    var stroke = pad / 60;
    chart.appendChild(svg("circle", { cx: 0, cy: 0, r: reach, fill: "none", stroke: "#bbb", "stroke-width": stroke }));
    if (rows.length) {
      chart.appendChild(svg("polyline", { points: rows.map(function (r) { return r.x + "," + (-r.y); }).join(" "),
        fill: "none", stroke: "#0b3d6b", "stroke-width": stroke * 2.5, "stroke-linejoin": "round" }));
    }
    rows.forEach(function (r, i) {
      var end = i === rows.length - 1;
      chart.appendChild(svg("circle", { cx: r.x, cy: -r.y, r: stroke * (end ? 9 : 5), fill: end ? "#b35900" : "#fff",
        stroke: "#111", "stroke-width": stroke }));
    });
    if (last) {
      chart.appendChild(svg("text", { x: last.x, y: -last.y + stroke * 3, "text-anchor": "middle",
        "font-size": stroke * 9, "font-weight": "bold", fill: "#fff" }, last.mode));
    }
    var body = $("spiral-table").tBodies[0];
    fill(body, rows.map(function (r) {
      var tr = el("tr");
      [String(r.round), r.phase + " (" + r.mode + ")", String(r.contributions),
        r.level_name + (r.leveled_up ? " (up)" : "")].forEach(function (t) { tr.appendChild(el("td", t)); });
      return tr;
    }));
  }

  function drawTimer() {
    var box = $("timer");
    var s = view && view.session;
    if (!s || !s.phase_open || !s.deadline) { box.textContent = ""; box.className = "timer"; return; }
    var left = Math.max(0, Math.round(s.deadline - (Date.now() / 1000 + clockOffset)));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    box.textContent = left > 0 ? minutes + ":" + (seconds < 10 ? "0" : "") + seconds + " left" : "Time is up";
    box.className = left > 0 ? "timer" : "timer up";
  }

  function draw(answer) {
    var v = answer.view;
    clockOffset = answer.now - Date.now() / 1000;
    // Before anything happens the room is joining: the code and the QR code fill the screen.
    document.body.className = !v.session.phase && v.board_total === 0 && v.joining ? "joining" : "";
    drawHeader(v);
    drawJoin(v, answer.join_url);
    drawBoard(v);
    drawClusters(v);
    drawEnd(v);
    drawSpiral(v);
    view = v;
    version = v.version;
    drawTimer();
  }

  function problem(text) {
    var box = $("status");
    box.className = text ? "status error" : "status";
    if (text) { box.textContent = text; }
  }

  function poll(delay) {
    fetch(API + (version ? "?since=" + version : ""), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 200 && data.view) {
            problem("");
            draw(data);
            poll(0);
          } else {
            problem(data.error || "The workshop server answered " + response.status + ": trying again.");
            setTimeout(function () { poll(Math.min(10000, delay * 2 || 1000)); }, delay || 1000);
          }
        });
      }, function () {
        problem("No connection to the workshop server: trying again.");
        setTimeout(function () { poll(Math.min(10000, delay * 2 || 1000)); }, delay || 1000);
      });
  }

  setInterval(drawTimer, 1000);
  poll(0);
}());
