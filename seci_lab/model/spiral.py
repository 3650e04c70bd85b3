"""SECI-Spiral: a deterministic stock-and-flow model of the knowledge spiral.

Two versions share the stocks, the mode flows and the geometry of the domain brief's model
(section 3.5, a didactic synthesis, not a model estimated from data):

* **v2** (the default, ``SpiralParams()``): knowledge rises above the individual level only when
  distinct people share it; every mode's quality counts and acts smoothly, against the course's
  quality scale (adequate work counts fully); each level's conditions are read from the round
  (``spiral_levels``), so a team doing adequate work rises in one round; Inter-organization
  needs a declared boundary crossing, and a declared level-up needs explicit knowledge;
  knowledge that reached the group level can seed new spirals.
* **v1** (``SpiralParams(version=1)``): the brief's equations exactly, kept so its results table
  stays reproducible.

Every equation names its source in a comment; ``docs/spiral-model.md`` has them all, with the
defaults and the results table of each version. Order within a round does not matter: each round
is read as one turn S -> E -> C -> I, whatever order its contributions were entered in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from .contributions import Contribution
from .modes import MODES, Level, Mode
from .spiral_levels import advance, conditions, level_of, readiness
from .spiral_params import V1_UNRATED_QUALITY, SpiralParams

if TYPE_CHECKING:  # pandas is imported when a spiral is simulated: a participant's kernel never needs it
    import pandas as pd

__all__ = [
    "ROOT_SPIRAL",
    "SpiralParams",
    "SpiralSeed",
    "TRAJECTORY_COLUMNS",
    "V1_UNRATED_QUALITY",
    "join_spirals",
    "seed_spiral",
    "simulate_spiral",
    "simulated_group",
    "simulated_team",
]

#: Columns of the DataFrame returned by :func:`simulate_spiral`, in order.
TRAJECTORY_COLUMNS = (
    "step", "round", "mode", "mode_name", "participants", "contributions", "people", "quality",
    "intensity", "T", "X", "A", "U", "shared", "level", "level_name", "leveled_up", "readiness",
    "radius", "angle", "height", "unmet", "note", "texts", "sources",
    "spiral", "parent", "parent_step", "round_offset",
)

#: The id of a spiral that no other spiral seeded.
ROOT_SPIRAL = "1"
_SPIRAL_ID_MAX = 40
_TOP = Level.INTER_ORGANIZATION


@dataclass(frozen=True)
class SpiralSeed:
    """Where a new spiral starts: a step of its parent that reached the group level or above.

    Made by :func:`seed_spiral`; pass it to :func:`simulate_spiral` as ``seed``.

    Attributes
    ----------
    parent : str
        The parent spiral's id.
    step : int
        The parent's step (its ``step`` column) the new spiral starts from.
    round : int
        The round of that step on the common clock (the parent's ``round_offset + round``);
        the new spiral's round 1 comes after it.
    level : int
        The level the parent had reached at that step (at least :attr:`Level.GROUP`).
    explicit : float
        Explicit knowledge per person the new spiral starts with (``tau`` times the parent's).
    """

    parent: str
    step: int
    round: int
    level: int
    explicit: float


# --------------------------------------------------------------------------------- helpers


def _person(name: str) -> str:
    # "Ana" and "ana " are one person (names are already NFC-normalised and stripped).
    return name.casefold()


def _quality(c: Contribution, params: SpiralParams) -> float:
    return params.unrated_quality if c.quality is None else c.quality


def _check_spiral_id(spiral_id: object) -> str:
    if not isinstance(spiral_id, str) or not spiral_id.strip() or len(spiral_id) > _SPIRAL_ID_MAX:
        raise ValueError(f"A spiral id must be a short text (1-{_SPIRAL_ID_MAX} characters); got {spiral_id!r}.")
    return spiral_id.strip()


def _row(step: int, r: int, m: Mode, N: int, items: list[Contribution], qualities: list[float],
         people: int, e: float, T: float, X: float, A: float, U: float, s: float, level: int,
         leveled_up: bool, readiness: float, height: float, unmet: list[str], note: str,
         spiral: str, seed: SpiralSeed | None) -> dict:
    return {
        "step": step,
        "round": r,
        "mode": m.value,
        "mode_name": m.label,
        "participants": N,
        "contributions": len(items),
        "people": people,
        "quality": (sum(qualities) / len(qualities)) if qualities else float("nan"),
        "intensity": e,
        "T": T,
        "X": X,
        "A": A,
        "U": U,
        "shared": s,
        "level": level,
        "level_name": Level(level).label,
        "leveled_up": leveled_up,
        "readiness": readiness,
        # Knowledge per participant, so group size does not dominate the picture.
        "radius": math.sqrt((T + X) / N),
        # Clockwise through the classic quadrants: S 135°, E 45°, C -45°, I -135°.
        "angle": 135.0 - 90.0 * step,
        "height": height,
        "unmet": "; ".join(unmet),
        "note": note,
        "texts": tuple(c.text for c in items),
        # whose quality each text counts with ("rubric", "self", ...), shown beside it
        "sources": tuple(c.quality_source for c in items),
        "spiral": spiral,
        "parent": "" if seed is None else seed.parent,
        "parent_step": -1 if seed is None else seed.step,
        "round_offset": 0 if seed is None else seed.round,
    }


def _frame(rows: list[dict], params: SpiralParams, spiral: str, seed: SpiralSeed | None) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(TRAJECTORY_COLUMNS))
    frame.attrs["params"] = params.to_dict()
    frame.attrs["lineage"] = {spiral: None if seed is None else asdict(seed)}
    return frame


# ------------------------------------------------------------------------------ the model


def simulate_spiral(
    contributions: Iterable[Contribution],
    participants: int,
    params: SpiralParams | None = None,
    *,
    rounds: int | None = None,
    cross_level_rounds: Iterable[int] = (),
    seed: SpiralSeed | None = None,
    spiral_id: str = ROOT_SPIRAL,
) -> pd.DataFrame:
    """Run SECI-Spiral over the contributions and return its trajectory.

    Parameters
    ----------
    contributions : iterable of Contribution
        What the learners contributed; their ``round`` and ``mode`` place them in the spiral.
        The order they come in changes only the order their texts are listed in.
    participants : int
        Group size N (at least 1). v2 counts at least everyone who contributed.
    params : SpiralParams, optional
        Model parameters; v2's defaults when omitted (``SpiralParams(version=1)`` for v1).
    rounds : int, optional
        Number of rounds to simulate; by default up to the last round with a contribution.
    cross_level_rounds : iterable of int
        Rounds at whose end a facilitator declares a cross-leveling event. v2 refuses one when
        the group has too little explicit knowledge, and says why in ``note``.
    seed : SpiralSeed, optional
        v2: start as a new spiral from a parent's step (:func:`seed_spiral`).
    spiral_id : str
        This spiral's id in the ``spiral`` column (``"1"`` by default).

    Returns
    -------
    pandas.DataFrame
        One row per mode step (four per round), columns ``TRAJECTORY_COLUMNS``. ``T`` and ``X``
        are the tacit and explicit stocks, ``shared`` the shared fraction of the tacit stock,
        ``people`` the distinct people who contributed to the step, ``level`` the ontological
        level (0-3), ``readiness`` how fully the level-up conditions hold (0-1),
        ``radius``/``angle``/``height`` the spiral's geometry, ``unmet`` the level-up conditions
        not met (``"; "``-separated), ``note`` what became of a declared level-up, ``texts`` the
        step's contributions and ``sources`` whose quality each counts with. ``spiral``,
        ``parent``, ``parent_step`` and ``round_offset`` give its lineage ("" and -1 for a root).
    """
    if isinstance(participants, bool) or not isinstance(participants, int) or participants < 1:
        raise ValueError(f"The group needs at least 1 participant; got {participants!r}.")
    params = params or SpiralParams()
    if not isinstance(params, SpiralParams):
        raise TypeError(f"Expected SpiralParams, got {type(params).__name__}.")
    spiral_id = _check_spiral_id(spiral_id)
    contributions = list(contributions)
    for c in contributions:
        if not isinstance(c, Contribution):
            raise TypeError(f"Expected Contribution objects, got {type(c).__name__}.")
    last = max((c.round for c in contributions), default=0)
    n_rounds = last if rounds is None else rounds
    if isinstance(n_rounds, bool) or not isinstance(n_rounds, int) or n_rounds < 0:
        raise ValueError(f"rounds must be a whole number, not negative; got {rounds!r}.")
    cross_level = set(cross_level_rounds)
    if seed is not None:
        if params.version == 1:
            raise ValueError("SECI-Spiral v1 has no new spirals: seeds need version 2.")
        if not isinstance(seed, SpiralSeed):
            raise TypeError(f"Expected a SpiralSeed from seed_spiral, got {type(seed).__name__}.")
        if seed.parent == spiral_id:
            raise ValueError(f"Spiral {spiral_id} cannot seed itself: give the new spiral another id.")
    run = _simulate_v1 if params.version == 1 else _simulate_v2
    return run(contributions, participants, params, n_rounds, cross_level, seed, spiral_id)


def _convert(m: Mode, e_m: float, s: float, T: float, A: float, X: float, U: float, capacity: float,
             params: SpiralParams) -> tuple[float, float, float, float, float]:
    """One mode's conversion of the stocks at intensity ``e_m``; the same equations in v1 and v2.

    Returns the new shared share ``s``, tacit ``T``, articulated ``A``, explicit ``X`` and
    internalized ``U`` stocks.
    """
    if m is Mode.SOCIALIZATION:
        # Convergence to shared mental models: March's p1 form applied person to
        # person (Miller, Zhao & Calantone 2006); socialization also creates
        # sympathized knowledge (N&T 1995), switched off by sigma = 0 (Bratianu 2010).
        s = s + e_m * (1.0 - s)
        T = T * (1.0 + params.sigma * e_m)
    elif m is Mode.EXTERNALIZATION:
        # Concepts come from *shared* tacit knowledge (five-phase model, phase 2), and
        # only the codifiable share phi can ever be articulated (Polanyi; Tsoukas 2003).
        dX = e_m * s * max(0.0, params.phi * T - A)
        A += dX
        X += dX
    elif m is Mode.COMBINATION:
        # Recombinant growth of the explicit stock (Weitzman 1998), logistic in a
        # bounded domain whose capacity grows with the level (v1) or height (v2).
        X += params.gamma * e_m * X * max(0.0, 1.0 - X / capacity)
    else:
        # Learning from the code (March 1991, p1); learning by doing yields
        # operational tacit knowledge (N&T 1995).
        dU = e_m * max(0.0, X - U)
        U += dU
        T += params.mu * dU
        # Turnover and obsolescence once per round (March 1991, p3 and p4).
        T *= 1.0 - params.delta_T
        X *= 1.0 - params.delta_X
    return s, T, A, X, U


def _unmet_v1(
    intensities: dict[Mode, float], shared: float, X: float, capacity: float, q_bar: float,
    level: int, params: SpiralParams,
) -> list[str]:
    """The level-up conditions not (yet) met, in words a learner can act on."""
    if level >= _TOP:
        return []
    unmet = []
    weak = [m.label for m in MODES if intensities[m] < params.e_min]
    if weak:
        unmet.append(
            "Not every mode happened this round: add contributions to " + ", ".join(weak)
        )
    if shared < params.s_star - 1e-12:
        unmet.append(
            f"The tacit base is not shared enough: {shared:.0%} shared, {params.s_star:.0%} "
            "needed (more Socialization helps)"
        )
    if X < params.x_star * capacity - 1e-12:
        unmet.append(
            f"No archetype yet: explicit knowledge is {X:.2f} of the {params.x_star * capacity:.2f} "
            "needed (more Externalization and Combination help)"
        )
    if q_bar < params.q_star - 1e-9:
        unmet.append(
            f"The concept is not justified: this round's Externalization and Combination "
            f"quality averages {q_bar:.2f}, {params.q_star:.2f} needed (improve their quality)"
        )
    return unmet


def _simulate_v1(contributions: list[Contribution], N: int, params: SpiralParams, n_rounds: int,
                 cross_level: set[int], seed: SpiralSeed | None, spiral: str) -> pd.DataFrame:
    """SECI-Spiral v1, the brief's equations (section 3.5) exactly."""
    by_step: dict[tuple[int, Mode], list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_step[(c.round, c.mode)].append(c)

    T = N * params.t0  # tacit stock
    s = 0.0  # shared fraction of T
    A = 0.0  # articulated part of T
    X = N * params.x0  # explicit stock
    U = 0.0  # internalized part of X
    L = 0  # ontological level
    rows: list[dict] = []
    step = 0

    for r in range(1, n_rounds + 1):
        qualities = {m: [_quality(c, params) for c in by_step[(r, m)]] for m in MODES}
        # Saturating intensity, the functional form of March (1991) footnote 1.
        e = {m: 1.0 - (1.0 - params.p(m)) ** (sum(qualities[m]) / N ** params.nu(m)) for m in MODES}
        ec = qualities[Mode.EXTERNALIZATION] + qualities[Mode.COMBINATION]
        q_bar = sum(ec) / len(ec) if ec else 0.0  # justification (five-phase model, phase 3)

        for m in MODES:
            capacity = params.K0 * N * params.b**L
            leveled_up = False
            note = ""
            s, T, A, X, U = _convert(m, e[m], s, T, A, X, U, capacity, params)

            unmet = _unmet_v1(e, s, X, capacity, q_bar, L, params)
            if m is Mode.INTERNALIZATION and L < _TOP:
                # Cross-leveling (five-phase model, phases 3-5): a full turn, a shared tacit
                # base, an archetype and a justified concept, or a facilitator's declaration.
                if not unmet or r in cross_level:
                    if unmet:
                        note = "Declared level-up accepted (v1 does not check the conditions)."
                    L += 1
                    s *= params.rho  # the wider community must socialize again (NTK 2000)
                    leveled_up = True
                    capacity = params.K0 * N * params.b**L
                    unmet = _unmet_v1(e, s, X, capacity, q_bar, L, params)

            progress = min(
                1.0,
                s / params.s_star if params.s_star else 1.0,
                X / (params.x_star * capacity) if params.x_star else 1.0,
                q_bar / params.q_star if params.q_star else 1.0,
            )
            items = by_step[(r, m)]
            people = len({_person(c.participant) for c in items})
            # Rises as the level-up conditions fill; jumps a whole unit at cross-leveling.
            rows.append(_row(step, r, m, N, items, qualities[m], people, e[m], T, X, A, U, s, L,
                             leveled_up, progress, L + 0.9 * progress, unmet, note, spiral, seed))
            step += 1
    return _frame(rows, params, spiral, seed)


def _person_weights(items: list[Contribution], params: SpiralParams) -> dict[str, float]:
    """Each person's combined quality in one mode of one round: ``w = 1 - prod(1 - q)``.

    A second contribution of the same person adds less than the first (noisy-or, the
    saturating form of March 1991 footnote 1 applied per person), so one person posting 12
    times never counts as 12 people posting once; and no person counts for more than 1.
    """
    missing: dict[str, float] = defaultdict(lambda: 1.0)
    for c in items:
        missing[_person(c.participant)] *= 1.0 - _quality(c, params)
    return {who: 1.0 - left for who, left in missing.items()}


def _simulate_v2(contributions: list[Contribution], participants: int, params: SpiralParams,
                 n_rounds: int, cross_level: set[int], seed: SpiralSeed | None,
                 spiral: str) -> pd.DataFrame:
    """SECI-Spiral v2 (docs/spiral-model.md)."""
    by_step: dict[tuple[int, Mode], list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_step[(c.round, c.mode)].append(c)
    # The group is at least everyone who contributed: naming five people in a "group of 1"
    # cannot count each of them as the whole group.
    N = max(participants, len({_person(c.participant) for c in contributions}))

    T = N * params.t0  # tacit stock
    s = 0.0  # shared fraction of T
    A = 0.0  # articulated part of T
    # Explicit stock: pre-existing material, plus what a parent spiral hands on (NTK 2000).
    X = N * (params.x0 + (seed.explicit if seed is not None else 0.0))
    U = 0.0  # internalized part of X
    lam = 0.0  # ontological height: the level is its whole part
    if seed is not None and params.x_org:
        # The knowledge handed on is an archetype in the making for the new team: it starts
        # part way up its individual band (at most half), never above it (NTK 2000).
        lam = min(0.5, 0.5 * seed.explicit / params.x_org)
    rows: list[dict] = []
    step = 0

    for r in range(1, n_rounds + 1):
        weights = {m: _person_weights(by_step[(r, m)], params) for m in MODES}
        qualities = {m: [_quality(c, params) for c in by_step[(r, m)]] for m in MODES}
        # Saturating intensity, March (1991) footnote 1, over people rather than posts.
        e = {m: 1.0 - (1.0 - params.p(m)) ** (sum(weights[m].values()) / N ** params.nu(m))
             for m in MODES}
        people = {m: len(weights[m]) for m in MODES}
        # Justification (five-phase model, phase 3) checks every mode's quality, S and I
        # included: the weakest mode's mean quality sets the pace.
        means = {m: (sum(q) / len(q)) if q else None for m, q in qualities.items()}

        for m in MODES:
            L = level_of(lam)
            capacity = params.K0 * N * params.b**lam  # the domain at this height
            leveled_up = False
            note = ""
            # The stocks grow in the widest domain (b**3): the height does not feed back into
            # them, so a weak contribution that slows the rise never shrinks what was created.
            s, T, A, X, U = _convert(m, e[m], s, T, A, X, U, params.K0 * N * params.b**int(_TOP), params)
            ready = readiness(e, people, means, X / N, L, params)
            if m is Mode.INTERNALIZATION:
                # Cross-leveling (five-phase model, phases 3-5) at the end of a turn: the spiral
                # climbs at `rise` levels per round to Group and `rise / carry` above it at full
                # readiness, less when it is partial; Inter-organization needs a boundary.
                speed = {k: params.rise * readiness(e, people, means, X / N, k, params) / params.carry**k
                         for k in range(L, int(_TOP) + 1)}
                target = advance(lam, speed)
                if r in cross_level and L < _TOP:
                    # A facilitator may declare a level-up before the conditions hold, but not
                    # without an archetype in the making (phase 4 comes before phase 5).
                    needed = params.x_declare * params.x_star * capacity
                    if X < needed:
                        note = (f"Declared level-up refused: almost no explicit knowledge to carry to a "
                                f"wider circle yet (explicit {X / N:.3f} per person, {needed / N:.3f} "
                                "needed). Externalize and combine first.")
                    else:
                        unmet_now = [c.text for c in conditions(e, people, means, X / N, N, L, params) if not c.met]
                        target = max(target, float(L + 1))
                        note = (f"Declared level-up accepted: the spiral is at the {Level(L + 1).label} "
                                "level now" + (", although: " + "; ".join(unmet_now) + "." if unmet_now else "."))
                if target > lam:
                    lam = target
                    leveled_up = level_of(lam) > L
                    L = level_of(lam)

            unmet = [c.text for c in conditions(e, people, means, X / N, N, L, params) if not c.met]
            items = by_step[(r, m)]
            rows.append(_row(step, r, m, N, items, qualities[m], people[m], e[m], T, X, A, U,
                             s, L, leveled_up, ready, lam, unmet, note, spiral, seed))
            step += 1
    return _frame(rows, params, spiral, seed)


# --------------------------------------------------------------------------- new spirals


def seed_spiral(parent: pd.DataFrame, step: int, params: SpiralParams | None = None) -> SpiralSeed:
    """Seed a new spiral (another team, or a next project) from a step of ``parent``.

    Knowledge that reached the group level or above can trigger a new spiral (Nonaka, Toyama
    & Konno 2000): the new one starts at the individual level of its own group, with ``tau``
    of the parent's explicit knowledge per person, and rises from the parent's step.

    Parameters
    ----------
    parent : pandas.DataFrame
        The trajectory of one spiral (from :func:`simulate_spiral`).
    step : int
        The parent's step to start from (its ``step`` column).
    params : SpiralParams, optional
        For ``tau``; v2's defaults when omitted.

    Raises
    ------
    ValueError
        When the step does not exist or its knowledge has not reached the group level; the
        message says which and what would allow it.
    """
    params = params or SpiralParams()
    if isinstance(step, bool) or not isinstance(step, int):
        raise ValueError(f"The step must be a whole number; got {step!r}.")
    if "spiral" not in parent.columns or parent.empty:
        raise ValueError("That spiral has no steps yet: a new spiral starts from a step of an existing one.")
    spirals = list(dict.fromkeys(parent["spiral"]))
    if len(spirals) > 1:
        raise ValueError("Pass the rows of one spiral to seed_spiral (the trajectory holds "
                         f"{len(spirals)} spirals).")
    rows = parent[parent["step"] == step]
    if rows.empty:
        raise ValueError(f"Spiral {spirals[0]} has no step {step}: steps run from 0 to {int(parent['step'].max())}.")
    row = rows.iloc[0]
    level = int(row["level"])
    if level < Level.GROUP:
        raise ValueError(
            f"Step {step} (round {int(row['round'])}, {row['mode_name']}) of spiral {row['spiral']} is at "
            f"the {row['level_name']} level: a new spiral can start only from knowledge that reached "
            "the Group level or above."
        )
    return SpiralSeed(parent=str(row["spiral"]), step=int(step),
                      round=int(row["round_offset"]) + int(row["round"]), level=level,
                      explicit=params.tau * float(row["X"]) / float(row["participants"]))


def join_spirals(*trajectories: pd.DataFrame) -> pd.DataFrame:
    """Several spirals as one trajectory (a root first, then spirals it seeded), for the figures.

    The first spiral may itself have been seeded by a spiral left out (it is then drawn as the
    root); every later one must name a parent step before it.

    Raises
    ------
    ValueError
        If two have the same id, or a later spiral names a parent (or parent step) not before it.
    """
    import pandas as pd

    seen: dict[str, set[int]] = {}
    lineage: dict[str, object] = {}
    frames = []
    everyone = {str(sid) for t in trajectories if not t.empty for sid in t["spiral"]}
    for t in trajectories:
        if t.empty:
            continue
        ids = list(dict.fromkeys(t["spiral"]))
        for sid in ids:
            rows = t[t["spiral"] == sid]
            if sid in seen:
                raise ValueError(f"Two spirals have the id {sid!r}: give each its own.")
            parent = str(rows["parent"].iloc[0])
            if parent and (seen or parent in everyone):
                step = int(rows["parent_step"].iloc[0])
                if parent not in seen or step not in seen[parent]:
                    raise ValueError(f"Spiral {sid} starts from step {step} of spiral {parent}, "
                                     "which is not before it: pass the parent first.")
            seen[sid] = set(int(x) for x in rows["step"])
        lineage.update(t.attrs.get("lineage", {}))
        frames.append(t)
    if not frames:
        return trajectories[0].copy() if trajectories else _frame([], SpiralParams(), ROOT_SPIRAL, None)
    joined = pd.concat(frames, ignore_index=True)
    joined.attrs = {"params": frames[0].attrs.get("params", {}), "lineage": lineage}
    return joined


def _simulated(names: Sequence[str], quality: float, rounds: int) -> list[Contribution]:
    if isinstance(quality, bool) or not isinstance(quality, (int, float)) or not 0.0 <= quality <= 1.0:
        raise ValueError(f"The simulated people's quality must be between 0 and 1; got {quality!r}.")
    return [
        Contribution(participant=name, mode=m, round=r, quality=float(quality),
                     text=f"(simulated) {name}: {m.label.lower()} in round {r}")
        for r in range(1, rounds + 1) for m in MODES for name in names
    ]


def _check_size(size: object, what: str) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 500:
        raise ValueError(f"{what} has 1 to 500 people; got {size!r}.")
    return size


def simulated_group(contributions: Sequence[Contribution], size: int, quality: float,
                    rounds: int | None = None, *, follow: bool = False) -> list[Contribution]:
    """Contributions of a simulated group around a learner: what would lift a spiral alone.

    The other ``size - 1`` people ("Simulated peer 2", ...) each make one contribution per
    mode per round at ``quality``, in every round up to ``rounds`` (default: the last round of
    ``contributions``). With ``follow`` they work only in the rounds and modes the learner
    worked in (the lab's practice group: the learner's own turn still decides). Their texts say
    they are simulated.

    Raises
    ------
    ValueError
        For a size below 1 or above 500, or a quality outside [0, 1].
    """
    size = _check_size(size, "The simulated group")
    last = max((c.round for c in contributions), default=0) if rounds is None else rounds
    made = _simulated([f"Simulated peer {i}" for i in range(2, size + 1)], quality, last)
    if follow:
        worked = {(c.round, c.mode) for c in contributions}
        made = [c for c in made if (c.round, c.mode) in worked]
    return made


def simulated_team(size: int, quality: float, rounds: int) -> list[Contribution]:
    """A simulated team ("Team member 1", ...) for a new spiral: each of ``size`` people makes
    one contribution per mode per round at ``quality`` for ``rounds`` rounds.

    Raises
    ------
    ValueError
        For a size below 1 or above 500, a quality outside [0, 1] or rounds outside 1-100.
    """
    size = _check_size(size, "A simulated team")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 100:
        raise ValueError(f"A simulated team plays 1 to 100 rounds; got {rounds!r}.")
    return _simulated([f"Team member {i}" for i in range(1, size + 1)], quality, rounds)
