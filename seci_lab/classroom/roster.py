"""A course roster exported from the LMS: who the LMS knows, by which identifiers.

Canvas's gradebook export (``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ...) and
Moodle's (``First name``, ``Last name``, ``ID number``, ``Email address``, or a participants
download with ``username``, ``idnumber``, ``email``) are both read: every column that identifies
a user is kept, compared exactly as the LMS compares it (case-sensitive). A row whose first cell
holds "Points Possible" (Canvas's points row) is not a person.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

__all__ = ["MAX_ROSTER_BYTES", "Roster", "RosterPerson", "not_in_roster", "parse_roster"]

MAX_ROSTER_BYTES = 20_000_000
#: Header (casefolded) -> what it identifies. "lms_id" is Canvas's numeric user id, the one in
#: the file names of its bulk download.
_IDENTIFIERS = {
    "id": "lms_id", "sis user id": "sis_id", "sis login id": "login", "integration id": "integration_id",
    "id number": "sis_id", "idnumber": "sis_id", "username": "login", "login": "login",
    "email address": "email", "email": "email", "e-mail": "email",
}
_NAMES = ("student", "full name", "name")


@dataclass(frozen=True)
class RosterPerson:
    """One person of the roster: a name and every identifier the LMS knows them by."""

    name: str
    identifiers: frozenset[str]
    lms_id: str = ""


@dataclass(frozen=True)
class Roster:
    """The people of a course, found by any of their identifiers."""

    people: tuple[RosterPerson, ...]

    def find(self, identifier: str) -> RosterPerson | None:
        """The person the LMS knows by ``identifier`` (exactly), or None."""
        for person in self.people:
            if identifier in person.identifiers:
                return person
        return None

    def by_lms_id(self, lms_id: str) -> RosterPerson | None:
        """The person with Canvas's numeric user id ``lms_id``, or None."""
        for person in self.people:
            if person.lms_id and person.lms_id == lms_id:
                return person
        return None

    def __len__(self) -> int:
        return len(self.people)


def parse_roster(raw: bytes) -> Roster:
    """Read a roster CSV exported from Canvas or Moodle; ValueError saying what is wrong."""
    if len(raw) > MAX_ROSTER_BYTES:
        raise ValueError(f"The roster is over {MAX_ROSTER_BYTES // 1_000_000} MB: is it the course's roster CSV?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The roster is not UTF-8 text: export it from the LMS as CSV.") from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, TypeError) as error:
        raise ValueError(f"The roster is not a CSV table ({str(error)[:120]}).") from None
    columns = {str(c).strip().casefold(): c for c in frame.columns}
    found = {c: _IDENTIFIERS[k] for k, c in columns.items() if k in _IDENTIFIERS}
    if not found:
        raise ValueError("The roster has no column that identifies a user (ID, SIS User ID, SIS Login ID, "
                         "ID number, Email address or username): export the gradebook or the participants "
                         "from the LMS as CSV.")
    name_column = next((columns[n] for n in _NAMES if n in columns), None)
    first = next((columns[n] for n in ("first name", "firstname") if n in columns), None)
    last = next((columns[n] for n in ("last name", "lastname", "surname") if n in columns), None)
    people = []
    for _, row in frame.iterrows():
        lead = str(row.iloc[0])
        if "points possible" in lead.casefold():
            continue
        identifiers = frozenset(str(row[c]).strip() for c in found if str(row[c]).strip())
        if not identifiers:
            continue
        if name_column is not None:
            name = str(row[name_column]).strip()
        else:
            name = " ".join(str(row[c]).strip() for c in (first, last) if c is not None).strip()
        lms_ids = [str(row[c]).strip() for c, kind in found.items() if kind == "lms_id"]
        people.append(RosterPerson(name=name, identifiers=identifiers, lms_id=lms_ids[0] if lms_ids else ""))
    if not people:
        raise ValueError("The roster lists no one.")
    return Roster(tuple(people))


def not_in_roster(learner_ids: list[str], roster: Roster) -> list[str]:
    """The learner ids the roster does not know (exactly as written: the LMS compares so)."""
    known = set().union(*(p.identifiers for p in roster.people))
    return [i for i in learner_ids if i not in known]
