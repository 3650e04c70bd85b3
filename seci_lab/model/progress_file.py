"""The "My work" file (schema ``seci-lab/progress``, version 1): its shape, its caps and its checks.

A learner downloads everything they saved as this JSON file and imports it on another machine
(:meth:`seci_lab.store.progress.Progress.import_json`); an older hand-in may be one too
(:mod:`seci_lab.model.submission` reads it as a hand-in). The same caps hold when an answer is
saved, so whatever the store holds can always be exported and imported again.

Shape::

    {"schema": "seci-lab/progress", "version": 1, "exported_at": "<ISO 8601>",
     "learner": {"name": "...", "round": 1},
     "answers": {"<answer key>": {...record...}, ...},
     "contributions": [{"source_key": "r1:S.journal", "participant": "...", "mode": "S",
                        "text": "...", "round": 1, "quality": 0.7, "quality_source": "rubric"}, ...]}

Answer keys and records are those of :mod:`seci_lab.model.work`. A contribution's
``quality_source`` is ``"rubric"`` or ``"self"`` (the learner's own rating): the file is the
learner's, so any other claimed source is read as ``"self"``
(:func:`seci_lab.model.contributions.learner_claim`), and a file without it as ``"rubric"``. Pure: standard library and
the rest of ``seci_lab.model`` only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from .contributions import TEXT_MAX_CHARS, Contribution, check_round, clean_participant, learner_claim, normalize_text
from .work import import_key

__all__ = [
    "DEFAULT_NAME",
    "MAX_ANSWERS",
    "MAX_CONTRIBUTIONS",
    "MAX_IMPORT_BYTES",
    "MAX_KEY_CHARS",
    "MAX_RECORD_CHARS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "check_key",
    "check_record",
    "decode_progress_file",
    "progress_file",
    "progress_file_bytes",
    "validate_progress_data",
]

SCHEMA = "seci-lab/progress"
SCHEMA_VERSION = 1
#: The name of a learner who has not given theirs.
DEFAULT_NAME = "Me"
#: Caps that keep one learner's file a reasonable size (checked on save and on import).
MAX_ANSWERS = 2000
MAX_CONTRIBUTIONS = 2000
MAX_KEY_CHARS = 120
MAX_RECORD_CHARS = 50_000  # one answer record as JSON: a text and its feedback, or the card board
MAX_IMPORT_BYTES = 5_000_000


def check_key(key: object) -> str:
    """An answer or source key as given, or a ValueError: it must be non-empty text within the cap."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError("An answer key must be non-empty text.")
    if len(key) > MAX_KEY_CHARS:
        raise ValueError(f"An answer key has {len(key)} characters; the limit is {MAX_KEY_CHARS}.")
    return key


def check_record(key: str, record: object) -> str:
    """The record as canonical JSON, or a ValueError that says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"The answer {key!r} must be an object (a dict), not {type(record).__name__}.")
    try:
        # sort_keys: the same record always gives the same text, so an unchanged save is a no-op
        encoded = json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"The answer {key!r} holds something that is not plain JSON data ({error}).") from error
    if len(encoded) > MAX_RECORD_CHARS:
        raise ValueError(f"The answer {key!r} is too long ({len(encoded)} characters; the limit is {MAX_RECORD_CHARS}).")
    text = record.get("text")
    if text is not None:
        if not isinstance(text, str):
            raise ValueError(f"The text of answer {key!r} must be text.")
        if len(normalize_text(text)) > TEXT_MAX_CHARS:
            raise ValueError(f"The text of answer {key!r} has more than {TEXT_MAX_CHARS} characters.")
    return encoded


def progress_file(name: str, round: int, answers: Mapping[str, dict],
                  contributions: Iterable[tuple[str, Contribution]], exported_at: str) -> dict:
    """A learner's saved work as the file's JSON-ready data.

    Parameters
    ----------
    name, round
        The learner's name and current round.
    answers : mapping
        Records by answer key.
    contributions : iterable of (source key, Contribution)
        In the order they were added.
    exported_at : str
        When, ISO 8601.
    """
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "exported_at": exported_at,
        "learner": {"name": name, "round": int(round)},
        "answers": dict(answers),
        "contributions": [{"source_key": key, **c.to_dict()} for key, c in contributions],
    }


def progress_file_bytes(data: dict) -> bytes:
    """The file's data as the UTF-8 JSON bytes a learner downloads."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def decode_progress_file(data: dict | str | bytes | bytearray | memoryview) -> Any:
    """The JSON data of a file's bytes or text (data passes as is); a ValueError says what is wrong."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValueError(f"The file is {len(raw) / 1e6:.1f} MB; a seci-lab export is at most "
                             f"{MAX_IMPORT_BYTES / 1e6:.0f} MB. Is it the right file?")
        try:
            data = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The file is not text (UTF-8): choose the .json file seci-lab exported.") from None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as error:
            raise ValueError(f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                             f"{error.msg}). It may be cut short: download it again.") from None
        except RecursionError:
            raise ValueError("The file's JSON is nested too deeply: choose the .json file seci-lab "
                             "exported.") from None
    return data


def check_json_unicode(data: Any) -> None:
    """Raise ValueError when parsed JSON holds text that is not valid Unicode (a lone surrogate
    such as ``"\\ud800"``): such text cannot be saved, exported or shown, so a file holding it is
    refused when it is read, with the reason, instead of failing an export later."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        bad = error.object[error.start]
        raise ValueError(f"The file holds a character that is not valid Unicode (U+{ord(bad):04X}, a lone "
                         "surrogate): it is damaged or was not made by seci-lab.") from None
    except (TypeError, ValueError, RecursionError):
        return  # not JSON data: the field checks say what is wrong


