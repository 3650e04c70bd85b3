"""The parameters of SECI-Spiral v1 and v2, with the defaults of docs/spiral-model.md."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from .contributions import DEFAULT_QUALITY
from .modes import Mode
from .quality_scale import ADEQUATE

__all__ = ["SpiralParams", "V1_Q_STAR", "V1_UNRATED_QUALITY"]

#: Quality v1 gives an unrated contribution (brief, section 3.5: "default 0.6 if unrated").
V1_UNRATED_QUALITY = 0.6
#: v1's level-up quality on Externalization and Combination (brief, section 3.5).
V1_Q_STAR = 0.6


@dataclass(frozen=True)
class SpiralParams:
    """Parameters of SECI-Spiral, with the defaults of docs/spiral-model.md.

    ``version=2`` (default) runs SECI-Spiral v2; ``version=1`` runs the brief's v1 and ignores
    the fields marked "v2". Intensity of mode m in a round: ``k = sum(w) / N**nu_m`` and
    ``e = 1 - (1 - p_m)**k``, where v1 sums every contribution's quality and v2 each person's
    combined quality ``w = 1 - prod(1 - q)``.
    """

    version: int = 2
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
    s_star: float = 0.6  # v1 level-up: shared fraction needed
    x_star: float = 0.4  # level-up: explicit stock needed, as a share of capacity (v2: declarations only)
    # Level-up quality: v1 0.6 on E and C (the brief); v2 quality_scale.ADEQUATE on every mode.
    q_star: float | None = None
    e_min: float = 0.05  # level-up: minimum intensity of every mode
    rho: float = 0.5  # v1: dilution of the shared fraction per level risen
    t0: float = 1.0  # initial tacit stock per participant
    x0: float = 0.0  # seed explicit stock per participant (pre-existing material)
    # --- v2 only ---------------------------------------------------------------------------
    sharers: int = 2  # distinct people who must share (Socialization) in a round to rise
    org_people: int = 15  # people sharing in a round for full speed above Group (three teams of 5)
    x_org: float = 0.15  # explicit knowledge per person for full speed above Group (an archetype)
    q_low: float = 0.05  # quality at which the rise stops; full speed from q* up
    rise: float = 1.0  # levels risen per round at full readiness, Individual -> Group
    carry: float = 1.5  # rounds at full readiness that each level above Group takes
    unrated: float = DEFAULT_QUALITY  # quality of an unrated contribution: adequate (docs)
    x_declare: float = 0.05  # a declared level-up needs this share of the archetype x*·K
    tau: float = 0.5  # share of the explicit knowledge per person a new spiral starts from

    def __post_init__(self) -> None:
        if self.version not in (1, 2) or isinstance(self.version, bool):
            raise ValueError(f"Spiral version must be 1 or 2; got {self.version!r}.")
        if self.q_star is None:
            object.__setattr__(self, "q_star", V1_Q_STAR if self.version == 1 else ADEQUATE)
        unit = ("p_S", "p_E", "p_C", "p_I", "phi", "delta_T", "delta_X", "s_star", "x_star",
                "q_star", "e_min", "rho", "q_low", "unrated", "x_declare", "tau")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise ValueError(f"Spiral parameter {f.name} must be a number, not {value!r}.")
            if value < 0:
                raise ValueError(f"Spiral parameter {f.name} must not be negative; got {value}.")
            if f.name in unit and value > 1:
                raise ValueError(f"Spiral parameter {f.name} must be between 0 and 1; got {value}.")
        for name in ("p_S", "p_E", "p_C", "p_I", "K0", "b", "t0", "rise"):
            if getattr(self, name) <= 0:
                raise ValueError(f"Spiral parameter {name} must be greater than 0.")
        if self.p_S >= 1 or self.p_E >= 1 or self.p_C >= 1 or self.p_I >= 1:
            raise ValueError("Spiral parameters p_S, p_E, p_C and p_I must be below 1.")
        if self.carry < 1:
            raise ValueError(f"Spiral parameter carry must be at least 1 round; got {self.carry!r}.")
        for name, least in (("sharers", 1), ("org_people", 2)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < least:
                raise ValueError(f"Spiral parameter {name} must be a whole number, at least {least}; got {value!r}.")
        if self.org_people < self.sharers:
            raise ValueError(f"Spiral parameter org_people ({self.org_people}) must be at least sharers ({self.sharers}).")
        if self.q_low >= self.q_star:
            raise ValueError(f"Spiral parameter q_low ({self.q_low}) must be below q_star ({self.q_star}).")

    def p(self, mode: Mode) -> float:
        return getattr(self, f"p_{mode.value}")

    def nu(self, mode: Mode) -> float:
        return getattr(self, f"nu_{mode.value}")

    @property
    def unrated_quality(self) -> float:
        """The quality an unrated contribution counts with in this version."""
        return V1_UNRATED_QUALITY if self.version == 1 else self.unrated

    def to_dict(self) -> dict[str, float]:
        return asdict(self)
