"""seci-lab: learn the SECI model of knowledge creation by building your own knowledge spiral.

The public API is small. The model (``Mode``, ``Level``, ``Contribution``, ``SpiralParams``,
``simulate_spiral``) is pure Python and pandas; ``spiral_figure`` needs Plotly and is loaded
only when first used, so ``import seci_lab.model`` never pulls in a GUI library.
"""

from __future__ import annotations

import importlib.util
import sys


def _prefer_fast_iri_syntax() -> None:
    """Let jsonschema use ``rfc3987_syntax2`` where it would import ``rfc3987_syntax``.

    Every Plotly ``FigureWidget`` imports nbformat, hence jsonschema, whose format checkers
    import ``rfc3987_syntax``; that module builds a Lark parser at import time, about 0.7-2 s of
    every dashboard kernel's start (plotly.py#4856, jsonschema#1428). ``rfc3987_syntax2`` is
    the maintained fork from the jsonschema organisation with the same ``is_valid_syntax`` API;
    it builds its parser on first use. Registering it under the old name before anything imports
    jsonschema keeps jsonschema's ``iri`` check and removes the cost. Nothing changes when the
    old module is already loaded or the fork is not installed.
    """
    if "rfc3987_syntax" in sys.modules or importlib.util.find_spec("rfc3987_syntax2") is None:
        return
    import rfc3987_syntax2

    sys.modules["rfc3987_syntax"] = rfc3987_syntax2


_prefer_fast_iri_syntax()

from .model import Contribution, Level, Mode, MODES, SpiralParams, simulate_spiral  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Contribution",
    "Level",
    "MODES",
    "Mode",
    "SpiralParams",
    "question_bank",
    "simulate_spiral",
    "spiral_figure",
    "__version__",
]


def __getattr__(name: str):
    # Lazy so that importing the model does not import plotly (docs/architecture.md: model is pure).
    if name == "spiral_figure":
        from .figures import spiral_figure

        return spiral_figure
    if name == "question_bank":
        from .content import question_bank

        return question_bank
    raise AttributeError(f"module 'seci_lab' has no attribute {name!r}")
