/* The participant page of a seci-lab workshop: plain script, no framework, no other origin.
 * Text from people only ever reaches the page through textContent; every rule is checked
 * again by the server (what this script disables is only a hint). */
(function () {
  "use strict";
  var API = "api/workshop/";
  var $ = function (id) { return document.getElementById(id); };
  var state = null;       // the last state from the server
  var me = null;          // this device's participant
  var version = 0;        // the version last shown
  var build = "";         // the server's name for the state last shown (polls get changes since)
  var clockOffset = 0;    // server time minus this device's time, in seconds
  var polling = 0;        // the poll loop's generation (a new join or leave starts another)
  var draftKey = newKey();
  var editing = null;     // id of the contribution being edited (its list is left alone)
  var stage = null;       // round, phase and whether it is open, as last shown (a change clears the message)

  function newKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function xsrf() {
    var match = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(kind, text) {
    var box = $("message");
    box.className = "message " + kind;
    box.textContent = text;
  }

  /* fetch with JSON in and out; resolves {status, data} (network errors: status 0). */
  function call(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (method !== "GET") {
      options.headers["X-XSRFToken"] = xsrf();
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(API + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }, function () {
      return { status: 0, data: { error: "No connection to the workshop server: check the Wi-Fi. Your text is kept." } };
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function oneLine(text, limit) {
    var flat = String(text).split(/\s+/).join(" ").trim();
    return flat.length > limit ? flat.slice(0, limit - 1) + "\u2026" : flat;
  }

  function showJoin() {
    me = null; state = null; version = 0; build = ""; stage = null; polling += 1;
    $("work").hidden = true;
    $("join-form").hidden = false;
    $("heading").textContent = "Workshop: join in";
  }

  function merged(changes) {
    // The board from the one shown and its changes ({since, upsert, remove}); null when they
    // are not changes to what is shown (then the whole state is asked for).
    if (!state || changes.since !== build) { return null; }
    var byId = {}, gone = {}, i;
    for (i = 0; i < state.board.length; i++) { byId[state.board[i].id] = state.board[i]; }
    for (i = 0; i < changes.upsert.length; i++) { byId[changes.upsert[i].id] = changes.upsert[i]; }
    for (i = 0; i < changes.remove.length; i++) { gone[changes.remove[i]] = true; }
    var board = [];
    for (var id in byId) {
      if (Object.prototype.hasOwnProperty.call(byId, id) && !gone[id]) { board.push(byId[id]); }
    }
    board.sort(function (a, b) { return a.id - b.id; });
    return board;
  }

  function accept(data) {
    // A state answer: {version, build, me, state}; state.board, or state.board_changes.
    me = data.me;
    if (data.state) {
      if (data.state.board_changes) {
        var board = merged(data.state.board_changes);
        if (!board) { build = ""; return false; }
        data.state.board = board;
        delete data.state.board_changes;
      }
      state = data.state;
      version = data.version;
      build = data.build || "";
      clockOffset = state.server_time - Date.now() / 1000;
    }
    $("join-form").hidden = true;
    $("work").hidden = false;
    render();
  }

  function render() {
    if (!state || !me) { return; }
    var s = state.session;
    $("heading").textContent = "Workshop";
    $("title").textContent = s.title;
    var arc = myArc();
    $("whoami").textContent = "You are " + me.name + (arc ? " \u00b7 harvesting the arc \u201c" + arc + "\u201d" : "");
    $("phase").textContent = s.status;
    var now = s.round + "/" + s.phase + "/" + s.accepting;
    if (stage !== null && stage !== now) { say("", ""); }  // the last phase's "Sent" is not about this one
    stage = now;
    renderNext();
    if (s.accepting) {
      $("prompt").textContent = s.prompt + (s.takes_arc && arc ? " Your arc: \u201c" + arc + "\u201d." : "");
    } else {
      $("prompt").textContent = "No phase is open. Read the board; the facilitator will open the next phase soon. " +
        "Anything you type is kept until you can send it.";
    }
    $("send").disabled = !s.accepting;
    count();
    renderBuildsOn();
    renderDrawsOn();
    renderVotes();
    if (editing === null) { renderMine(); }
    renderBoard();
    tick();
  }

  function myArc() {
    for (var i = 0; i < state.arcs.length; i++) {
      if (state.arcs[i].harvesters.indexOf(me.id) >= 0) { return state.arcs[i].name; }
    }
    return null;
  }

  function roundItems() {
    return state.board.filter(function (item) { return item.round === state.session.round; });
  }

  function fillSelect(select, options) {
    var keep = select.value;
    var same = select.options.length === options.length && options.every(function (o, i) {
      return select.options[i].value === String(o[1]) && select.options[i].textContent === o[0];
    });
    if (!same) {
      while (select.firstChild) { select.removeChild(select.firstChild); }
      options.forEach(function (o) {
        var option = el("option", o[0]);
        option.value = String(o[1]);
        select.appendChild(option);
      });
      select.value = keep;
      if (select.value !== keep) { select.value = "0"; }
    }
  }

  function renderBuildsOn() {
    var s = state.session;
    var earlier = roundItems().filter(function (item) { return item.phase !== s.phase; });
    fillSelect($("builds-on"), [["(nothing in particular)", 0]].concat(earlier.map(function (item) {
      return [item.phase_label + ": " + oneLine(item.text, 60), item.id];
    })));
    $("builds-on-box").hidden = !(s.accepting && earlier.length);
  }

  function renderDrawsOn() {
    var s = state.session;
    fillSelect($("draws-on"), [["(no cluster)", 0]].concat(state.clusters.map(function (c) { return [c.name, c.id]; })));
    $("draws-on-box").hidden = !(s.accepting && s.takes_takeaways && state.clusters.length);
  }

  function renderNext() {
    var next = state.next_session;
    $("next-session").hidden = !next;
    if (next) {
      $("next-text").textContent = "The facilitator has started a new session: \u201c" + next.title +
        "\u201d (join code " + next.join_code + ").";
    }
  }

  function joinNext() {
    var next = state && state.next_session;
    if (!next) { return; }
    call("POST", "leave").then(function () {
      showJoin();
      $("code").value = next.join_code;
      say("info", "Join \u201c" + next.title + "\u201d: the code is filled in; enter your name and join.");
      $("name").focus();
    });
  }

  function renderVotes() {
    var s = state.session;
    var box = $("votes");
    var voting = s.accepting && s.takes_votes;
    while (box.firstChild) { box.removeChild(box.firstChild); }
    // An empty cluster cannot be voted for (the server refuses it too); one voted for before
    // it emptied stays, so the vote can be taken back.
    var votable = state.clusters.filter(function (c) { return c.members > 0 || me.votes.indexOf(c.id) >= 0; });
    votable.forEach(function (c) {
      var label = el("label");
      var input = el("input");
      input.type = "checkbox";
      input.checked = me.votes.indexOf(c.id) >= 0;
      input.disabled = !voting;
      input.addEventListener("change", function () { vote(c.id, input); });
      label.appendChild(input);
      label.appendChild(el("span", c.name + " (" + c.votes + " vote" + (c.votes === 1 ? "" : "s") + ")"));
      box.appendChild(label);
    });
    $("vote-box").hidden = !(voting && votable.length);
    // The phase's main task comes first: in a voting phase the vote sits above the text box.
    var form = $("send-form");
    $("work").insertBefore($("vote-box"), voting ? form : form.nextSibling);
  }

  function describe(item, node) {
    node.appendChild(el("span", item.text, "seci-text"));
    node.appendChild(el("span", " \u2014 " + item.participant, "who"));
    if (item.arc) { node.appendChild(el("em", " (arc \u201c" + item.arc + "\u201d)")); }
    if (item.cluster) { node.appendChild(el("em", " in \u201c" + item.cluster + "\u201d")); }
    if (item.source_cluster) { node.appendChild(el("em", " drawn from \u201c" + item.source_cluster + "\u201d")); }
    if (item.edited) { node.appendChild(el("span", " (edited)", "who")); }
  }

  function renderMine() {
    var list = $("mine");
    var s = state.session;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var mine = state.board.filter(function (item) { return item.by === me.id; });
    if (!mine.length) { list.appendChild(el("li", "You have not sent anything yet.")); }
    mine.forEach(function (item) {
      var li = el("li");
      li.setAttribute("data-id", item.id);
      li.appendChild(el("span", "Round " + item.round + " \u00b7 " + item.phase_label + ": ", "who"));
      describe(item, li);
      if (s.accepting && item.round === s.round && item.phase === s.phase) {
        var edit = el("button", "Edit");
        edit.type = "button";
        edit.setAttribute("aria-label", "Edit: " + oneLine(item.text, 40));
        edit.addEventListener("click", function () { startEdit(li, item); });
        var withdraw = el("button", "Withdraw");
        withdraw.type = "button";
        withdraw.setAttribute("aria-label", "Withdraw: " + oneLine(item.text, 40));
        withdraw.addEventListener("click", function () { withdrawItem(item); });
        li.appendChild(el("br"));
        li.appendChild(edit);
        li.appendChild(withdraw);
      }
      list.appendChild(li);
    });
  }

  function renderBoard() {
    var board = $("board");
    while (board.firstChild) { board.removeChild(board.firstChild); }
    var items = roundItems();
    if (!items.length) { board.appendChild(el("p", "Nothing on the board in this round yet.")); return; }
    var groups = [];
    items.forEach(function (item) {
      var last = groups[groups.length - 1];
      if (!last || last.phase !== item.phase) { groups.push({ phase: item.phase, label: item.phase_label, items: [] }); }
      groups[groups.length - 1].items.push(item);
    });
    groups.forEach(function (g) {
      board.appendChild(el("h4", "Round " + state.session.round + " \u00b7 " + g.label + " (" + g.items.length + ")"));
      var ul = el("ul");
      g.items.forEach(function (item) {
        var li = el("li");
        li.setAttribute("data-id", item.id);
        describe(item, li);
        ul.appendChild(li);
      });
      board.appendChild(ul);
    });
  }

  function tick() {
    var s = state && state.session;
    var timer = $("timer");
    if (!s || !s.phase_open || s.deadline === null) { timer.textContent = ""; return; }
    var left = Math.max(0, Math.round(s.deadline - (Date.now() / 1000 + clockOffset)));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    timer.textContent = left > 0 ? s.phase_label + ": " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + " left"
      : s.phase_label + ": time is up";
  }

  function count() {
    var n = $("text").value.length;
    var max = state ? state.session.text_max : 2000;
    var hint = $("count");
    hint.textContent = n + " / " + max + " characters" + (n > max ? " (too long: shorten it)" : "");
    hint.className = n > max ? "hint over" : "hint";
  }

  /* The long-poll loop: ask for a version newer than the one shown; on errors wait and retry. */
  function poll(generation) {
    if (generation !== polling || !me) { return; }
    var ask = build ? "state?since=" + version + "&build=" + encodeURIComponent(build) : "state?since=" + version;
    call("GET", ask).then(function (r) {
      if (generation !== polling) { return; }
      if (r.status === 200) {
        if (accept(r.data) === false) { version = 0; }  // changes to another board: ask for it whole
        poll(generation);
      } else if (r.status === 401 || r.status === 410) {
        showJoin();
        say("info", r.data.error);
      } else {
        setTimeout(function () { poll(generation); }, 2000);
      }
    });
  }

  function start(data) {
    accept(data);
    polling += 1;
    poll(polling);
  }

  function join(event) {
    event.preventDefault();
    var anonymous = $("anonymous").checked;
    var name = anonymous ? null : $("name").value;
    if (!$("code").value.trim()) { say("error", "Enter the join code shown by the facilitator."); $("code").focus(); return; }
    if (!anonymous && !name.trim()) { say("error", "Enter a name, or tick \u201cJoin anonymously\u201d."); $("name").focus(); return; }
    $("join").disabled = true;
    call("POST", "join", { code: $("code").value, name: name }).then(function (r) {
      $("join").disabled = false;
      if (r.status === 201) {
        start(r.data);
        say("ok", "You joined as " + r.data.me.name + ".");
        $("text").focus();
      } else {
        say("error", r.data.error || "Could not join; try again.");
      }
    });
  }

  function send(event) {
    event.preventDefault();
    var text = $("text").value;
    if (!text.trim()) { say("error", "Write something first."); $("text").focus(); return; }
    var s = state.session;
    var body = { text: text, idempotency_key: draftKey, phase: s.phase,
      parent_id: Number($("builds-on").value) || null,
      source_cluster_id: s.takes_takeaways ? (Number($("draws-on").value) || null) : null };
    $("send").disabled = true;
    call("POST", "contributions", body).then(function (r) {
      if (r.status === 201 || r.status === 200) {
        $("text").value = "";
        draftKey = newKey();
        $("builds-on").value = "0";
        render();  // the board itself comes with the next answer of the long-poll
        say("ok", r.data.created === false ? "Already sent." : "Sent: it is on the group board.");
      } else {
        render();  // the button follows the phase again; the text stays in the field
        say("error", r.data.error || "Could not send; your text is kept.");
        if (r.status === 401 || r.status === 410) { showJoin(); }
      }
    });
  }

  function vote(clusterId, input) {
    call("PUT", "votes/" + clusterId, { on: input.checked }).then(function (r) {
      if (r.status === 200) {
        accept(r.data);
        say("ok", input.checked ? "Vote counted." : "Vote taken back.");
      } else {
        input.checked = !input.checked;
        say("error", r.data.error || "The vote did not count; try again.");
      }
    });
  }

  function startEdit(li, item) {
    editing = item.id;
    while (li.firstChild) { li.removeChild(li.firstChild); }
    var id = "edit-" + item.id;
    var label = el("label", "Edit your contribution");
    label.htmlFor = id;
    var area = el("textarea");
    area.id = id;
    area.rows = 4;
    area.value = item.text;
    var save = el("button", "Save");
    save.type = "button";
    var cancel = el("button", "Cancel");
    cancel.type = "button";
    save.addEventListener("click", function () {
      save.disabled = true;
      call("PUT", "contributions/" + item.id, { text: area.value }).then(function (r) {
        save.disabled = false;
        if (r.status === 200) {
          editing = null;
          accept(r.data);
          say("ok", "Your contribution was changed.");
        } else {
          say("error", r.data.error || "Could not save the change; your text is kept.");
        }
      });
    });
    cancel.addEventListener("click", function () { editing = null; render(); });
    li.appendChild(label);
    li.appendChild(area);
    li.appendChild(save);
    li.appendChild(cancel);
    area.focus();
  }

  function withdrawItem(item) {
    call("DELETE", "contributions/" + item.id).then(function (r) {
      if (r.status === 200) {
        accept(r.data);
        say("ok", "Withdrawn: it is off the board.");
      } else {
        say("error", r.data.error || "Could not withdraw it; try again.");
      }
    });
  }

  function leave() {
    call("POST", "leave").then(function () {
      showJoin();
      say("info", "You left the session on this device. Join again with a code.");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("join-form").addEventListener("submit", join);
    $("send-form").addEventListener("submit", send);
    $("leave").addEventListener("click", leave);
    $("join-next").addEventListener("click", joinNext);
    $("text").addEventListener("input", count);
    $("anonymous").addEventListener("change", function () { $("name").disabled = $("anonymous").checked; });
    setInterval(tick, 1000);
    count();
    // The QR code's address carries the join code (#code=...): the phone only needs a name.
    var preset = /(?:^#|&)code=([A-Za-z0-9-]{1,20})(?:&|$)/.exec(window.location.hash);
    if (preset) { $("code").value = preset[1]; }
    // A reload (or a phone that slept) finds its place again through the HttpOnly cookie.
    call("GET", "me").then(function (r) {
      if (r.status === 200 && r.data.me) {
        start(r.data);
        say("ok", "Welcome back, " + r.data.me.name + ".");
      } else {
        showJoin();
        if (r.status !== 200) { say("error", r.data.error); }
      }
    });
  });
}());
