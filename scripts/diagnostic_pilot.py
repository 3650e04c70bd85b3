"""A pilot of the diagnostic's two forms with simulated learners (issue 24, item 1; docs/diagnostic.md).

    PYTHONPATH=$PWD python scripts/diagnostic_pilot.py [--learners 600] [--seed 1]

No real learner has taken the forms yet, so this pilot simulates a class and says what the
items do under a stated model of answering; it is a check of the forms' construction, not a
validation (docs/diagnostic.md says what a real pilot must add).

The simulated learner (same seed, same numbers):

- has an ability ``a ~ N(0, 1)``; before the course they know a concept with probability
  ``sigmoid(a - 1)``, after it with ``sigmoid(a + 1)``, drawn once per learner, concept and sitting;
- on an item of a concept they know, picks the key, except for a slip (10 %) to a wrong option;
- on an item of a concept they do not know, answers as a test-wise reader: picks by one of the
  quiz audit's surface-cue solvers (tests/bank_solvers.py), drawn at random per item, choosing at
  random among the options that solver cannot tell apart.

So an item is easy for the uninformed only as far as its wording gives the key away, and every
difference between items comes from their text and their concept. Printed:

1. per item: the share right of the whole class before and after (difficulty, p) and the
   corrected item-total correlation after (discrimination: the item against the rest of its form);
2. per form: mean p before and after, KR-20 (internal consistency), and the mean difference
   between the forms with a bootstrap 95 % interval, the same learners taking both (equivalence);
3. the gain the Learning tab computes (seci_lab.classroom.learning.class_gain) from a
   counterbalanced simulated class, against the gain the simulation's expected scores give.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bank_solvers import solvers  # noqa: E402

from seci_lab.classroom.learning import class_gain  # noqa: E402
from seci_lab.content.diagnostic import load_diagnostic  # noqa: E402
from seci_lab.model.diagnostic import CONCEPTS, FORMS, form_for  # noqa: E402

SLIP = 0.10
SHIFT = 1.0  # the course moves each learner's log-odds of knowing a concept from a - 1 to a + 1


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _answer(item, knows: bool, rng: random.Random, solver_list) -> int:
    q = item.question
    if knows:
        if rng.random() >= SLIP:
            return 1
        return 0
    chosen = rng.choice(solver_list)(q)
    return int(rng.choice(chosen) == q.answer)


def simulate(n: int, seed: int):
    """Right/wrong of every simulated learner on every item, before and after: arrays
    ``[sitting][learner, item]`` over all 30 items (form A's then B's), and the learners'
    expected shares right."""
    forms = load_diagnostic()
    items = forms.items
    rng = random.Random(seed)
    solver_list = list(solvers().values())
    out = {"pre": np.zeros((n, len(items)), dtype=int), "post": np.zeros((n, len(items)), dtype=int)}
    for learner in range(n):
        a = rng.gauss(0.0, 1.0)
        for sitting, shift in (("pre", -SHIFT), ("post", SHIFT)):
            knows = {c: rng.random() < _sigmoid(a + shift) for c in CONCEPTS}
            for j, item in enumerate(items):
                out[sitting][learner, j] = _answer(item, knows[item.concept], rng, solver_list)
    return forms, out


def _kr20(scores: np.ndarray) -> float:
    k = scores.shape[1]
    p = scores.mean(axis=0)
    total_var = scores.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / total_var)) if total_var else math.nan


def _discrimination(scores: np.ndarray) -> np.ndarray:
    totals = scores.sum(axis=1)
    out = []
    for j in range(scores.shape[1]):
        rest = totals - scores[:, j]
        out.append(np.corrcoef(scores[:, j], rest)[0, 1] if scores[:, j].std() and rest.std() else math.nan)
    return np.array(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    forms, sim = simulate(args.learners, args.seed)
    items = forms.items
    idx = {f: [j for j, item in enumerate(items) if item.form == f] for f in FORMS}

    print(f"Simulated learners: {args.learners}, seed {args.seed}; slip {SLIP:.0%}; knowing a concept: "
          f"sigmoid(a ∓ {SHIFT:g}) before/after.\n")
    print("| item | form | concept | p before | p after | discrimination after |")
    print("|---|---|---|---|---|---|")
    disc = {f: _discrimination(sim["post"][:, idx[f]]) for f in FORMS}
    for f in FORMS:
        for k, j in enumerate(idx[f]):
            item = items[j]
            print(f"| {item.id} | {f} | {item.concept} | {sim['pre'][:, j].mean():.2f} | {sim['post'][:, j].mean():.2f} "
                  f"| {disc[f][k]:.2f} |")

    print("\n| form | mean p before | mean p after | KR-20 before | KR-20 after | lowest discrimination |")
    print("|---|---|---|---|---|---|")
    for f in FORMS:
        pre, post = sim["pre"][:, idx[f]], sim["post"][:, idx[f]]
        print(f"| {f} | {pre.mean():.3f} | {post.mean():.3f} | {_kr20(pre):.2f} | {_kr20(post):.2f} "
              f"| {np.nanmin(disc[f]):.2f} |")

    rng = np.random.default_rng(args.seed)
    print("\n| sitting | mean A − mean B (share right) | bootstrap 95% interval | r(A, B) same learners |")
    print("|---|---|---|---|")
    for sitting in ("pre", "post"):
        a, b = sim[sitting][:, idx["A"]].mean(axis=1), sim[sitting][:, idx["B"]].mean(axis=1)
        diffs = [float((a[s] - b[s]).mean()) for s in rng.integers(0, len(a), size=(2000, len(a)))]
        low, high = np.percentile(diffs, [2.5, 97.5])
        print(f"| {sitting} | {(a - b).mean():+.3f} | {low:+.3f} to {high:+.3f} | {np.corrcoef(a, b)[0, 1]:.2f} |")

    print("\n| concept | mean A − mean B before | after |")
    print("|---|---|---|")
    for c in CONCEPTS:
        cols = {f: [j for j in idx[f] if items[j].concept == c] for f in FORMS}
        row = [float(sim[s][:, cols["A"]].mean() - sim[s][:, cols["B"]].mean()) for s in ("pre", "post")]
        print(f"| {c} | {row[0]:+.3f} | {row[1]:+.3f} |")

    # The class as the Learning tab sees it: each learner takes form_for(...) before and the other after.
    pre_scores, post_scores = [], []
    for learner in range(args.learners):
        learner_id = f"sim{learner:04d}"
        pre_form, post_form = form_for("pre", learner_id), form_for("post", learner_id)
        pre_scores.append(sim["pre"][learner, idx[pre_form]].mean())
        post_scores.append(sim["post"][learner, idx[post_form]].mean())
    gain = class_gain(pre_scores, post_scores)
    both_pre = np.mean([sim["pre"][:, idx[f]].mean() for f in FORMS])
    both_post = np.mean([sim["post"][:, idx[f]].mean() for f in FORMS])
    expected = (both_post - both_pre) / (1 - both_pre)
    print(f"\nCounterbalanced class: <g> = {gain.value:.3f} (95% interval {gain.low:.3f} to {gain.high:.3f}), "
          f"average of individual gains {gain.individual:.3f}; the gain of the simulation's mean shares over "
          f"both forms = {expected:.3f}.")


if __name__ == "__main__":
    main()
