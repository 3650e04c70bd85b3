"""The instructor dashboard's teacher's kit: slides to edit (more parts follow in this module's
:func:`teacher_kit`).

Each panel only wires widgets to functions below the ui floor (:mod:`seci_lab.exports.slides`);
every action checks again that the dashboard is open (``page._require_unlocked()``), because a
visitor can forge a click on a widget that is not shown (docs/architecture.md, "Security").
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from .common import Message, count, full_width, labelled, safe_callback
from .download import DownloadButton

__all__ = ["SlidesPanel", "teacher_kit"]

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


def teacher_kit(page) -> widgets.Accordion:
    """The teacher's kit of the instructor dashboard ``page``, folded under one heading."""
    slides = SlidesPanel(page)
    kit = widgets.Accordion(children=[widgets.VBox([slides], layout=full_width())],
                            titles=("Teacher's kit: slides",))
    kit.selected_index = None
    kit.slides = slides
    return kit
