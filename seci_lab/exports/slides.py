"""Slides a teacher can edit: one PowerPoint deck per lesson, or one for the whole course.

``seci-lab slides`` and the instructor dashboard's "Slides" button call :func:`write_decks`.
A deck is planned first as plain data (:func:`lesson_plan`, :func:`course_plan`: a list of
:class:`SlidePlan`, each with its title, bullet text, figure and speaker notes), then drawn with
python-pptx (:func:`deck_bytes`). The figures are editable shapes (:mod:`.slide_figures`).

The words come from the lessons themselves (``lessons.toml``, ``theory.toml``,
``critiques.toml``, :mod:`seci_lab.content.course`), and each slide's speaker notes end with the
full references of the works the slide's text cites (``sources.toml``), so the notes can be read
aloud and the sources shown to a class.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..content import load_critiques, load_lesson
from ..content.course import PAGES, CoursePage
from ..content.sources import citations, references, resolve
from ..content.theory import load_theory_lesson

__all__ = ["SLIDE_KINDS", "SlidePlan", "course_plan", "deck_bytes", "deck_filename", "lesson_plan",
           "lesson_steps", "resolve_lessons", "write_decks"]

#: The kinds of course page that have slides (the sources page is a reference list).
SLIDE_KINDS = ("lesson", "spiral", "critiques", "theory")
_WIDE = (12_192_000, 6_858_000)  # 16:9 in EMU (13.333 x 7.5 in)
_MARGIN = 457_200  # 0.5 in
_FIGURE_TOP = 1_371_600  # 1.5 in: below the title
_TITLE_TOP = 182_880  # 0.2 in


@dataclass(frozen=True)
class SlidePlan:
    """One slide: ``bullets`` for a text slide, or ``figure`` (a name of
    :data:`seci_lab.exports.slide_figures.FIGURES`) with the mode it marks."""

    title: str
    notes: str
    bullets: tuple[str, ...] = ()
    figure: str | None = None
    highlight: str | None = None
    subtitle: str = ""


def lesson_steps() -> tuple[int, ...]:
    """The course steps (1, 2, ...) whose pages have slides."""
    return tuple(p.step for p in PAGES if p.kind in SLIDE_KINDS)


def resolve_lessons(steps: Iterable[int]) -> list[CoursePage]:
    """The course pages of ``steps``; a ValueError naming the steps that have slides otherwise."""
    known = lesson_steps()
    pages = []
    for step in steps:
        if step not in known:
            where = f"step {step} is the {PAGES[step - 1].title.lower()} page, which has no slides; " \
                if 1 <= step <= len(PAGES) else f"there is no lesson {step}; "
            raise ValueError(f"{where}the lessons with slides are {', '.join(map(str, known))}.")
        pages.append(PAGES[step - 1])
    return pages


def _notes(paragraphs: Iterable[str], fallback_sources: Iterable[str] = (), extra: str = "") -> str:
    """Speaker notes: the paragraphs, then the full reference of every work they cite (or, when
    they cite none, of ``fallback_sources``)."""
    text = "\n\n".join(p for p in paragraphs if p)
    cited: list[str] = []
    for citation in citations(text + " " + extra):
        source = resolve(citation)
        if source is not None and source.reference not in cited:
            cited.append(source.reference)
    if not cited:
        cited = list(references(fallback_sources))
    parts = [text] if text else []
    if extra:
        parts.append(extra)
    if cited:
        parts.append("Sources:\n" + "\n".join(f"- {ref}" for ref in cited))
    return "\n\n".join(parts)


def _title_slide(page: CoursePage, sources: Iterable[str]) -> SlidePlan:
    return SlidePlan(title=page.label, subtitle=f"seci-lab · {page.summary}",
                     notes=_notes([f"Lesson {page.step} of the seci-lab course: {page.summary}."], sources))


def _mode_plan(page: CoursePage) -> list[SlidePlan]:
    lesson = load_lesson(page.key)
    mode = lesson.mode
    facts = [f"Converts {mode.conversion} knowledge.", f"Creates {mode.creates}.",
             f"Set off by {mode.trigger}.", f"Its place: {mode.ba}."]
    case = lesson.case
    return [
        _title_slide(page, lesson.sources),
        SlidePlan(lesson.title, _notes(lesson.explanation[:1], lesson.sources), bullets=lesson.goals),
        SlidePlan(f"{mode.label} in the SECI matrix", _notes(lesson.explanation[1:2], lesson.sources, " ".join(facts)),
                  figure="seci-matrix", highlight=mode.value),
        SlidePlan(f"{mode.label} at a glance", _notes(lesson.explanation[2:], lesson.sources), bullets=tuple(facts)),
        SlidePlan(f"Where {mode.label.lower()} happens: {mode.ba}",
                  _notes(lesson.explanation[2:3], ("Nonaka, Toyama & Konno 2000",)), figure="ba", highlight=mode.value),
        SlidePlan(f"Case: {case.title}", _notes(case.paragraphs, lesson.sources, f"Case source: {case.source}"),
                  bullets=(case.paragraphs[0],)),
        SlidePlan("Recap", _notes(lesson.recap, lesson.sources), bullets=lesson.recap),
    ]


def _theory_plan(page: CoursePage) -> list[SlidePlan]:
    lesson = load_theory_lesson(page.key)
    figures = {"two-dimensions": "spiral", "five-phases": "five-phases", "middle-up-down": "hypertext", "ba-2000": "ba"}
    slides = [_title_slide(page, lesson.sources),
              SlidePlan(lesson.title, _notes(lesson.intro, lesson.sources), bullets=lesson.goals)]
    for section in lesson.sections:
        notes = _notes(section.paragraphs, lesson.sources, f"Case: {section.case.title} ({section.case.source}).")
        if section.id in figures:
            slides.append(SlidePlan(section.title, notes, figure=figures[section.id]))
        else:
            slides.append(SlidePlan(section.title, notes, bullets=section.paragraphs[1:] or section.paragraphs))
    slides.append(SlidePlan("Recap", _notes(lesson.recap, lesson.sources), bullets=lesson.recap))
    return slides


def _spiral_plan(page: CoursePage) -> list[SlidePlan]:
    theory = load_theory_lesson("KCC")
    levels = theory.section("two-dimensions").paragraphs
    recaps = [load_lesson(p.key).recap[0] for p in PAGES if p.kind == "lesson"]
    return [
        _title_slide(page, theory.sources),
        SlidePlan("The knowledge spiral", _notes(levels, theory.sources), figure="spiral"),
        SlidePlan("One turn of the spiral: the four modes", _notes(recaps, theory.sources), figure="seci-matrix"),
        SlidePlan("Building your own spiral", _notes(
            ["In the spiral lab each learner adds contributions from the four mode lessons; each round is one pass "
             "through socialization, externalization, combination and internalization, and the spiral reaches the "
             "next level only when the conditions the page lists are met."], theory.sources),
            bullets=("Each lesson's work adds contributions in its mode.",
                     "One round is one pass through S, E, C and I.",
                     "The page shows what the next level still needs.")),
    ]


def _critiques_plan(page: CoursePage) -> list[SlidePlan]:
    critiques = load_critiques()
    slides = [_title_slide(page, critiques.sources),
              SlidePlan(critiques.title, _notes(critiques.intro, critiques.sources), bullets=critiques.goals)]
    for section in critiques.sections:
        slides.append(SlidePlan(section.title, _notes(section.paragraphs, critiques.sources, f"Critics: {section.who}."),
                                bullets=(f"Who: {section.who}", *section.paragraphs[:1])))
    slides.append(SlidePlan(critiques.reply_title, _notes(critiques.reply, critiques.sources),
                            bullets=critiques.reply[:2]))
    slides.append(SlidePlan("Recap", _notes(critiques.recap, critiques.sources), bullets=critiques.recap))
    return slides


_PLANS: dict[str, Callable[[CoursePage], list[SlidePlan]]] = {
    "lesson": _mode_plan, "theory": _theory_plan, "spiral": _spiral_plan, "critiques": _critiques_plan}


def lesson_plan(step: int) -> list[SlidePlan]:
    """The slides of the lesson at course step ``step`` (ValueError for a step without slides)."""
    (page,) = resolve_lessons([step])
    return _PLANS[page.kind](page)


def course_plan() -> list[SlidePlan]:
    """The whole course: a title slide, the list of lessons, then every lesson's slides."""
    pages = [p for p in PAGES if p.kind in SLIDE_KINDS]
    opening = [
        SlidePlan("The SECI model of knowledge creation", subtitle="A seci-lab course after Nonaka & Takeuchi (1995)",
                  notes=_notes(["This course teaches the SECI model of Nonaka & Takeuchi (1995): socialization, "
                                "externalization, combination and internalization, the spiral, ba and the theory "
                                "around them, and its critiques."])),
        SlidePlan("The lessons", _notes([f"{p.label}: {p.summary}." for p in pages], ("Nonaka & Takeuchi 1995",)),
                  bullets=tuple(f"{p.label}: {p.summary}" for p in pages)),
    ]
    return opening + [slide for page in pages for slide in _PLANS[page.kind](page)]


