"""Two critiques of SECI as switches of the spiral model, and what they change, in words.

The domain brief (section 2, "How the critiques become model switches") turns two critiques
into parameters of the spiral model (SECI-Spiral v2 here, like every spiral the course draws):

- Bratianu (2010): socialization transfers tacit knowledge but creates none, ``sigma = 0``;
- Polanyi (1966) and Tsoukas (2003): part of tacit knowledge can never be put into words,
  the codifiable share ``phi`` below 1 (lower is a stronger form of the critique).

The critiques lesson runs the same sample group with and without the switches and says what
changed: the level reached, when it levelled up, and the tacit and explicit knowledge per
person. The sample group is the brief's reference scenario (12 people, one contribution each
per mode and round at quality 0.7, 12 rounds), so its numbers can be checked against the v2
results table of docs/spiral-model.md.

Pure: standard library and pandas (through :func:`simulate_spiral`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .contributions import Contribution
from .modes import MODES, Level
from .spiral import SpiralParams, simulate_spiral

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CritiqueSwitches",
    "Outcome",
    "SAMPLE_PARTICIPANTS",
    "SAMPLE_QUALITY",
    "SAMPLE_ROUNDS",
    "describe_change",
    "sample_group",
    "simulate_sample",
]

SAMPLE_PARTICIPANTS = 12
SAMPLE_ROUNDS = 12
SAMPLE_QUALITY = 0.7
_DEFAULTS = SpiralParams()


@functools.cache
def sample_group() -> tuple[Contribution, ...]:
    """The sample group's work: every one of 12 people contributes once per mode and round."""
    return tuple(
        Contribution(f"person {p + 1}", mode, f"A {mode.label} contribution", round=r, quality=SAMPLE_QUALITY)
        for r in range(1, SAMPLE_ROUNDS + 1) for p in range(SAMPLE_PARTICIPANTS) for mode in MODES
    )


@dataclass(frozen=True)
class CritiqueSwitches:
    """Which critiques the model takes seriously.

    Parameters
    ----------
    transfer_only
        Bratianu: socialization only transfers tacit knowledge (``sigma = 0``).
    phi
        Polanyi and Tsoukas: the share of tacit knowledge that can ever be put into words,
        in (0, 1]. The model's default is 0.6.
    """

    transfer_only: bool = False
    phi: float = _DEFAULTS.phi

    def __post_init__(self) -> None:
        if not isinstance(self.transfer_only, bool):
            raise ValueError("The Bratianu switch must be on or off.")
        if (isinstance(self.phi, bool) or not isinstance(self.phi, (int, float)) or math.isnan(self.phi)
                or not 0 < self.phi <= 1):
            raise ValueError(f"The codifiable share φ must be a number above 0 and at most 1; got {self.phi!r}.")

    @property
    def active(self) -> bool:
        """Whether anything differs from the model's defaults."""
        return self.transfer_only or not math.isclose(self.phi, _DEFAULTS.phi)

    def params(self) -> SpiralParams:
        """The model's parameters with these switches."""
        return dataclasses.replace(_DEFAULTS, sigma=0.0 if self.transfer_only else _DEFAULTS.sigma,
                                   phi=float(self.phi))


def simulate_sample(switches: CritiqueSwitches | None = None) -> pd.DataFrame:
    """The sample group's trajectory under ``switches`` (default: the model's defaults)."""
    params = (switches or CritiqueSwitches()).params()
    return simulate_spiral(sample_group(), SAMPLE_PARTICIPANTS, params, rounds=SAMPLE_ROUNDS)


@dataclass(frozen=True)
class Outcome:
    """Where a spiral ended: its level, the rounds it levelled up in, and its stocks per person."""

    level: Level
    level_ups: tuple[int, ...]
    tacit: float
    explicit: float
    shared: float

    @classmethod
    def of(cls, trajectory: pd.DataFrame) -> Outcome:
        """The outcome of a trajectory of :func:`simulate_spiral` (at least one step)."""
        if trajectory.empty:
            raise ValueError("An empty spiral has no outcome.")
        last = trajectory.iloc[-1]
        n = float(last["participants"])
        ups = tuple(int(r) for r in trajectory.loc[trajectory["leveled_up"], "round"])
        return cls(Level(int(last["level"])), ups, float(last["T"]) / n, float(last["X"]) / n,
                   float(last["shared"]))


def _rounds(rounds: tuple[int, ...]) -> str:
    if not rounds:
        return "never levels up"
    words = [str(r) for r in rounds]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"levels up in round{'s' if len(words) > 1 else ''} {listed}"


def _change(new: float, old: float) -> str:
    if math.isclose(new, old, rel_tol=1e-9, abs_tol=5e-3):
        return "unchanged"
    if not old:
        return "none before"
    share = (new - old) / old
    return f"{abs(share):.0%} {'more' if share > 0 else 'less'}"


def _switched_on(switches: CritiqueSwitches) -> str:
    parts = []
    if switches.transfer_only:
        parts.append("Bratianu's view (σ = 0: socialization passes tacit knowledge on but creates none)")
    if math.isclose(switches.phi, 1.0):
        parts.append("φ = 1 (all tacit knowledge could be put into words: the view the critics reject)")
    elif not math.isclose(switches.phi, _DEFAULTS.phi):
        parts.append(f"φ = {switches.phi:.2f} ({1 - switches.phi:.0%} of tacit knowledge never gets into words; "
                     f"the model's default is {_DEFAULTS.phi:.2f})")
    return " and ".join(parts)


def describe_change(switches: CritiqueSwitches, base: Outcome, changed: Outcome) -> str:
    """One or two sentences saying what ``switches`` changed: ``changed`` against ``base``.

    ``base`` is the outcome with the model's defaults, ``changed`` with the switches.
    """
    if not switches.active:
        return (f"With the model's defaults (σ = {_DEFAULTS.sigma:.2f}, φ = {_DEFAULTS.phi:.2f}) the sample group "
                f"reaches the {base.level.label} level, {_rounds(base.level_ups)}, and ends with "
                f"{base.tacit:.2f} tacit and {base.explicit:.2f} explicit knowledge per person. "
                "Switch on a critique to see what it changes.")
    if changed.level == base.level:
        level = f"still reaches the {changed.level.label} level"
    else:
        level = f"reaches the {changed.level.label} level instead of {base.level.label}"
    timing = ("at the same rounds" if changed.level_ups == base.level_ups
              else f"and {_rounds(changed.level_ups)} (with the defaults it {_rounds(base.level_ups)})")
    return (f"With {_switched_on(switches)}, the sample group {level} {timing}. "
            f"It ends with {changed.explicit:.2f} explicit knowledge per person instead of {base.explicit:.2f} "
            f"({_change(changed.explicit, base.explicit)}) and {changed.tacit:.2f} tacit instead of "
            f"{base.tacit:.2f} ({_change(changed.tacit, base.tacit)}).")
