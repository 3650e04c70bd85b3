"""Benchmark: how well the rubric ranks answers graded by a teacher, and how fast it is.

Each set (``tests/data/rubric_<name>.json``) holds answers to every exercise field, written and
graded 1-3 (null for answers in another language) by an independent grader before scoring,
with the kind of gaming for the gaming ones. For each set it prints Spearman's rho between
grade and quality, the mean quality per grade and per gaming kind, the other-language answers
(quality must be None), and whether any gaming answer scores above the median mediocre one.

    .venv/bin/python bench/bench_rubric.py                 # the development and evaluation sets
    .venv/bin/python bench/bench_rubric.py --sets eval
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import pandas as pd  # noqa: E402

from seci_lab.model import suggest_quality  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def evaluate(answers: list[dict]) -> dict:
    """Score every answer and summarise the agreement with the grades."""
    rows = []
    for a in answers:
        score = suggest_quality(a["text"], a["mode"], a["field"])
        rows.append({**a, "quality": score.quality, "flags": ",".join(score.flags)})
    frame = pd.DataFrame(rows)
    graded = frame[frame["grade"].notna()]
    rated = graded[graded["quality"].notna()]
    rho = rated["grade"].astype(float).corr(rated["quality"].astype(float), method="spearman")
    honest = graded[graded["gaming"].isna()]
    median_2 = float(honest.loc[honest["grade"] == 2, "quality"].median())
    gaming = graded[graded["gaming"].notna()]
    other = frame[frame["grade"].isna()]
    return {
        "n": len(frame), "rho": float(rho),
        "per_grade": honest.groupby("grade")["quality"].agg(["count", "mean"]),
        "per_gaming": gaming.groupby("gaming")["quality"].agg(["count", "mean", "max"]),
        "median_2": median_2,
        "gaming_above": gaming.loc[gaming["quality"] > median_2, ["id", "gaming", "quality"]],
        "other_language": (len(other), int(other["quality"].isna().sum())),
        "graded_unassessed": int(graded["quality"].isna().sum()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["dev", "eval"], help="rubric_<name>.json in tests/data")
    args = parser.parse_args(argv)
    for name in args.sets:
        answers = json.loads((DATA / f"rubric_{name}.json").read_text(encoding="utf-8"))
        start = time.perf_counter()
        result = evaluate(answers)
        first = time.perf_counter() - start
        start = time.perf_counter()
        for a in answers:  # again, warm (the rubric caches texts it has seen: vary them)
            suggest_quality(a["text"] + " ", a["mode"], a["field"])
        warm = (time.perf_counter() - start) / len(answers)
        print(f"### {name} set: {result['n']} answers\n")
        print(f"Spearman's rho (grade vs quality): **{result['rho']:.3f}**; "
              f"other-language answers: {result['other_language'][0]}, of which quality None: "
              f"{result['other_language'][1]}; graded answers not assessed: {result['graded_unassessed']}.\n")
        print("| grade (no gaming) | n | mean quality |\n|---:|---:|---:|")
        for grade, row in result["per_grade"].iterrows():
            print(f"| {int(grade)} | {int(row['count'])} | {row['mean']:.2f} |")
        print(f"\nMedian quality of the mediocre (grade 2) answers: {result['median_2']:.2f}.\n")
        print("| gaming kind | n | mean quality | max |\n|---|---:|---:|---:|")
        for kind, row in result["per_gaming"].iterrows():
            print(f"| {kind} | {int(row['count'])} | {row['mean']:.2f} | {row['max']:.2f} |")
        above = result["gaming_above"]
        print(f"\nGaming answers above the median mediocre one: {len(above)}"
              + (": " + ", ".join(f"{r.id} ({r.gaming}, {r.quality:.2f})" for r in above.itertuples())
                 if len(above) else "") + ".")
        print(f"\nTime: {first:.1f} s for the whole set (the first set also loads the libraries), "
              f"then {warm * 1000:.1f} ms per answer once loaded.\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
