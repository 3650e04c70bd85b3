"""SECI-Spiral v1: a deterministic stock-and-flow model of the knowledge spiral.

The equations are those of the domain brief, section 3.5 (a didactic synthesis, not a model
estimated from data). Each update names its source in a comment. Learners' contributions
drive it: how many there are per mode and how good they are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Iterable

from .contributions import Contribution
from .modes import MODES, Level, Mode

if TYPE_CHECKING:  # pandas is imported when a spiral is simulated: a participant's kernel never needs it
    import pandas as pd

__all__ = ["SpiralParams", "simulate_spiral", "TRAJECTORY_COLUMNS"]

#: Columns of the DataFrame returned by :func:`simulate_spiral`, in order.
TRAJECTORY_COLUMNS = (
    "step", "round", "mode", "mode_name", "participants", "contributions", "quality",
    "intensity", "T", "X", "A", "U", "shared", "level", "level_name", "leveled_up",
    "radius", "angle", "height", "unmet", "texts",
)


@dataclass(frozen=True)
class SpiralParams:
    """Parameters of SECI-Spiral v1, with the brief's defaults (section 3.5).

    Intensity of mode m in a round: ``k = sum(q) / N**nu_m`` and ``e = 1 - (1 - p_m)**k``.
    """

    p_S: float = 0.35  # base intensity per quality-weighted contribution (March 1991, p1 form)
    p_E: float = 0.25  # lowest: externalization is the hardest mode (N&T 1995; Dalkir)
    p_C: float = 0.30
    p_I: float = 0.30
    nu_S: float = 1.0  # socialization needs per-person coverage
    nu_E: float = 0.5  # mild returns to group size ("requisite variety")
    nu_C: float = 0.5
    nu_I: float = 0.5
    sigma: float = 0.05  # tacit knowledge created by socialization; 0 = Bratianu's transfer-only view
    phi: float = 0.6  # codifiable share of tacit knowledge; 1 - phi never articulates (Polanyi, Tsoukas)
    gamma: float = 0.5  # recombination rate
    K0: float = 1.5  # explicit capacity per participant at the individual level
    b: float = 3.0  # capacity multiplier per level
    mu: float = 0.8  # tacit yield of internalization
    delta_T: float = 0.01  # turnover per round (March p3)
    delta_X: float = 0.005  # obsolescence per round (March p4)
    s_star: float = 0.6  # level-up: shared fraction needed
    x_star: float = 0.4  # level-up: explicit stock needed, as a share of capacity
    q_star: float = 0.6  # level-up: mean E and C quality needed (justification)
    e_min: float = 0.05  # level-up: minimum intensity of every mode
    rho: float = 0.5  # dilution of the shared fraction at a level-up
    t0: float = 1.0  # initial tacit stock per participant
    x0: float = 0.0  # seed explicit stock per participant (pre-existing material)

    def __post_init__(self) -> None:
        unit = ("p_S", "p_E", "p_C", "p_I", "phi", "delta_T", "delta_X", "s_star", "x_star",
                "q_star", "e_min", "rho")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise ValueError(f"Spiral parameter {f.name} must be a number, not {value!r}.")
            if value < 0:
                raise ValueError(f"Spiral parameter {f.name} must not be negative; got {value}.")
            if f.name in unit and value > 1:
                raise ValueError(f"Spiral parameter {f.name} must be between 0 and 1; got {value}.")
        for name in ("p_S", "p_E", "p_C", "p_I", "K0", "b", "t0"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Spiral parameter {name} must be greater than 0.")
        if self.p_S >= 1 or self.p_E >= 1 or self.p_C >= 1 or self.p_I >= 1:
            raise ValueError("Spiral parameters p_S, p_E, p_C and p_I must be below 1.")

    def p(self, mode: Mode) -> float:
        return getattr(self, f"p_{mode.value}")

    def nu(self, mode: Mode) -> float:
        return getattr(self, f"nu_{mode.value}")

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def _intensity(qualities: list[float], participants: int, mode: Mode, params: SpiralParams) -> float:
    # Saturating intensity, the functional form of March (1991) footnote 1.
    k = sum(qualities) / participants ** params.nu(mode)
    return 1.0 - (1.0 - params.p(mode)) ** k


def _unmet(
    intensities: dict[Mode, float], shared: float, X: float, capacity: float, q_bar: float,
    level: int, params: SpiralParams,
) -> list[str]:
    """The level-up conditions not (yet) met, in words a learner can act on."""
    if level >= Level.INTER_ORGANIZATION:
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


def simulate_spiral(
    contributions: Iterable[Contribution],
    participants: int,
    params: SpiralParams | None = None,
    *,
    rounds: int | None = None,
    cross_level_rounds: Iterable[int] = (),
) -> pd.DataFrame:
    """Run SECI-Spiral v1 over the contributions and return its trajectory.

    Parameters
    ----------
    contributions : iterable of Contribution
        What the learners contributed; their ``round`` and ``mode`` place them in the spiral.
    participants : int
        Group size N (at least 1).
    params : SpiralParams, optional
        Model parameters; the brief's defaults when omitted.
    rounds : int, optional
        Number of rounds to simulate; by default up to the last round with a contribution.
    cross_level_rounds : iterable of int
        Rounds at whose end a facilitator declares a cross-leveling event.

    Returns
    -------
    pandas.DataFrame
        One row per mode step (four per round), columns ``TRAJECTORY_COLUMNS``. ``T`` and ``X``
        are the tacit and explicit stocks, ``shared`` the shared fraction of the tacit stock,
        ``level`` the ontological level (0-3), ``radius``/``angle``/``height`` the spiral's
        geometry and ``unmet`` the level-up conditions not met (``"; "``-separated).
    """
    if isinstance(participants, bool) or not isinstance(participants, int) or participants < 1:
        raise ValueError(f"The group needs at least 1 participant; got {participants!r}.")
    params = params or SpiralParams()
    contributions = list(contributions)
    for c in contributions:
        if not isinstance(c, Contribution):
            raise TypeError(f"Expected Contribution objects, got {type(c).__name__}.")
    last = max((c.round for c in contributions), default=0)
    n_rounds = last if rounds is None else rounds
    if n_rounds < 0:
        raise ValueError(f"rounds must not be negative; got {rounds}.")
    cross_level = set(cross_level_rounds)

    by_step: dict[tuple[int, Mode], list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_step[(c.round, c.mode)].append(c)

    N = participants
    T = N * params.t0  # tacit stock
    s = 0.0  # shared fraction of T
    A = 0.0  # articulated part of T
    X = N * params.x0  # explicit stock
    U = 0.0  # internalized part of X
    L = 0  # ontological level
    rows: list[dict] = []
    step = 0

    for r in range(1, n_rounds + 1):
        qualities = {m: [c.effective_quality for c in by_step[(r, m)]] for m in MODES}
        e = {m: _intensity(qualities[m], N, m, params) for m in MODES}
        ec = qualities[Mode.EXTERNALIZATION] + qualities[Mode.COMBINATION]
        q_bar = sum(ec) / len(ec) if ec else 0.0  # justification (five-phase model, phase 3)

        for m in MODES:
            capacity = params.K0 * N * params.b**L
            leveled_up = False
            if m is Mode.SOCIALIZATION:
                # Convergence to shared mental models: March's p1 form applied person to
                # person (Miller, Zhao & Calantone 2006); socialization also creates
                # sympathized knowledge (N&T 1995), switched off by sigma = 0 (Bratianu 2010).
                s = s + e[m] * (1.0 - s)
                T = T * (1.0 + params.sigma * e[m])
            elif m is Mode.EXTERNALIZATION:
                # Concepts come from *shared* tacit knowledge (five-phase model, phase 2), and
                # only the codifiable share phi can ever be articulated (Polanyi; Tsoukas 2003).
                dX = e[m] * s * max(0.0, params.phi * T - A)
                A += dX
                X += dX
            elif m is Mode.COMBINATION:
                # Recombinant growth of the explicit stock (Weitzman 1998), logistic in a
                # bounded domain whose capacity grows with the level.
                X += params.gamma * e[m] * X * max(0.0, 1.0 - X / capacity)
            else:
                # Learning from the code (March 1991, p1); learning by doing yields
                # operational tacit knowledge (N&T 1995).
                dU = e[m] * max(0.0, X - U)
                U += dU
                T += params.mu * dU
                # Turnover and obsolescence once per round (March 1991, p3 and p4).
                T *= 1.0 - params.delta_T
                X *= 1.0 - params.delta_X

            unmet = _unmet(e, s, X, capacity, q_bar, L, params)
            if m is Mode.INTERNALIZATION and L < Level.INTER_ORGANIZATION:
                # Cross-leveling (five-phase model, phases 3-5): a full turn, a shared tacit
                # base, an archetype and a justified concept, or a facilitator's declaration.
                if not unmet or r in cross_level:
                    L += 1
                    s *= params.rho  # the wider community must socialize again (NTK 2000)
                    leveled_up = True
                    capacity = params.K0 * N * params.b**L
                    unmet = _unmet(e, s, X, capacity, q_bar, L, params)

            progress = min(
                1.0,
                s / params.s_star if params.s_star else 1.0,
                X / (params.x_star * capacity) if params.x_star else 1.0,
                q_bar / params.q_star if params.q_star else 1.0,
            )
            texts = tuple(c.text for c in by_step[(r, m)])
            rows.append({
                "step": step,
                "round": r,
                "mode": m.value,
                "mode_name": m.label,
                "participants": N,
                "contributions": len(texts),
                "quality": (sum(qualities[m]) / len(qualities[m])) if qualities[m] else float("nan"),
                "intensity": e[m],
                "T": T,
                "X": X,
                "A": A,
                "U": U,
                "shared": s,
                "level": L,
                "level_name": Level(L).label,
                "leveled_up": leveled_up,
                # Knowledge per participant, so group size does not dominate the picture.
                "radius": math.sqrt((T + X) / N),
                # Clockwise through the classic quadrants: S 135°, E 45°, C -45°, I -135°.
                "angle": 135.0 - 90.0 * step,
                # Rises as the level-up conditions fill; jumps a whole unit at cross-leveling.
                "height": L + 0.9 * progress,
                "unmet": "; ".join(unmet),
                "texts": texts,
            })
            step += 1

    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(TRAJECTORY_COLUMNS))
    frame.attrs["params"] = params.to_dict()
    return frame
