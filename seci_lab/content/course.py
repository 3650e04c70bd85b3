"""The course's pages in their order: the one list the frame, the welcome page, the notebook
generators and the tests read (issue 20).

Reorder the course by reordering :data:`PAGES`; every "Previous", "Next", step number and course
map follows. A page is a notebook in ``notebooks/`` (``<notebook>.ipynb``) and ``kind`` says what
its learner's saved work is (see :mod:`seci_lab.ui.frame`): a mode lesson (``key`` is the mode's
letter), the theory lesson (``key`` is its theory.toml key), the spiral lab, the critiques, the
sources (no work of its own).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from . import _read

__all__ = ["PAGES", "RENAMED", "WELCOME", "CoursePage", "course_page", "lesson_page", "neighbours", "page_minutes",
           "page_of_kind"]


@dataclass(frozen=True)
class CoursePage:
    """One page of the course.

    ``notebook`` is the file name without ``.ipynb``; ``title`` the full title; ``short`` the
    label in the course header; ``summary`` one line for the course map on the welcome page.
    """

    notebook: str
    kind: str  # "welcome", "lesson", "theory", "spiral", "critiques" or "sources"
    key: str
    title: str
    short: str
    summary: str

    @property
    def href(self) -> str:
        """The page's address relative to any other page (works in Voila and JupyterLab)."""
        return f"{self.notebook}.ipynb"

    @property
    def label(self) -> str:
        """The title with the step number, as links to the page read: "3. Combination"."""
        return self.title if self.kind == "welcome" else f"{self.step}. {self.title}"

    @property
    def step(self) -> int:
        """The page's step number in the course (1 for the first page after the welcome page)."""
        return PAGES.index(self) + 1


WELCOME = CoursePage("00_welcome", "welcome", "", "Welcome to seci-lab", "Welcome",
                     "what the SECI model is and how the course works")

#: The course in order. The step numbers, "Previous"/"Next" and the course map come from here.
PAGES: tuple[CoursePage, ...] = (
    CoursePage("01_socialization", "lesson", "S", "Socialization", "Socialization",
               "share experience, tacit to tacit"),
    CoursePage("02_externalization", "lesson", "E", "Externalization", "Externalization",
               "put what you know into words, tacit to explicit"),
    CoursePage("03_combination", "lesson", "C", "Combination", "Combination",
               "build a system from explicit pieces, explicit to explicit"),
    CoursePage("04_internalization", "lesson", "I", "Internalization", "Internalization",
               "learn by doing, explicit to tacit"),
    CoursePage("05_knowledge_creating_company", "theory", "KCC", "The knowledge-creating company", "Theory",
               "the theory around the four modes: enabling conditions, five phases, middle-up-down "
               "management, knowledge assets and ba"),
    CoursePage("06_knowledge_spiral", "spiral", "", "Your knowledge spiral", "Spiral",
               "build a spiral from your own contributions, round by round, and see what each mode adds"),
    CoursePage("07_critiques", "critiques", "critiques", "Critiques of the SECI model", "Critiques",
               "Polanyi and Tsoukas, Gourlay, the cultural critique and Bratianu, Nonaka's replies, "
               "a debate of your own, and the review of the whole course"),
    CoursePage("08_sources", "sources", "", "Sources", "Sources",
               "the full reference of every work the course cites"),
)

#: Pages renamed when the course was reordered (issue 23): old notebook name -> new one. The
#: server redirects the old addresses, and :func:`course_page` still accepts the old names.
#: Saved work is keyed by lesson (``S``, ``KCC``, ``critiques``...), never by page, so it needs
#: no migration.
RENAMED: dict[str, str] = {
    "05_knowledge_spiral": "06_knowledge_spiral",
    "06_critiques": "07_critiques",
    "07_knowledge_creating_company": "05_knowledge_creating_company",
}


def course_page(notebook: str) -> CoursePage:
    """The page of ``notebook`` (a name such as ``"01_socialization"``, ``.ipynb`` optional; a name
    the page had before it was renamed, :data:`RENAMED`, gives the page too)."""
    name = notebook.removesuffix(".ipynb")
    name = RENAMED.get(name, name)
    for page in (WELCOME, *PAGES):
        if page.notebook == name:
            return page
    raise ValueError(f"{notebook!r} is not a page of the course: use one of "
                     f"{', '.join(p.notebook for p in (WELCOME, *PAGES))}.")


def neighbours(page: CoursePage) -> tuple[CoursePage | None, CoursePage | None]:
    """The pages before and after ``page`` in the course (the welcome page comes first)."""
    order = (WELCOME, *PAGES)
    i = order.index(page)
    return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)


def page_of_kind(kind: str) -> CoursePage:
    """The one page of ``kind`` ("spiral", "critiques", "sources", "welcome"...): how text links to it."""
    pages = [p for p in (WELCOME, *PAGES) if p.kind == kind]
    if len(pages) != 1:
        raise ValueError(f"the course has {len(pages)} pages of kind {kind!r}, not one")
    return pages[0]


def lesson_page(lesson: str) -> CoursePage:
    """The page that teaches ``lesson`` (a quiz bank lesson: a mode letter, a theory key such as
    ``"KCC"``, ``"critiques"``, or ``"general"``, the course review on the critiques page)."""
    key = "critiques" if lesson == "general" else lesson
    for page in PAGES:
        if page.key == key:
            return page
    raise ValueError(f"no page of the course teaches the lesson {lesson!r}")


@functools.cache
def _timings() -> dict[tuple[str, str], int]:
    rows = _read("timings.toml").get("page", [])
    return {(str(r.get("kind")), str(r.get("key"))): int(r["minutes"]) for r in rows
            if isinstance(r, dict) and isinstance(r.get("minutes"), int) and not isinstance(r.get("minutes"), bool)}


def page_minutes(page: CoursePage) -> int | None:
    """The minutes a careful learner needs for ``page`` as ``scripts/page_timings.py`` measured them
    (``timings.toml``, keyed by the page's kind and key, so a renumbering keeps them), or None."""
    return _timings().get((page.kind, page.key))
