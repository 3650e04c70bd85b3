"""The hand-in file (schema ``seci-lab/submission``, version 1): its shape, its checks, and a
class assembled from hand-ins.

A submission is one learner's saved work (every answer, score and spiral contribution, exactly
as the lessons save them: :mod:`seci_lab.model.work`) with who handed it in and when. The class
store (:mod:`seci_lab.store.classroom`) checks a hand-in with :func:`parse_submission` before it
stores it, and :mod:`seci_lab.classroom.submission` reads a class's files with it; both assemble
a class with :func:`assemble_load`. An older "My work" export (``seci-lab/progress`` version 1,
:mod:`seci_lab.model.progress_file`) is migrated: the learner id is taken from the file's name.

Format: see ``docs/submission-format.md``. Pure: standard library, pandas (the problems table)
and the rest of ``seci_lab.model``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath
from typing import Any, Collection, Mapping

import pandas as pd

from .contributions import Contribution, check_unicode, clean_participant, normalize_text
from .progress_file import SCHEMA as PROGRESS_SCHEMA
from .progress_file import SCHEMA_VERSION as PROGRESS_VERSION
from .progress_file import check_json_unicode, validate_progress_data
from .uploader import lms_name, lms_uploader
from .work import QUIZ_PREFIX, handed_in_key, is_page_memory

__all__ = [
    "FUTURE_SKEW",
    "ClassLoad",
    "lms_uploader",
    "LEARNER_ID_MAX_CHARS",
    "MAX_SUBMISSION_BYTES",
    "CONFLICT",
    "MIGRATED",
    "PARTLY",
    "PROBLEM_COLUMNS",
    "REPLACED",
    "SKIPPED",
    "SUBMISSION_SCHEMA",
    "SUBMISSION_VERSION",
    "Submission",
    "SubmissionError",
    "assemble_load",
    "check_course",
    "check_email",
    "check_learner_id",
    "check_name",
    "learner_key",
    "parse_submission",
    "problem_row",
    "submission_bytes",
    "submission_data",
    "submission_filename",
    "too_large_reason",
    "unknown_quiz_items",
]

SUBMISSION_SCHEMA = "seci-lab/submission"
SUBMISSION_VERSION = 1
#: A submission file is at most this large (the same cap as a "My work" import).
MAX_SUBMISSION_BYTES = 5_000_000
LEARNER_ID_MAX_CHARS = 64
EMAIL_MAX_CHARS = 254
COURSE_MAX_CHARS = 200
#: Columns of :attr:`ClassLoad.problems`.
PROBLEM_COLUMNS = ["source", "learner_id", "problem", "action"]

SKIPPED = "skipped"
MIGRATED = "migrated"
REPLACED = "replaced by a newer hand-in"
#: The hand-in that counts for a learner whom another file, with no uploader, also claims.
CONFLICT = "counted (in conflict: check)"
#: A hand-in that counts without its answers to quiz items the question bank does not have.
PARTLY = "counted without the unknown quiz items"

_HEX32 = re.compile(r"[0-9a-f]{32}")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


class SubmissionError(ValueError):
    """A submission that cannot be used; :attr:`reason` tells the instructor what is wrong.

    Attributes
    ----------
    reason : str
        The message, e.g. "the learner id is empty".
    kind : str
        ``"malformed"`` (not JSON, not UTF-8, cut short), ``"foreign"`` (not a seci-lab file),
        ``"newer"`` (a newer format: update seci-lab), ``"invalid"`` (a field is wrong) or
        ``"too large"``.
    """

    def __init__(self, reason: str, kind: str = "invalid"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class Submission:
    """One learner's hand-in, validated.

    ``answers`` holds the records exactly as the lessons saved them (plain dicts);
    ``contributions`` are the learner's spiral contributions with the learner's name as participant.
    """

    learner_id: str
    name: str
    email: str
    course: str
    handed_in_at: datetime
    submission_id: str
    round: int
    answers: Mapping[str, dict]
    contributions: tuple[Contribution, ...]
    source: str
    migrated_from: str | None = None
    source_keys: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: The seci-lab that wrote the hand-in ("" for a migrated "My work" file).
    seci_lab_version: str = field(default="", compare=False, repr=False)
    #: Who uploaded it, as the LMS or the server says (never the file): "canvas", "moodle" or
    #: "class store", with the uploader's id there (Canvas user id, Moodle participant id, the
    #: authenticated user) and the name the LMS gave the file. Empty when nobody vouches.
    uploader_lms: str = field(default="", compare=False)
    uploader_id: str = field(default="", compare=False)
    uploader_name: str = field(default="", compare=False)

    @property
    def uploader(self) -> str:
        """The uploader in words, e.g. "Canvas user 4521 (smithbob)", or ""."""
        if not self.uploader_lms:
            return ""
        if self.uploader_lms == "class store":
            return f"the signed-in user {self.uploader_id}"
        what = {"canvas": "Canvas user", "moodle": "Moodle participant"}.get(self.uploader_lms, self.uploader_lms)
        return f"{what} {self.uploader_id}" + (f" ({self.uploader_name})" if self.uploader_name else "")

    def to_dict(self) -> dict:
        """The submission as version-1 JSON-ready data (a migrated one too), as the seci-lab that wrote it wrote it."""
        keys = self.source_keys or tuple(handed_in_key(n) for n in range(1, len(self.contributions) + 1))
        return {
            "schema": SUBMISSION_SCHEMA,
            "version": SUBMISSION_VERSION,
            "submission_id": self.submission_id,
            "handed_in_at": self.handed_in_at.isoformat(timespec="seconds"),
            "seci_lab_version": self.seci_lab_version,
            "course": self.course,
            "learner": {"id": self.learner_id, "name": self.name, "email": self.email, "round": self.round},
            "answers": {k: dict(v) for k, v in self.answers.items()},
            "contributions": [{"source_key": k, **c.to_dict()} for k, c in zip(keys, self.contributions)],
        }


@dataclass
class ClassLoad:
    """What loading a class gave: one submission per learner, and every file that was not used as is.

    Attributes
    ----------
    submissions : list of Submission
        One per learner id (compared ignoring case): the latest ``handed_in_at``; sorted by learner id.
    problems : pandas.DataFrame
        Columns :data:`PROBLEM_COLUMNS`; ``action`` is ``"skipped"``, ``"migrated"`` or
        ``"replaced by a newer hand-in"``.
    files : int
        How many files (or archive members, or store rows) were read.
    """

    submissions: list[Submission]
    problems: pd.DataFrame
    files: int = 0



def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)



# --- field checks --------------------------------------------------------------------------------

def check_learner_id(value: object) -> str:
    """The learner id stripped, or a :class:`SubmissionError` saying what to change.

    A learner id is what the LMS knows the learner by (student number, SIS id, login or
    e-mail): 1 to 64 characters, no control characters.
    """
    if not isinstance(value, str):
        raise SubmissionError("The learner id must be text (a student number, login or e-mail).")
    try:
        check_unicode(value, "The learner id")
    except ValueError as error:
        raise SubmissionError(str(error)) from None
    clean = unicodedata.normalize("NFC", value).strip()
    if not clean:
        raise SubmissionError("The learner id is empty: enter the id the course's LMS knows you by "
                              "(student number, login or e-mail).")
    if any(unicodedata.category(ch) == "Cc" for ch in clean):
        raise SubmissionError("The learner id contains control characters (such as a line break); "
                              "enter it on one line.")
    if len(clean) > LEARNER_ID_MAX_CHARS:
        raise SubmissionError(f"The learner id has {len(clean)} characters; the limit is {LEARNER_ID_MAX_CHARS}.")
    return clean


def learner_key(learner_id: str) -> str:
    """How learner ids are compared (a learner is one person whatever the case or Unicode form)."""
    return unicodedata.normalize("NFC", learner_id).strip().casefold()


def check_name(value: object) -> str:
    try:
        return clean_participant(value)
    except ValueError as error:
        raise SubmissionError(f"The learner's name is not valid: {error}") from None


def check_email(value: object, *, strict: bool = True) -> str:
    """The e-mail stripped ("" for none), or a :class:`SubmissionError` saying what to change.

    ``strict`` (a learner typing it): the address must be valid (email-validator, syntax only, no
    DNS). Reading a hand-in file made by an older seci-lab only asks for name@host on one line, so
    an address accepted then never makes a hand-in unreadable now.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SubmissionError("The e-mail must be text.")
    clean = value.strip()
    if len(clean) > EMAIL_MAX_CHARS:
        raise SubmissionError(f"The e-mail has {len(clean)} characters; the limit is {EMAIL_MAX_CHARS}.")
    if not clean:
        return ""
    if not strict:
        if "@" not in clean or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in clean):
            raise SubmissionError(f"The e-mail {clean[:80]!r} does not look like an e-mail address (name@host).")
        return clean
    from email_validator import EmailNotValidError, validate_email  # only where an e-mail is given

    try:  # syntax only: a hand-in never waits for DNS
        return validate_email(clean, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise SubmissionError(f"The e-mail {clean[:80]!r} does not look like an e-mail address (name@host.org): "
                              f"{error}") from None


def check_course(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SubmissionError("The course must be text.")
    clean = " ".join(normalize_text(value).split())
    if len(clean) > COURSE_MAX_CHARS:
        raise SubmissionError(f"The course name has {len(clean)} characters; the limit is {COURSE_MAX_CHARS}.")
    return clean


def _check_time(value: object, what: str = "handed_in_at") -> datetime:
    if not isinstance(value, str):
        raise SubmissionError(f"The time '{what}' is missing or not text.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SubmissionError(f"The time '{what}' ({value[:40]!r}) is not an ISO 8601 date and time.") from None
    if moment.tzinfo is None:
        raise SubmissionError(f"The time '{what}' ({value[:40]!r}) has no time zone (expected e.g. +00:00).")
    moment = moment.astimezone(timezone.utc)
    if moment > datetime.now(timezone.utc) + FUTURE_SKEW:
        raise SubmissionError(f"The time '{what}' ({value[:40]}) is in the future: a hand-in cannot be made later "
                              "than now, so the file's time is wrong or forged.")
    return moment


def _content(data: dict, name: str) -> tuple[int, dict[str, dict], tuple[Contribution, ...], tuple[str, ...]]:
    """Answers and contributions checked exactly as a "My work" import checks them."""
    answers = data.get("answers", {})
    if isinstance(answers, dict):
        answers = {k: v for k, v in answers.items() if not is_page_memory(k)}
    shaped = {
        "schema": PROGRESS_SCHEMA, "version": PROGRESS_VERSION,
        "learner": {"name": name, "round": data.get("round", 1)},
        "answers": answers, "contributions": data.get("contributions", []),
    }
    try:
        learner, encoded, pairs = validate_progress_data(shaped)
    except ValueError as error:
        raise SubmissionError(str(error)) from None
    # decoded from the canonical JSON: plain dicts, the same as the lessons saved (keys sorted)
    records = {key: json.loads(text) for key, text in encoded.items()}
    # the quality source was read as the learner's claim: "rubric" or "self", never another's
    contributions = tuple(c if c.participant == name else replace(c, participant=name) for _, c in pairs)
    return learner["round"], records, contributions, tuple(k for k, _ in pairs)


# --- parsing -----------------------------------------------------------------------------------

def too_large_reason(size: int) -> str:
    """Why a file of ``size`` bytes is not read as a hand-in."""
    return f"The file is {size / 1e6:.1f} MB; a hand-in is at most {MAX_SUBMISSION_BYTES / 1e6:.0f} MB."


def _decode(data: bytes | str | dict) -> Any:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_SUBMISSION_BYTES:
            raise SubmissionError(too_large_reason(len(raw)), "too large")
        if not raw.strip():
            raise SubmissionError("The file is empty.", "malformed")
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SubmissionError("The file is not UTF-8 text (is it a seci-lab .json file?).", "malformed") from None
    if isinstance(data, str):
        if len(data) > MAX_SUBMISSION_BYTES:
            raise SubmissionError(f"The text is over {MAX_SUBMISSION_BYTES / 1e6:.0f} MB.", "too large")
        try:
            return json.loads(data)
        except json.JSONDecodeError as error:
            raise SubmissionError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                                  f"{error.msg}); it may be cut short.", "malformed") from None
        except RecursionError:
            raise SubmissionError("The file's JSON is nested too deeply.", "malformed") from None
    return data


#: A hand-in may be stamped a little ahead of the server's clock (a learner's clock runs fast);
#: further ahead is a forged time, which would otherwise outrank every later hand-in.
FUTURE_SKEW = timedelta(minutes=10)


# Names a learner's browser gives the "My work" download (seci-lab-my-work.json, "... (1).json", "...-2.json")
_DEFAULT_EXPORT = re.compile(r"^seci-lab-my-work(?:[ _-]*\(?\d+\)?)?$", re.I)


def _learner_id_from_source(source: str) -> str:
    """The learner id an older "My work" file's name gives: the file's own name (stem), or, when
    that is the default export name, the id the LMS put into the download's file or folder name."""
    stem = PurePosixPath(source.replace("\\", "/")).stem
    found = lms_name(source)
    lms_id = None if found is None else found.uploader_id
    if found is not None and found.original is not None:
        stem = PurePosixPath(found.original).stem
    if _DEFAULT_EXPORT.match(stem):
        if lms_id is None:
            raise SubmissionError("An older 'My work' file holds no learner id and its name is the default "
                                  "one: rename the file to the learner's id.")
        stem = lms_id
    try:
        return check_learner_id(stem)
    except SubmissionError as error:
        raise SubmissionError("An older 'My work' file holds no learner id and its file name gives none "
                              f"({error.reason}): rename the file to the learner's id.") from None


def _migrate_progress(data: dict, source: str, raw_digest: str) -> Submission:
    learner_id = _learner_id_from_source(source)
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SubmissionError("The older 'My work' file has no valid version number.")
    if version > PROGRESS_VERSION:
        raise SubmissionError(f"The 'My work' file is from a newer seci-lab (version {version}): update seci-lab "
                              "to load it.", "newer")
    learner = data.get("learner")
    if not isinstance(learner, dict):
        raise SubmissionError("The older 'My work' file has no 'learner' section.")
    name = check_name(learner.get("name", learner_id))
    handed_in_at = _check_time(data.get("exported_at"), "exported_at")
    round_, answers, contributions, keys = _content(
        {"answers": data.get("answers", {}), "contributions": data.get("contributions", []),
         "round": learner.get("round", 1)}, name)
    return Submission(
        learner_id=learner_id, name=name, email="", course="", handed_in_at=handed_in_at,
        submission_id=raw_digest, round=round_, answers=answers, contributions=contributions,
        source=source, migrated_from=f"{PROGRESS_SCHEMA} v{version}", source_keys=keys,
    )


def parse_submission(data: bytes | str | dict, source: str = "") -> Submission:
    """Check a hand-in completely and return it as a :class:`Submission`.

    An older "My work" export (``seci-lab/progress`` v1) is migrated: its learner id is the
    stem of ``source`` (the file name) and ``migrated_from`` says so.

    Parameters
    ----------
    data : bytes, str or dict
        The file's bytes, its text, or the parsed JSON.
    source : str
        Where it came from (a file name, ``"class store"``); shown in problem lists.

    Raises
    ------
    SubmissionError
        With :attr:`~SubmissionError.reason` and :attr:`~SubmissionError.kind`.
    """
    raw_digest = None
    if isinstance(data, (bytes, bytearray, memoryview, str)):
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        raw_digest = hashlib.sha256(payload).hexdigest()[:32]
    data = _decode(data)
    if not isinstance(data, dict):
        raise SubmissionError(f"Not a seci-lab file: it holds a JSON {type(data).__name__}, not a hand-in.", "foreign")
    try:
        check_json_unicode(data)
    except ValueError as error:
        raise SubmissionError(str(error), "malformed") from None
    schema = data.get("schema")
    if schema == PROGRESS_SCHEMA:
        if raw_digest is None:
            raw_digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
                                        .encode("utf-8")).hexdigest()[:32]
        return _migrate_progress(data, source, raw_digest)
    if schema != SUBMISSION_SCHEMA:
        shown = f"schema {schema!r}" if isinstance(schema, str) else "no seci-lab schema"
        raise SubmissionError(f"Not a seci-lab hand-in ({shown[:80]}).", "foreign")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SubmissionError("The hand-in has no valid version number.")
    if version > SUBMISSION_VERSION:
        raise SubmissionError(f"The hand-in is from a newer seci-lab (format version {version}; this one reads "
                              f"up to {SUBMISSION_VERSION}): update seci-lab to load it.", "newer")
    if version < 1:
        raise SubmissionError(f"Unknown hand-in format version {version}.")
    submission_id = data.get("submission_id")
    if not isinstance(submission_id, str) or not _HEX32.fullmatch(submission_id):
        raise SubmissionError("The submission id must be 32 lowercase hexadecimal characters.")
    learner = data.get("learner")
    if not isinstance(learner, dict):
        raise SubmissionError("The hand-in has no 'learner' section.")
    learner_id = check_learner_id(learner.get("id"))
    name = check_name(learner.get("name", learner_id))
    email = check_email(learner.get("email", ""), strict=False)
    course = check_course(data.get("course", ""))
    handed_in_at = _check_time(data.get("handed_in_at"))
    version_text = data.get("seci_lab_version", "")
    if not isinstance(version_text, str) or len(version_text) > 40:
        raise SubmissionError("The 'seci_lab_version' field must be a short text.")
    round_, answers, contributions, keys = _content(
        {"answers": data.get("answers", {}), "contributions": data.get("contributions", []),
         "round": learner.get("round", 1)}, name)
    return Submission(
        learner_id=learner_id, name=name, email=email, course=course, handed_in_at=handed_in_at,
        submission_id=submission_id, round=round_, answers=answers, contributions=contributions,
        source=source, source_keys=keys, seci_lab_version=version_text,
    )



# --- building ----------------------------------------------------------------------------------

def submission_data(exported: dict, learner_id: str, *, name: str, email: str = "", course: str = "",
                    seci_lab_version: str) -> dict:
    """The hand-in of a learner's "My work" data (:mod:`seci_lab.model.progress_file`), validated.

    The hand-in form's own memory is left out; ``name`` becomes the participant of every
    contribution. A new submission id and the time now make the hand-in one of its own.

    Raises
    ------
    SubmissionError
        When a field is not valid or the hand-in is too large; the message says which.
    """
    learner_id = check_learner_id(learner_id)
    name = check_name(name)
    data = {
        "schema": SUBMISSION_SCHEMA,
        "version": SUBMISSION_VERSION,
        "submission_id": uuid.uuid4().hex,
        "handed_in_at": _now().isoformat(timespec="seconds"),
        "seci_lab_version": seci_lab_version,
        "course": check_course(course),
        "learner": {"id": learner_id, "name": name, "email": check_email(email),
                    "round": exported["learner"]["round"]},
        "answers": {k: v for k, v in exported["answers"].items() if not is_page_memory(k)},
        "contributions": [{**c, "participant": name} for c in exported["contributions"]],
    }
    parse_submission(data)
    size = len(submission_bytes(data))
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionError(f"Your saved work is {size / 1e6:.1f} MB, more than a hand-in may hold "
                              f"({MAX_SUBMISSION_BYTES / 1e6:.0f} MB): shorten or delete some long answers.",
                              "too large")
    return data


def submission_bytes(data: dict) -> bytes:
    """``data`` as the bytes of a submission file (UTF-8 JSON, indented)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def submission_filename(data: dict) -> str:
    """``seci-lab-hand-in_<learner id>_<YYYYmmdd-HHMM>.json`` (characters unsafe in file names replaced)."""
    learner = data.get("learner") if isinstance(data.get("learner"), dict) else {}
    safe = _UNSAFE_FILE_CHARS.sub("-", str(learner.get("id", "")).strip()).strip("-.")[:LEARNER_ID_MAX_CHARS] or "learner"
    try:
        stamp = _check_time(data.get("handed_in_at")).strftime("%Y%m%d-%H%M")
    except SubmissionError:
        stamp = _now().strftime("%Y%m%d-%H%M")
    return f"seci-lab-hand-in_{safe}_{stamp}.json"



# --- a class ---------------------------------------------------------------------------------------

def problem_row(source: str, learner_id: str, problem: str, action: str = SKIPPED) -> dict:
    """One row of :attr:`ClassLoad.problems`."""
    return {"source": source, "learner_id": learner_id, "problem": problem, "action": action}


def assemble_load(parsed: list[Submission], problems: list[dict], files: int, *,
                  quiz_items: Collection[str] | None = None) -> ClassLoad:
    """A :class:`ClassLoad` from parsed hand-ins: repeated submission ids dropped, each learner's
    latest hand-in kept (of two at the same time, the later in ``parsed``), and the others added
    to ``problems`` (rows of :func:`problem_row`).

    A hand-in nobody vouches for (no uploader) never replaces one an LMS or the class store
    vouches for, whatever its time: both are listed (:func:`_unvouched_left_out`). With
    ``quiz_items`` (the question bank's item ids), a hand-in answering items not among them is
    listed with those ids: they are never graded (see :mod:`seci_lab.classroom.analysis`)."""
    position = {id(sub): n for n, sub in enumerate(parsed)}  # same time: the one read later counts
    by_id: dict[str, Submission] = {}
    # of identical copies, one an uploader vouches for first, then the one nearest the top of the
    # folder with the shortest name (no " (1)", no "-copy") counts as the original
    for sub in sorted(parsed, key=lambda s: (not s.uploader_lms, s.source.count("/"), len(s.source), s.source)):
        first = by_id.get(sub.submission_id)
        if first is not None:
            problems.append(problem_row(sub.source, sub.learner_id,
                                        f"A duplicate: the same hand-in as {first.source} "
                                        f"(submission id {sub.submission_id[:8]}…)."))
            continue
        by_id[sub.submission_id] = sub
    by_learner: dict[str, list[Submission]] = {}
    for sub in by_id.values():
        by_learner.setdefault(learner_key(sub.learner_id), []).append(sub)
    kept = []
    for subs in by_learner.values():
        subs.sort(key=lambda s: (s.handed_in_at, position[id(s)]), reverse=True)
        subs, unvouched = _unvouched_left_out(subs)
        latest = subs[0]
        kept.append(latest)
        for older in subs[1:]:
            problems.append(problem_row(older.source, older.learner_id,
                                        f"Handed in at {older.handed_in_at:%Y-%m-%d %H:%M} UTC; the same learner "
                                        f"handed in again at {latest.handed_in_at:%Y-%m-%d %H:%M} UTC "
                                        f"({latest.source}), which counts.", REPLACED))
        problems.extend(_conflict_rows(latest, unvouched))
    for sub in kept:
        if sub.migrated_from:
            problems.append(problem_row(sub.source, sub.learner_id,
                                        f"An older 'My work' file ({sub.migrated_from}), not a hand-in: read as one, "
                                        "with the learner id taken from the file name.", MIGRATED))
        if quiz_items is not None and (unknown := unknown_quiz_items(sub, quiz_items)):
            problems.append(_unknown_items_row(sub, unknown))
    kept.sort(key=lambda s: (learner_key(s.learner_id), s.learner_id))
    return ClassLoad(submissions=kept, problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS), files=files)


def _unvouched_left_out(subs: list[Submission]) -> tuple[list[Submission], list[Submission]]:
    """One learner's hand-ins split into those that may count and those left out: when an
    uploader vouches for any of them, the ones nobody vouches for are left out."""
    vouched = [s for s in subs if s.uploader_lms]
    if not vouched or len(vouched) == len(subs):
        return subs, []
    return vouched, [s for s in subs if not s.uploader_lms]


def _conflict_rows(counted: Submission, unvouched: list[Submission]) -> list[dict]:
    """The rows that list both sides of a conflict, so the instructor can decide."""
    if not unvouched:
        return []
    rows = [problem_row(s.source, s.learner_id, (
        f"Claims learner {s.learner_id} (handed in at {s.handed_in_at:%Y-%m-%d %H:%M} UTC), whose hand-in "
        f"{counted.source} was uploaded by {counted.uploader}. Nobody vouches for who uploaded this file (no LMS "
        "file or folder name, no signed-in user), so it never replaces that one, whatever its time. Not counted: "
        "if it is the learner's, ask them to hand it in again through the LMS.")) for s in unvouched]
    others = ", ".join(s.source for s in unvouched[:5]) + (" …" if len(unvouched) > 5 else "")
    rows.append(problem_row(counted.source, counted.learner_id, (
        f"Counts for learner {counted.learner_id} (uploaded by {counted.uploader}), but {len(unvouched)} other "
        f"file{'s' if len(unvouched) != 1 else ''} with no uploader claim{'s' if len(unvouched) == 1 else ''} the "
        f"same learner: {others}. Check which is the learner's work."), CONFLICT))
    return rows


def unknown_quiz_items(sub: Submission, quiz_items: Collection[str]) -> list[str]:
    """The ids of the quiz items ``sub`` answers that are not in ``quiz_items``, sorted."""
    return sorted(key[len(QUIZ_PREFIX):] for key in sub.answers
                  if key.startswith(QUIZ_PREFIX) and key[len(QUIZ_PREFIX):] not in quiz_items)


def _unknown_items_row(sub: Submission, unknown: list[str]) -> dict:
    shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
    many = len(unknown) != 1
    return problem_row(sub.source, sub.learner_id, (
        f"Answers {len(unknown)} quiz item{'s' if many else ''} that {'are' if many else 'is'} not in this "
        f"seci-lab's question bank ({shown}): {'they are' if many else 'it is'} not graded or counted, whatever "
        "the file says (a hand-in from another seci-lab version, or an edited file). The rest of the hand-in "
        "counts."), PARTLY)
