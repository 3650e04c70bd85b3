"""Write a thin notebook from a list of ("md"|"code", source) cells, outputs stripped.

Usage from other scripts: ``write(path, cells)``. Kept in the repo so a lesson can be
regenerated after its text changes; the .ipynb files are the source of truth in git.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

#: The committed notebooks, where the generators write unless told otherwise.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def output_dir(argv: list[str] | None = None, description: str = "") -> Path:
    """The folder a generator writes into: ``--out DIR`` (for the test that compares), else notebooks/."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=NOTEBOOKS,
                        help="write the notebooks into this folder (default: the repository's notebooks/)")
    return parser.parse_args(argv).out


def nav(*links: str) -> str:
    """Markdown links as the page's navigation landmark (``<nav>``) for screen readers; the blank
    lines inside keep the links Markdown in Voila and JupyterLab."""
    return '<nav aria-label="Course pages">\n\n' + " · ".join(links) + "\n\n</nav>"


def write(path: str, cells: list[tuple[str, str]], *, plotly_page_extension: bool = True) -> None:
    """Write ``cells`` to ``path``. ``plotly_page_extension=False`` records in the metadata that the
    notebook shows no plain Plotly figure, so ``seci-lab serve`` leaves plotly's JupyterLab
    extension (and its copy of plotly.js) off its page."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    if not plotly_page_extension:
        nb.metadata["seci_lab"] = {"plotly_page_extension": False}
    nb.cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        for kind, src in cells
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    nbformat.validate(nb)
    nbformat.write(nb, path)


if __name__ == "__main__":
    sys.exit("import this module; it has no command line")
