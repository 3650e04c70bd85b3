"""The house keeps its shape: the import contracts of docs/architecture.md and ruff's checks.

The contracts live in pyproject.toml (``[tool.importlinter]``): the model is pure, the store only
stores, the server never loads widgets, each floor imports only the floors below it, and no
package has an import circle. ``lint-imports`` reads every import, lazy ones inside functions
included. Ruff's rules are in ``[tool.ruff]``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is missing: install the test extras (pip install -e '.[test]')"
    return found


def test_import_contracts_hold():
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # Every contract of docs/architecture.md was checked, none skipped.
    assert "5 kept, 0 broken" in result.stdout, result.stdout[-3000:]


def test_ruff_finds_nothing():
    result = subprocess.run([_tool("ruff"), "check", "seci_lab", "tests", "bench", "scripts"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_layer_table_names_every_package():
    # docs/architecture.md describes the code as it is: every package and top-level module of
    # seci_lab appears in its table of layers.
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text[text.index("## The layers"):text.index("One owner per concern")]
    package = ROOT / "seci_lab"
    parts = sorted(p.name for p in package.iterdir()
                   if (p.is_dir() and (p / "__init__.py").exists())
                   or (p.suffix == ".py" and p.name not in {"__init__.py", "__main__.py"}))
    missing = [name for name in parts if f"seci_lab/{name}" not in table]
    assert not missing, f"docs/architecture.md's layer table does not name: {missing}"


def test_code_cites_only_documents_in_the_repository():
    # Design notes outside the repository cannot be opened by someone who clones it.
    offenders = [str(path.relative_to(ROOT)) for folder in ("seci_lab", "tests", "bench", "scripts")
                 for path in (ROOT / folder).rglob("*.py") if path != Path(__file__) and "DESIGN.md" in path.read_text(encoding="utf-8")]
    assert not offenders, f"cite docs/architecture.md instead of DESIGN.md in: {offenders}"
