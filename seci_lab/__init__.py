"""seci-lab: learn the SECI model of knowledge creation by building your own knowledge spiral.

The public API is small. The model (``Mode``, ``Level``, ``Contribution``, ``SpiralParams``,
``simulate_spiral``) is pure Python and pandas; ``spiral_figure`` needs Plotly and is loaded
only when first used, so ``import seci_lab.model`` never pulls in a GUI library.
"""

from __future__ import annotations

from .model import Contribution, Level, Mode, MODES, SpiralParams, simulate_spiral

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
    # Lazy so that importing the model does not import plotly (DESIGN.md: model is pure).
    if name == "spiral_figure":
        from .figures import spiral_figure

        return spiral_figure
    if name == "question_bank":
        from .content import question_bank

        return question_bank
    raise AttributeError(f"module 'seci_lab' has no attribute {name!r}")
