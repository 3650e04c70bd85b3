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
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

import pandas as pd

from ..content import load_questions
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
    lms_uploader,
    parse_submission,
    problem_row,
    submission_bytes,
    submission_data,
    submission_filename,
    too_large_reason,
)
from ..model.work import HANDIN_PREFIX
from ..store.progress import Progress
from .roster import Roster

__all__ = [
    "ClassLoad",
    "HANDIN_PREFIX",
    "LEARNER_ID_MAX_CHARS",
    "MAX_SUBMISSION_BYTES",
    "MAX_ZIP_DEPTH",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_TOTAL_BYTES",
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
#: Caps on the zip archives of one load (an LMS bulk download, a learner's zip inside it): the
#: bytes all members inflate to together, the entries, the inflation of each member (a hand-in's
#: JSON compresses about 5 to 1; a zip bomb, thousands to 1), and how deep zips in zips are read.
MAX_ZIP_TOTAL_BYTES = 1_000_000_000
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_RATIO = 100
MAX_ZIP_DEPTH = 2
#: A zip file in a folder, and a zip inside a zip (read into memory to be opened), at most this large.
MAX_ZIP_FILE_BYTES = 50 * MAX_SUBMISSION_BYTES
MAX_NESTED_ZIP_BYTES = 10 * MAX_SUBMISSION_BYTES
_RATIO_SLACK_BYTES = 64 * 1024  # a small member inflates far more than 100 to 1 and is harmless
_CHUNK_BYTES = 64 * 1024


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
        sub = parse_submission(raw, source=source)
        uploader = lms_uploader(source)
        if uploader is not None:
            sub = replace(sub, uploader_lms=uploader[0], uploader_id=uploader[1], uploader_name=uploader[2])
        parsed.append(sub)
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


@dataclass
class _ZipBudget:
    """What the archives of one load may still inflate to, shared by nested archives."""

    bytes_left: int = field(default_factory=lambda: MAX_ZIP_TOTAL_BYTES)
    members_left: int = field(default_factory=lambda: MAX_ZIP_MEMBERS)


def _is_zip(name: str) -> bool:
    return name.lower().endswith(".zip")


def _wanted_member(info: zipfile.ZipInfo) -> bool:
    """A member that may be a hand-in: a .json or .zip file, not a macOS resource copy."""
    return (not info.is_dir() and info.filename.lower().endswith((".json", ".zip"))
            and not PurePosixPath(info.filename).name.startswith("._") and "__MACOSX/" not in info.filename)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _ZipBudget) -> tuple[bytes | None, str]:
    """A member's bytes, read in pieces and stopped at the first cap it passes: ``(bytes, "")``
    or ``(None, why it was not read)``."""
    limit = MAX_NESTED_ZIP_BYTES if _is_zip(info.filename) else MAX_SUBMISSION_BYTES
    if info.file_size > limit:
        return None, _too_large(info.file_size, limit)
    # the sizes in a zip's directory can lie: the caps hold for the bytes actually inflated
    ratio_cap = max(info.compress_size, 1) * MAX_ZIP_RATIO + _RATIO_SLACK_BYTES
    chunks, total = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK_BYTES):
                total += len(chunk)
                if total > limit:
                    return None, _too_large(total, limit)
                if total > budget.bytes_left:
                    budget.bytes_left = 0
                    return None, _budget_spent()
                if total > ratio_cap:
                    return None, (f"Compressed more than {MAX_ZIP_RATIO} to 1, as a zip bomb is: not read "
                                  "(a hand-in compresses far less).")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError) as error:
        return None, f"Could not be read from the archive ({error})."
    budget.bytes_left -= total
    return b"".join(chunks), ""


def _budget_spent() -> str:
    return (f"The archives hold more than {MAX_ZIP_TOTAL_BYTES / 1e6:,.0f} MB once unpacked, more than a class's "
            "hand-ins: not read. Unpack the archive and load the folder.")


