"""The error the person running a command can fix."""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""
