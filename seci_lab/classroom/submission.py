"""A learner's hand-in and loading a class's files.

A submission is one learner's saved work (every answer, score and spiral contribution, exactly
as the lessons save it in :mod:`seci_lab.store.progress`) with who handed it in and when. It is
either written to the class store (:mod:`seci_lab.store.classroom`) or downloaded as a JSON file
that the learner uploads to the course's LMS; the instructor then loads the LMS's bulk download
(a folder of files, or the zip itself) with :func:`load_folder`.

The file format, its checks and the assembly of a class are pure and live in
:mod:`seci_lab.model.submission` (the class store needs them too); they are offered here as well.

Loading never raises on a bad file: every file that cannot be used (not JSON, another program's
JSON, a newer format, invalid fields, too large, a duplicate, an older hand-in of the same learner)
is listed in :attr:`ClassLoad.problems` with the reason and what was done with it. The older
"My work" export (``seci-lab/progress`` version 1) is migrated: the learner id is taken from the
file's name.

Format (schema ``seci-lab/submission``, version 1): see ``docs/submission-format.md``.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import pandas as pd

from ..model.submission import (
    LEARNER_ID_MAX_CHARS,
    MAX_SUBMISSION_BYTES,
    PROBLEM_COLUMNS,
    SUBMISSION_SCHEMA,
    SUBMISSION_VERSION,
    ClassLoad,
    Submission,
    SubmissionError,
    assemble_load,
    check_learner_id,
    learner_key,
    parse_submission,
    problem_row,
    submission_bytes,
    submission_data,
    submission_filename,
    too_large_reason,
)
from ..model.work import HANDIN_PREFIX
from ..store.progress import Progress

__all__ = [
    "ClassLoad",
    "HANDIN_PREFIX",
    "LEARNER_ID_MAX_CHARS",
    "MAX_SUBMISSION_BYTES",
    "PROBLEM_COLUMNS",
    "SUBMISSION_SCHEMA",
    "SUBMISSION_VERSION",
    "Submission",
    "SubmissionError",
    "assemble_load",
    "build_submission",
    "check_learner_id",
    "learner_key",
    "load_files",
    "load_folder",
    "parse_submission",
    "problem_row",
    "submission_bytes",
    "submission_filename",
]

#: A folder with more entries than this is not a class's hand-ins (a home folder, "/"): the
#: scan stops and says so instead of reading the whole disk.
MAX_FOLDER_ENTRIES = 100_000


def _version() -> str:
    from .. import __version__

    return __version__


def build_submission(progress: Progress, learner_id: str, *, name: str | None = None, email: str = "",
                     course: str = "") -> dict:
    """The hand-in of everything saved in ``progress``, as JSON-ready data (already validated).

    Parameters
    ----------
    progress : Progress
        The learner's saved work.
    learner_id : str
        The id the course's LMS knows the learner by.
    name : str, optional
        The learner's name (default: the name saved in ``progress``); it is the participant of
        every contribution.
    email, course : str
        Optional.

    Raises
    ------
    SubmissionError
        When a field is not valid; the message says which.
    """
    return submission_data(progress.export_json(), learner_id, name=progress.name if name is None else name,
                           email=email, course=course, seci_lab_version=_version())


# --- loading a class ---------------------------------------------------------------------------

def _parse_into(raw: bytes, source: str, parsed: list[Submission], problems: list[dict]) -> None:
    try:
        parsed.append(parse_submission(raw, source=source))
    except SubmissionError as error:
        problems.append(problem_row(source, _guess_learner_id(raw), error.reason))
    except Exception as error:  # noqa: BLE001 - one odd file must never stop a class from loading
        problems.append(problem_row(source, "", f"Could not be read ({type(error).__name__}: {str(error)[:200]})."))


def _guess_learner_id(raw: bytes) -> str:
    """The learner id of a file that failed, when it has a readable one (to help find the learner)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        value = data["learner"]["id"]
        return check_learner_id(value)
    except Exception:  # noqa: BLE001 - best effort only
        return ""


