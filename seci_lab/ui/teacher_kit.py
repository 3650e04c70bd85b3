"""The instructor dashboard's teacher's kit: slides to edit, and a sample class to try the dashboard with.

Each panel only wires widgets to functions below the ui floor (:mod:`seci_lab.exports.slides`,
:mod:`seci_lab.classroom.sample`);
every action checks again that the dashboard is open (``page._require_unlocked()``), because a
visitor can forge a click on a widget that is not shown (docs/architecture.md, "Security").
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import ipywidgets as widgets

from .common import Message, count, full_width, labelled, safe_callback
from .download import DownloadButton
from .templates import render

__all__ = ["SamplePanel", "SlidesPanel", "teacher_kit"]

_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_COURSE, _EVERY = "course", "every"


def _choices() -> list[tuple[str, str]]:
    from ..content.course import PAGES
    from ..exports.slides import lesson_steps

    steps = lesson_steps()
    return ([("The whole course (one deck)", _COURSE)]
            + [(f"Lesson {p.label}", str(p.step)) for p in PAGES if p.step in steps]
            + [("Every lesson, one deck each, and the whole course", _EVERY)])


class SlidesPanel(widgets.VBox):
    """Write PowerPoint decks into a folder on the server, or download the chosen one.

    Attributes tests use: ``lesson``, ``folder``, ``write_button``, ``progress``, ``progress_label``,
    ``download``, ``message``, ``written`` (the paths of the last write).
    """

    def __init__(self, page):
        self._page = page
        self.written: list[Path] = []
        self.message = Message()
        self.lesson = labelled(widgets.Dropdown(options=_choices(), value=_COURSE, layout=full_width()), "Slides for")
        self.folder = labelled(widgets.Text(value=str(Path.home() / "seci-lab-slides"), layout=full_width()),
                               "Folder on the server to write into")
        self.write_button = widgets.Button(description="Write the slides", icon="file", button_style="primary",
                                           tooltip="Write PowerPoint files (.pptx) you can edit into the folder")
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Writing",
                                            style={"description_width": "initial"})
        self.progress_label = widgets.Label("")
        self.download = DownloadButton("Download the slides (.pptx)", "seci-lab-course.pptx", _PPTX, self._deck,
                                       tooltip="The chosen deck as a file in your browser's downloads")
        self.write_button.on_click(self._on_write)
        self.lesson.observe(self._on_lesson, "value")
        super().__init__([
            widgets.HTML("<h4>Slides</h4><p>PowerPoint decks you can edit: the lesson's goals, case and recap, "
                         "the SECI matrix, ba's two axes, the spiral, the five phases and the hypertext "
                         "organization drawn as shapes, and speaker notes from the lesson with its sources. "
                         "The same as <code>seci-lab slides</code>.</p>"),
            self.lesson, self.folder,
            widgets.HBox([self.write_button, self.download], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self.progress, self.progress_label],
                         layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
            self.message], layout=full_width())
        self._on_lesson()

    def _steps(self) -> tuple[list[int], bool]:
        """The lesson steps chosen and whether the course deck is wanted (a forged value is refused)."""
        from ..exports.slides import lesson_steps

        value = self.lesson.value
        if value == _COURSE:
            return [], True
        if value == _EVERY:
            return list(lesson_steps()), True
        if not str(value).isdigit() or int(value) not in lesson_steps():
            raise ValueError("Choose the lesson from the list.")
        return [int(value)], False

    @safe_callback(lambda self: self.message)
    def _on_lesson(self, _change=None) -> None:
        from ..exports.slides import deck_filename

        steps, _course = self._steps()
        self.download.disabled = self.lesson.value == _EVERY
        self.download.filename = deck_filename(steps[0] if steps else None)

    def _on_progress(self, done: int, total: int, name: str) -> None:
        self.progress.max = max(1, total)
        self.progress.value = done
        self.progress_label.value = f"writing {name} ({done + 1} of {total})" if name else f"{total} of {total} written"

    @safe_callback(lambda self: self.message)
    def _on_write(self, _button=None) -> None:
        self.write(self.folder.value)

    def write(self, folder: str) -> list[Path]:
        """Write the chosen decks into ``folder``; show and return the files."""
        from ..exports.slides import write_decks

        self._page._require_unlocked()
        text = str(folder).strip()
        if not text:
            raise ValueError("Type the folder on the server to write the slides into.")
        self.write_button.disabled = True
        self.progress.value = 0
        self.progress_label.value = "starting…"
        try:
            steps, course = self._steps()
            self.written = write_decks(text, steps, course=course, progress=self._on_progress)
        finally:
            self.write_button.disabled = False
        names = ", ".join(p.name for p in self.written)
        self.message.show("ok", f"Wrote {count(len(self.written), 'file')} into {self.written[0].parent}: {names}.")
        return self.written

    def _deck(self) -> bytes:
        from ..content.course import PAGES
        from ..exports.slides import course_plan, deck_bytes, lesson_plan

        self._page._require_unlocked()
        steps, _course = self._steps()
        if len(steps) > 1:
            raise ValueError("Choose one lesson or the whole course to download; write every lesson into a folder.")
        if steps:
            return deck_bytes(lesson_plan(steps[0]), PAGES[steps[0] - 1].label)
        return deck_bytes(course_plan(), "seci-lab: the SECI model")


class SamplePanel(widgets.VBox):
    """"Try it with a sample class": 30 generated learners shown in every tab, clearly labelled.

    The sample's ratings and rubric scores live in a database of their own (a temporary SQLite
    file), never in the class store or the instructor's database; the exports are named
    ``SAMPLE-...`` and say so inside. Loading a real class leaves the sample (:meth:`leave`).

    Attributes tests use: ``button``, ``banner`` (shown above the tabs while the sample is on),
    ``active``, ``message``.
    """

    def __init__(self, page):
        self._page = page
        self.active = False
        self._folder: str | None = None
        self._downloads: dict = {}
        self.message = Message()
        self.button = widgets.Button(description="Try it with a sample class", icon="users",
                                     tooltip="Load 30 generated learners to see every tab and export; "
                                             "nothing of it enters your class")
        self.banner = widgets.HTML(render("sample_banner.html.j2", learners=30), layout=full_width())
        self.banner.layout.display = "none"
        self.button.on_click(self._on_try)
        super().__init__([
            widgets.HTML("<h4>Sample class</h4><p>See every tab and export before any learner has handed in: "
                         "30 generated learners with answers of every quality, quiz attempts, spiral "
                         "contributions and a few ratings. It is marked as sample data everywhere and "
                         "kept apart from your class, your ratings and the class store.</p>"),
            self.button, self.message], layout=full_width())

    @safe_callback(lambda self: self.message)
    def _on_try(self, _button=None) -> None:
        self.load()

    def load(self) -> None:
        """Show the sample class in every tab of the dashboard."""
        from ..classroom.sample import load_sample_class
        from ..store.classroom import InstructorRatings
        from ..store.scores import RubricScores

        page = self._page
        page._require_unlocked()
        if not page._lock.acquire(blocking=False):
            raise ValueError("A class is being loaded already; wait for it to finish.")
        try:
            self.button.disabled = True
            sample = load_sample_class()
            self.leave()
            self._folder = tempfile.mkdtemp(prefix="seci-lab-sample-")
            url = f"sqlite:///{Path(self._folder) / 'sample.sqlite'}"
            ratings = InstructorRatings(url)
            ratings.where = "with the sample class only (a database of its own, removed when you load a class)"
            for learner_id, keys in sample.ratings.items():
                for key, quality in keys.items():
                    ratings.rate(learner_id, key, quality)
            scores = RubricScores(url)
            scores.put_many(sample.scores)
            page._ratings, page._scores = ratings, scores
            self.active = True
            self._label_downloads()
            page.show_class(sample.load)
            self.banner.layout.display = None
            page.source_box.selected_index = None
            page.message.show("ok", f"Loaded the sample class: {count(len(sample.load.submissions), 'generated learner')}. "
                                    "It is sample data, kept apart from your class; load a class to leave it.")
        finally:
            self.button.disabled = False
            page._lock.release()

    def _label_downloads(self) -> None:
        from ..classroom.sample import label_report, label_workbook, sample_filename

        labels = {"excel": label_workbook, "report": lambda data: label_report(data.decode("utf-8")).encode("utf-8")}
        for name, button in self._page.downloads.items():
            self._downloads[name] = (button.filename, button._build)
            button.filename = sample_filename(button.filename)
            if name in labels:
                button._build = (lambda build, label: lambda: label(build()))(button._build, labels[name])

    def leave(self) -> None:
        """Put the dashboard back on the instructor's own stores and exports (before a real class is shown)."""
        page = self._page
        for name, (filename, build) in self._downloads.items():
            page.downloads[name].filename, page.downloads[name]._build = filename, build
        self._downloads = {}
        if self.active:
            for store in (page._ratings, page._scores):
                if store is not None:
                    store.close()
            page._ratings = page._scores = None
        self.active = False
        self.banner.layout.display = "none"
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def teacher_kit(page) -> widgets.Accordion:
    """The teacher's kit of the instructor dashboard ``page``, folded under one heading."""
    slides, sample = SlidesPanel(page), SamplePanel(page)
    kit = widgets.Accordion(children=[widgets.VBox([sample, slides], layout=full_width())],
                            titles=("Teacher's kit: a sample class, slides",))
    kit.selected_index = None
    kit.slides, kit.sample = slides, sample
    return kit
