"""SECI-Spiral v2's level-up conditions, the climb between levels and the progress a page shows.

One set of conditions per level (docs/spiral-model.md, "Levels and their conditions"): the
model's readiness is computed from them, and :func:`level_progress` lists them for a page as
short actions with a meter ("Group: 3 of 5 conditions met"). Pure: the model imports it, it
imports nothing above the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .modes import MODES, Level, Mode

from .spiral_params import SpiralParams

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CIRCLES", "Condition", "LevelProgress", "ORGANIZATION_CAP", "circle", "declaration_message", "level_progress"]

TOP = Level.INTER_ORGANIZATION
#: The height a spiral reaches by itself: Inter-organization needs a boundary crossed (a
#: facilitator's declared level-up), so the Organization band fills up to here and no further.
ORGANIZATION_CAP = 2.9


@dataclass(frozen=True)
class Condition:
    """One condition of the next level-up, in plain words (:func:`level_progress`).

    Attributes
    ----------
    key : str
        ``"people"`` (distinct people sharing), a mode's letter (``"S"``, ``"E"``, ``"C"``,
        ``"I"``), ``"community"`` (people enough above Group), ``"archetype"`` (explicit
        knowledge to carry) or ``"boundary"``.
    label : str
        What the condition asks, e.g. "Combination of adequate quality".
    met : bool
        Whether the last round met it.
    action : str
        What to do when it is not met, short ("One more Combination of adequate quality");
        "" when it is met.
    why : str
        What the last round showed, for the page ("this round has none"); "" when met.
    """

    key: str
    label: str
    met: bool
    action: str = ""
    why: str = ""

    @property
    def text(self) -> str:
        """The action and its reason in one line ("" when met)."""
        return f"{self.action}: {self.why}" if self.why else self.action


def _people(n: int) -> str:
    return "1 more person" if n == 1 else f"{n} more people"


def _more_people(m: Mode, e_m: float, N: int, params: SpiralParams) -> int:
    """How many more people contributing at adequate quality would bring mode ``m`` to e_min."""
    unit = math.log(1.0 - params.p(m))
    now = math.log(1.0 - min(e_m, 0.999999)) / unit * N ** params.nu(m)
    needed = math.log(1.0 - params.e_min) / unit * N ** params.nu(m)
    return max(1, math.ceil((needed - now) / max(params.q_star, 1e-9) - 1e-9))


def _mode_condition(m: Mode, e_m: float, people: int, q: float | None, weakest: bool, N: int,
                    params: SpiralParams) -> Condition:
    label = f"{m.label} of adequate quality"
    if q is None:
        return Condition(m.value, label, False, f"One more {m.label} of adequate quality", "this round has none")
    if q < params.q_star - 1e-9:
        return Condition(m.value, label, False,
                         f"Better {m.label}" + (" (improve the weakest mode first)" if weakest else ""),
                         f"this round's averages {q:.2f} and adequate is {params.q_star:.2f}")
    if e_m < params.e_min - 1e-12:
        return Condition(m.value, label, False,
                         f"{_people(_more_people(m, e_m, N, params)).capitalize()} in {m.label}",
                         f"{people} of the {N} took part; a mode needs enough of the group")
    return Condition(m.value, label, True)


def conditions(e: dict[Mode, float], people: dict[Mode, int], means: dict[Mode, float | None],
               explicit: float, N: int, level: int, params: SpiralParams) -> list[Condition]:
    """The conditions of the level above ``level`` for one round (v2), each with its action.

    ``means`` holds each mode's mean quality (None: no contribution), ``explicit`` the explicit
    knowledge per person. :func:`readiness` reads the same quantities; this list is what the
    pages show (docs/spiral-model.md, "Levels and their conditions").
    """
    if level >= TOP:
        return []
    sharers = people[Mode.SOCIALIZATION]
    found = []
    if level == Level.INDIVIDUAL:
        who = "Nobody" if sharers == 0 else ("Only 1 person" if sharers == 1 else f"Only {sharers} people")
        found.append(Condition(
            "people", f"At least {params.sharers} people share experience (Socialization)",
            sharers >= params.sharers, *(("", "") if sharers >= params.sharers else (
                f"Share with {_people(params.sharers - sharers)}",
                f"{who} shared experience (Socialization) this round; knowledge rises above the "
                f"individual level only when at least {params.sharers} different people share it")),
        ))
    else:
        found.append(Condition(
            "community", f"{params.org_people} people or more share in a round (several groups)",
            sharers >= params.org_people, *(("", "") if sharers >= params.org_people else (
                f"Bring in {_people(params.org_people - sharers)}",
                f"{sharers} shared this round; the {Level(level + 1).label} level needs knowledge "
                f"carried across several groups: {params.org_people} people at full speed, fewer "
                "rise more slowly")),
        ))
        written = explicit >= params.x_org - 1e-12
        found.append(Condition(
            "archetype", "Enough written down to carry to a wider circle", written,
            *(("", "") if written else (
                "Write more down together (Externalization and Combination)",
                f"{explicit:.2f} per person so far; {params.x_org:.2f} carries it at full speed")),
        ))
    rated = {m: q for m, q in means.items() if q is not None}
    weakest = min(rated, key=lambda m: rated[m]) if rated else None
    found.extend(_mode_condition(m, e[m], people[m], means[m], m is weakest, N, params) for m in MODES)
    if level == Level.ORGANIZATION:
        found.append(Condition(
            "boundary", "The knowledge crosses a boundary", False, "Carry it across a boundary",
            "to another organization or to partners outside; a facilitator declares this step"))
    return found


def _quality_factor(q_min: float, params: SpiralParams) -> float:
    """0 at or below q_low, 1 from q* up, quadratic in between: no cliff, and a small quality
    change moves the rise little even when it adds up over many rounds (docs)."""
    u = (q_min - params.q_low) / (params.q_star - params.q_low)
    return min(1.0, max(0.0, u)) ** 2


def readiness(e: dict[Mode, float], people: dict[Mode, int], means: dict[Mode, float | None],
               explicit: float, level: int, params: SpiralParams) -> float:
    """How fully the round meets the conditions of the level above ``level``, in [0, 1]."""
    sharers = people[Mode.SOCIALIZATION]
    if sharers < params.sharers:
        return 0.0  # a count of people, not a quality: the one step
    # A complete turn: the thinnest mode sets the pace (linear up to e_min, no cliff).
    turn = min(min(1.0, e[m] / params.e_min) if params.e_min else 1.0 for m in MODES)
    q_min = min((q if q is not None else 0.0) for q in means.values())
    ready = turn * _quality_factor(q_min, params)
    if level >= Level.GROUP:
        # Several groups: full speed from org_people sharing, less with fewer (a team of 5
        # gets there in many more rounds); and an archetype to carry: explicit knowledge per
        # person (five-phase model, phase 4), full speed from x_org.
        ready *= min(1.0, (sharers - 1) / (params.org_people - 1))
        ready *= min(1.0, explicit / params.x_org) if params.x_org else 1.0
    return ready


def advance(lam: float, speed: dict[int, float]) -> float:
    """The height after one round: it climbs each level at that level's speed (levels per
    round) and stops at ORGANIZATION_CAP below the top level, or at the top band's 0.9.

    A piecewise-constant, autonomous rise: a spiral that starts higher never ends lower, so
    better or more work never rises less."""
    time = 1.0
    while time > 1e-12:
        L = level_of(lam)
        cap = ORGANIZATION_CAP if L < TOP else float(TOP) + 0.9
        v = speed.get(L, 0.0)
        if v <= 0 or lam >= cap - 1e-12:
            break
        goal = min(float(L + 1), cap)
        needed = (goal - lam) / v
        if needed >= time:
            return lam + v * time
        lam, time = goal, time - needed
    return lam


def level_of(lam: float) -> int:
    # The small tolerance keeps a rise of exactly one level from landing a hair below it.
    return min(int(TOP), int(math.floor(lam + 1e-9)))


@dataclass(frozen=True)
class LevelProgress:
    """How close a spiral is to its next level, for a page (:func:`level_progress`).

    Attributes
    ----------
    level : Level
        The level reached.
    height : float
        The spiral's height (the level is its whole part).
    next_level : Level or None
        The level above, None at the top.
    conditions : tuple of Condition
        The next level's conditions as the last round met them (empty at the top).
    rounds : int
        Rounds played so far (0 before the first contribution).
    """

    level: Level
    height: float
    next_level: Level | None
    conditions: tuple[Condition, ...]
    rounds: int

    @property
    def met(self) -> int:
        """How many conditions the last round met."""
        return sum(c.met for c in self.conditions)

    @property
    def total(self) -> int:
        return len(self.conditions)

    @property
    def fill(self) -> float:
        """How full the level's band is drawn, in [0, 1]: the share of conditions met (1 at the top)."""
        return 1.0 if not self.conditions else self.met / self.total

    @property
    def climb(self) -> float:
        """How far the spiral has climbed through its level's band, in [0, 1)."""
        return max(0.0, min(0.999, self.height - int(self.level)))

    @property
    def meter(self) -> str:
        """One line, e.g. "Group: 3 of 5 conditions met"."""
        if self.next_level is None:
            return f"{self.level.label}: the highest level"
        return f"{self.next_level.label}: {self.met} of {self.total} conditions met"

    @property
    def actions(self) -> tuple[str, ...]:
        """What to do next, one short action per condition not met."""
        return tuple(c.action for c in self.conditions if not c.met)

    @property
    def summary(self) -> str:
        """A sentence for the page: where the spiral stands and how far it has climbed."""
        if self.next_level is None:
            return f"{self.meter}."
        if self.rounds == 0:
            return "Nothing contributed yet: the conditions fill as you work."
        where = f"At the {self.level.label} level, {self.climb:.0%} of the way to {self.next_level.label}"
        if self.met == self.total:
            return f"{where}: every condition was met in round {self.rounds}; more rounds like it climb further."
        return f"{where}. Round {self.rounds} met {self.met} of the {self.total} conditions."


