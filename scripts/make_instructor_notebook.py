"""Write notebooks/instructor.ipynb (the instructor dashboard), outputs stripped.

Run from the repository root: ``python scripts/make_instructor_notebook.py`` (``--out DIR``
writes elsewhere). The page itself
is ``seci_lab.ui.instructor.instructor_page``; the notebook stays thin.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_notebook import nav, output_dir, write  # noqa: E402


CELLS = [
    ("md", "# Instructor dashboard\n\n"
           "Collect your class's work, see where the class struggles, and grade it. Learners press "
           "**Hand in** in a lesson: on a shared server or JupyterHub with a class store "
           "(`SECI_LAB_CLASS_DB`) their work lands there; otherwise they get a hand-in file to upload "
           "to your LMS. Load the class below from the class store, from a folder of hand-in files on "
           "this server (`SECI_LAB_CLASS_DIR` fills it in), or from uploaded files or the zip of a "
           "Canvas or Moodle bulk download.\n\n"
           + nav("[Back to the welcome page](00_welcome.ipynb)")),
    ("code", "from seci_lab.ui.instructor import instructor_page\n\ninstructor_page()"),
    ("md", "## What each tab shows\n\n"
           "* **Overview**: how many learners were loaded, and every file that was skipped, migrated "
           "from the older *My work* format or replaced by a newer hand-in, with the reason.\n"
           "* **Completion**: per learner and per mode, the share of exercises done and quiz items "
           "answered (chart and table).\n"
           "* **Quiz**: item difficulty, hardest first, and the most common wrong answers with the "
           "explanation of each: the class's misconceptions.\n"
           "* **Rubric**: the spread of rubric scores per exercise.\n"
           "* **Class spiral**: all contributions as one animated knowledge spiral (Nonaka & "
           "Takeuchi 1995), with its table.\n"
           "* **Learner**, **Search**: one learner's work and spiral; a search across every answer "
           "and contribution.\n"
           "* **Export**: a gradebook CSV for Canvas or Moodle, an Excel workbook with one sheet per "
           "view, and a standalone HTML class report. The README, section *Teaching a class*, gives "
           "the import steps."),
]


def main(argv: list[str] | None = None) -> None:
    write(str(output_dir(argv, __doc__) / "instructor.ipynb"), CELLS)


if __name__ == "__main__":
    main()
