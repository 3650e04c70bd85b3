"""Benchmark: how well the rubric ranks answers graded by a teacher, and how fast it is.

Each set (``tests/data/rubric_<name>.json``) holds answers to every exercise field, written and
graded 1-3 (null for answers in another language) by an independent grader before scoring,
with the kind of gaming for the gaming ones. For each set it prints Spearman's rho between
grade and quality over every scored answer (gaming ones included), the mean quality per grade
and per gaming kind, where the grades fall on the shared quality scale (``quality_scale``), the
other-language answers (quality must be None; counted as done when substantive), and the
measures of issue 22: the share of gaming answers above the median adequate one and at the
median excellent one, and the median excellent short answer against the median adequate long
one. ``--debate`` adds the debate checker's rho on ``tests/data/debate_v3.json``.

    .venv/bin/python bench/bench_rubric.py                           # v3 dev and held-out, debate
    .venv/bin/python bench/bench_rubric.py --sets v3_dev --debate dev
    .venv/bin/python bench/bench_rubric.py --sets dev eval           # the v2 sets (issue 10)
    .venv/bin/python bench/bench_rubric.py --first-call              # a fresh process's first call
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout

import pandas as pd  # noqa: E402

from seci_lab.model import suggest_quality  # noqa: E402
from seci_lab.model.quality_scale import ADEQUATE, STRONG  # noqa: E402

DATA = ROOT / "tests" / "data"


def evaluate(answers: list[dict]) -> dict:
    """Score every answer and summarise the agreement with the grades (issue 22's measures)."""
    rows = []
    for a in answers:
        score = suggest_quality(a["text"], a["mode"], a["field"])
        rows.append({**a, "quality": score.quality, "counts": score.counts, "flags": ",".join(score.flags)})
    frame = pd.DataFrame(rows)
    if "short" not in frame:
        frame["short"] = None
    graded = frame[frame["grade"].notna()]
    rated = graded[graded["quality"].notna()]
    rho = rated["grade"].astype(float).corr(rated["quality"].astype(float), method="spearman")
    honest = rated[rated["gaming"].isna()]
    median_2 = float(honest.loc[honest["grade"] == 2, "quality"].median())
    median_3 = float(honest.loc[honest["grade"] == 3, "quality"].median())
    gaming = rated[rated["gaming"].notna()]
    other = frame[frame["grade"].isna()]
    q2 = honest.loc[honest["grade"] == 2, "quality"]
    short_3 = honest.loc[(honest["grade"] == 3) & (honest["short"] == True), "quality"].median()  # noqa: E712
    long_2 = honest.loc[(honest["grade"] == 2) & (honest["short"] == False), "quality"].median()  # noqa: E712
    substantive = other["substantive"] if "substantive" in other else pd.Series(True, index=other.index)
    return {
        "n": len(frame), "rho": float(rho), "scored": len(rated),
        "per_grade": honest.groupby("grade")["quality"].agg(["count", "mean", "median"]),
        "per_gaming": gaming.groupby("gaming")["quality"].agg(["count", "mean", "max"]),
        "median_2": median_2, "median_3": median_3,
        "gaming_above_2": gaming.loc[gaming["quality"] > median_2, ["id", "gaming", "quality"]],
        "gaming_at_3": gaming.loc[gaming["quality"] >= median_3, ["id", "gaming", "quality"]],
        "gaming_n": len(gaming),
        "short_3": float(short_3), "long_2": float(long_2),
        "adequate_band": float(((q2 >= ADEQUATE) & (q2 < STRONG)).mean()),
        "adequate_reach": float((q2 >= ADEQUATE).mean()),
        "strong_3": float((honest.loc[honest["grade"] == 3, "quality"] >= STRONG).mean()),
        "not_yet_1": float((rated.loc[rated["grade"] == 1, "quality"] < ADEQUATE).mean()),
        "other_language": (len(other), int(other["quality"].isna().sum()),
                           int((other["counts"] == substantive.fillna(True).astype(bool)).sum())),
        "graded_unassessed": int(graded["quality"].isna().sum()),
    }


def debate_rho(split: str) -> tuple[float, int]:
    """Spearman's rho of the debate checker's part score against the grades of one split."""
    from seci_lab.content import load_critiques
    from seci_lab.content.examples import example_texts
    from seci_lab.model.debate import check_debate
    from seci_lab.ui.critiques import page_texts

    critiques = load_critiques()
    parts = {p.key: p for p in critiques.debate.parts}
    sources = (*page_texts(), *example_texts())
    grades, scores = [], []
    for a in json.loads((DATA / "debate_v3.json").read_text(encoding="utf-8")):
        if a["part"] != split or a["grade"] is None:
            continue
        section = critiques.section(a["critique"])
        checked = check_debate(a["texts"], [parts[a["key"]]], critics=section.critics, terms=section.terms,
                               sources=sources)
        grades.append(a["grade"])
        scores.append(checked.score)
    return float(pd.Series(grades).corr(pd.Series(scores), method="spearman")), len(grades)


def first_call_seconds() -> float:
    """Seconds from a fresh process's start to its first score (imports and models included)."""
    code = ("import time; t = time.perf_counter(); from seci_lab.model import suggest_quality; "
            "suggest_quality('On Tuesday I watched Ana knead the dough and press it with her palm.', 'S', 'journal'); "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip())


def report(name: str, answers: list[dict]) -> None:
    start = time.perf_counter()
    r = evaluate(answers)
    first = time.perf_counter() - start
    start = time.perf_counter()
    for a in answers:  # again, warm (the rubric caches texts it has seen: vary them)
        suggest_quality(a["text"] + " ", a["mode"], a["field"])
    warm = (time.perf_counter() - start) / len(answers)
    print(f"### {name} set: {r['n']} answers\n")
    print(f"Spearman's rho (grade vs quality, all {r['scored']} scored answers, gaming included): "
          f"**{r['rho']:.3f}**; other-language answers: {r['other_language'][0]}, quality None: "
          f"{r['other_language'][1]}, counted as done exactly when substantive: {r['other_language'][2]}; "
          f"graded answers not assessed: {r['graded_unassessed']}.\n")
    print("| grade (no gaming) | n | mean quality | median |\n|---:|---:|---:|---:|")
    for grade, row in r["per_grade"].iterrows():
        print(f"| {int(grade)} | {int(row['count'])} | {row['mean']:.2f} | {row['median']:.2f} |")
    print(f"\nOn the quality scale (ADEQUATE {ADEQUATE}, STRONG {STRONG}): adequate (grade 2) answers in "
          f"[ADEQUATE, STRONG): {r['adequate_band'] * 100:.0f} %, at ADEQUATE or above: "
          f"{r['adequate_reach'] * 100:.0f} %; excellent at STRONG or above: {r['strong_3'] * 100:.0f} %; "
          f"grade-1 answers below ADEQUATE: {r['not_yet_1'] * 100:.0f} %.\n")
    print(f"Median adequate {r['median_2']:.2f}, median excellent {r['median_3']:.2f}; median excellent "
          f"short answer {r['short_3']:.2f} against median adequate long answer {r['long_2']:.2f}.\n")
    if r["gaming_n"]:
        above, at3 = r["gaming_above_2"], r["gaming_at_3"]
        print(f"Gaming answers above the median adequate one: {len(above)} of {r['gaming_n']} "
              f"({len(above) / r['gaming_n'] * 100:.1f} %)"
              + (": " + ", ".join(f"{x.id} ({x.gaming}, {x.quality:.2f})" for x in above.itertuples())
                 if len(above) else "") + f"; at or above the median excellent one: {len(at3)}.\n")
        print("| gaming kind | n | mean quality | max |\n|---|---:|---:|---:|")
        for kind, row in r["per_gaming"].iterrows():
            print(f"| {kind} | {int(row['count'])} | {row['mean']:.2f} | {row['max']:.2f} |")
    print(f"\nTime: {first:.1f} s for the whole set (the first set also loads the libraries), "
          f"then {warm * 1000:.1f} ms per answer once loaded.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["v3_dev", "v3_heldout"], help="rubric_<name>.json in tests/data")
    parser.add_argument("--debate", nargs="*", default=["dev", "heldout"], help="splits of debate_v3.json")
    parser.add_argument("--first-call", action="store_true", help="time a fresh process's first call (3 runs)")
    args = parser.parse_args(argv)
    if args.first_call:
        runs = [first_call_seconds() for _ in range(3)]
        print(f"First call in a fresh process: {', '.join(f'{s:.2f} s' for s in runs)}.\n")
    for name in args.sets:
        report(name, json.loads((DATA / f"rubric_{name}.json").read_text(encoding="utf-8")))
    for split in args.debate:
        rho, n = debate_rho(split)
        print(f"Debate checker, {split} part ({n} graded parts): Spearman's rho **{rho:.3f}**.\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