def level_progress(trajectory: pd.DataFrame, params: SpiralParams | None = None) -> LevelProgress:
    """The next level's conditions as the last round of ``trajectory`` met them.

    ``trajectory`` is one v2 spiral from :func:`~seci_lab.model.simulate_spiral` (or the rows
    of its last spiral); its parameters come from ``trajectory.attrs`` unless ``params`` is
    given. An empty trajectory (nothing contributed yet) lists every condition as not met.

    Raises
    ------
    ValueError
        For a v1 trajectory: v1 has no conditions in plain words (its ``unmet`` column).
    """
    if params is None:
        stored = dict(trajectory.attrs.get("params", {}))
        params = SpiralParams(**stored) if stored else SpiralParams()
    if params.version != 2:
        raise ValueError("Level progress is defined for SECI-Spiral v2 only.")
    if trajectory.empty:
        e = {m: 0.0 for m in MODES}
        people = {m: 0 for m in MODES}
        means: dict[Mode, float | None] = {m: None for m in MODES}
        return LevelProgress(Level.INDIVIDUAL, 0.0, Level.GROUP,
                             tuple(conditions(e, people, means, 0.0, 1, 0, params)), 0)
    if "spiral" in trajectory.columns:
        trajectory = trajectory[trajectory["spiral"] == trajectory["spiral"].iloc[-1]]
    last_round = int(trajectory["round"].iloc[-1])
    rows = trajectory[trajectory["round"] == last_round]
    by_mode = {str(row["mode"]): row for _, row in rows.iterrows()}
    e, people, means = {}, {}, {}
    for m in MODES:
        row = by_mode.get(m.value)
        e[m] = 0.0 if row is None else float(row["intensity"])
        people[m] = 0 if row is None else int(row["people"])
        q = None if row is None else float(row["quality"])
        means[m] = None if q is None or math.isnan(q) or people[m] == 0 else q
    last = trajectory.iloc[-1]
    N = int(last["participants"])
    level = Level(int(last["level"]))
    found = conditions(e, people, means, float(last["X"]) / N, N, int(level), params)
    return LevelProgress(level, float(last["height"]), None if level >= TOP else Level(level + 1),
                         tuple(found), last_round)


