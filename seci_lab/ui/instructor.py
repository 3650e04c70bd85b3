"""The instructor dashboard: load a class's hand-ins, read where it struggles, export grades.

The page only wires widgets to :mod:`seci_lab.classroom` (loading, analysis, charts, exports): a
source chooser (the hub's hand-in service at ``$SECI_LAB_HANDIN_SERVICE``, the class store at
``$SECI_LAB_CLASS_DB``, a folder on the server, or uploaded files), a Load button with a progress bar, then one tab per view. Every table is built from a
DataFrame with :func:`seci_lab.exports.html_table`, so learner text is shown as text; charts come
from :mod:`seci_lab.classroom.charts`, the same as in the HTML class report, as plain
``go.Figure`` objects placed in ``Output`` widgets from callbacks (docs/architecture.md: no output filled
while the notebook first runs, one plotly.js per page).

Ratings: on the Learner tab the instructor rates any of the learner's answers or contributions
(0-1), or clears a rating. The rating overrides the rubric's quality (and the learner's own
rating) in every class view and export: rubric scores, the class spiral, the gradebook, the
Excel workbook and the HTML report. It is stored with a class store in the class store, where
the learner's pages show it on their next load; otherwise in the instructor's own database.

Access: when ``$SECI_LAB_INSTRUCTOR_KEY`` is set, the page asks for that key before it loads
anything, and every load and export checks again in Python (a Voila visitor can forge widget
messages, docs/architecture.md). When the server listens beyond loopback (``$SECI_LAB_OFF_LOOPBACK``,
set by ``seci-lab serve``) and no key is set, the page stays shut and says how to set one.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from ..env import CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV, OFF_LOOPBACK_ENV
from ..escape import html_text
from ..exports import utc_text
from .common import Message, count, frame_html, safe_callback, uploaded_files
from .common import labelled as _labelled
from .download import DownloadButton
from .instructor_views import INSTRUCTOR_CSS as _CSS
from .instructor_views import PAGE_ROWS, PagedTable, figure_json_size, figure_output
from .instructor_overview import GradesTab, overview_html
from .learning_tab import LearningTab
from .teacher_kit import teacher_kit

__all__ = [
    "PAGE_ROWS",
    "InstructorPage",
    "PagedTable",
    "frame_html",
    "instructor_page",
]

log = logging.getLogger(__name__)


ASSIGNMENT_MAX_CHARS = 100
POINTS_MIN, POINTS_MAX = 0.5, 10_000
UPLOAD_MAX_BYTES = 100 * 1024 * 1024  # all uploaded files together; the loader caps each file
#: Above this much figure JSON, the class spiral is shown from above (2-D) rather than as an
#: animated 3-D figure, so the page stays responsive on the projector's laptop.
SPIRAL_JSON_LIMIT = 3_000_000
_PROGRESS_UPDATES = 50  # at most this many progress-bar messages per load

_SOURCES = {
    "service": "Hand-in service (this JupyterHub)",
    "store": "Class store (hand-ins on this server)",
    "folder": "Folder on the server",
    "upload": "Upload files or a zip",
}
_TABS = ("Overview", "Grades", "Completion", "Quiz", "Rubric", "Learning", "Class spiral", "Learner", "Search",
         "Export")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def _full() -> widgets.Layout:
    return widgets.Layout(width="100%")



class InstructorPage(widgets.VBox):
    """The instructor dashboard as one widget. Build it with :func:`instructor_page`.

    Attributes tests use: the controls (``key``, ``unlock_button``, ``source``, ``folder``,
    ``upload``, ``load_button``, ``progress``, ``message``, ``tabs``, ``learner``,
    ``search_text``, ``search_button``, ``assignment``, ``downloads`` keyed "canvas", "moodle",
    "excel", "report"), the views (``overview``, ``problems``, ``completion``,
    ``completion_modes``, ``completion_chart``, ``items``, ``wrong``, ``rubric_chart``,
    ``rubric_summary``, ``learning`` (the Learning tab), ``spiral_out``, ``spiral_table``, ``learner_summary``,
    ``learner_answers``, ``learner_contributions``, ``learner_spiral``, ``learner_spiral_table``, ``search_results``),
    the rating controls (``rate_item``, ``rate_value``, ``rate_button``, ``clear_rating_button``,
    ``rating_note``) and the state (``loaded``: the ClassLoad, ``data``: the ClassData,
    ``rendered``: tabs filled).
    """

    def __init__(self, folder: str | None = None, *, key: str | None = None):
        from ..classroom.handin_client import service_url
        from ..store.classroom import class_store_url

        self._lock = threading.RLock()
        self._key = key if key is not None else os.environ.get(INSTRUCTOR_KEY_ENV, "")
        # Off loopback, anyone on the network could open this page: without a key it stays shut.
        self.needs_key = not self._key and os.environ.get(OFF_LOOPBACK_ENV, "") == "1"
        self.unlocked = not self._key and not self.needs_key
        self.store_url = class_store_url()
        self.service_url = service_url()
        self._service_scores = None  # the rubric scores the hand-in service computed, with its class
        self.loaded = None
        self.data = None
        self.class_trajectory: pd.DataFrame | None = None
        self.spiral_kind = ""
        self.rendered: set[str] = set()
        self._filling = False
        self.message = Message()

        # -- access (only with an instructor key) ------------------------------------------
        self.key = _labelled(widgets.Password(placeholder="given by whoever set up the server"),
                             "Instructor key")
        self.unlock_button = widgets.Button(description="Open the dashboard", button_style="primary",
                                            tooltip="Check the instructor key")
        self.access_box = widgets.VBox([
            widgets.HTML("<h3>Instructor access</h3><p>This dashboard shows every learner's work. "
                         "Enter the instructor key set on this server to open it.</p>"),
            self.key, self.unlock_button])

        # -- source ------------------------------------------------------------------------
        offered = {"service": bool(self.service_url), "store": bool(self.store_url)}
        options = [(label, value) for value, label in _SOURCES.items() if offered.get(value, True)]
        default_folder = folder if folder is not None else os.environ.get(CLASS_DIR_ENV, "")
        initial = next(value for value in ("service", "store", "folder") if offered.get(value, True))
        self.source = _labelled(widgets.RadioButtons(options=options, value=initial), "Load the class from")
        self.folder = _labelled(widgets.Text(value=default_folder,
                                             placeholder="e.g. /srv/course/hand-ins", layout=_full()),
                                "Folder path")
        self.upload = widgets.FileUpload(accept=".json,.zip", multiple=True,
                                         description="Choose hand-in files (.json or .zip)",
                                         layout=widgets.Layout(width="auto"))
        self.upload.tooltip = "Choose the hand-in files, or the zip of a Canvas or Moodle bulk download"
        self.load_button = widgets.Button(description="Load the class", button_style="primary",
                                          icon="upload", tooltip="Read every hand-in from the chosen source")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Reading",
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="60%"))
        self.progress_label = widgets.Label("")
        self.source_note = widgets.HTML()
        self.roster_upload = widgets.FileUpload(accept=".csv", multiple=False,
                                                description="Load the LMS roster (.csv)",
                                                layout=widgets.Layout(width="auto"))
        self.roster_upload.tooltip = "The gradebook or participants CSV exported from Canvas or Moodle"
        self.roster = None  # optional: checks uploaders when loading, and the gradebook's rows
        # In an accordion that folds once a class is loaded, so the tabs come up on the projector.
        self.source_box = widgets.Accordion(children=[widgets.VBox([
            self.source, self.source_note, self.folder, self.upload, self.roster_upload, self.load_button,
            widgets.HBox([self.progress, self.progress_label],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
        ])], titles=("Where the hand-ins are",), selected_index=0)

        # -- views -------------------------------------------------------------------------
        self.overview = widgets.HTML()
        self.problems = PagedTable("Files skipped, migrated, replaced or in conflict, with the reason",
                                   empty="every file was read as it is.")
        self.problems_box = widgets.Accordion(children=[self.problems], titles=("Files not read as they are",),
                                              selected_index=None)  # folded under the cards, with a count
        self.grades_tab = GradesTab()
        self.completion_modes = widgets.HTML()
        self.completion_chart = widgets.Output()
        self.completion = PagedTable("Completion per learner (share of each mode done, 0–1)")
        self.items = PagedTable("Quiz items, hardest first")
        self.wrong = PagedTable("The most common wrong answers (the class's misconceptions)")
        self.rubric_chart = widgets.Output()
        self.rubric_summary = widgets.HTML()
        self.learning = LearningTab()  # the pre/post diagnostic (ui/learning_tab.py)
        self.spiral_note = widgets.HTML()
        self.spiral_progress = widgets.HTML()  # the next level's conditions, as on the learners' pages
        self.spiral_out = widgets.Output()
        self.spiral_table = widgets.HTML()
        self.learner = _labelled(widgets.Dropdown(options=[], layout=_full()), "Learner")
        self.learner_summary = widgets.HTML()
        self.learner_answers = PagedTable("Answers and feedback")
        self.learner_contributions = PagedTable("Contributions to the spiral", empty="none.")
        self.learner_spiral = widgets.Output()
        self.learner_spiral_table = widgets.HTML()
        self._make_rating_controls()
        self._ratings = None  # InstructorRatings, opened when first needed
        self._scores = None  # RubricScores of the instructor's own database, opened when first needed
        self.ratings_problem = ""
        self.search_text = _labelled(widgets.Text(placeholder="a word or phrase, e.g. apprentice",
                                                  layout=widgets.Layout(width="60%")),
                                     "Search all answers and contributions")
        self.search_button = widgets.Button(description="Search", icon="search",
                                            tooltip="Search every learner's answers and contributions")
        self.search_results = PagedTable("Search results", empty="no answer or contribution contains it.")
        self.assignment = _labelled(widgets.Text(value="SECI lab", layout=widgets.Layout(width="60%")),
                                    "Assignment name in the gradebook")
        self.assignment_note = widgets.HTML()
        self.points = _labelled(widgets.BoundedFloatText(value=100, min=POINTS_MIN, max=POINTS_MAX, step=1,
                                                         layout=widgets.Layout(width="14em")),
                                "Points possible")
        self.moodle_identity = _labelled(widgets.Dropdown(options=[("ID number", "idnumber"),
                                                                   ("Email address", "email")],
                                                          value="idnumber"),
                                         "Moodle: identify users by")
        self.leave_out = widgets.Checkbox(value=True, description="Leave out learners who are not in the roster",
                                          indent=False, layout=widgets.Layout(width="auto"))
        self.roster_note = widgets.HTML()
        self.downloads = self._download_buttons()

        spiral_accordion = widgets.Accordion(children=[self.spiral_table], titles=("The class spiral as a table",))
        spiral_accordion.selected_index = None
        learner_accordion = widgets.Accordion(children=[self.learner_spiral_table],
                                              titles=("This learner's spiral as a table",))
        learner_accordion.selected_index = None
        pages = {
            "Overview": widgets.VBox([self.overview, self.problems_box]),
            "Grades": self.grades_tab,
            "Completion": widgets.VBox([self.completion_modes, self.completion_chart, self.completion]),
            "Quiz": widgets.VBox([self.items, self.wrong]),
            "Rubric": widgets.VBox([self.rubric_chart, self.rubric_summary]),
            "Learning": self.learning,
            "Class spiral": widgets.VBox([self.spiral_note, self.spiral_progress, self.spiral_out, spiral_accordion]),
            "Learner": widgets.VBox([self.learner, self.learner_summary,
                                     widgets.HTML("<h4>Rate this learner's work</h4>"), self.rate_item,
                                     widgets.HBox([self.rate_value, self.rate_button, self.clear_rating_button],
                                                  layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
                                     self.rating_note, self.learner_answers,
                                     self.learner_contributions, self.learner_spiral, learner_accordion]),
            "Search": widgets.VBox([widgets.HBox([self.search_text, self.search_button],
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.search_results]),
            "Export": widgets.VBox([
                widgets.HTML("<p>Files are made from the class loaded above when you press a button. "
                             "The gradebook has one row per learner and a grade out of the points possible; "
                             "the README (“Teaching a class”) gives the import steps for Canvas and Moodle. "
                             "In Moodle, create the grade item first, with maximum = the points.</p>"),
                self.assignment, self.assignment_note, self.points, self.moodle_identity,
                widgets.HBox([self.roster_upload, self.leave_out], layout=widgets.Layout(flex_flow="row wrap")),
                self.roster_note,
                widgets.HBox(list(self.downloads.values()), layout=widgets.Layout(flex_flow="row wrap"))]),
        }
        self.tabs = widgets.Tab(children=list(pages.values()), titles=list(pages))
        self._tab_pages = pages
        self.tabs.layout.display = "none"
        for button in self.downloads.values():
            button.disabled = True

        self.source.observe(self._on_source, "value")
        self.unlock_button.on_click(self._on_unlock)
        self.load_button.on_click(self._on_load)
        self.learner.observe(self._on_learner, "value")
        self.rate_item.observe(self._on_rate_item, "value")
        self.rate_button.on_click(self._on_rate)
        self.clear_rating_button.on_click(self._on_clear_rating)
        self.search_button.on_click(self._on_search)
        self.tabs.observe(self._on_tab, "selected_index")
        self.assignment.observe(self._on_assignment, "value")
        self.roster_upload.observe(self._on_roster, "value")
        self.leave_out.observe(self._on_roster_choice, "value")
        self.moodle_identity.observe(self._on_roster_choice, "value")
        self._show_assignment_note()

        # Only what can be used is in the page: a hidden control first in the page would be the
        # first thing a keyboard or a test reaches.
        self._style = widgets.HTML(_CSS)
        self.kit = teacher_kit(self)  # a sample class, slides (seci_lab/ui/teacher_kit.py)
        super().__init__(self._children(), layout=widgets.Layout(max_width="1200px"))
        self.add_class("seci-instructor")
        self._show_source()
        if self.unlocked:
            self.message.show("info", "Load a class to start: choose where the hand-ins are, then press "
                                      "“Load the class”.")

    def _make_rating_controls(self) -> None:
        """The Learner tab's rating controls (their callbacks are wired in ``__init__``)."""
        self.rate_item = _labelled(widgets.Dropdown(options=[], layout=_full()), "Rate")
        self.rate_value = _labelled(widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.05, readout_format=".2f",
                                                        continuous_update=False), "Your rating (0–1)")
        self.rate_button = widgets.Button(description="Save rating", button_style="primary", icon="check",
                                          tooltip="Rate this answer or contribution: it overrides the rubric's quality, "
                                                  "and whether an exercise counts as done (above 0 counts)")
        self.clear_rating_button = widgets.Button(description="Clear my rating", icon="undo",
                                                  tooltip="Remove your rating: the rubric's quality counts again")
        self.rating_note = widgets.HTML()

    def _download_buttons(self) -> dict[str, DownloadButton]:
        return {
            "canvas": DownloadButton("Gradebook for Canvas (CSV)", "seci-lab-gradebook-canvas.csv", "text/csv",
                                     lambda: self._gradebook("canvas"),
                                     tooltip="Import in Canvas: Grades, Import"),
            "moodle": DownloadButton("Gradebook for Moodle (CSV)", "seci-lab-gradebook-moodle.csv", "text/csv",
                                     lambda: self._gradebook("moodle"),
                                     tooltip="Import in Moodle: Grades, Import, CSV file"),
            "excel": DownloadButton("Excel workbook", "seci-lab-class.xlsx", _XLSX, self._workbook,
                                    tooltip="Every view of this dashboard, one sheet each"),
            "report": DownloadButton("HTML class report", "seci-lab-class-report.html", "text/html",
                                     self._report, tooltip="A standalone page that opens offline"),
        }

    # -- access and source ---------------------------------------------------------------------

    def _children(self) -> list[widgets.Widget]:
        if self.needs_key:
            return [self._style, self.message, widgets.HTML(
                "<h3>Instructor access</h3><p>This server can be reached from other computers, and this "
                "dashboard shows every learner's work, so it opens only with an instructor key. Whoever runs "
                f"the server sets one: <code>{INSTRUCTOR_KEY_ENV}=...</code> in the environment of "
                "<code>seci-lab serve</code>, then restarts it.</p>")]
        if not self.unlocked:
            return [self._style, self.message, self.access_box]
        return [self._style, self.message, self.source_box, self.kit, self.kit.sample.banner, self.tabs]

    def _require_unlocked(self) -> None:
        if not self.unlocked:
            raise ValueError("Enter the instructor key first.")

    def _require_data(self):
        self._require_unlocked()
        if self.data is None:
            raise ValueError("Load a class first.")
        return self.data

    @safe_callback(lambda self: self.message)
    def _on_unlock(self, _button=None) -> None:
        given = self.key.value.strip()
        self.key.value = ""
        if not self._key or not given or not hmac.compare_digest(given.encode(), self._key.encode()):
            raise ValueError("That is not the instructor key of this server.")
        self.unlocked = True
        self.children = self._children()
        self.message.show("info", "Load a class to start: choose where the hand-ins are, then press "
                                  "“Load the class”.")

    @safe_callback(lambda self: self.message)
    def _on_source(self, _change=None) -> None:
        self._show_source()

    def _show_source(self) -> None:
        source = self.source.value
        self.folder.layout.display = None if source == "folder" else "none"
        self.upload.layout.display = None if source == "upload" else "none"
        if source == "service":
            self.source_note.value = ("<p>The hand-ins learners sent with the <em>Hand in</em> button on this "
                                      "JupyterHub, with the scores the hand-in service gave each on arrival "
                                      "(the latest hand-in of each learner counts).</p>")
        elif source == "store":
            self.source_note.value = ("<p>The hand-ins learners sent with the <em>Hand in</em> button of a "
                                      "lesson on this server (the latest hand-in of each learner counts).</p>")
        elif source == "folder":
            self.source_note.value = ("<p>A folder on the computer running this dashboard, holding the "
                                      "hand-in files (<code>.json</code>) or the zip of an LMS bulk "
                                      "download; sub-folders are read too.</p>")
        else:
            self.source_note.value = ("<p>Choose the hand-in files learners uploaded to the LMS, or the zip "
                                      "of a Canvas or Moodle bulk download.</p>")

    # -- loading -------------------------------------------------------------------------------

    def _on_progress(self, done: int, total: int) -> None:
        # Called by the loader for every file: send at most ~50 updates to the browser.
        done, total = int(done), int(total)
        step = max(1, total // _PROGRESS_UPDATES)
        if done in (0, total) or done % step == 0:
            self.progress.max = max(1, total)
            self.progress.value = min(done, self.progress.max)
            self.progress_label.value = f"{done} of {total} hand-ins read" if total else "no files found"

    def _read_source(self):
        from ..classroom import load_files, load_folder

        source = self.source.value
        self._service_scores = None
        if source == "service":
            return self._read_service(), "the hand-in service"
        if source == "store":
            if not self.store_url:  # not offered then; a forged value gets this
                raise ValueError(f"No class store is configured on this server ({CLASS_DB_ENV}).")
            from sqlalchemy.exc import SQLAlchemyError

            from ..store.classroom import ClassStore

            try:
                store = ClassStore(self.store_url)
                try:
                    return store.load(progress=self._on_progress), "the class store"
                finally:
                    store.engine.dispose()
            except SQLAlchemyError as error:
                log.warning("class store unreachable: %s", error)
                raise ValueError(f"The class store cannot be reached right now ({CLASS_DB_ENV}). Try again "
                                 "in a moment, or load the hand-in files from a folder.") from None
        if source == "folder":
            text = self.folder.value.strip()
            if not text:
                raise ValueError("Type the folder that holds the hand-in files.")
            path = Path(text).expanduser()
            if not path.is_dir():
                raise ValueError(f"There is no folder “{text}” on this server. Check the path "
                                 "(it is a folder on the computer running the dashboard).")
            return load_folder(path, progress=self._on_progress, roster=self.roster), f"the folder {text}"
        if source == "upload":
            files = uploaded_files(self.upload.value)
            if sum(len(data) for _, data in files) > UPLOAD_MAX_BYTES:
                raise ValueError(f"The uploaded files are over {UPLOAD_MAX_BYTES // 2**20} MB together: "
                                 "put them in a folder on the server and load that folder instead.")
            if not files:
                raise ValueError("Choose the hand-in files (or a zip) first, then press “Load the class”.")
            return (load_files(files, progress=self._on_progress, roster=self.roster),
                    count(len(files), "uploaded file"))
        raise ValueError("Choose where to load the class from.")

    def _read_service(self):
        from ..classroom.handin_client import HandInService, ServiceRefused

        if not self.service_url:  # not offered then; a forged value gets this
            raise ValueError("This server has no hand-in service.")
        try:
            loaded, self._service_scores = HandInService(self.service_url).load(progress=self._on_progress)
        except ServiceRefused as error:
            raise ValueError(f"The hand-in service refused: {error}") from None
        except (OSError, ValueError) as error:
            log.warning("hand-in service unreachable: %s", error)
            raise ValueError("The hand-in service cannot be reached right now. Try again in a moment.") from None
        return loaded

    @safe_callback(lambda self: self.message)
    def _on_load(self, _button=None) -> None:
        self._require_unlocked()
        if not self._lock.acquire(blocking=False):
            raise ValueError("A class is being loaded already; wait for it to finish.")
        try:
            self.load_button.disabled = True
            self.progress.value = 0
            self.progress_label.value = "Reading…"
            self.message.show("info", "Reading the hand-ins…")
            loaded, where = self._read_source()
            if self.progress_label.value == "Reading…":  # the source reported no progress
                self.progress.value = self.progress.max
                self.progress_label.value = "done"
            self.kit.sample.leave()  # a real class never shows on the sample's stores
            self.show_class(loaded)
            n = len(loaded.submissions)
            problems = 0 if loaded.problems is None else len(loaded.problems)
            note = f" {count(problems, 'file')} listed under Overview with the reason." if problems else ""
            note += f" {self.ratings_problem}" if self.ratings_problem else ""
            if n:
                self.source_box.selected_index = None
                self.message.show("ok", f"Loaded {count(n, 'learner')} from {where}.{note} Open “Where the hand-ins are” "
                                        "to load another.")
            else:
                self.message.show("error", f"No hand-ins were found in {where}.{note}")
        finally:
            self.load_button.disabled = False
            self._lock.release()

    def show_class(self, loaded) -> None:
        """Show a loaded class (a ``ClassLoad``): analyse it and fill every view.

        The class spiral is built when its tab is first opened (it is the slowest view); call
        :meth:`render_all` to fill it at once.
        """
        from ..classroom.analysis import ClassData

        self._require_unlocked()
        self.loaded = loaded
        self.data = ClassData.from_submissions(loaded.submissions, self._read_ratings(), self._score_store())
        self.rendered = set()
        self._clear_views()
        self._render_overview()
        self._show_roster()
        self.tabs.layout.display = None
        for button in self.downloads.values():
            button.disabled = not loaded.submissions
        if not loaded.submissions:
            return
        self._render("Completion")
        self._render("Quiz")
        self._render("Rubric")
        self._render("Learner")
        self._render("Search")
        self._render(_TABS[self.tabs.selected_index or 0])

    def _clear_views(self) -> None:
        """Empty every view, so nothing of a previously loaded class stays on screen."""
        for out in (self.completion_chart, self.rubric_chart, self.spiral_out, self.learner_spiral):
            out.outputs = ()
        for html in (self.completion_modes, self.rubric_summary, self.spiral_note, self.spiral_progress, self.spiral_table,
                     self.learner_summary, self.learner_spiral_table):
            html.value = ""
        for table in (self.completion, self.items, self.wrong, self.learner_answers, self.learner_contributions,
                      self.search_results):
            table.set(None)
        self._filling = True
        try:
            self.learner.options = []
        finally:
            self._filling = False
        self.class_trajectory = None
        self.spiral_kind = ""
        self.learning.clear()

    def render_all(self) -> None:
        """Fill every tab now (tests, benchmarks, and before a screenshot)."""
        for name in _TABS:
            self._render(name)

    @safe_callback(lambda self: self.message)
    def _on_tab(self, change) -> None:
        index = change["new"]
        if self.data is not None and isinstance(index, int) and 0 <= index < len(_TABS):
            self._render(_TABS[index])

    def _render(self, name: str) -> None:
        if self.data is None or name in self.rendered or not self.loaded.submissions:
            return
        {
            "Overview": self._render_overview,
            "Grades": lambda: self.grades_tab.show(self.data, self._scheme()),
            "Completion": self._render_completion,
            "Quiz": self._render_quiz,
            "Rubric": self._render_rubric,
            "Learning": lambda: self.learning.show(self.data),
            "Class spiral": self._render_spiral,
            "Learner": self._render_learners,
            "Search": lambda: None,
            "Export": lambda: None,
        }[name]()
        self.rendered.add(name)

    # -- views ---------------------------------------------------------------------------------

    def _render_overview(self) -> None:
        problems = self.loaded.problems if self.loaded.problems is not None else pd.DataFrame()
        self.overview.value = overview_html(self.data, problems, self._scheme())
        self.problems.set(problems)
        self.problems_box.set_title(0, f"Files not read as they are ({len(problems)})")
        self.rendered.add("Overview")

    def _scheme(self):
        """The grade scheme of the Export tab's points (the default points while they are not valid)."""
        from ..classroom.analysis import GradeScheme
        try:
            return GradeScheme(points=self._points())
        except ValueError:
            return GradeScheme()

    def _render_completion(self) -> None:
        from ..classroom.charts import completion_figure

        data = self.data
        by_mode = data.completion_by_mode()
        self.completion_modes.value = frame_html(by_mode, "Completion per mode")
        self.completion.set(data.completion())
        fig = completion_figure(by_mode)
        if fig is not None:
            figure_output(self.completion_chart, fig, "Bar chart of completion per mode; the table above has the same data.")

    def _render_quiz(self) -> None:
        self.items.set(self.data.item_difficulty())
        self.wrong.set(self.data.wrong_answers())

    def _render_rubric(self) -> None:
        from ..classroom.charts import rubric_figure

        summary = self.data.rubric_summary()
        self.rubric_summary.value = frame_html(summary,
                                               "Rubric scores per exercise (0–1): count, mean, median, quartiles",
                                               empty="no exercise answer has a rubric score yet.")
        fig = rubric_figure(summary)
        if fig is not None:
            figure_output(self.rubric_chart, fig, "Box plots of rubric scores per exercise; the table below "
                                                   "has the same data.")

    def _render_spiral(self) -> None:
        from .. import figures
        from ..model import level_progress
        from .spiral_progress import progress_html

        trajectory = self.data.class_trajectory()
        self.class_trajectory = trajectory
        title = "The class's knowledge spiral"
        fig = figures.spiral_figure(trajectory, animated=True, title=title)
        size = figure_json_size(fig)
        kind = "animated"
        if size > SPIRAL_JSON_LIMIT:
            fig = figures.spiral_top_view(trajectory, title=title)
            kind = "top"
        self.spiral_kind = kind
        n = len(self.data.contributions)
        learners = len(self.data.learners)
        self.spiral_note.value = (
            f"<p>All {n} contributions of the {learners} learners, simulated as one group of {learners} "
            "people with the same model as the learners' pages (SECI-Spiral v2). A round is one pass "
            "through the four mode lessons: round 1 holds every learner's first pass, round 2 the "
            "second pass of those who went round again. "
            + ("Press Play to watch it grow round by round; hover a point to read contributions."
               if kind == "animated" else
               "The class is large, so the spiral is shown from above (2-D) to keep this page quick.")
            + " The table below has the same data.</p>")
        self.spiral_progress.value = progress_html(level_progress(trajectory), heading="The class's next level")
        figure_output(self.spiral_out, fig, "The class spiral; the table below has the same data.")
        self.spiral_table.value = frame_html(self.data.class_spiral_table(), "The class spiral, step by step",
                                             empty="no contributions yet.")

    def _render_learners(self) -> None:
        learners = self.data.learners
        options = [(f"{row.name} ({row.learner_id})" if row.name else str(row.learner_id), str(row.learner_id))
                   for row in learners.sort_values(["name", "learner_id"]).itertuples(index=False)]
        self._filling = True
        try:
            self.learner.options = options
            self.learner.value = options[0][1] if options else None
        finally:
            self._filling = False
        self.show_learner(self.learner.value)

    @safe_callback(lambda self: self.message)
    def _on_learner(self, change) -> None:
        if self.data is not None and change["new"] is not None and not self._filling:
            self.show_learner(change["new"])

    def show_learner(self, learner_id: str | None) -> None:
        """Show one learner's work, feedback and spiral."""
        from .. import figures

        data = self._require_data()
        if learner_id is None:
            return
        known = set(data.learners["learner_id"].astype(str))
        if str(learner_id) not in known:  # a forged value
            raise ValueError("Choose a learner from the list.")
        view = data.learner(str(learner_id))
        sub = view.submission
        migrated = (f" · migrated from {html_text(sub.migrated_from)}" if sub.migrated_from else "")
        email = f" · {html_text(sub.email)}" if sub.email else ""
        self.learner_summary.value = (
            f"<h3>{html_text(sub.name or sub.learner_id)}</h3>"
            f"<p>Learner id: <code>{html_text(sub.learner_id)}</code>{email} · handed in "
            f"{html_text(utc_text(sub.handed_in_at))} · round {int(sub.round)} · from "
            f"{html_text(sub.source)}{migrated}</p>"
            f"<p>{count(len(view.answers), 'answer')}, {count(len(view.contributions), 'contribution')} to the spiral.</p>")
        self.learner_answers.set(view.answers_with_feedback(),
                                 caption=f"Answers and feedback of {sub.name or sub.learner_id}")
        self.learner_contributions.set(view.contributions_table(),
            caption=f"Contributions of {sub.name or sub.learner_id} to the spiral")
        self._fill_rating(sub.learner_id)
        trajectory = view.trajectory
        fig = figures.spiral_top_view(trajectory, title=f"Spiral of {sub.name or sub.learner_id}")
        figure_output(self.learner_spiral, fig, "This learner's spiral seen from above; the table has the same data.")
        self.learner_spiral_table.value = frame_html(figures.spiral_table(trajectory),
                                                     "This learner's spiral, step by step",
                                                     empty="no contributions.")

    @safe_callback(lambda self: self.message)
    def _on_search(self, _widget=None) -> None:
        self.search(self.search_text.value)

    def search(self, query: str) -> pd.DataFrame:
        """Search every answer and contribution; show and return the matches."""
        data = self._require_data()
        query = str(query).strip()
        results = data.search(query)  # checks the query (empty, too long) with a message
        total = int(results.attrs.get("total", len(results)))
        more = f", the first {len(results)} shown" if total > len(results) else ""
        self.search_results.set(results, caption=f"Search results for “{query}”: {total} match(es){more}")
        self.message.show("ok" if total else "info",
                          f"{total} match(es) for “{query}”{more}." if total
                          else f"No answer or contribution contains “{query}”.")
        return results

    # -- ratings -------------------------------------------------------------------------------

    def _ratings_store(self):
        """The instructor's ratings: in the class store when there is one, else in the
        instructor's own database."""
        from ..store.classroom import InstructorRatings

        if self._ratings is None and self.service_url:
            from ..classroom.handin_client import HandInService

            self._ratings = HandInService(self.service_url)  # the service lets instructors alone rate
        if self._ratings is None:
            self._ratings = InstructorRatings(self.store_url or None)
        return self._ratings

    def _score_store(self):
        """The rubric scores this dashboard computed before, in the instructor's own database
        (never the class store, which learners write to): a class loaded again is not scored again."""
        from ..store.scores import RubricScores

        if self._service_scores is not None:
            return self._service_scores
        if self._scores is None:
            self._scores = RubricScores()
        return self._scores

    def _read_ratings(self) -> dict:
        from sqlalchemy.exc import SQLAlchemyError

        self.ratings_problem = ""
        try:
            return self._ratings_store().all()
        except (SQLAlchemyError, ValueError, OSError) as error:  # ValueError: the service refused
            log.warning("instructor ratings unreadable: %s", error)
            self.ratings_problem = ("Your ratings cannot be read right now, so the class is shown with the "
                                    "rubric's qualities: load the class again to retry.")
            return {}

    def _fill_rating(self, learner_id: str) -> None:
        """Offer the learner's answers and contributions for rating, keeping the choice if it is still there."""
        items = self.data.rateable(learner_id)
        options = []
        for row in items.itertuples(index=False):
            now = "unrated" if pd.isna(row.quality) else f"{row.quality:.2f}, {row.quality_source}"
            options.append((f"{row.mode} · {row.label}: {' '.join(str(row.text).split())[:70]} ({now})", row.key))
        previous = self.rate_item.value
        self._filling = True
        try:
            self.rate_item.options = options
            keys = [key for _, key in options]
            self.rate_item.value = previous if previous in keys else (keys[0] if keys else None)
        finally:
            self._filling = False
        self._show_rating()

    def _show_rating(self) -> None:
        data, learner_id, key = self.data, self.learner.value, self.rate_item.value
        disabled = data is None or learner_id is None or key is None
        self.rate_button.disabled = self.clear_rating_button.disabled = disabled
        if disabled:
            self.rating_note.value = "<p>Nothing of this learner's work to rate.</p>" if data is not None else ""
            return
        items = data.rateable(learner_id).set_index("key")
        quality, source = items.at[key, "quality"], items.at[key, "quality_source"]
        where = getattr(self._ratings, "where", "") or (
            "in the class store: the learner sees it the next time they open a lesson or the spiral"
            if self.store_url or self.service_url else "in your own seci-lab database on this computer")
        if source == "instructor":
            now = f"Your rating {quality:.2f} counts"
        elif pd.isna(quality):
            now = "Not rated yet (the rubric could not assess it)"
        else:
            now = f"Now {quality:.2f}, {'the learner’s own rating' if source == 'self' else 'the rubric’s suggestion'}"
        if not pd.isna(quality):
            self.rate_value.value = float(quality)
        self.clear_rating_button.disabled = source != "instructor"
        self.rating_note.value = (f"<p>{html_text(now)}. Your rating overrides it in the class spiral, the rubric "
                                  f"scores, the gradebook and the exports; it is kept {html_text(where)}.</p>")

    @safe_callback(lambda self: self.message)
    def _on_rate_item(self, _change=None) -> None:
        if not self._filling:
            self._show_rating()

    @safe_callback(lambda self: self.message)
    def _on_rate(self, _button=None) -> None:
        value = self.rate_value.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError("A rating is between 0 and 1.")  # the slider keeps it there; a forged value does not
        self.rate(self.learner.value, self.rate_item.value, float(value))

    @safe_callback(lambda self: self.message)
    def _on_clear_rating(self, _button=None) -> None:
        self.rate(self.learner.value, self.rate_item.value, None)

    def rate(self, learner_id: str | None, key: str | None, quality: float | None) -> None:
        """Rate (or with ``None`` un-rate) one learner's answer or contribution ``key``, store it,
        and show every view with the new rating."""
        from sqlalchemy.exc import SQLAlchemyError

        data = self._require_data()
        if learner_id not in set(data.learners["learner_id"].astype(str)):
            raise ValueError("Choose a learner from the list.")
        if key is None or key not in set(data.rateable(learner_id)["key"]):
            raise ValueError("Choose one of this learner's answers or contributions to rate.")
        try:
            store = self._ratings_store()
            store.rate(learner_id, key, quality)
            ratings = store.all()
        except (SQLAlchemyError, OSError) as error:
            log.warning("instructor rating not saved: %s", error)
            raise ValueError("The rating could not be saved right now (the database cannot be reached). "
                             "Try again in a moment.") from None
        self.data = data.with_ratings(ratings)
        self._render_again()
        self.message.show("ok", (f"Rated {quality:.2f}." if quality is not None else "Your rating is cleared.")
                          + " The class spiral, rubric scores, gradebook and exports use it.")

    def _render_again(self) -> None:
        """Fill again every tab already shown (after a rating), keeping the learner on screen."""
        shown, learner = set(self.rendered), self.learner.value
        self.rendered = set()
        self.class_trajectory = None
        for name in _TABS:
            if name in shown and name != "Learner":
                self._render(name)
        self.rendered.add("Learner")
        self.show_learner(learner)

    # -- exports -------------------------------------------------------------------------------

    def _assignment(self) -> str:
        name = " ".join(str(self.assignment.value).split())
        if not name:
            raise ValueError("Give the assignment a name for the gradebook.")
        if len(name) > ASSIGNMENT_MAX_CHARS:
            raise ValueError(f"Keep the assignment name to {ASSIGNMENT_MAX_CHARS} characters.")
        return name

    @safe_callback(lambda self: self.message)
    def _on_assignment(self, _change=None) -> None:
        self._show_assignment_note()

    def _show_assignment_note(self) -> None:
        """Say how Canvas will read the assignment name, before a gradebook is made."""
        from ..classroom.exports import canvas_assignment_id, canvas_assignment_problem

        name = " ".join(str(self.assignment.value).split())
        problem = canvas_assignment_problem(name) if name else None
        assignment_id = canvas_assignment_id(name) if name else None
        if problem:
            note = f"<p><strong>Canvas:</strong> {html_text(problem)}</p>"
        elif assignment_id:
            note = (f"<p><strong>Canvas:</strong> the name ends in “({html_text(assignment_id)})”, so Canvas "
                    f"puts the grades into its existing assignment {html_text(assignment_id)} (and into none if "
                    "there is no such assignment). Leave the number out to make a new assignment.</p>")
        else:
            note = ""
        self.assignment_note.value = note

    def _points(self) -> float:
        value = self.points.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not POINTS_MIN <= value <= POINTS_MAX:
            raise ValueError(f"The points possible must be a number from {POINTS_MIN} to {POINTS_MAX:,}.")
        return float(value)

    @safe_callback(lambda self: self.message)
    def _on_roster(self, _change=None) -> None:
        from ..classroom.roster import parse_roster

        self._require_unlocked()
        files = uploaded_files(self.roster_upload.value)
        if not files:
            return
        self.roster = parse_roster(files[0][1])
        self._show_roster()
        again = (" Load the class again to check each hand-in's uploader against it." if self.data is not None
                 else "")
        self.message.show("ok", f"Roster loaded: {len(self.roster):,} people of the course.{again}")

    @safe_callback(lambda self: self.message)
    def _on_roster_choice(self, _change=None) -> None:
        self._show_roster()

    def _left_out(self, flavor: str) -> list[str]:
        """Learner ids the gradebook for ``flavor`` will not hold, and why (shown before export)."""
        from ..classroom.exports import gradebook_omissions
        from ..classroom.roster import not_in_roster

        data = self._require_data()
        ids = data.learners["learner_id"].astype(str).tolist()
        out = gradebook_omissions(data, flavor, identify_by=self.moodle_identity.value)
        if self.roster is not None and self.leave_out.value:
            out += [i for i in not_in_roster(ids, self.roster) if i not in out]
        return out

    def _show_roster(self) -> None:
        from ..classroom.exports import gradebook_omissions
        from ..classroom.roster import not_in_roster

        if self.data is None:
            self.roster_note.value = ""
            return
        ids = self.data.learners["learner_id"].astype(str).tolist()
        parts = []
        if self.roster is not None:
            missing = not_in_roster(ids, self.roster)
            if missing:
                action = ("left out of both gradebooks" if self.leave_out.value else
                          "kept: Canvas skips them with a warning, and Moodle rejects the whole import")
                parts.append(f"<p>{count(len(missing), 'learner')} handed in under an id the roster does not "
                             f"know ({action}): {html_text(', '.join(missing[:50]))}"
                             f"{' …' if len(missing) > 50 else ''}</p>")
            else:
                parts.append("<p>Every learner who handed in is in the roster.</p>")
        no_email = gradebook_omissions(self.data, "moodle", identify_by=self.moodle_identity.value)
        if no_email:
            parts.append(f"<p>Moodle by e-mail: {count(len(no_email), 'learner')} gave no e-mail and are left out "
                         f"of the Moodle gradebook: {html_text(', '.join(no_email[:50]))}</p>")
        self.roster_note.value = "".join(parts)

    def _gradebook(self, flavor: str) -> bytes:
        from ..classroom.analysis import GradeScheme
        from ..classroom.exports import gradebook_csv

        data = self._require_data()
        return gradebook_csv(data, flavor, assignment=self._assignment(), scheme=GradeScheme(points=self._points()),
                             identify_by=self.moodle_identity.value, leave_out=self._left_out(flavor))

    def _workbook(self) -> bytes:
        from ..classroom.exports import class_workbook

        return class_workbook(self._require_data(), self.loaded.problems)

    def _report(self) -> bytes:
        from ..classroom.exports import class_report_html

        return class_report_html(self._require_data(), self.loaded.problems).encode("utf-8")


def instructor_page(folder: str | None = None) -> InstructorPage:
    """Build the instructor dashboard (it does not display itself).

    Parameters
    ----------
    folder : str, optional
        A folder of hand-in files on the server to offer as the source; defaults to
        ``$SECI_LAB_CLASS_DIR``. With ``$SECI_LAB_CLASS_DB`` set, the class store is offered first.

    Returns
    -------
    InstructorPage
        The page; nothing is loaded until the instructor presses "Load the class".
    """
    return InstructorPage(folder)
