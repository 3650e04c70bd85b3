"""Issue 22's measures of the rubric and the debate checker on a set of graded answers.

Shared by ``tests/test_rubric_eval.py`` (which asserts them) and ``bench/bench_rubric.py`` (which
prints them for any set file). A rubric set is a JSON list of answers with ``mode``, ``field``,
``text``, ``grade`` (1-3, null for another language), ``gaming`` (null for an honest answer),
optionally ``short`` (under 40 words) and, on other-language answers, ``substantive``
(tests/data/README_rubric_v3.md). A debate set is a JSON list of debate parts with ``critique``,
``key``, ``texts``, ``grade`` and optionally ``part`` (a split such as "dev" / "heldout").
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from seci_lab.model import suggest_quality
from seci_lab.model.quality_scale import ADEQUATE, STRONG

#: Issue 22's targets.
RHO_MIN = 0.8
GAMING_ABOVE_ADEQUATE_MAX = 0.05
DEBATE_RHO_MIN = 0.7


def load(path: Path | str) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def score_rows(answers: list[dict]) -> pd.DataFrame:
    """Each answer with its ``quality``, ``counts``, ``flags`` and the milliseconds it took."""
    rows = []
    for a in answers:
        start = time.perf_counter()
        score = suggest_quality(a["text"], a["mode"], a["field"])
        ms = (time.perf_counter() - start) * 1000
        # A set that does not mark short answers: under 40 words, as tests/data/README_rubric_v3.md says.
        short = a.get("short")
        a = {**a, "short": bool(short) if short is not None else len(str(a["text"]).split()) < 40}
        rows.append({**a, "quality": score.quality, "counts": score.counts, "flags": ",".join(score.flags),
                     "ms": ms})
    frame = pd.DataFrame(rows)
    for column in ("short", "substantive", "gaming", "language"):
        if column not in frame:
            frame[column] = None
    return frame


def measures(frame: pd.DataFrame) -> dict:
    """Issue 22's measures of a scored set (:func:`score_rows`)."""
    graded = frame[frame["grade"].notna()]
    rated = graded[graded["quality"].notna()]
    rho = rated["grade"].astype(float).corr(rated["quality"].astype(float), method="spearman")
    honest = rated[rated["gaming"].isna()]
    q2 = honest.loc[honest["grade"] == 2, "quality"]
    q3 = honest.loc[honest["grade"] == 3, "quality"]
    median_2, median_3 = float(q2.median()), float(q3.median())
    gaming = rated[rated["gaming"].notna()]
    other = frame[frame["grade"].isna()]
    short = honest["short"].fillna(False).astype(bool)
    short_3 = honest.loc[(honest["grade"] == 3) & short, "quality"].median()
    long_2 = honest.loc[(honest["grade"] == 2) & ~short, "quality"].median()
    substantive = other["substantive"].fillna(True).astype(bool)
    return {
        "n": len(frame), "rho": float(rho), "scored": len(rated),
        "per_grade": honest.groupby("grade")["quality"].agg(["count", "mean", "median"]),
        "per_gaming": gaming.groupby("gaming")["quality"].agg(["count", "mean", "max"]),
        "median_2": median_2, "median_3": median_3,
        "gaming_n": len(gaming),
        "gaming_above_2": gaming.loc[gaming["quality"] > median_2, ["id", "gaming", "quality"]],
        "gaming_at_3": gaming.loc[gaming["quality"] >= median_3, ["id", "gaming", "quality"]],
        "short_3": float(short_3), "long_2": float(long_2),
        "adequate_band": float(((q2 >= ADEQUATE) & (q2 < STRONG)).mean()),
        "adequate_reach": float((q2 >= ADEQUATE).mean()),
        "strong_3": float((q3 >= STRONG).mean()),
        "not_yet_1": float((rated.loc[rated["grade"] == 1, "quality"] < ADEQUATE).mean()),
        "other_n": len(other),
        "other_scored": other.loc[other["quality"].notna(), ["id", "language", "quality"]]
        if "language" in other else other.loc[other["quality"].notna(), ["id", "quality"]],
        "other_count_wrong": other.loc[other["counts"] != substantive, ["id", "counts", "substantive"]],
        "graded_unassessed": graded.loc[graded["quality"].isna(), "id"].tolist(),
    }


def gaming_above_share(m: dict) -> float:
    return len(m["gaming_above_2"]) / m["gaming_n"] if m["gaming_n"] else 0.0


def debate_scores(entries: list[dict]) -> pd.DataFrame:
    """Each graded debate part with the checker's ``score`` (entries of another language skipped)."""
    from seci_lab.content import load_critiques
    from seci_lab.content.examples import example_texts
    from seci_lab.model.debate import check_debate
    from seci_lab.ui.critiques import page_texts

    critiques = load_critiques()
    parts = {p.key: p for p in critiques.debate.parts}
    sources = (*page_texts(), *example_texts())
    rows = []
    for a in entries:
        if a.get("grade") is None:
            continue
        section = critiques.section(a["critique"])
        checked = check_debate(a["texts"], [parts[a["key"]]], critics=section.critics, terms=section.terms,
                               sources=sources)
        rows.append({"id": a.get("id"), "split": a.get("part", "all"), "grade": a["grade"],
                     "gaming": a.get("gaming"), "score": checked.score})
    return pd.DataFrame(rows)


def debate_rho(frame: pd.DataFrame) -> float:
    return float(frame["grade"].astype(float).corr(frame["score"].astype(float), method="spearman"))