def _zip_entries(archive_file: bytes | Path, name: str, budget: _ZipBudget,
                 depth: int = 1) -> Iterator[tuple[str, bytes | None, str]]:
    """``(source, bytes, "")`` for each hand-in of an archive, one member at a time, or
    ``(source, None, problem)`` for what was not read. A zip inside the archive is read the same
    way, down to :data:`MAX_ZIP_DEPTH` levels, all levels sharing ``budget``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(archive_file) if isinstance(archive_file, bytes) else archive_file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        yield name, None, f"Not a readable zip archive ({error})."
        return
    with archive:
        if len(infos) > budget.members_left:
            yield name, None, (f"The zip archive has {len(infos):,} entries; at most {MAX_ZIP_MEMBERS:,} are read in "
                               "one load, more than a class hands in: not read.")
            return
        budget.members_left -= len(infos)
        members = [i for i in infos if _wanted_member(i)]
        if not members:
            yield name, None, "The zip archive holds no .json files."
        for info in members:
            source = f"{name}/{info.filename}"
            if budget.bytes_left <= 0:
                yield source, None, _budget_spent()
                continue
            if _is_zip(info.filename) and depth >= MAX_ZIP_DEPTH:
                yield source, None, (f"A zip inside a zip inside a zip: archives are read {MAX_ZIP_DEPTH} levels "
                                     "deep. Unpack it and load the folder.")
                continue
            data, problem = _read_member(archive, info, budget)
            if data is not None and _is_zip(info.filename):
                yield from _zip_entries(data, source, budget, depth + 1)
            else:
                yield source, data, problem


def _load(files: Iterable[tuple[str, bytes | Path]], total: int, problems: list[dict],
          progress: Callable[[int, int], None] | None, roster: Roster | None = None) -> ClassLoad:
    """Parse each file as it comes (a zip one member at a time), so only one hand-in's bytes
    are held at once besides what was parsed."""
    parsed: list[Submission] = []
    read = 0
    budget = _ZipBudget()
    for done, (name, raw) in enumerate(files, start=1):
        if _is_zip(name):
            for source, data, problem in _zip_entries(raw, name, budget):
                read += 1
                if data is None:
                    problems.append(problem_row(source, "", problem))
                else:
                    _parse_into(data, source, parsed, problems)
        elif isinstance(raw, Path):
            read += 1
            try:
                _parse_into(raw.read_bytes(), name, parsed, problems)
            except OSError as error:
                problems.append(problem_row(name, "", f"Could not be read ({error.strerror})."))
        else:
            read += 1
            _parse_into(raw, name, parsed, problems)
        if progress is not None:
            progress(done, total)
    return assemble_load(check_identities(parsed, problems, roster), problems, read, quiz_items=quiz_item_ids())


def quiz_item_ids() -> frozenset[str]:
    """The ids of the question bank's items: only these are graded (see :func:`assemble_load`)."""
    return frozenset(q.id for q in load_questions())


def _letters(text: str) -> list[str]:
    return sorted(ch for ch in unicodedata.normalize("NFKD", text).casefold() if ch.isalnum())


def _same_person(sub: Submission) -> bool:
    """Whether the uploader's name (the LMS's) and the learner's name (the file's) have the same
    letters: Canvas writes "smithbob" for Bob Smith, Moodle "Bob Smith"."""
    return bool(sub.uploader_name) and _letters(sub.uploader_name) == _letters(sub.name)


def _roster_person(sub: Submission, roster: Roster):
    if sub.uploader_lms == "canvas":
        return roster.by_lms_id(sub.uploader_id)
    if sub.uploader_lms == "moodle":
        matches = [p for p in roster.people if _letters(p.name) == _letters(sub.uploader_name)]
        return matches[0] if len(matches) == 1 else None
    return None


def check_identities(parsed: list[Submission], problems: list[dict], roster: Roster | None = None) -> list[Submission]:
    """The hand-ins whose learner id agrees with who uploaded them; the others go to ``problems``.

    A hand-in from an LMS bulk download carries its uploader (the LMS named the file). It is
    refused when the roster knows the uploader under other ids than the one the hand-in claims.
    When hand-ins from different uploaders claim one learner id, only those of the uploader
    whose name is the learner's count (the roster decides first); if that does not single one
    out, none counts. So nobody's hand-in ever replaces another learner's work.
    """
    kept: list[Submission] = []
    for sub in parsed:
        person = _roster_person(sub, roster) if roster is not None and sub.uploader_lms else None
        if person is not None and sub.learner_id not in person.identifiers:
            problems.append(problem_row(sub.source, sub.learner_id, (
                f"Claims to be learner {sub.learner_id} but was uploaded by {sub.uploader}, whom the roster knows "
                f"as {person.name or '?'} ({', '.join(sorted(person.identifiers))}): not counted for anyone.")))
            continue
        kept.append(sub)
    by_learner: dict[str, list[Submission]] = {}
    for sub in kept:
        by_learner.setdefault(learner_key(sub.learner_id), []).append(sub)
    refused: set[int] = set()
    for subs in by_learner.values():
        uploaders = {(s.uploader_lms, s.uploader_id) for s in subs if s.uploader_lms}
        if len(uploaders) < 2:
            continue
        owners = {(s.uploader_lms, s.uploader_id) for s in subs if s.uploader_lms and (
            (roster is not None and _roster_person(s, roster) is not None) or _same_person(s))}
        owner = next(iter(owners)) if len(owners) == 1 else None
        for s in subs:
            # with an owner, a hand-in nobody vouches for is listed by assemble_load beside the owner's
            if (s.uploader_lms, s.uploader_id) == owner or not s.uploader_lms and owner is not None:
                continue
            refused.add(id(s))
            why = (f"the learner's own upload is by {next(t.uploader for t in subs if (t.uploader_lms, t.uploader_id) == owner)}"
                   if owner is not None else
                   "which of them is the learner cannot be told from the files: load the LMS roster")
            problems.append(problem_row(s.source, s.learner_id, (
                f"Claims learner {s.learner_id}, who was handed in by {len(uploaders)} different LMS users; "
                f"this one was uploaded by {s.uploader or 'no one the LMS names'} and {why}. Not counted.")))
    return [s for s in kept if id(s) not in refused]


