"""The facilitator's dashboard of a live workshop.

Opened by ``seci-lab workshop``, the kernel finds the session's join code and facilitator key
in its environment and starts on that session. Reached any other way (``seci-lab serve``,
JupyterLab), the page asks for the join code and the facilitator key before it does anything;
every action passes the key to the store, which checks it again (a visitor can forge widget
messages, docs/architecture.md). New sessions can be created only with the key from the environment or
on a private temporary database (a notebook run on its own).

The facilitator can rate any contribution (0-1) next to the moderation buttons: the rating
counts over participants' votes in the group's spiral, and the board's list, the spiral's table
and the exports say whose quality each contribution counts with.
"""

from __future__ import annotations

import os
import threading

import ipywidgets as widgets
import pandas as pd

from .. import figures
from ..env import FACILITATOR_KEY_ENV, JOIN_CODE_ENV, JOIN_URL_ENV
from ..escape import html_text
from ..exports.workshop import session_family, workshop_csv, workshop_excel, workshop_json, workshop_report_html
from ..model import Level, level_progress, simulate_spiral
from ..model.spiral_levels import circle, declaration_message
from ..model.contributions import check_quality, rating_note
from ..model.session_view import in_session_words, phase_status, trajectory_in_session_words
from ..model.workshop_votes import voting_phase_label
from ..model.workshop import Format, Scale
from ..store.workshop import WorkshopStore
from .copy_key import CopyKey
from .common import Message, frame_html, keep_choice, safe_callback
from .download import DownloadButton
from .plotly_widget import figure_widget
from .workshop_clusters import ClusterTools
from .workshop_live import LoopRefresh
from .spiral_progress import progress_html
from .workshop_common import (
    Countdown,
    LivePoller,
    board_html,
    declared_note,
    full_width,
    labelled,
    one_line,
    open_workshop_store,
    origin_html,
    qr_svg,
    room_link_html,
)

__all__ = ["WorkshopFacilitator", "workshop_facilitator"]


#: How often the page reads the session's version (one indexed read).
LIVE_INTERVAL_S = 0.15

#: Where a session created on this page keeps its key (never shown: the page may be projected).
KEY_KEPT = ("Its facilitator key is not shown, since this page may be on the projector: Copy key puts it on "
            "your clipboard to open the session elsewhere.")
#: ... and, for a session that follows the open one, where the page finds it again.
KEY_DERIVED = (" The key is derived from the key this dashboard was opened with, so a reload of this page "
               "opens the new session.")


def _option(row) -> str:
    state = " [hidden]" if bool(row.hidden) else (" [withdrawn]" if bool(row.withdrawn) else "")
    note = rating_note(str(getattr(row, "quality_source", "")))
    rated = f" (q {row.quality:.2f}, {note})" if note else ""
    return f"#{int(row.id)} {row.participant}: {one_line(row.text, 70)}{state}{rated}"


