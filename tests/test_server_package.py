"""The shape of the server package: the command line on top of the server, the server without
the widgets, and every environment variable's name defined in one module."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import seci_lab
from seci_lab import env

PACKAGE = Path(seci_lab.__file__).resolve().parent
ROOT = PACKAGE.parent
ENV_NAME = re.compile(r"SECI_LAB_[A-Z_]+")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as absolute names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _server_modules() -> list[Path]:
    return sorted((PACKAGE / "server").glob("*.py"))


def test_the_server_never_imports_the_widgets_or_the_command_line():
    assert _server_modules(), "no server package"
    for path in _server_modules():
        imported = _imports(path)
        assert not {m for m in imported if m == "seci_lab.ui" or m.startswith("seci_lab.ui.")}, path.name
        assert not {m for m in imported if m == "seci_lab.cli" or m.startswith("seci_lab.cli.")}, path.name
    assert not {m for m in _imports(PACKAGE / "cli.py") if m.startswith("seci_lab.ui")}


def test_a_workshop_starting_loads_no_widget_module(tmp_path):
    # What runs in the command's process: the options, the session created in the store, the
    # Voila application class. The widgets load only in the kernels.
    code = f"""
import json, sys
from seci_lab import cli
from seci_lab.server import app, dashboard, workshop
from seci_lab.server.config import ServeConfig, default_notebooks_dir
args = cli.build_parser().parse_args(["workshop", "--db", {str(tmp_path / "ws.sqlite")!r}])
plan = workshop.plan_from_args(args)
workshop.create_session(plan)
app._voila_app_class(ServeConfig(notebooks=default_notebooks_dir()))
print(json.dumps([plan.join_code, sorted(m for m in sys.modules if m.startswith("seci_lab"))]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    join_code, modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert join_code and "seci_lab.server.workshop" in modules
    assert [m for m in modules if m == "seci_lab.ui" or m.startswith("seci_lab.ui.")] == []


def _string_constants(tree: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_environment_variable_names_are_defined_once():
    assert all(name.startswith("SECI_LAB_") for name in env.NAMES) and len(set(env.NAMES)) == len(env.NAMES)
    assert {value for key, value in vars(env).items() if key.endswith("_ENV")} == set(env.NAMES)
    # Code uses the constants: no name spelled out as a string of its own anywhere else (a
    # mention inside a message or docstring is fine).
    spelled = []
    sources = [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "env.py"]
    sources += [p for p in (ROOT / "tests").glob("*.py")] + sorted((ROOT / "bench").glob("*.py"))
    for path in sources:
        tree = ast.parse(path.read_text())
        spelled += [f"{path.name}: {s}" for s in _string_constants(tree) if ENV_NAME.fullmatch(s)]
        spelled += [f"{path.name}: {k.arg}=" for k in ast.walk(tree)
                    if isinstance(k, ast.keyword) and k.arg and ENV_NAME.fullmatch(k.arg)]
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((PACKAGE / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] == "code":  # (a code cell may hold IPython syntax: no ast here)
                quoted = re.findall(r"""["'](SECI_LAB_[A-Z_]+)["']""", "".join(cell["source"]))
                spelled += [f"{notebook.name}: {name}" for name in quoted]
    assert spelled == []
