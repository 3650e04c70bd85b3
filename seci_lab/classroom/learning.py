"""What the class learned: the pre/post diagnostic scored again and its gain (issue 24, item 1).

:func:`learning` reads every learner's diagnostic records (``diagnostic:pre`` and
``diagnostic:post``, :mod:`seci_lab.model.diagnostic`) from the hand-ins of a
:class:`~seci_lab.classroom.analysis.ClassData`, scores each sitting again from its answers
against this seci-lab's forms (a score a file claims is never used) and returns a
:class:`Learning` with the views of the dashboard's Learning tab, the workbook and the report.

Definitions (the tab, the workbook and the report use exactly these):

- A learner is **matched** when both sittings are scored (finished, of this version of the
  forms) and on different forms. Only matched learners enter the gain. A learner with one scored
  sitting is listed as having taken only that test; a learner who took the same form twice is
  listed as such and left out of the gain (the second sitting repeats the first one's items).
- The **class's normalized gain** is Hake's (1998) ``<g> = (post - pre) / (1 - pre)`` of the
  class **averages** over the matched learners (the gain of class averages, as Hake computed it;
  not the average of individual gains). Its 95 % interval is a percentile bootstrap over
  learners (:data:`RESAMPLES` resamples, seeded, so the same class gives the same interval). A
  class whose mean pre-test is 100 % has no gain to measure: NaN, and the summary says so.
- The **average of individual gains** is shown beside it, over the matched learners whose pre
  score is below 100 % (a learner at 100 % before has an undefined gain; they are counted).
- **Gain per concept** is the gain of class averages of the share right on each concept's
  items, over the matched learners.
- A form's **mean difficulty** is its mean score (share right) per sitting. Since half the
  class starts with each form, the two forms' pre-test means compare like with like: a harder
  form shows as a lower mean in the same sitting.

Pure data: pandas, numpy and the standard library, no widgets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..content.diagnostic import Diagnostic, load_diagnostic
from ..model.diagnostic import CONCEPTS, FORMS, POST, PRE, SITTINGS, form_for, score_sitting, sitting_key
from .analysis import ClassData

__all__ = ["LEARNER_COLUMNS", "RESAMPLES", "SITTING_COLUMNS", "Learning", "class_gain", "learning"]

#: Bootstrap resamples for the gain's interval.
RESAMPLES = 2000
MATCHED, SAME_FORM, ONLY_PRE, ONLY_POST, NEITHER = (
    "matched", "same form twice", "only the pre-test", "only the post-test", "no scored test")
SITTING_COLUMNS = ["learner_id", "name", "sitting", "form", "version", "status", "right", "items", "score", "notes"]
LEARNER_COLUMNS = ["learner_id", "name", "pre_form", "pre_score", "post_form", "post_score", "gain", "status"]


@dataclass(frozen=True)
class Gain:
    """The class's gain: ``value`` of class averages with its ``low``-``high`` 95 % interval,
    ``learners`` matched, ``mean_pre``/``mean_post`` shares, and ``individual`` (the average of
    individual gains over ``individual_n`` learners; ``perfect_pre`` had 100 % before)."""

    value: float
    low: float
    high: float
    learners: int
    mean_pre: float
    mean_post: float
    individual: float = math.nan
    individual_n: int = 0
    perfect_pre: int = 0
    note: str = ""


def _g(pre: np.ndarray, post: np.ndarray) -> float:
    mean_pre, mean_post = float(np.mean(pre)), float(np.mean(post))
    return math.nan if mean_pre >= 1.0 else (mean_post - mean_pre) / (1.0 - mean_pre)


def class_gain(pre, post, *, resamples: int = RESAMPLES, seed: int = 0) -> Gain:
    """Hake's gain of class averages of paired shares ``pre`` and ``post`` (one pair per learner),
    with a seeded percentile-bootstrap 95 % interval over learners and the average of
    individual gains beside it (see the module docstring)."""
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    n = len(pre)
    if n == 0:
        return Gain(math.nan, math.nan, math.nan, 0, math.nan, math.nan, note="No learner took both tests.")
    value = _g(pre, post)
    below = pre < 1.0
    individual = float(np.mean((post[below] - pre[below]) / (1.0 - pre[below]))) if below.any() else math.nan
    note = ""
    if math.isnan(value):
        note = "Every matched learner scored 100 % on the pre-test: there was nothing left to gain."
    low = high = math.nan
    if n >= 2 and not math.isnan(value):
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, n, size=(resamples, n))
        means_pre, means_post = pre[picks].mean(axis=1), post[picks].mean(axis=1)
        ok = means_pre < 1.0
        gains = (means_post[ok] - means_pre[ok]) / (1.0 - means_pre[ok])
        if len(gains):
            low, high = (float(v) for v in np.percentile(gains, [2.5, 97.5]))
    elif n == 1 and not note:
        note = "One matched learner: no interval."
    return Gain(value, low, high, n, float(pre.mean()), float(post.mean()), individual, int(below.sum()),
                int((~below).sum()), note)


@dataclass
class Learning:
    """The diagnostic of a class, scored again. Frames: ``sittings`` (one row per saved
    sitting, :data:`SITTING_COLUMNS`), ``learners`` (one row per learner with a diagnostic,
    :data:`LEARNER_COLUMNS`), ``concept_rows`` (matched learners' right/items per concept and
    sitting); ``gain`` (:class:`Gain`); ``forms`` (the forms as loaded)."""

    sittings: pd.DataFrame
    learners: pd.DataFrame
    concept_rows: pd.DataFrame
    gain: Gain
    forms: Diagnostic
    without: int = 0

    # -- views ---------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """The headline numbers as rows of (What, Value), for the tab, workbook and report."""
        g, lrn = self.gain, self.learners
        counts = lrn["status"].value_counts() if len(lrn) else pd.Series(dtype=int)

        def pct(v: float) -> str:
            return "–" if math.isnan(v) else f"{v:.0%}"

        interval = "–" if math.isnan(g.low) else f"{g.low:.2f} to {g.high:.2f}"
        rows = [
            ("Learners with a diagnostic", len(lrn)),
            ("Learners without one", self.without),
            ("Matched (both tests, different forms)", int(counts.get(MATCHED, 0))),
            ("Only the pre-test", int(counts.get(ONLY_PRE, 0))),
            ("Only the post-test", int(counts.get(ONLY_POST, 0))),
            ("Same form twice (not in the gain)", int(counts.get(SAME_FORM, 0))),
            ("No scored test (unfinished, older version, unreadable)", int(counts.get(NEITHER, 0))),
            ("Mean pre-test (matched)", pct(g.mean_pre)),
            ("Mean post-test (matched)", pct(g.mean_post)),
            ("Normalized gain of class averages <g> (Hake 1998)", "–" if math.isnan(g.value) else f"{g.value:.2f}"),
            (f"95% bootstrap interval of <g> ({RESAMPLES} resamples over learners)", interval),
            (f"Average of individual gains ({g.individual_n} learners with pre < 100%)",
             "–" if math.isnan(g.individual) else f"{g.individual:.2f}"),
            ("Matched learners at 100% before (gain undefined)", g.perfect_pre),
        ]
        if g.note:
            rows.append(("Note", g.note))
        return pd.DataFrame(rows, columns=["What", "Value"]).astype({"Value": str})

    def distribution(self) -> pd.DataFrame:
        """Learners per score (items right, 0 to the form's length) in each sitting: every
        scored sitting, matched or not."""
        n = max((len(self.forms.form(f)) for f in FORMS), default=0)
        scored = self.sittings[self.sittings["status"] == "scored"]
        frame = pd.DataFrame({"right": range(n + 1)})
        for sitting in SITTINGS:
            counts = scored.loc[scored["sitting"] == sitting, "right"].astype(int).value_counts()
            frame[f"{sitting}_learners"] = [int(counts.get(k, 0)) for k in frame["right"]]
        return frame

    def by_concept(self) -> pd.DataFrame:
        """Per concept, over the matched learners: items per form, mean share right before and
        after, and the gain of those averages."""
        rows = []
        c = self.concept_rows
        for concept in CONCEPTS:
            part = c[c["concept"] == concept] if len(c) else c
            pre = part[part["sitting"] == PRE] if len(part) else part
            post = part[part["sitting"] == POST] if len(part) else part
            mean_pre = float((pre["right"] / pre["items"]).mean()) if len(pre) else math.nan
            mean_post = float((post["right"] / post["items"]).mean()) if len(post) else math.nan
            gain = math.nan if math.isnan(mean_pre) or mean_pre >= 1 else (mean_post - mean_pre) / (1 - mean_pre)
            per_form = sum(i.concept == concept for i in self.forms.form("A"))
            rows.append((concept, self.forms.concepts[concept], per_form, len(pre), mean_pre, mean_post, gain))
        return pd.DataFrame(rows, columns=["concept", "what", "items_per_form", "learners", "mean_pre", "mean_post",
                                           "gain"])

    def one_test(self) -> pd.DataFrame:
        """The learners who took only one test, or the same form twice, with what is missing."""
        lrn = self.learners
        return lrn[lrn["status"].isin([ONLY_PRE, ONLY_POST, SAME_FORM, NEITHER])].reset_index(drop=True)

    def form_difficulty(self) -> pd.DataFrame:
        """Each form's mean score (share right) per sitting over every scored sitting."""
        scored = self.sittings[self.sittings["status"] == "scored"]
        rows = []
        for form in FORMS:
            for sitting in (*SITTINGS, "both"):
                part = scored[(scored["form"] == form) & ((scored["sitting"] == sitting) | (sitting == "both"))]
                rows.append((form, sitting, len(part), float(part["score"].mean()) if len(part) else math.nan))
        return pd.DataFrame(rows, columns=["form", "sitting", "learners", "mean_score"])

    def problems(self) -> pd.DataFrame:
        """Every sitting with a note (a claimed score that differs, another version, unfinished,
        unreadable, a form other than the one assigned), one row each."""
        s = self.sittings
        return s.loc[s["notes"] != "", ["learner_id", "name", "sitting", "form", "status", "notes"]].reset_index(
            drop=True)


def _learner_row(learner_id: str, name: str, pre, post) -> tuple:
    pre_ok = pre is not None and pre.status == "scored"
    post_ok = post is not None and post.status == "scored"
    if pre_ok and post_ok:
        status = SAME_FORM if pre.form == post.form else MATCHED
    elif pre_ok:
        status = ONLY_PRE
    elif post_ok:
        status = ONLY_POST
    else:
        status = NEITHER
    pre_score = pre.score if pre_ok else math.nan
    post_score = post.score if post_ok else math.nan
    gain = (math.nan if status != MATCHED or pre_score >= 1 else (post_score - pre_score) / (1 - pre_score))
    return (learner_id, name, pre.form if pre else "", pre_score, post.form if post else "", post_score, gain, status)


def learning(data: ClassData, *, forms: Diagnostic | None = None, resamples: int = RESAMPLES,
             seed: int = 0) -> Learning:
    """The class's diagnostic scored again from the answers in its hand-ins (see the module
    docstring). Never raises on what a hand-in holds: a record it cannot read is listed."""
    forms = forms or load_diagnostic()
    names = dict(zip(data.learners["learner_id"].astype(str), data.learners["name"].astype(str)))
    sitting_rows, learner_rows, concept_rows = [], [], []
    without = 0
    for learner_id, sub in data.submissions.items():
        answers = sub.answers if isinstance(sub.answers, Mapping) else {}
        scored = {}
        for sitting in SITTINGS:
            record = answers.get(sitting_key(sitting))
            if record is None:
                continue
            result = score_sitting(sitting, record, forms.items, forms.version)
            notes = list(result.notes)
            if result.status == "unfinished":
                notes.append("Started but not finished: not scored.")
            if result.form and result.status == "scored" and result.form != form_for(sitting, learner_id):
                notes.append(f"Form {result.form} is not the form this learner id is given for the {sitting}-test "
                             f"({form_for(sitting, learner_id)}): an id typed differently? Scored all the same.")
            scored[sitting] = result
            sitting_rows.append((learner_id, names.get(learner_id, ""), sitting, result.form, result.version,
                                 result.status, result.right, result.items, result.score, " ".join(notes)))
        if not scored:
            without += 1
            continue
        row = _learner_row(learner_id, names.get(learner_id, ""), scored.get(PRE), scored.get(POST))
        if row[-1] == SAME_FORM:
            idx = next(i for i in range(len(sitting_rows) - 1, -1, -1)
                       if sitting_rows[i][0] == learner_id and sitting_rows[i][2] == POST)
            r = sitting_rows[idx]
            sitting_rows[idx] = (*r[:-1], (r[-1] + " " if r[-1] else "") + f"The same form ({r[3]}) as the "
                                 "pre-test: not in the gain.")
        learner_rows.append(row)
        if row[-1] == MATCHED:
            for sitting in SITTINGS:
                for concept, (right, items) in scored[sitting].by_concept.items():
                    concept_rows.append((learner_id, sitting, concept, right, items))
    sittings = pd.DataFrame(sitting_rows, columns=SITTING_COLUMNS)
    sittings["score"] = sittings["score"].astype(float)
    learners = pd.DataFrame(learner_rows, columns=LEARNER_COLUMNS)
    for column in ("pre_score", "post_score", "gain"):
        learners[column] = learners[column].astype(float)
    matched = learners[learners["status"] == MATCHED]
    gain = class_gain(matched["pre_score"].to_numpy(), matched["post_score"].to_numpy(), resamples=resamples,
                      seed=seed)
    concepts = pd.DataFrame(concept_rows, columns=["learner_id", "sitting", "concept", "right", "items"])
    return Learning(sittings, learners, concepts, gain, forms, without)
