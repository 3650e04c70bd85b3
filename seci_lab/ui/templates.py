"""HTML of the ui package from Jinja2 templates with autoescape (``seci_lab/ui/templates/``).

Every value a template prints is escaped unless it is marked safe, so learner text can never
become markup; templates are the place for new HTML instead of f-strings with hand-called escaping.
"""

from __future__ import annotations

import functools

import jinja2

__all__ = ["render"]


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("seci_lab.ui", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def render(name: str, **values) -> str:
    """The template ``name`` (e.g. ``"frame.html.j2"``) filled with ``values``, escaped."""
    return _environment().get_template(name).render(**values)
