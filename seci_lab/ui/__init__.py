"""ipywidgets dashboards. Factories return a widget and never display it themselves."""

from .spiral import SpiralLab, spiral_lab

__all__ = ["SpiralLab", "spiral_lab"]
