"""The kernel-per-visitor participant dashboard, kept only as the benchmark's comparison.

seci-lab serves participants a page without a kernel (``seci_lab/server/participant_page``);
this is the Voila notebook page it replaced, which ``bench/bench_workshop_pages.py`` serves
from its own folder to measure what a kernel per participant costs beside it. It is not part
of the package and no test relies on its behaviour.

The participant's dashboard of a live workshop, made for a phone.

A participant joins with the join code and a name (or anonymously), reads the open phase's
prompt (``seci_lab/content/workshop.toml``), submits contributions, sees the group board live, votes for clusters during
Combination and writes take-aways during Internalization. The participant token is kept in
the browser (:class:`BrowserIdentity`), so a reload, which starts
a new kernel under Voila, rejoins as the same person.

Every rule is checked in Python and again by the store: a forged click on a disabled button,
a vote outside Combination or a submission to a closed phase is refused with a message, and
the text typed is kept.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Callable

import anywidget
import ipywidgets as widgets
import traitlets

from seci_lab.content.workshop import phase_prompt
from seci_lab.escape import html_text
from seci_lab.model import TEXT_MAX_CHARS
from seci_lab.store.workshop import WorkshopStore
from seci_lab.ui.common import Message, safe_callback
from seci_lab.ui.workshop_common import (
    Countdown,
    LivePoller,
    board_html,
    full_width,
    labelled,
    one_line,
    open_workshop_store,
)

__all__ = ["WorkshopParticipant", "workshop_participant"]

_IDENTITY_ESM = r"""
function render({ model, el }) {
  const key = "seci-lab:" + model.get("storage_key");
  let stored = null;
  try { stored = window.localStorage.getItem(key); } catch (e) { stored = null; }
  model.send({ event: "stored", value: stored || "" });
  model.on("msg:custom", (msg) => {
    if (!msg) return;
    try {
      if (msg.event === "save") window.localStorage.setItem(key, msg.value);
      if (msg.event === "forget") window.localStorage.removeItem(key);
    } catch (e) { /* private mode: the participant joins again after a reload */ }
  });
  el.style.display = "none";
}
export default { render };
"""


class BrowserIdentity(anywidget.AnyWidget):
    """Keeps a short secret (the participant token) in the browser's ``localStorage``.

    On render the browser sends what it holds; ``on_stored(value)`` is then called with it.
    The value is only a claim: the store checks it (rejoin) like any other input.
    """

    _esm = _IDENTITY_ESM
    storage_key = traitlets.Unicode("participant").tag(sync=True)

    def __init__(self, storage_key: str = "participant", on_stored: Callable[[str], None] | None = None, **kw):
        super().__init__(storage_key=storage_key, **kw)
        self.on_stored = on_stored
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "stored" and self.on_stored:
            value = content.get("value")
            if isinstance(value, str) and 0 < len(value) <= 200:
                self.on_stored(value)

    def save(self, value: str) -> None:
        """Store ``value`` in the browser."""
        self.send({"event": "save", "value": value})

    def forget(self) -> None:
        """Remove the stored value."""
        self.send({"event": "forget"})


# Labels above their fields and nothing wider than the screen: the page is used on phones.
_STYLE = """<style>
.seci-workshop-participant { box-sizing: border-box; }
.seci-workshop-participant .widget-inline-hbox { flex-wrap: wrap; width: calc(100% - 8px) !important; }
.seci-workshop-participant .widget-inline-hbox > .widget-label { width: 100% !important; max-width: 100%;
  text-align: left; }
