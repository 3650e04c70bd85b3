"""A seeded synthetic class: realistic hand-ins of n learners, plus the bad files an LMS download holds.

Used by the classroom tests, the instructor dashboard tests, the benchmarks and the docs::

    from class_generator import synthetic_class, write_class
    python tests/class_generator.py FOLDER --learners 300 [--seed 7] [--no-bad-files]

The generator itself is :mod:`seci_lab.classroom.sample_work` (the dashboard's sample class
uses it too); this file plants :data:`XSS_TEXT` in it and writes classes as folders of files.

What "realistic" means is in that module's docstring. Everything is deterministic by ``seed``.
One learner's story holds :data:`XSS_TEXT`, so every display sink of the class gets a script-like
payload to escape.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from seci_lab.classroom import sample_work
from seci_lab.classroom.sample_work import COURSE, _Bank
from seci_lab.classroom.submission import (
    SUBMISSION_VERSION,
    submission_bytes,
    submission_filename,
)

__all__ = ["COURSE", "XSS_TEXT", "_Bank", "synthetic_class", "write_class"]

#: Put in one learner's Story circle answer (the first learner who did Socialization).
XSS_TEXT = "Our story <img src=x onerror=alert(1)> <script>alert('x')</script> $x^2$ & more"


def synthetic_class(n: int = 300, seed: int = 7, *, start: datetime | None = None,
                    adequate: bool = False) -> list[dict]:
    """:func:`seci_lab.classroom.sample_work.synthetic_class` with :data:`XSS_TEXT` planted."""
    return sample_work.synthetic_class(n, seed, start=start, adequate=adequate, planted_story=XSS_TEXT)


def _progress_export(data: dict) -> dict:
    """The older "My work" file (seci-lab/progress v1) holding the same work."""
    return {
        "schema": "seci-lab/progress", "version": 1, "exported_at": data["handed_in_at"],
        "learner": {"name": data["learner"]["name"], "round": data["learner"]["round"]},
        "answers": data["answers"], "contributions": data["contributions"],
    }


def write_class(folder: Path, n: int = 300, seed: int = 7, *, bad_files: bool = True) -> dict[str, int]:
    """Write ``n`` learners' hand-ins into ``folder`` as an LMS download would, and bad files.

    With ``bad_files``: files that are not JSON, cut short, not UTF-8 or empty (``malformed``),
    other programs' JSON (``foreign``), a newer format (``newer``), invalid fields
    (``invalid``), one file over 5 MB (``oversize``), older "My work" exports named by the learner's
    id that stand in for those learners' hand-ins (``older``), byte-identical copies
    (``duplicates``), and earlier hand-ins of learners who handed in again (``replaced``).
    Some files are in a sub-folder, as LMS downloads nest them.

    Returns
    -------
    dict
        ``{"learners": n, "malformed", "foreign", "newer", "invalid", "oversize", "older",
        "duplicates", "replaced"}`` (all 0 but ``learners`` without ``bad_files``). Loading the
        folder gives ``learners`` submissions and one problem row per bad file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subs = synthetic_class(n, seed)
    counts = {"learners": n, "malformed": 0, "foreign": 0, "newer": 0, "invalid": 0, "oversize": 0,
              "older": 0, "duplicates": 0, "replaced": 0}
    rng = random.Random(seed + 1)
    older = set(rng.sample(range(n), min(2, n))) if bad_files and n >= 10 else set()
    for index, data in enumerate(subs):
        sub_folder = folder / ("late" if index % 10 == 9 else "")
        sub_folder.mkdir(exist_ok=True)
        if index in older:
            (sub_folder / f"{data['learner']['id']}.json").write_bytes(submission_bytes(_progress_export(data)))
            counts["older"] += 1
        else:
            (sub_folder / submission_filename(data)).write_bytes(submission_bytes(data))
    if not bad_files or n < 10:
        return counts
    plain = [i for i in range(n) if i not in older]
    sample = subs[plain[0]]
    raw = submission_bytes(sample)
    bad = folder / "problems"
    bad.mkdir(exist_ok=True)
    (bad / "cut-short.json").write_bytes(raw[: len(raw) // 2])
    (bad / "notes.json").write_bytes(b"These are my notes, not JSON.")
    (bad / "latin1.json").write_bytes('{"schema": "seci-lab/submission", "learner": "Zo\xeb"}'.encode("latin-1"))
    (bad / "empty.json").write_bytes(b"")
    counts["malformed"] += 4
    (bad / "notebook.json").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (bad / "list.json").write_text("[1, 2, 3]")
    counts["foreign"] += 2
    newer = dict(sample, version=SUBMISSION_VERSION + 1, submission_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex)
    (bad / "from-the-future.json").write_bytes(submission_bytes(newer))
    counts["newer"] += 1
    invalid_id = dict(sample, learner=dict(sample["learner"], id="   "),
                      submission_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex)
    (bad / "no-id.json").write_bytes(submission_bytes(invalid_id))
    broken = json.loads(raw)
    broken["submission_id"] = uuid.UUID(int=rng.getrandbits(128), version=4).hex
    if broken["contributions"]:
        broken["contributions"][0]["quality"] = 3.5
    else:
        broken["handed_in_at"] = "yesterday"
    (bad / "bad-quality.json").write_bytes(submission_bytes(broken))
    counts["invalid"] += 2
    (bad / "huge.json").write_bytes(b'{"padding": "' + b"x" * 5_100_000 + b'"}')
    counts["oversize"] += 1
    for k, index in enumerate(plain[1:3]):
        (bad / f"copy-{k}.json").write_bytes(submission_bytes(subs[index]))
        counts["duplicates"] += 1
    for k, index in enumerate(plain[3:6]):
        earlier = json.loads(submission_bytes(subs[index]))
        earlier["submission_id"] = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        moment = datetime.fromisoformat(earlier["handed_in_at"]) - timedelta(hours=26 + k)
        earlier["handed_in_at"] = moment.isoformat(timespec="seconds")
        earlier["answers"] = dict(list(earlier["answers"].items())[: len(earlier["answers"]) // 2])
        (bad / submission_filename(earlier)).write_bytes(submission_bytes(earlier))
        counts["replaced"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic class's hand-in files into FOLDER.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-bad-files", action="store_true", help="only the learners' hand-ins")
    args = parser.parse_args(argv)
    counts = write_class(args.folder, args.learners, args.seed, bad_files=not args.no_bad_files)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
