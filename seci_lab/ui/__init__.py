"""ipywidgets dashboards. Factories return a widget and never display it themselves.

Imports are lazy: a participant page of a workshop should not pay for Plotly it never shows.
"""

from __future__ import annotations

__all__ = ["SpiralLab", "spiral_lab"]


def __getattr__(name: str):
    if name in __all__:
        from . import spiral

        return getattr(spiral, name)
    raise AttributeError(f"module 'seci_lab.ui' has no attribute {name!r}")