def _zip_members(raw: bytes, name: str, problems: list[dict]) -> list[tuple[str, bytes | None, str | None]]:
    """``(source, bytes or None, problem)`` for every *.json member of a zip archive."""
    out = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        problems.append(problem_row(name, "", f"Not a readable zip archive ({error})."))
        return out
    members = [i for i in infos if not i.is_dir() and i.filename.lower().endswith(".json")
               and not PurePosixPath(i.filename).name.startswith("._") and "__MACOSX/" not in i.filename]
    if not members:
        problems.append(problem_row(name, "", "The zip archive holds no .json files."))
    for info in members:
        source = f"{name}/{info.filename}"
        if info.file_size > MAX_SUBMISSION_BYTES:
            out.append((source, None, too_large_reason(info.file_size)))
            continue
        try:
            with archive.open(info) as member:
                data = member.read(MAX_SUBMISSION_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
            out.append((source, None, f"Could not be read from the archive ({error})."))
            continue
        out.append((source, data, None))
    return out


def load_files(files: Iterable[tuple[str, bytes]],
               progress: Callable[[int, int], None] | None = None) -> ClassLoad:
    """Load hand-ins from ``(name, bytes)`` pairs: ``.json`` files, and ``.zip`` archives of them.

    Never raises for a bad file: see :class:`ClassLoad`. ``progress(done, total)`` is called
    after each file.
    """
    files = list(files)
    parsed: list[Submission] = []
    problems: list[dict] = []
    read = 0
    total = len(files)
    for done, (name, raw) in enumerate(files, start=1):
        if name.lower().endswith(".zip"):
            for source, data, problem in _zip_members(raw, name, problems):
                read += 1
                if problem is not None:
                    problems.append(problem_row(source, "", problem))
                else:
                    _parse_into(data, source, parsed, problems)
        else:
            read += 1
            _parse_into(raw, name, parsed, problems)
        if progress is not None:
            progress(done, total)
    if not files:
        problems.append(problem_row("(no files)", "", "No hand-in files were given."))
    return assemble_load(parsed, problems, read)


def _hand_in_files(folder: Path) -> list[Path] | None:
    """The ``*.json`` and ``*.zip`` files under ``folder``, sorted; None past MAX_FOLDER_ENTRIES entries.

    Hidden files and folders (.ipynb_checkpoints, macOS "._" files) are copies, not hand-ins.
    """
    found: list[Path] = []
    seen = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        seen += len(dirs) + len(names)
        if seen > MAX_FOLDER_ENTRIES:
            return None
        found += [Path(root, n) for n in names
                  if not n.startswith(".") and n.lower().endswith((".json", ".zip")) and Path(root, n).is_file()]
    return sorted(found)


def load_folder(path: str | Path, progress: Callable[[int, int], None] | None = None) -> ClassLoad:
    """Load every ``*.json`` and ``*.zip`` (an LMS bulk download) under ``path``, recursively.

    Files over :data:`MAX_SUBMISSION_BYTES` (zips over 50 times that) are listed, not read.
    A missing or empty folder gives an empty class with one problem saying so.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        return _nothing_in(path, "This folder does not exist (or is not a folder).")
    candidates = _hand_in_files(folder)
    if candidates is None:
        return _nothing_in(path, f"This folder holds more than {MAX_FOLDER_ENTRIES:,} files and folders, so it is "
                                 "not a class's hand-ins: choose the folder you put the hand-ins (or the LMS zip) in.")
    if not candidates:
        return _nothing_in(path, "No hand-in files (*.json or *.zip) in this folder.")
    readable: list[tuple[str, bytes]] = []
    unread: list[dict] = []
    for p in candidates:
        name = p.relative_to(folder).as_posix()
        limit = MAX_SUBMISSION_BYTES * (50 if p.suffix.lower() == ".zip" else 1)
        try:
            size = p.stat().st_size
            if size > limit:
                unread.append(problem_row(name, "", too_large_reason(size)))
            else:
                readable.append((name, p.read_bytes()))
        except OSError as error:
            unread.append(problem_row(name, "", f"Could not be read ({error.strerror})."))

    def report(done: int, _total: int) -> None:
        progress(done + len(unread), len(candidates))

    result = load_files(readable, report if progress is not None else None) if readable else assemble_load([], [], 0)
    if unread:
        result.problems = pd.concat([pd.DataFrame(unread, columns=PROBLEM_COLUMNS), result.problems],
                                    ignore_index=True)
        result.files += len(unread)
    return result


def _nothing_in(path: str | Path, reason: str) -> ClassLoad:
    """An empty class with one problem: why nothing was loaded from ``path``."""
    return assemble_load([], [problem_row(str(path), "", reason)], 0)