# ----------------------------------------------------------------- one ladder for workshops

#: Who holds the knowledge at each spiral level, in a workshop's words: a SECI round's and a
#: Collective Story Harvest's (docs/spiral-model.md, "One ladder"). The workshop's declared
#: scales (table, plenary, organization) are the circles a facilitator carries the knowledge
#: to: table = Group, plenary = Organization, organization = Inter-organization.
CIRCLES: dict[Level, tuple[str, str]] = {
    Level.INDIVIDUAL: ("each person on their own", "each listener on their own"),
    Level.GROUP: ("the table groups", "the story circle: teller and harvesters"),
    Level.ORGANIZATION: ("the plenary: the whole room", "the whole room: harvests given back"),
    Level.INTER_ORGANIZATION: ("beyond the room: other teams, workshops or partners",
                               "beyond the room: other circles or partners"),
}


def circle(level: int, *, story_harvest: bool = False) -> str:
    """Who holds the knowledge at ``level``, in a SECI round's or a Story Harvest's words."""
    return CIRCLES[Level(max(0, min(int(TOP), int(level))))][1 if story_harvest else 0]


def declaration_message(note: str, level: int, *, story_harvest: bool = False) -> tuple[bool, str]:
    """One message for a facilitator's declared level-up: accepted, or "not yet, because ...".

    ``note`` is the model's note on the round (:func:`~seci_lab.model.simulate_spiral`) and
    ``level`` the spiral's level after it. Returns (accepted, message).
    """
    where = f"{Level(level).label} level ({circle(level, story_harvest=story_harvest)})"
    if note.startswith("Declared level-up refused"):
        reason = note.split(":", 1)[1].strip() if ":" in note else note
        reason = ("there is " + reason) if reason.startswith("almost") else reason
        return False, (f"Not yet: the spiral stays at the {where}, because {reason} The declaration "
                       "stays on record for this round: if the group writes enough down before the "
                       "round ends, the spiral rises then.")
    if note.startswith("Declared level-up accepted"):
        rest = note.split(", although:", 1)
        skipped = f" Skipped: {rest[1].strip()}" if len(rest) > 1 else ""
        return True, f"Level-up accepted: the spiral is at the {where} now.{skipped}"
    return True, f"Level-up accepted: the spiral is at the {where}."