class WorkshopFacilitator(LoopRefresh, widgets.VBox):
    """The facilitator dashboard as one widget. Build it with :func:`workshop_facilitator`.

    Attributes tests use: ``store``, ``session`` (latest read, or None), ``key``, the controls
    (``access_code``, ``access_key``, ``access_button``, ``title``, ``join_code``, ``format``,
    ``create_button``, ``phase``, ``minutes``, ``open_button``, ``close_button``,
    ``next_round_button``, ``level_up_button``, ``moderate``, ``hide_button``,
    ``spiral_cluster``, ``spiral_title``, ``spiral_button``,
    ``restore_button``, ``rating``, ``rate_button``, ``unrate_button``, ``cluster_name``, ``cluster_button``,
    ``assign_item``,
    ``assign_cluster``, ``assign_button``, ``arc_name``, ``arc_button``, ``arc_person``,
    ``arc_choice``, ``arc_assign_button``), the views (``board``, ``counts``, ``figure``,
    ``spiral_table``, ``qr``, ``countdown``) and the downloads (``downloads``).
    """

    def __init__(self, store: WorkshopStore | None = None, *, key: str | None = None,
                 join_code: str | None = None, join_url: str | None = None, live: bool = True,
                 note: str = "", can_create: bool | None = None):
        if store is None:
            store, note = open_workshop_store()
            can_create = bool(note) if can_create is None else can_create
        self.store = store
        env_key = key if key is not None else os.environ.get(FACILITATOR_KEY_ENV, "")
        join_code = join_code if join_code is not None else os.environ.get(JOIN_CODE_ENV, "")
        self.join_url = join_url if join_url is not None else os.environ.get(JOIN_URL_ENV, "")
        self._env_key = env_key
        self.can_create = bool(env_key) or bool(can_create)
        self.session = None
        self.key = ""
        self._lock = threading.RLock()
        self._start_loop_refresh()
        self._order: list[int] = []  # contribution ids in the order the lists first showed them
        self._order_session: int | None = None
        self.message = Message()
        self.copy_key = CopyKey()
        note_widget = Message()
        if note:
            note_widget.show("info", note)

        # -- access (no key from the environment) and new sessions
        self.access_code = labelled(widgets.Text(placeholder="e.g. K7M3QX"), "Join code")
        self.access_key = labelled(widgets.Password(placeholder="printed by seci-lab workshop"), "Facilitator key")
        self.access_button = widgets.Button(description="Open session", button_style="primary",
                                            tooltip="Open the session with its facilitator key")
        self.access_box = widgets.VBox([
            widgets.HTML("<h3>Open a session</h3><p>Enter the session's join code and the facilitator "
                         "key printed when it was started.</p>"),
            self.access_code, self.access_key, self.access_button])
        self.title = labelled(widgets.Text(placeholder="e.g. Onboarding retrospective", layout=full_width()), "Title")
        self.join_code = labelled(widgets.Text(placeholder="optional, e.g. TEAM42"), "Join code")
        self.format = labelled(widgets.ToggleButtons(options=[(f.label, f.value) for f in Format], value=Format.SECI.value), "Format")
        self.format.style = {"description_width": "initial", "button_width": "auto"}
        self.create_button = widgets.Button(description="Create session", tooltip="Create a new session")
        self.create_box = widgets.VBox([widgets.HTML("<h3>New session</h3>"), self.title, self.join_code,
                                        self.format, self.create_button])
        self.create_box.layout.display = None if self.can_create else "none"

        # -- session header
        self.header = widgets.HTML()
        self.qr = widgets.HTML()
        self.room_link = widgets.HTML()
        self.countdown = Countdown()

        # -- phases
        self.phase = labelled(widgets.Dropdown(options=[("—", "")]), "Phase")
        self.minutes = labelled(widgets.BoundedFloatText(value=5, min=0, max=1440, step=1), "Minutes (0 = no timer)")
        self.open_button = widgets.Button(description="Open phase", button_style="success", tooltip="Open the chosen phase")
        self.close_button = widgets.Button(description="Close phase", button_style="warning", tooltip="Stop submissions")
        self.next_round_button = widgets.Button(description="Next round", tooltip="Start the next round")
        self.level_up_button = widgets.Button(description="Declare level-up",
                                              tooltip="The group carried its knowledge to a wider circle")
        self.counts = widgets.HTML()

        # -- board and moderation
        self.board = widgets.HTML()
        self.moderate = labelled(widgets.Dropdown(options=[], layout=full_width()), "Contribution")
        self.hide_button = widgets.Button(description="Hide", tooltip="Hide from the board and the spiral")
        self.restore_button = widgets.Button(description="Restore", tooltip="Show a hidden contribution again")
        self.rating = labelled(widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.05, readout_format=".2f",
                                                   continuous_update=False), "Your rating (0-1)")
        self.rate_button = widgets.Button(description="Rate", icon="star",
                                          tooltip="Rate the chosen contribution: your rating counts over the votes")
        self.unrate_button = widgets.Button(description="Clear rating", icon="undo",
                                            tooltip="Remove your rating: votes (or the default) count again")

        # -- clusters
        self.cluster_name = labelled(widgets.Text(placeholder="e.g. Shadowing works"), "Cluster name")
        self.cluster_button = widgets.Button(description="Create cluster", tooltip="Create a named cluster")
        self.assign_item = labelled(widgets.Dropdown(options=[], layout=full_width()), "Contribution")
        self.assign_cluster = labelled(widgets.Dropdown(options=[("(no cluster)", 0)]), "Cluster")
        self.assign_button = widgets.Button(description="Put in cluster", tooltip="Group the contribution")
        self.clusters_view = widgets.HTML()
        self.cluster_tools = ClusterTools(self)  # several at once, and the suggested clusters
        # -- a new spiral from a cluster (SECI-Spiral v2: knowledge at the group level seeds one)
        self.spiral_cluster = labelled(widgets.Dropdown(options=[("(no cluster yet)", 0)], layout=full_width()),
                                       "New spiral from")
        self.spiral_title = labelled(widgets.Text(placeholder="optional, e.g. Night shift team", layout=full_width()),
                                     "Its session title")
        self.spiral_button = widgets.Button(
            description="Start a new spiral", icon="share-alt",
            tooltip="Another team, or the next project, starts from the explicit knowledge of this cluster's round")
        self.spirals_view = widgets.HTML()
        self.spiral_box = widgets.VBox([
            widgets.HTML("<h3>A new spiral from a cluster</h3><p>Knowledge that reached the group level can "
                         "trigger a new spiral: another team, or the next project, starts from the explicit "
                         "knowledge created. It becomes a new session with its own join code and facilitator "
                         "key, drawn rising from this spiral at the end of the cluster's round.</p>"),
            self.spiral_cluster, self.spiral_title, self.spiral_button, self.spirals_view])
        self.cluster_heading = widgets.HTML("<h3>Clusters</h3>")  # named by the format's voting phase (_use)
        self.cluster_box = widgets.VBox([
            self.cluster_heading, self.cluster_name, self.cluster_button,
            self.assign_item, self.assign_cluster, self.assign_button, self.cluster_tools, self.clusters_view])

        # -- arcs (Collective Story Harvest)
        self.arc_name = labelled(widgets.Text(placeholder="e.g. What we learn about courage"), "Arc")
        self.arc_button = widgets.Button(description="Add arc", tooltip="Add a harvest arc")
        self.arc_person = labelled(widgets.Dropdown(options=[]), "Harvester")
        self.arc_choice = labelled(widgets.Dropdown(options=[("(none)", 0)]), "listens through")
        self.arc_assign_button = widgets.Button(description="Assign arc", tooltip="Assign the harvester to the arc")
        self.arcs_view = widgets.HTML()
        self.arc_box = widgets.VBox([
            widgets.HTML("<h3>Harvest arcs</h3>"), self.arc_name, self.arc_button, self.arc_person,
            self.arc_choice, self.arc_assign_button, self.arcs_view])

        # -- spiral (2-D live view, with its table equivalent)
        empty = simulate_spiral([], 1)
        self.trajectory = empty
        self.level = Level.INDIVIDUAL  # this session's spiral's level: the one ladder the page shows
        self.progress_view = widgets.HTML()
        self.figure = figure_widget(figures.spiral_top_view(empty, title="The group's spiral"))
        self.spiral_table = widgets.HTML()

        # -- exports
        self.downloads = [
            DownloadButton("CSV", "workshop.csv", "text/csv", self._csv_bytes, tooltip="Download the contributions as CSV"),
            DownloadButton("Excel", "workshop.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           self._excel_bytes, tooltip="Download an Excel workbook, one sheet per view"),
            DownloadButton("JSON", "workshop.json", "application/json", self._json_bytes,
                           tooltip="Download the whole session as JSON"),
            DownloadButton("HTML report", "workshop-report.html", "text/html", self._report_bytes,
                           tooltip="Download a standalone report with the animated spiral and the lineage of ideas"),
        ]

        self.session_box = widgets.VBox([
            self.header,
            widgets.HBox([self.qr, self.room_link], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HTML("<h3>Phases</h3>"),
            self.countdown,
            widgets.HBox([self.phase, self.minutes], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.open_button, self.close_button, self.next_round_button, self.level_up_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.counts,
            widgets.HTML("<h3>The group's spiral</h3>"),
            self.progress_view,
            self.figure,
            widgets.Accordion(children=[self.spiral_table], titles=("The spiral as a table",)),
            widgets.HTML("<h3>Board</h3>"),
            self.board,
            self.moderate,
            widgets.HBox([self.hide_button, self.restore_button, self.rating, self.rate_button, self.unrate_button],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.cluster_box,
            self.spiral_box,
            self.arc_box,
            widgets.HTML("<h3>Export</h3>"),
            widgets.HBox(self.downloads, layout=widgets.Layout(flex_flow="row wrap")),
        ])
        self.session_box.layout.display = "none"

        self.access_button.on_click(self._on_access)
        self.create_button.on_click(self._on_create)
        self.open_button.on_click(self._on_open_phase)
        self.close_button.on_click(self._on_close_phase)
        self.next_round_button.on_click(self._on_next_round)
        self.level_up_button.on_click(self._on_level_up)
        self.spiral_button.on_click(self._on_new_spiral)
        self.hide_button.on_click(self._on_hide)
        self.restore_button.on_click(self._on_restore)
        self.rate_button.on_click(self._on_rate)
        self.unrate_button.on_click(self._on_unrate)
        self.cluster_button.on_click(self._on_cluster)
        self.assign_button.on_click(self._on_assign)
        self.arc_button.on_click(self._on_arc)
        self.arc_assign_button.on_click(self._on_arc_assign)

        super().__init__([note_widget, self.message, self.copy_key, self.access_box, self.session_box, self.create_box],
                         layout=widgets.Layout(max_width="1100px"))
        self.add_class("seci-workshop-facilitator")
        self.poller = LivePoller(self._version, self._live, interval=LIVE_INTERVAL_S, lock=self._lock)
        if env_key and join_code:
            self._try_env_session(join_code, env_key)
        if live:
            self.poller.start()

    # -- access ------------------------------------------------------------------------------

    def _try_env_session(self, join_code: str, key: str) -> None:
        try:
            session = self.store.session_by_code(join_code)
        except ValueError as error:
            self.message.show("error", str(error))
            return
        if self.store.check_key(session.id, key):
            # A session created on this dashboard follows the started one: a reload opens the newest.
            latest = self.store.latest_session(session.id, key)
            self._use(latest, latest.key)
        else:
            self.message.show("error", "The facilitator key given at start does not match this session.")

    def _use(self, session, key: str) -> None:
        self.session, self.key = session, key
        self.access_box.layout.display = "none"
        self.session_box.layout.display = None
        self.phase.options = [(p.label, p.value) for p in session.phases]
        self.phase.value = (session.phase or session.phases[0]).value
        self.arc_box.layout.display = None if session.format is Format.CSH else "none"
        self.cluster_heading.value = f"<h3>Clusters ({html_text(voting_phase_label(session))})</h3>"
        # The code rides in the address's fragment (never sent to a server, never logged):
        # a phone that scans the QR code finds it filled in.
        address = f"{self.join_url}#code={session.join_code}"
        self.room_link.value = room_link_html(self.store, session, key, self.join_url)
        self.qr.value = (qr_svg(address) + f'<p>Join address: <code>{html_text(address)}</code></p>'
                         if self.join_url else "<p>Participants open the join address printed by seci-lab workshop and enter the join code.</p>")
        self.refresh()

    def _require(self) -> None:
        # The store checks the key again on every action; this gives a clearer message first.
        if self.session is None or not self.key:
            raise ValueError("Open a session with its join code and facilitator key first.")

    def _version(self):
        return None if self.session is None else self.store.version(self.session.id)

    @safe_callback(lambda self: self.message)
    def _on_access(self, _button=None) -> None:
        session = self.store.session_by_code(self.access_code.value)
        key = self.access_key.value.strip()
        if not key or not self.store.check_key(session.id, key):
            self.access_key.value = ""
            raise ValueError("That facilitator key does not open this session. Check the key printed at start.")
        self.access_key.value = ""
        self._use(session, key)
        self.message.show("ok", f"Session “{session.title}” is open on this page.")

    @safe_callback(lambda self: self.message)
    def _on_create(self, _button=None) -> None:
        if not self.can_create:  # the box is hidden; a forged click still gets nowhere
            raise ValueError("New sessions are created with the command seci-lab workshop.")
        title = self.title.value
        code = self.join_code.value.strip() or None
        follows = self.session is not None and bool(self.key)  # the open one's room continues
        if follows:
            session = self.store.follow_session(self.session.id, self.key, title, self.format.value, code)
        else:
            session = self.store.create_session(title, self.format.value, code)
        self._use(session, session.key)
        self.copy_key.offer(session.key, session.join_code)
        self.message.show("ok", f"Session created. Join code: {session.join_code}. {KEY_KEPT}"
                                + (KEY_DERIVED if follows else ""))

    # -- phases ------------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_open_phase(self, _button=None) -> None:
        self._require()
        minutes = float(self.minutes.value or 0)
        if not 0 <= minutes <= 1440:
            raise ValueError("The timer must be between 0 and 1440 minutes.")
        self.store.open_phase(self.session.id, self.key, self.phase.value, minutes or None)
        self.refresh()
        self.message.show("ok", f"{self.session.phase_label} is open.")

    @safe_callback(lambda self: self.message)
    def _on_close_phase(self, _button=None) -> None:
        self._require()
        self.store.close_phase(self.session.id, self.key)
        self.refresh()
        self.message.show("ok", "The phase is closed: no more submissions.")

    @safe_callback(lambda self: self.message)
    def _on_next_round(self, _button=None) -> None:
        self._require()
        self.store.next_round(self.session.id, self.key)
        self.refresh()
        self.phase.value = self.session.phases[0].value
        self.message.show("ok", f"Round {self.session.round} starts; open its first phase when ready.")

    @safe_callback(lambda self: self.message)
    def _on_level_up(self, _button=None) -> None:
        self._require()
        self.store.declare_level_up(self.session.id, self.key)
        self.refresh()
        # The spiral model judges the declaration at the end of the round: accepted, or "not
        # yet, because ..." when almost nothing is written down (docs/spiral-model.md).
        note = declared_note(self.trajectory, self.session.id, self.session.round)
        accepted, said = declaration_message(note, self.level, story_harvest=self.session.format is Format.CSH)
        self.message.show("ok" if accepted else "error", in_session_words(said, self.session))

    @safe_callback(lambda self: self.message)
    def _on_new_spiral(self, _button=None) -> None:
        self._require()
        cluster = self._selected(self.spiral_cluster, "cluster")
        new = self.store.start_spiral(self.session.id, self.key, cluster, self.spiral_title.value)
        self.spiral_title.value = ""
        self.refresh()
        self.copy_key.offer(new.key, new.join_code)
        self.message.show("ok", f"New spiral started as the session “{new.title}”. Join code: {new.join_code}. "
                                "Its facilitator key is shown once, on the Copy key button only: copy it now "
                                "and keep it where you keep passwords to open that session.")

    # -- moderation, clusters, arcs -----------------------------------------------------------

    def _selected(self, dropdown: widgets.Dropdown, what: str) -> int:
        value = dropdown.value
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"Choose a {what} first.")
        return value

    def _label(self, item: int) -> str:
        """How the lists name contribution ``item`` (messages say what an action touched)."""
        return next((label for label, value in self.moderate.options if value == item), f"#{item}")

    @safe_callback(lambda self: self.message)
    def _on_hide(self, _button=None) -> None:
        self._require()
        item = self._selected(self.moderate, "contribution")
        self.store.hide(self.session.id, self.key, item)
        self.refresh()
        self.message.show("ok", f"Hidden from the board and the spiral (kept in the exports): {self._label(item)}")

    @safe_callback(lambda self: self.message)
    def _on_restore(self, _button=None) -> None:
        self._require()
        item = self._selected(self.moderate, "contribution")
        self.store.restore(self.session.id, self.key, item)
        self.refresh()
        self.message.show("ok", f"Restored to the board: {self._label(item)}")

    @safe_callback(lambda self: self.message)
    def _on_rate(self, _button=None) -> None:
        self._require()
        quality = check_quality(self.rating.value, "Your rating")  # a forged value gets a message
        item = self._selected(self.moderate, "contribution")
        self.store.rate(self.session.id, self.key, item, quality)
        self.refresh()
        self.message.show("ok", f"Rated {quality:.2f}: it counts over the votes in the group's spiral. {self._label(item)}")

    @safe_callback(lambda self: self.message)
    def _on_unrate(self, _button=None) -> None:
        self._require()
        item = self._selected(self.moderate, "contribution")
        self.store.rate(self.session.id, self.key, item, None)
        self.refresh()
        self.message.show("ok", f"Your rating is cleared: the votes (or the default quality) count again. {self._label(item)}")

    @safe_callback(lambda self: self.message)
    def _on_cluster(self, _button=None) -> None:
        self._require()
        cluster = self.store.create_cluster(self.session.id, self.key, self.cluster_name.value)
        self.cluster_name.value = ""
        self.refresh()
        self.assign_cluster.value = cluster.id
        self.message.show("ok", f"Cluster “{cluster.name}” created.")

    @safe_callback(lambda self: self.message)
    def _on_assign(self, _button=None) -> None:
        self._require()
        item = self._selected(self.assign_item, "contribution")
        cluster = self.assign_cluster.value or None
        self.store.assign(self.session.id, self.key, item, cluster)
        self.refresh()
        self.message.show("ok", f"{'Grouped' if cluster else 'Taken out of its cluster'}: {self._label(item)}")

    @safe_callback(lambda self: self.message)
    def _on_arc(self, _button=None) -> None:
        self._require()
        arc = self.store.create_arc(self.session.id, self.key, self.arc_name.value)
        self.arc_name.value = ""
        self.refresh()
        self.message.show("ok", f"Arc “{arc.name}” added.")

    @safe_callback(lambda self: self.message)
    def _on_arc_assign(self, _button=None) -> None:
        self._require()
        person = self._selected(self.arc_person, "participant")
        self.store.assign_arc(self.session.id, self.key, person, self.arc_choice.value or None)
        self.refresh()
        self.message.show("ok", "Harvester assigned.")

    # -- views -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the session and bring every view up to date, the board first."""
        with self._lock:
            self._refresh_rest(self._refresh_board())

    def _header_html(self, session) -> str:
        """Title, join code, where the session stands (said once) and the spiral's level: the
        one ladder (its level, in the room's words of this format)."""
        return (
            f'<h2>{html_text(session.title)}</h2>'
            f'<p style="font-size:1.6em;margin:0.2em 0">Join code: <strong '
            f'style="letter-spacing:0.15em">{html_text(session.join_code)}</strong></p>'
            f"<p>{html_text(phase_status(session))} · "
            f"level: <strong>{html_text(self.level.label)}</strong> "
            f"({html_text(circle(self.level, story_harvest=session.format is Format.CSH))}; "
            f"{int(self.level) + 1} of {len(Level)})</p>" + origin_html(self.store.spiral_start(session.id)))

    def _refresh_board(self) -> pd.DataFrame | None:
        """The board, the header, the timer and the counts: what the room waits to see (returns
        the contributions read)."""
        if self.session is None:
            return None
        with self._lock:
            sid = self.session.id
            version = self.store.version(sid)
            session = self.session = self.store.session(sid)
            frame = self.store.contributions_frame(sid, include_hidden=True)
            current = frame[frame["round"] == session.round]
            self.board.value = board_html(current, show_hidden=True, empty="No contributions in this round yet.")
            people = self.store.participants(sid)
            active = self.store.active_participants(sid)
            counts = self.store.phase_counts(sid)
            self.header.value = self._header_html(session)
            self.countdown.set(session.deadline if session.phase_open else None,
                               f"{phase_status(session)}:" if session.phase else "No phase open")
            self.close_button.disabled = not session.phase_open
            self.level_up_button.disabled = session.scale == max(Scale)
            cells = "".join(f"<td>{counts.get(p.value, 0)}</td>" for p in session.phases)
            heads = "".join(f"<th scope='col'>{html_text(p.label)}</th>" for p in session.phases)
            names = ", ".join(html_text(p.display_name) for p in active[:40]) or "nobody yet"
            more = f" and {len(active) - 40} more" if len(active) > 40 else ""
            self.counts.value = (
                f"<table class='seci-counts'><caption>Contributions in round {session.round}</caption>"
                f"<tr>{heads}</tr><tr>{cells}</tr></table>"
                f"<p>{len(people)} joined; active in the last 2 minutes ({len(active)}): {names}{more}</p>")
            if hasattr(self, "poller"):
                self.poller.seen(version)
            return frame

    def _refresh_rest(self, frame: pd.DataFrame | None = None) -> None:
        """The moderation and cluster lists, the arcs, the spiral and its table (from ``frame``,
        the contributions just read, or a new read)."""
        if self.session is None:
            return
        with self._lock:
            self._rest_started()
            session = self.session
            sid = session.id
            if frame is None:
                frame = self.store.contributions_frame(sid, include_hidden=True)
            clusters = self.store.clusters(sid)
            # In the order this page first saw them, hidden and withdrawn ones included (and
            # marked): a contribution keeps its position as others arrive or leave. The page
            # sends a pick as a position, so a pick still in flight when a refresh lands names
            # the same one. (Not by id: on PostgreSQL a lower id can commit after a higher one.)
            if self._order_session != sid:
                self._order_session, self._order = sid, []
            rows = {int(r.id): r for r in frame.itertuples(index=False)}
            known = set(self._order)
            self._order.extend(i for i in rows if i not in known)
            options = [(_option(rows[i]), i) for i in self._order if i in rows]
            keep_choice(self.moderate, options)
            keep_choice(self.assign_item, options)
            round_clusters = [c for c in clusters if c.round == session.round]
            self.cluster_tools.show(frame, session)
            keep_choice(self.assign_cluster, [("(no cluster)", 0)] + [(c.name, c.id) for c in round_clusters])
            self.clusters_view.value = "<ul>" + "".join(
                f"<li>{html_text(c.name)}: {c.members} contribution{'s' if c.members != 1 else ''}, "
                f"{c.votes} vote{'s' if c.votes != 1 else ''}</li>" for c in round_clusters) + "</ul>"
            in_combination = session.phase is not None and session.phase.takes_votes
            self.cluster_box.layout.border = "2px solid #1e5e2f" if in_combination else ""
            if session.format is Format.CSH:
                people = self.store.participants(sid)
                arcs = self.store.arcs(sid)
                keep_choice(self.arc_person, [(p.display_name, p.id) for p in people])
                keep_choice(self.arc_choice, [("(none)", 0)] + [(a.name, a.id) for a in arcs])
                by_id = {p.id: p.display_name for p in people}
                self.arcs_view.value = "<ul>" + "".join(
                    f"<li>{html_text(a.name)}: "
                    f"{', '.join(html_text(by_id.get(h, '?')) for h in a.harvesters) or 'no harvester yet'}</li>"
                    for a in arcs) + "</ul>"
            starts = self.store.spiral_starts(sid)
            keep_choice(self.spiral_cluster, [("(no cluster yet)", 0)] + [
                (f"{c.name} (round {c.round})", c.id) for c in clusters] if clusters else [("(no cluster yet)", 0)])
            self.spirals_view.value = "<ul>" + "".join(
                f"<li>Session {start.session_id} from the cluster “{html_text(start.cluster_name)}” (round "
                f"{start.seed.round}, {html_text(Level(start.seed.level).label)} level)</li>" for start in starts) + "</ul>"
            trajectory = session_family(self.store, sid)
            self.trajectory = trajectory
            own = trajectory[trajectory["spiral"] == str(sid)] if len(trajectory) else trajectory
            level = Level(int(own["level"].iloc[-1])) if len(own) else Level.INDIVIDUAL
            if level != self.level:  # the header names the level: keep it in step
                self.level = level
                self.header.value = self._header_html(session)
            # In the session's words: a Story Harvest's steps are its phases, not SECI's modes.
            self.progress_view.value = in_session_words(progress_html(level_progress(own), heading="Next level"), session)
            named = trajectory_in_session_words(trajectory, session)
            figures.update_figure_widget(self.figure, named, title="The group's spiral")
            self.spiral_table.value = frame_html(figures.spiral_table(named), "The group's spiral, step by step")

    # -- exports -----------------------------------------------------------------------------

    def _export_id(self) -> int:
        self._require()
        return self.session.id

    def _csv_bytes(self) -> bytes:
        return workshop_csv(self.store, self._export_id())

    def _excel_bytes(self) -> bytes:
        return workshop_excel(self.store, self._export_id())

    def _json_bytes(self) -> bytes:
        return workshop_json(self.store, self._export_id())

    def _report_bytes(self) -> bytes:
        return workshop_report_html(self.store, self._export_id()).encode("utf-8")


def workshop_facilitator(store: WorkshopStore | None = None, **kwargs) -> WorkshopFacilitator:
    """Build the facilitator dashboard (see :class:`WorkshopFacilitator`); it is not displayed.

    Without ``store``, the database is ``$SECI_LAB_DB`` (set by ``seci-lab workshop``) or a
    private temporary one; the session and key come from the environment when present.
    """
    return WorkshopFacilitator(store, **kwargs)
