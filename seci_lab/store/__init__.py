"""Persistence (SQLAlchemy Core): learner progress and workshop sessions.

SQLite in the user's data folder by default (``$SECI_LAB_DB`` overrides it), any SQLAlchemy
URL (PostgreSQL for several hosts or JupyterHub) by choice. See :mod:`.engine` for how
concurrent writers from many kernels stay safe.
"""

from .engine import data_dir, default_url, make_engine, read, write
from .workshop import WorkshopError, WorkshopStore

__all__ = [
    "data_dir", "default_url", "make_engine", "read", "write", "WorkshopError", "WorkshopStore",
]
