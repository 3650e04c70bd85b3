"""Who uploaded a hand-in, as the names an LMS's bulk download gives its files say.

The LMS writes the outermost name of each upload (Canvas a file, Moodle a folder or a file); the
learner chose everything inside it. Pure: the standard library only. Used by
:mod:`seci_lab.model.submission`; see ``docs/submission-format.md``, "Who uploaded a hand-in".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["LmsName", "lms_name", "lms_uploader"]

# Canvas names each file of a bulk download "<lastfirst>[_late]_<user id>_<submission id>_<original name>"
# (older downloads put "late_" first); Moodle puts each learner's files in a folder "<Full Name>_<participant
# id>_assignsubmission_file_", or names the file "<Full Name>_<participant id>_assignsubmission_file_<name>".
# Only the LMS's prefix is the LMS's: the rest of a file name, and every name inside an upload (a zip's
# members, a Moodle folder's files), the learner chose. So the Moodle file name is read non-greedily (up
# to the first "_<digits>_assignsubmission_file_"), and only the outermost LMS name of a path counts.
_CANVAS_FILE = re.compile(r"^(?:late_)?(?P<name>[^_/]+?)(?:_late)?_(?P<uid>\d+)_\d+_(?P<original>.+)$", re.I)
_MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<uid>\d+)_assignsubmission_file_?$")
_MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_file_(?P<original>.+)$")


@dataclass(frozen=True)
class LmsName:
    """The outermost name an LMS wrote in a hand-in's path: whose upload everything inside is."""

    lms: str
    uploader_id: str
    uploader_name: str
    #: The name the learner gave the file, when the LMS name is the hand-in file's own name.
    original: str | None


def lms_name(source: str) -> LmsName | None:
    """The outermost LMS-written name of ``source`` (a path: folders, files, zip members).

    Parts are read from the outside in and the first one the LMS could have written decides:
    a Moodle folder (a folder part), or a file Canvas or Moodle named (the hand-in itself, or a
    ``.zip`` whose members follow). Canvas is tried first: its prefix holds no underscore in the
    name, so a learner's file name cannot make it look like Moodle's, while a Canvas name whose
    learner-chosen rest looks like Moodle's stays Canvas's. Canvas writes no folders, so a folder
    shaped like a Canvas name (the instructor's) gives nothing.
    """
    parts = PurePosixPath(source.replace("\\", "/")).parts
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if not last and not part.lower().endswith(".zip"):
            if moodle := _MOODLE_FOLDER.match(part):
                return LmsName("moodle", moodle["uid"], moodle["name"], None)
            continue
        for lms, pattern in (("canvas", _CANVAS_FILE), ("moodle", _MOODLE_FILE)):
            if found := pattern.match(part):
                return LmsName(lms, found["uid"], found["name"], found["original"] if last else None)
    return None


def lms_uploader(source: str) -> tuple[str, str, str] | None:
    """``(lms, uploader id, uploader name)`` that an LMS bulk download's outermost file or folder
    name gives (the LMS writes these names, not the learner), or None. Everything inside an
    upload (a zip's members, a Moodle folder's files, however they are named) is that upload's."""
    found = lms_name(source)
    return None if found is None else (found.lms, found.uploader_id, found.uploader_name)
