"""The results tables of SECI-Spiral v1 and v2 in docs/spiral-model.md, computed from the model.

    python scripts/spiral_results.py           # print both tables
    python scripts/spiral_results.py --write   # rewrite them in docs/spiral-model.md

tests/test_model.py fails when the document's tables differ from what the model gives, so the
published numbers stay true. Every scenario runs 12 rounds; unless it says otherwise, each of
N = 12 people makes one contribution per mode per round at quality 0.7 (the brief's session).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from seci_lab.model import (
    MODES,
    Contribution,
    Mode,
    SpiralParams,
    seed_spiral,
    simulate_spiral,
    simulated_group,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "spiral-model.md"
ROUNDS = 12


def session(n: int = 12, q: float | None = 0.7, per: int = 1, rounds: int = ROUNDS, drop: Mode | None = None,
            low: Mode | None = None) -> list[Contribution]:
    """Each of ``n`` people, ``per`` contributions per mode per round at quality ``q``; mode
    ``drop`` left out; mode ``low`` at quality 0.1."""
    return [
        Contribution(f"p{i}", m, f"idea {r}-{m.value}-{i}-{k}", r, 0.1 if m is low else q)
        for r in range(1, rounds + 1) for m in MODES if m is not drop
        for i in range(n) for k in range(per)
    ]


@dataclass(frozen=True)
class Scenario:
    name: str
    contributions: list[Contribution]
    people: int = 12
    changes: dict = field(default_factory=dict)
    cross_level_rounds: tuple[int, ...] = ()


def _alone() -> list[Contribution]:
    return [Contribution("Me", m, f"my {m.label} in round {r}", r, 0.8)
            for r in range(1, ROUNDS + 1) for m in MODES]


def _one_poster() -> list[Contribution]:
    return [Contribution("p0", m, f"post {r}-{m.value}-{k}", r, 0.7)
            for r in range(1, ROUNDS + 1) for m in MODES for k in range(12)]


SHARED = [
    Scenario("balanced N=12 q=0.7", session()),
    Scenario("N=4", session(n=4), people=4),
    Scenario("N=30", session(n=30), people=30),
    Scenario("q=0.5", session(q=0.5)),
    Scenario("q=0.9", session(q=0.9)),
    *(Scenario(f"no {m.label}", session(drop=m)) for m in MODES),
    Scenario("2 contributions/person/mode", session(per=2)),
    Scenario("σ=0 (Bratianu)", session(), changes=dict(sigma=0.0)),
    Scenario("φ=0.3 (more residual tacit)", session(), changes=dict(phi=0.3)),
]

V2_ONLY = [
    Scenario("unrated (quality None)", session(q=None)),
    Scenario("q=0.39", session(q=0.39)),
    Scenario("q=0.40 (adequate)", session(q=0.40)),
    Scenario("q=0.3 (not yet adequate)", session(q=0.3)),
    Scenario("a learner alone, q=0.8", _alone(), people=1),
    Scenario("... with a simulated group of 6 at q=0.7", _alone() + simulated_group(_alone(), 6, 0.7), people=6),
    Scenario("one person posts 12 times per mode (N=12)", _one_poster()),
    Scenario("Socialization at q=0.1", session(low=Mode.SOCIALIZATION)),
    Scenario("Internalization at q=0.1", session(low=Mode.INTERNALIZATION)),
    Scenario("only Socialization, level-up declared in round 2",
             [c for c in session() if c.mode is Mode.SOCIALIZATION], cross_level_rounds=(2,)),
]


def _row(name: str, trajectory, people: int, version: int) -> str:
    last = trajectory.iloc[-1]
    ups = list(trajectory[trajectory["leveled_up"]]["round"])
    cells = [name, f"{last['T'] / people:.2f}", f"{last['X'] / people:.2f}"]
    if version == 2:
        cells.append(f"{last['height']:.2f}")
    cells += [str(int(last["level"])), ", ".join(str(int(r)) for r in ups) or "none"]
    return "| " + " | ".join(cells) + " |"


def _seeded_rows() -> list[str]:
    """A new spiral: a team of 5 for 6 rounds, from the balanced session's first Group-level
    step, beside the same team starting from nothing."""
    parent = simulate_spiral(session(), 12, rounds=ROUNDS)
    step = int(parent[parent["level"] >= 1]["step"].iloc[0])
    row = parent[parent["step"] == step].iloc[0]
    team = session(n=5, rounds=6)
    seeded = simulate_spiral(team, 5, seed=seed_spiral(parent, step), spiral_id="2")
    fresh = simulate_spiral(team, 5)
    where = f"round {int(row['round'])} {row['mode_name']}"
    return [_row(f"new spiral: 5 people, 6 rounds, seeded at the balanced session's {where}", seeded, 5, 2),
            _row("... the same team from nothing", fresh, 5, 2)]


def table(version: int) -> str:
    """The results table of ``version`` as Markdown."""
    params = SpiralParams(version=version)
    if version == 2:
        head = ["| scenario | T/N end | X/N end | height end | final level | rounds at level-up |",
                "|---|---|---|---|---|---|"]
    else:
        head = ["| scenario | T/N end | X/N end | final level | rounds at level-up |",
                "|---|---|---|---|---|"]
    rows = []
    for s in SHARED + (V2_ONLY if version == 2 else []):
        trajectory = simulate_spiral(s.contributions, s.people, replace(params, **s.changes),
                                     rounds=ROUNDS, cross_level_rounds=s.cross_level_rounds)
        rows.append(_row(s.name, trajectory, s.people, version))
    if version == 2:
        rows += _seeded_rows()
    return "\n".join(head + rows)


def _markers(version: int) -> tuple[str, str]:
    return (f"<!-- results table v{version}: generated by scripts/spiral_results.py -->",
            f"<!-- end of results table v{version} -->")


def section(version: int) -> str:
    """The table with the markers it sits between in docs/spiral-model.md."""
    start, end = _markers(version)
    return f"{start}\n{table(version)}\n{end}"


def write(path: Path = DOC) -> None:
    text = path.read_text("utf-8")
    for version in (1, 2):
        start, end = _markers(version)
        before, found, rest = text.partition(start)
        if not found or end not in rest:
            raise SystemExit(f"{path} lacks the markers of the v{version} table: {start} ... {end}")
        text = before + section(version) + rest.split(end, 1)[1]
    path.write_text(text, "utf-8")


if __name__ == "__main__":
    if "--write" in sys.argv[1:]:
        write()
        print(f"Wrote the v1 and v2 tables into {DOC}")
    else:
        for v in (1, 2):
            print(f"SECI-Spiral v{v}\n{table(v)}\n")