# -- drawing ----------------------------------------------------------------------------------


def _bullet_size(bullets: tuple[str, ...]) -> int:
    chars = sum(len(b) for b in bullets)
    return 24 if chars < 300 else 20 if chars < 550 else 16 if chars < 900 else 14


def _draw(presentation, plan: SlidePlan) -> None:
    from pptx.util import Emu, Pt

    from .slide_figures import draw_figure

    layouts = presentation.slide_layouts
    if plan.subtitle:
        slide = presentation.slides.add_slide(layouts[0])
        slide.placeholders[1].text = plan.subtitle
    elif plan.figure:
        slide = presentation.slides.add_slide(layouts[5])
        width, height = _WIDE
        draw_figure(slide, plan.figure, (_MARGIN, _FIGURE_TOP, width - 2 * _MARGIN, height - _FIGURE_TOP - _MARGIN),
                    plan.highlight)
    else:
        slide = presentation.slides.add_slide(layouts[1])
        body = slide.placeholders[1]
        body.left, body.top, body.width, body.height = Emu(_MARGIN), Emu(_FIGURE_TOP), \
            Emu(_WIDE[0] - 2 * _MARGIN), Emu(_WIDE[1] - _FIGURE_TOP - _MARGIN)
        frame = body.text_frame
        size = _bullet_size(plan.bullets)
        for i, text in enumerate(plan.bullets):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = text
            paragraph.font.size = Pt(size)
    title = slide.shapes.title
    title.text = plan.title
    if not plan.subtitle:  # above the figure or text, two lines at most
        title.left, title.top, title.width, title.height = Emu(_MARGIN), Emu(_TITLE_TOP), \
            Emu(_WIDE[0] - 2 * _MARGIN), Emu(_FIGURE_TOP - _TITLE_TOP - 45_720)
        title.text_frame.paragraphs[0].font.size = Pt(32 if len(plan.title) < 50 else 26 if len(plan.title) < 70 else 22)
    slide.notes_slide.notes_text_frame.text = plan.notes


