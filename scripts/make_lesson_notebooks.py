"""Regenerate the lesson notebooks 01-04 and 07 and the sources page (08), outputs stripped.

Run from the repository root: ``python scripts/make_lesson_notebooks.py`` (``--out DIR`` writes
elsewhere; tests/test_generated_notebooks.py compares its output with the committed files). The
lesson text lives in seci_lab/content; a notebook only calls ``lesson_page(key)`` (a mode letter,
or "KCC" for the theory lesson of theory.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_notebook import nav, output_dir, write  # noqa: E402

#: Every lesson's navigation links to the sources page.
SOURCES_LINK = "[Sources](08_sources.ipynb)"
WELCOME_LINK = "[Back to the welcome page](00_welcome.ipynb)"

LESSONS = [
    ("01_socialization", "S", "Lesson 1: Socialization", "sharing tacit knowledge by spending time together",
     None, ("02_externalization", "Lesson 2: Externalization")),
    ("02_externalization", "E", "Lesson 2: Externalization", "putting tacit know-how into words",
     ("01_socialization", "Lesson 1: Socialization"), ("03_combination", "Lesson 3: Combination")),
    ("03_combination", "C", "Lesson 3: Combination", "sorting and merging explicit knowledge into a system",
     ("02_externalization", "Lesson 2: Externalization"), ("04_internalization", "Lesson 4: Internalization")),
    ("04_internalization", "I", "Lesson 4: Internalization", "making explicit knowledge your own by doing",
     ("03_combination", "Lesson 3: Combination"), ("05_knowledge_spiral", "Your knowledge spiral")),
]


def theory_cells() -> list[tuple[str, str]]:
    """Lesson 7: the theory around the four modes (content key "KCC")."""
    return [
        ("md", "# Lesson 7: The knowledge-creating company\n\n"
               "This lesson is about the theory Nonaka and his colleagues built around the four modes: "
               "the two dimensions, the five enabling conditions, the five phases, middle-up-down "
               "management and the hypertext organization, knowledge assets, and the ba of 2000. It "
               "follows one shape: the goals, then each idea explained with a short case and an "
               "exercise that tells you why each answer is right or wrong, a quiz, and a recap. Your "
               "answers are saved on this computer and come back when you reopen the page.\n\n"
               + nav(WELCOME_LINK, "[Lesson 4: Internalization](04_internalization.ipynb)",
                     "[Critiques of the SECI model](06_critiques.ipynb)", SOURCES_LINK)),
        ("code", 'from seci_lab.ui.lessons import lesson_page\n\nlesson_page("KCC")'),
        ("md", "## Where next\n\n"
               "See the ideas at work in [your knowledge spiral](05_knowledge_spiral.ipynb): its level-up "
               "rule is our reading of the five phases. Then weigh the theory against its critics in "
               "[Critiques of the SECI model](06_critiques.ipynb). Under **My work** you can download "
               "all of your work or import it on another computer."),
    ]


def lesson_cells(mode: str, title: str, topic: str, previous, following) -> list[tuple[str, str]]:
    back = [f"[{previous[1]}]({previous[0]}.ipynb)"] if previous else []
    return [
        ("md", f"# {title}\n\n"
               f"This lesson is about {topic}. It follows one shape: the goals and the mode explained, "
               "exercises, a short quiz, and a recap of what you added to your knowledge spiral. "
               "Your answers are saved on this computer as you enter them, and come back when you "
               "reopen the page.\n\n"
               + nav(WELCOME_LINK, *back, f"[Next: {following[1]}]({following[0]}.ipynb)", SOURCES_LINK)),
        ("code", f'from seci_lab.ui.lessons import lesson_page\n\nlesson_page("{mode}")'),
        ("md", "## Where next\n\n"
               "Everything you saved in this lesson is now part of your spiral: open "
               "[your knowledge spiral](05_knowledge_spiral.ipynb) to see it grow"
               + (f", or go on to [{following[1]}]({following[0]}.ipynb)" if following[0] != "05_knowledge_spiral"
                  else ", then start the next round there and turn the spiral again")
               + ". Under **My work** you can download all of your work (a report, JSON and CSV) "
               "or import it on another computer."),
    ]


def sources_cells() -> list[tuple[str, str]]:
    return [
        ("md", "# Sources\n\n"
               "The full reference of every work the lessons, exercises and quizzes cite, grouped by "
               "what the course takes from it. The lessons cite these works by author and year, as in "
               "Nonaka & Takeuchi (1995).\n\n"
               + nav(WELCOME_LINK)),
        ("code", "from seci_lab.ui.sources import sources_page\n\nsources_page()"),
    ]


def main(argv: list[str] | None = None) -> None:
    root = output_dir(argv, __doc__)
    for name, mode, title, topic, previous, following in LESSONS:
        write(str(root / f"{name}.ipynb"), lesson_cells(mode, title, topic, previous, following),
              plotly_page_extension=False)
    write(str(root / "07_knowledge_creating_company.ipynb"), theory_cells(), plotly_page_extension=False)
    write(str(root / "08_sources.ipynb"), sources_cells(), plotly_page_extension=False)


if __name__ == "__main__":
    main()
