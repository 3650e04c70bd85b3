"""A small cache of derived tables in the user's cache folder, so a fresh process starts quickly.

The rubric derives two tables on its first call: LemmInflect's lemma tables, flattened
(:mod:`.lemma_table`), and the TF-IDF index of the course's texts for the copy guard
(:mod:`.rubric_guards`). Each is a pure function of data that ships with the code (LemmInflect's
wheel, the content files), so it is kept with :mod:`marshal` under a name that holds a digest of
those inputs: a later process reads it instead of deriving it again, and a change of the inputs
changes the name, so a stale table is never read. When the folder cannot be read or written the
table is derived in memory, as before; a file is written whole or not at all.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

__all__ = ["cache_folder", "load_or_build"]

T = TypeVar("T")


def cache_folder() -> Path:
    """The folder of the cached tables (``platformdirs``' user cache folder of seci-lab)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("seci-lab", appauthor=False))


def load_or_build(name: str, build: Callable[[], T]) -> T:
    """The table cached under ``name`` (a file name that names its inputs), else ``build()``,
    which is then written for the next process. ``build`` must return what :mod:`marshal` keeps
    (dicts, lists, tuples, strings, bytes, numbers)."""
    try:
        path = cache_folder() / name
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError, ImportError):
        pass
    table = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(marshal.dumps(table))
        os.replace(handle.name, path)
    except (OSError, ValueError, NameError):
        pass
    return table