def deck_bytes(plans: list[SlidePlan], title: str = "seci-lab") -> bytes:
    """The slides of ``plans`` as a PowerPoint (.pptx) file."""
    from pptx import Presentation
    from pptx.util import Emu

    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Emu(_WIDE[0]), Emu(_WIDE[1])
    presentation.core_properties.title = title
    presentation.core_properties.author = "seci-lab"
    for plan in plans:
        _draw(presentation, plan)
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def deck_filename(step: int | None) -> str:
    """``seci-lab-lesson-03-combination.pptx`` for a lesson, ``seci-lab-course.pptx`` for the course."""
    if step is None:
        return "seci-lab-course.pptx"
    page = PAGES[step - 1]
    return f"seci-lab-lesson-{page.notebook.replace('_', '-')}.pptx"


def _writable_folder(folder: Path) -> Path:
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file, not a folder: give a folder to write the slides into.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"The folder {folder} cannot be created ({error.strerror or error}).") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"The folder {folder} cannot be written to: choose another with --out.")
    return folder


def write_decks(folder: str | Path, steps: Iterable[int] | None = None, *, course: bool = False,
                progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """Write a deck per lesson of ``steps`` and, with ``course``, the whole course's deck into ``folder``.

    ``progress(done, total, filename)`` is called before each file and once at the end.

    Raises
    ------
    ValueError
        A step has no slides, or the folder cannot be created or written to (nothing is written then).
    """
    pages = resolve_lessons(steps or ())
    jobs: list[int | None] = [p.step for p in pages] + ([None] if course or not pages else [])
    folder = _writable_folder(Path(folder))
    written = []
    for i, step in enumerate(jobs):
        name = deck_filename(step)
        if progress:
            progress(i, len(jobs), name)
        plans = course_plan() if step is None else lesson_plan(step)
        title = "seci-lab: the SECI model" if step is None else PAGES[step - 1].label
        path = folder / name
        try:
            path.write_bytes(deck_bytes(plans, title))
        except OSError as error:
            raise ValueError(f"{path} cannot be written ({error.strerror or error}).") from None
        written.append(path)
    if progress:
        progress(len(jobs), len(jobs), "")
    return written
