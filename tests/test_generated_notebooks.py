"""The notebooks written by scripts/ are exactly what their generators write today.

scripts/make_lesson_notebooks.py writes the mode lessons, the theory lesson and the sources page (names from content/course.py); scripts/
make_instructor_notebook.py writes the instructor dashboard. A hand edit of one of those files
(or a generator changed without re-running it) fails here: edit the generator and run it instead.
The other notebooks are edited by hand; docs/architecture.md lists which is which.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ["make_lesson_notebooks.py", "make_instructor_notebook.py"]


@pytest.mark.parametrize("script", GENERATORS)
def test_generated_notebooks_match_the_committed_files(script, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    written = sorted(tmp_path.glob("*.ipynb"))
    assert written, f"{script} wrote no notebook"
    for path in written:
        committed = ROOT / "notebooks" / path.name
        assert committed.exists(), f"{script} writes {path.name}, which is not committed"
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"notebooks/{path.name} differs from what scripts/{script} writes: "
            f"run `python scripts/{script}` or move the edit into the generator")
