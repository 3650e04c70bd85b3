"""What a dashboard's kernel imports while it builds its page.

A kernel's start-up is what a visitor waits for (bench/README.md). Plotly's FigureWidget pulls in
jsonschema, whose old ``rfc3987_syntax`` module builds a Lark parser at import time (0.7-2 s per
kernel); seci_lab registers the maintained ``rfc3987_syntax2`` under that name first
(seci_lab/__init__.py, docs/architecture.md). These tests run each dashboard notebook's code cells
in a fresh interpreter, as its kernel would, and fail if the slow module is loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from seci_lab.env import DB_ENV

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
DASHBOARDS = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb") if not p.name.startswith("00_"))


def _code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_every_lesson_and_the_spiral_lab_are_checked():
    # The glob above must keep finding the lessons, the spiral lab and the critiques page.
    from seci_lab.content.course import PAGES, page_of_kind

    for page in (PAGES[0], page_of_kind("spiral"), page_of_kind("critiques")):
        assert page.href in DASHBOARDS


@pytest.mark.parametrize("name", DASHBOARDS)
def test_a_dashboard_kernel_does_not_build_the_slow_iri_parser(name, tmp_path):
    probe = (
        _code_of(NOTEBOOKS / name)
        + "\nimport sys\n"
        # Whatever the page drew, jsonschema's format checks must be importable the fast way.
        + "import jsonschema._format\n"
        + "slow = sorted(m for m in sys.modules if m.startswith('rfc3987_syntax.'))\n"
        + "print('SLOW', slow, type(sys.modules.get('rfc3987_syntax')).__name__,"
        + " getattr(sys.modules.get('rfc3987_syntax'), '__name__', None))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), DB_ENV: f"sqlite:///{tmp_path / 'p.sqlite'}"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=300, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    last = [line for line in result.stdout.splitlines() if line.startswith("SLOW")][-1]
    assert last == "SLOW [] module rfc3987_syntax2", last


def test_the_iri_check_still_works():
    # jsonschema keeps validating the "iri" format through the fast module.
    import seci_lab  # noqa: F401  (registers the fast module)
    import jsonschema

    checker = jsonschema.FormatChecker()
    assert "iri" in checker.checkers
    assert checker.conforms("http://example.org/über", "iri")
    assert not checker.conforms("http://exa mple.org/ <bad>", "iri")