def _not_progress(schema: Any) -> str:
    """Why a JSON file with another (or no) ``schema`` is not a "My work" file, in plain words."""
    start = "This file is not a seci-lab \"My work\" file"
    if schema == "seci-lab/submission":
        return (f"{start}: it is a hand-in file, made for your instructor. Import the file that "
                "\"Saved work (JSON)\" downloaded (seci-lab-my-work.json).")
    if isinstance(schema, str) and schema.startswith("seci-lab/"):
        return f"{start}: it holds other seci-lab data ({schema[:40]}), not a learner's saved work."
    return (f"{start}: it holds JSON data, but not work saved by seci-lab. Import the file that "
            "\"Saved work (JSON)\" downloaded (seci-lab-my-work.json).")


def validate_progress_data(data: Any) -> tuple[dict, dict[str, str], list[tuple[str, Contribution]]]:
    """Check a "My work" export (or data of the same shape) completely, as an import does.

    Returns
    -------
    tuple
        ``({"name", "round"}, {key: canonical JSON of the record}, [(source_key, Contribution)])``.

    Raises
    ------
    ValueError
        With a message that says what is wrong.
    """
    if not isinstance(data, dict):
        raise ValueError("This is not a seci-lab export: the file must hold a JSON object.")
    check_json_unicode(data)
    if data.get("schema") != SCHEMA:
        raise ValueError(_not_progress(data.get("schema")))
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValueError("The file has no valid version number.")
    if version > SCHEMA_VERSION:
        raise ValueError(f"The file is from a newer seci-lab (version {version}); update seci-lab to import it.")
    if version < 1:
        raise ValueError(f"Unknown file version {version}.")
    learner = data.get("learner")
    if not isinstance(learner, dict):
        raise ValueError("The file has no 'learner' section.")
    name = learner.get("name", DEFAULT_NAME)
    try:
        name = clean_participant(name)
    except ValueError as error:
        raise ValueError(f"The learner's name in the file is not valid: {error}") from None
    round_ = check_round(learner.get("round", 1), "The learner's round in the file")
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        raise ValueError("'answers' must be an object of key → answer.")
    if len(answers) > MAX_ANSWERS:
        raise ValueError(f"The file has {len(answers)} answers; at most {MAX_ANSWERS} can be imported.")
    encoded = {}
    for key, record in answers.items():
        check_key(key)
        encoded[key] = check_record(key, record)
    items = data.get("contributions", [])
    if not isinstance(items, list):
        raise ValueError("'contributions' must be a list.")
    if len(items) > MAX_CONTRIBUTIONS:
        raise ValueError(f"The file has {len(items)} contributions; at most {MAX_CONTRIBUTIONS} can be imported.")
    contributions = []
    seen = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"Contribution {n} is not an object.")
        source_key = item.get("source_key", import_key(n))
        try:
            check_key(source_key)
        except ValueError as error:
            raise ValueError(f"Contribution {n}: {error}") from None
        if source_key in seen:
            raise ValueError(f"Contribution {n} repeats the key {source_key!r}.")
        seen.add(source_key)
        quality = item.get("quality")
        if isinstance(quality, float) and math.isnan(quality):
            raise ValueError(f"Contribution {n}: the quality is not a number.")
        try:
            c = Contribution(participant=item.get("participant", name), mode=item.get("mode"),
                             text=item.get("text"), round=item.get("round"), quality=quality,
                             quality_source=learner_claim(item.get("quality_source")))
        except ValueError as error:
            raise ValueError(f"Contribution {n}: {error}") from None
        contributions.append((source_key, c))
    return {"name": name, "round": round_}, encoded, contributions
