"""Regenerate the mode lessons, the theory lesson and the sources page, outputs stripped.

Run from the repository root: ``python scripts/make_lesson_notebooks.py`` (``--out DIR`` writes
elsewhere; tests/test_generated_notebooks.py compares its output with the committed files). The
lesson text lives in seci_lab/content; a notebook only calls ``lesson_page(key)`` (a mode letter,
or "KCC" for the theory lesson of theory.toml). Names, step numbers and links come from
seci_lab/content/course.py (PAGES).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_notebook import output_dir, write  # noqa: E402

from seci_lab.content.course import PAGES, CoursePage, course_page, page_of_kind  # noqa: E402

#: The lessons of the four modes and their topic (the order and titles come from content/course.py).
TOPICS = {
    "S": "sharing tacit knowledge by spending time together",
    "E": "putting tacit know-how into words",
    "C": "sorting and merging explicit knowledge into a system",
    "I": "making explicit knowledge your own by doing",
}


def frame_cell(notebook: str) -> tuple[str, str]:
    """The first cell of every page: the course frame (steps, Previous/Next, contents)."""
    return ("code", f'from seci_lab.ui.frame import course_frame\n\ncourse_frame("{notebook}")')


def theory_cells(page: CoursePage) -> list[tuple[str, str]]:
    """The theory lesson around the four modes (content key "KCC")."""
    spiral = page_of_kind("spiral")
    return [
        frame_cell(page.notebook),
        ("md", f"# Lesson {page.step}: {page.title}\n\n"
               "This lesson is about the theory Nonaka and his colleagues built around the four modes: "
               "the two dimensions, the five enabling conditions, the five phases, middle-up-down "
               "management and the hypertext organization, knowledge assets, and the ba of 2000. It "
               "follows one shape: the goals, then each idea explained with a short case and an "
               "exercise that tells you why each answer is right or wrong, a quiz, and a recap. Your "
               "answers are saved on this computer and come back when you reopen the page."),
        ("code", f'from seci_lab.ui.lessons import lesson_page\n\nlesson_page("{page.key}")'),
        ("md", "## Where next\n\n"
               f"See the ideas at work in [your knowledge spiral]({spiral.href}): its level-up "
               "rule is our reading of the five phases. Under **My work** you can download all of your "
               "work or import it on another computer; **Next** at the top of the page goes on."),
    ]


def lesson_cells(notebook: str) -> list[tuple[str, str]]:
    page = course_page(notebook)
    spiral = page_of_kind("spiral")
    return [
        frame_cell(notebook),
        ("md", f"# Lesson {page.step}: {page.title}\n\n"
               f"This lesson is about {TOPICS[page.key]}. It follows one shape: the goals and the mode "
               "explained, exercises, a short quiz, and a recap of what you added to your knowledge spiral. "
               "Your answers are saved on this computer as you enter them, and come back when you "
               "reopen the page."),
        ("code", f'from seci_lab.ui.lessons import lesson_page\n\nlesson_page("{page.key}")'),
        ("md", "## Where next\n\n"
               "Everything you saved in this lesson is now part of your spiral: open "
               f"[your knowledge spiral]({spiral.href}) to see it grow, or press **Next** in the "
               "contents beside the page to go on. Under **My work** you can download all of your work "
               "(a report, JSON and CSV) or import it on another computer."),
    ]


def sources_cells(page: CoursePage) -> list[tuple[str, str]]:
    return [
        frame_cell(page.notebook),
        ("md", "# Sources\n\n"
               "The full reference of every work the lessons, exercises and quizzes cite, grouped by "
               "what the course takes from it. The lessons cite these works by author and year, as in "
               "Nonaka & Takeuchi (1995)."),
        ("code", "from seci_lab.ui.sources import sources_page\n\nsources_page()"),
    ]


def main(argv: list[str] | None = None) -> None:
    root = output_dir(argv, __doc__)
    for page in PAGES:
        if page.kind == "lesson":
            cells = lesson_cells(page.notebook)
        elif page.kind == "theory":
            cells = theory_cells(page)
        elif page.kind == "sources":
            cells = sources_cells(page)
        else:
            continue  # the spiral lab and the critiques are edited by hand
        write(str(root / page.href), cells, plotly_page_extension=False)


if __name__ == "__main__":
    main()