def load_files(files: Iterable[tuple[str, bytes]],
               progress: Callable[[int, int], None] | None = None, *, roster: Roster | None = None) -> ClassLoad:
    """Load hand-ins from ``(name, bytes)`` pairs: ``.json`` files, and ``.zip`` archives of them.

    Never raises for a bad file: see :class:`ClassLoad`. Archives are read one member at a
    time within the caps :data:`MAX_ZIP_TOTAL_BYTES`, :data:`MAX_ZIP_MEMBERS`,
    :data:`MAX_ZIP_RATIO` and :data:`MAX_ZIP_DEPTH`. ``progress(done, total)`` is called after
    each file.
    """
    files = list(files)
    problems: list[dict] = []
    if not files:
        problems.append(problem_row("(no files)", "", "No hand-in files were given."))
    return _load(files, len(files), problems, progress, roster)


def _hand_in_files(folder: Path) -> tuple[list[Path], list[dict]] | None:
    """The ``*.json`` and ``*.zip`` files under ``folder``, sorted, and the problem rows of what
    was not read: links that lead out of the folder, and special files (FIFOs, devices,
    sockets), which reading would block on or make no sense of. None past MAX_FOLDER_ENTRIES.

    Hidden files and folders (.ipynb_checkpoints, macOS "._" files) are copies, not hand-ins.
    Linked folders are not entered (``os.walk`` does not follow them).
    """
    found: list[Path] = []
    unread: list[dict] = []
    seen = 0
    top = folder.resolve()
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        seen += len(dirs) + len(names)
        if seen > MAX_FOLDER_ENTRIES:
            return None
        for n in names:
            if n.startswith("."):
                continue
            path = Path(root, n)
            shown = _shown_name(path.relative_to(folder).as_posix())
            try:
                if path.is_symlink() and not path.resolve().is_relative_to(top):
                    unread.append(problem_row(shown, "", "A link to a file outside the chosen folder: not followed."))
                    continue
                mode = path.stat().st_mode
            except (OSError, RuntimeError) as error:  # a broken link, a loop of links
                if n.lower().endswith((".json", ".zip")):
                    unread.append(problem_row(shown, "", f"Could not be read ({getattr(error, 'strerror', None) or error})."))
                continue
            if not stat.S_ISREG(mode):
                kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
                unread.append(problem_row(shown, "", f"Not a file but {kind}: not read."))
            elif n.lower().endswith((".json", ".zip")):
                found.append(path)
    return sorted(found), unread


def load_folder(path: str | Path, progress: Callable[[int, int], None] | None = None, *,
                roster: Roster | None = None) -> ClassLoad:
    """Load every ``*.json`` and ``*.zip`` (an LMS bulk download) under ``path``, recursively.

    Files over :data:`MAX_SUBMISSION_BYTES` (zips over :data:`MAX_ZIP_FILE_BYTES`) are listed,
    not read, as are links leading out of the folder and special files. Files are read one at
    a time. A missing or empty folder gives an empty class with one problem saying so.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        return _nothing_in(path, "This folder does not exist (or is not a folder).")
    listing = _hand_in_files(folder)
    if listing is None:
        return _nothing_in(path, f"This folder holds more than {MAX_FOLDER_ENTRIES:,} files and folders, so it is "
                                 "not a class's hand-ins: choose the folder you put the hand-ins (or the LMS zip) in.")
    candidates, unread = listing
    if not candidates and not unread:
        return _nothing_in(path, "No hand-in files (*.json or *.zip) in this folder.")
    readable: list[tuple[str, Path]] = []
    for p in candidates:
        name = _shown_name(p.relative_to(folder).as_posix())
        limit = MAX_ZIP_FILE_BYTES if _is_zip(p.name) else MAX_SUBMISSION_BYTES
        try:
            size = p.stat().st_size
        except OSError as error:
            unread.append(problem_row(name, "", f"Could not be read ({error.strerror})."))
            continue
        if size > limit:
            unread.append(problem_row(name, "", _too_large(size, limit)))
        else:
            readable.append((name, p))

    def report(done: int, _total: int) -> None:
        progress(done + len(unread), len(unread) + len(readable))

    result = _load(readable, len(readable), [], report if progress is not None else None, roster)
    if unread:
        result.problems = pd.concat([pd.DataFrame(unread, columns=PROBLEM_COLUMNS), result.problems],
                                    ignore_index=True)
        result.files += len(unread)
    return result


def _shown_name(name: str) -> str:
    """A file name as text every export can hold: bytes that are not UTF-8 (kept by the file
    system as surrogate escapes) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _too_large(size: int, limit: int = MAX_SUBMISSION_BYTES) -> str:
    if limit == MAX_SUBMISSION_BYTES:
        return too_large_reason(size)
    return f"The file is {size / 1e6:.1f} MB; a zip archive here is at most {limit / 1e6:.0f} MB."


def _nothing_in(path: str | Path, reason: str) -> ClassLoad:
    """An empty class with one problem: why nothing was loaded from ``path``."""
    return assemble_load([], [problem_row(str(path), "", reason)], 0)