.seci-workshop-participant .widget-button { width: calc(100% - 8px) !important; }
.seci-workshop-participant .widget-inline-hbox > input, .seci-workshop-participant .widget-inline-hbox > textarea,
.seci-workshop-participant .widget-inline-hbox > select { flex: 1 1 100%; min-width: 0; max-width: 100%; }
.seci-workshop-participant .widget-checkbox .widget-label { width: auto !important; }
.seci-workshop-participant .jupyter-widgets { max-width: 100%; box-sizing: border-box; }
.seci-workshop-participant button { min-height: 2.6em; }
</style>"""
HEARTBEAT_S = 30.0
# A second click that arrives after the first one stored and cleared the text.
_DOUBLE_CLICK_S = 3.0


class WorkshopParticipant(widgets.VBox):
    """The participant dashboard as one widget. Build it with :func:`workshop_participant`.

    Attributes tests use: ``store``, ``participant`` (None until joined), ``session``, the
    controls (``code``, ``name``, ``anonymous``, ``join_button``, ``text``, ``builds_on``,
    ``draws_on``, ``send_button``, ``leave_button``, ``votes`` (Checkboxes, one per
    cluster)), the views (``prompt``, ``board``, ``mine``, ``countdown``) and ``identity``.
    """

    def __init__(self, store: WorkshopStore | None = None, *, live: bool = True, note: str = ""):
        if store is None:
            store, note = open_workshop_store()
        self.store = store
        self.participant = None
        self.session = None
        self._lock = threading.RLock()
        self._draft_key = uuid.uuid4().hex
        self._last_sent_at = 0.0
        self._last_touch = 0.0
        self.message = Message()
        note_widget = Message()
        if note:
            note_widget.show("info", note)
        self.note = note_widget
        self.identity = BrowserIdentity("workshop-participant", on_stored=self._on_stored_token)

        self.code = labelled(widgets.Text(placeholder="e.g. K7M3QX", layout=full_width()), "Join code")
        self.name = labelled(widgets.Text(placeholder="your first name", layout=full_width()), "Name")
        self.anonymous = widgets.Checkbox(value=False, description="Join anonymously", indent=False)
        self.join_button = widgets.Button(description="Join", button_style="primary", tooltip="Join the session",
                                          layout=full_width())
        self.join_box = widgets.VBox([self.code, self.name, self.anonymous, self.join_button])

        self.header = widgets.HTML()
        self.countdown = Countdown()
        self.prompt = widgets.HTML()
        self.text = widgets.Textarea(placeholder="Write here…", layout=widgets.Layout(width="100%", height="7em"))
        self.text.description = "Your contribution"
        self.text.style = {"description_width": "initial"}
        self.text_count = widgets.Label(f"0 / {TEXT_MAX_CHARS} characters")
        self.builds_on = labelled(widgets.Dropdown(options=[("(nothing in particular)", 0)], layout=full_width()),
                                   "Builds on")
        self.draws_on = labelled(widgets.Dropdown(options=[("(no cluster)", 0)], layout=full_width()),
                                  "Drawn from the cluster")
        self.send_button = widgets.Button(description="Send", button_style="success",
                                          tooltip="Send your contribution to the group board", layout=full_width())
        self.leave_button = widgets.Button(description="Leave this session",
                                           tooltip="Forget this session on this device and join another")
        self.vote_intro = widgets.HTML("<h3>Vote for clusters</h3><p>Tick the clusters that matter most to you.</p>")
        self.votes: list[widgets.Checkbox] = []
        self.vote_box = widgets.VBox([self.vote_intro])
        self.mine = widgets.HTML()
        self.board = widgets.HTML()
        self.work_box = widgets.VBox([
            self.header, self.countdown, self.prompt, self.text, self.text_count, self.builds_on,
            self.draws_on, self.send_button, self.vote_box,
            widgets.HTML("<h3>Your contributions</h3>"), self.mine,
            widgets.HTML("<h3>Group board</h3>"), self.board, self.leave_button,
        ])
        self.work_box.layout.display = "none"

        self.join_button.on_click(self._on_join)
        self.send_button.on_click(self._on_send)
        self.leave_button.on_click(self._on_leave)
        self.text.observe(self._on_text, names="value")
        self.anonymous.observe(self._on_anonymous, names="value")

        super().__init__([widgets.HTML(_STYLE), note_widget, self.message, self.join_box, self.work_box,
                          self.identity],
                         layout=widgets.Layout(max_width="640px", width="100%"))
        self.add_class("seci-workshop-participant")
        self.poller = LivePoller(self._version, self.refresh, interval=1.0, lock=self._lock)
        if live:
            self.poller.start()

    # -- identity ----------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_stored_token(self, token: str) -> None:
        if self.participant is not None:
            return
        try:
            participant = self.store.rejoin(token)
        except ValueError:  # an old or foreign token: forget it, show the join form
            self.identity.forget()
            return
        self._enter(participant)
        self.message.show("ok", f"Welcome back, {participant.display_name}.")

    def _enter(self, participant) -> None:
        with self._lock:
            self.participant = participant
            self.session = self.store.session(participant.session_id)
            self.join_box.layout.display = "none"
            self.work_box.layout.display = None
            self.refresh()

    def _on_anonymous(self, change) -> None:
        self.name.disabled = bool(change["new"])

    @safe_callback(lambda self: self.message)
    def _on_join(self, _button=None) -> None:
        if self.participant is not None:
            raise ValueError("You have already joined; leave this session first to join another.")
        name = None if self.anonymous.value else self.name.value
        if name is not None and not name.strip():
            raise ValueError("Enter a name, or tick “Join anonymously”.")
        participant = self.store.join(self.code.value, name)
        self.identity.save(participant.token)
        self._enter(participant)
        self.message.show("ok", f"You joined as {participant.display_name}.")

    @safe_callback(lambda self: self.message)
    def _on_leave(self, _button=None) -> None:
        self.identity.forget()
        self.participant = None
        self.session = None
        self.work_box.layout.display = "none"
        self.join_box.layout.display = None
        self.message.show("info", "You left the session on this device. Join again with a code.")

    # -- contributing ------------------------------------------------------------------------

    def _on_text(self, change) -> None:
        n = len(change["new"] or "")
        over = n > TEXT_MAX_CHARS
        self.text_count.value = f"{n} / {TEXT_MAX_CHARS} characters" + (" (too long: shorten it)" if over else "")
        if change["old"] and not change["new"]:
            return
        if not change["old"]:  # a new draft: a new idempotency key
            self._draft_key = uuid.uuid4().hex

    def _require(self):
        if self.participant is None:
            raise ValueError("Join the session first.")
        return self.participant

    @safe_callback(lambda self: self.message)
    def _on_send(self, _button=None) -> None:
        participant = self._require()
        text = self.text.value
        if not text.strip():
            if time.monotonic() - self._last_sent_at < _DOUBLE_CLICK_S:
                return  # the second click of a double click: already stored
            raise ValueError("Write something first.")
        session = self.store.session(participant.session_id)
        if not session.accepting:
            raise ValueError("No phase is open right now: wait for the facilitator. Your text is kept.")
        parent = self.builds_on.value or None
        source = (self.draws_on.value or None) if session.phase.takes_takeaways else None
        submission = self.store.submit(participant.token, text, self._draft_key, phase=session.phase,
                                       parent_id=parent, source_cluster_id=source)
        self._last_sent_at = time.monotonic()
        self.text.value = ""
        self._draft_key = uuid.uuid4().hex
        self.builds_on.value = 0
        self.refresh()
        self.message.show("ok", "Sent: it is on the group board." if submission.created else "Already sent.")

    @safe_callback(lambda self: self.message)
    def _on_vote(self, change) -> None:
        box = change["owner"]
        if getattr(box, "_seci_syncing", False):
            return
        participant = self._require()
        try:
            now = self.store.vote(participant.token, box._seci_cluster, on=bool(change["new"]))
        except ValueError:
            box._seci_syncing = True
            box.value = bool(change["old"])
            box._seci_syncing = False
            raise
        self.message.show("ok", "Vote counted." if now else "Vote taken back.")

    # -- views -------------------------------------------------------------------------------

    def _version(self):
        if self.participant is None:
            return None
        now = time.monotonic()
        if now - self._last_touch > HEARTBEAT_S:
            self._last_touch = now
            self.store.touch(self.participant.token)
        return self.store.version(self.participant.session_id)

    def refresh(self) -> None:
        """Re-read the session and bring the views up to date."""
        with self._lock:
            if self.participant is None:
                return
            sid = self.participant.session_id
            version = self.store.version(sid)
            session = self.session = self.store.session(sid)
            frame = self.store.contributions_frame(sid)
            phase = session.phase
            accepting = session.accepting
            takeaways = phase is not None and phase.takes_takeaways
            state = "open" if accepting else ("closed" if phase else "not started yet")
            self.header.value = (f"<h2>{html_text(session.title)}</h2><p>You are "
                                 f"<strong>{html_text(self.participant.display_name)}</strong> · round "
                                 f"{session.round} · {html_text(session.phase_label)} ({state})</p>")
            self.countdown.set(session.deadline if session.phase_open else None,
                               f"{session.phase_label}:" if phase else "Waiting for the facilitator")
            if accepting:
                prompt = phase_prompt(phase)
                if phase.takes_arc:
                    arc = self._my_arc()
                    if arc:
                        prompt += f" Your arc: “{arc}”."
                self.prompt.value = f'<p class="seci-prompt" style="font-size:1.1em">{html_text(prompt)}</p>'
            else:
                self.prompt.value = ("<p>No phase is open. Read the board; the facilitator will open the next "
                                     "phase soon. Anything you type is kept until you can send it.</p>")
            self.send_button.disabled = not accepting
            self.send_button.description = "Send take-away" if takeaways else "Send"
            current = frame[frame["round"] == session.round]
            earlier = current[current["phase"] != phase.value] if phase else current
            self.builds_on.options = [("(nothing in particular)", 0)] + [
                (f"{r.phase_label}: {one_line(r.text, 60)}", int(r.id)) for r in earlier.itertuples(index=False)]
            self.builds_on.layout.display = None if len(earlier) and accepting else "none"
            clusters = [c for c in self.store.clusters(sid) if c.round == session.round]
            self.draws_on.options = [("(no cluster)", 0)] + [(c.name, c.id) for c in clusters]
            self.draws_on.layout.display = None if takeaways and clusters and accepting else "none"
            voting = accepting and phase.takes_votes
            mine_votes = self.store.my_votes(self.participant.token) if clusters else set()
            self._sync_votes(clusters, mine_votes, voting)
            mine = frame[frame["participant_id"] == self.participant.id]
            self.mine.value = board_html(mine, empty="You have not sent anything yet.")
            self.board.value = board_html(current, empty="Nothing on the board in this round yet.")
            self.poller.seen(version)

    def _my_arc(self) -> str | None:
        for arc in self.store.arcs(self.participant.session_id):
            if self.participant.id in arc.harvesters:
                return arc.name
        return None

    def _sync_votes(self, clusters, mine: set[int], voting: bool) -> None:
        if [getattr(b, "_seci_cluster", None) for b in self.votes] != [c.id for c in clusters]:
            for box in self.votes:
                box.unobserve(self._on_vote, names="value")
            self.votes = []
            for cluster in clusters:
                box = widgets.Checkbox(indent=False, layout=full_width())
                box._seci_cluster = cluster.id
                box.observe(self._on_vote, names="value")
                self.votes.append(box)
            self.vote_box.children = [self.vote_intro, *self.votes]
        for box, cluster in zip(self.votes, clusters):
            box._seci_syncing = True
            box.description = f"{cluster.name} ({cluster.votes} vote{'s' if cluster.votes != 1 else ''})"
            box.value = cluster.id in mine
            box.disabled = not voting
            box._seci_syncing = False
        self.vote_box.layout.display = None if clusters and voting else "none"


def workshop_participant(store: WorkshopStore | None = None, **kwargs) -> WorkshopParticipant:
    """Build the participant dashboard (see :class:`WorkshopParticipant`); it is not displayed.

    Without ``store``, the database is ``$SECI_LAB_DB`` (set by ``seci-lab workshop``) or a
    private temporary one, with a note saying so.
    """
    return WorkshopParticipant(store, **kwargs)
