"""Rates of the test-wise solvers on each lesson's choice items (issue 23, item 2).

    PYTHONPATH=$PWD python bench/bank_solvers.py

Prints, per lesson: the number of choice items, chance, the best solver and its rate, and
the items whose key a single surface cue picks out. tests/test_bank_solvers.py fails when
a solver is more than 8 points above chance on any lesson.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bank_solvers import MARGIN, chance, cued_items, rates  # noqa: E402

from seci_lab.content import load_questions  # noqa: E402
from seci_lab.model import LESSONS  # noqa: E402


def main() -> None:
    bank = load_questions()
    choice = [q for q in bank if q.kind == "choice"]
    print(f"| lesson | choice items | chance | best solver | its rate | over chance + {MARGIN:.0%} |")
    print("|---|---|---|---|---|---|")
    for lesson, items in [(lesson, [q for q in choice if q.lesson == lesson]) for lesson in LESSONS] + [("all", choice)]:
        if not items:
            continue
        r = rates(items)
        name = max(r, key=r.get)
        over = sorted(n for n, v in r.items() if v > chance(items) + MARGIN + 1e-9)
        print(f"| {lesson} | {len(items)} | {chance(items):.0%} | {name} | {r[name]:.0%} | {', '.join(over) or '-'} |")
    cued = cued_items(choice)
    print(f"\n{len(cued)} of {len(choice)} choice items have a single cue that picks the key on its own:")
    for item_id, names in cued.items():
        print(f"  {item_id}: {', '.join(names)}")


if __name__ == "__main__":
    main()
