"""The Combination page's score: how well the learner's cards are clustered and named.

Split from :mod:`.rubric` (it scores a clustering, not a text); it returns the same
:class:`~seci_lab.model.rubric.RubricScore` checklist, with the criteria of ``[page]`` in
``content/rubric.toml``.
"""

from __future__ import annotations

import re
from typing import Sequence

from .rubric import CriterionResult, RubricScore, _cannot_assess, _finish
from .rubric_criteria import load_criteria

__all__ = ["page_quality"]


def page_quality(cards: Sequence[str], assignment: Sequence[int], names: Sequence[str],
                 own: Sequence[bool]) -> RubricScore:
    """Assess a merged Combination page: how well the cards are clustered and named.

    Parameters
    ----------
    cards : sequence of str
        The cards' texts.
    assignment : sequence of int
        Each card's cluster (an index into ``names``).
    names : sequence of str
        The names the learner gave the clusters ("" when unnamed).
    own : sequence of bool
        Whether each card is the learner's own (not a sample card).

    Returns
    -------
    RubricScore
        The page's checklist; ``quality`` follows how coherent and well named the clusters are.
    """
    from .combination import cosine_matrix, tokens

    rubric = load_criteria().page
    n = len(cards)
    if n == 0 or len(assignment) != n:
        return _cannot_assess("empty")
    used = sorted(set(assignment))
    members = {k: [i for i in range(n) if assignment[i] == k] for k in used}
    sim = cosine_matrix(list(cards))
    signals: dict[str, tuple[float, str]] = {}

    # Cohesion: mean silhouette of the cards (cosine similarity of TF-IDF), 0.25 or more is full.
    silhouettes = []
    for i in range(n):
        mine = [j for j in members[assignment[i]] if j != i]
        if not mine:
            continue
        a = sum(sim[i][j] for j in mine) / len(mine)
        others = [sum(sim[i][j] for j in members[k]) / len(members[k]) for k in used if k != assignment[i]]
        b = max(others) if others else 0.0
        silhouettes.append((a - b) / max(a, b) if max(a, b) > 0 else 0.0)
    mean_sil = sum(silhouettes) / len(silhouettes) if silhouettes else 0.0
    signals["cohesion"] = (min(1.0, max(0.0, mean_sil / 0.25)), f"mean silhouette {mean_sil:.2f}")

    labels = [" ".join((names[k] if k < len(names) else "").split()) for k in used]
    default = re.compile(r"^(cluster|group)?\s*\d*$", re.I)
    proper = [lab for lab in labels if lab and not default.match(lab)]
    distinct = len({lab.lower() for lab in proper})
    signals["named"] = (distinct / len(used), ", ".join(proper[:4]))

    fits, fitting = 0, []
    for k, label in zip(used, labels):
        words = set(tokens(label))
        card_words = set(t for i in members[k] for t in tokens(cards[i]))
        if words & card_words:
            fits += 1
            fitting.append(label)
    signals["names_fit"] = (fits / len(used), ", ".join(fitting[:4]))

    biggest = max(len(m) for m in members.values()) / n
    singles = sum(len(m) == 1 for m in members.values()) / len(used)
    balance = (1.0 if len(used) >= 2 else 0.0) * (1.0 if biggest <= 0.7 else 0.3) * (1.0 if singles <= 0.5 else 0.5)
    signals["balance"] = (balance, f"{len(used)} clusters, the largest holds {round(biggest * 100)} % of the cards")
    own_count = sum(bool(o) for o in own)
    signals["own_cards"] = (1.0 if own_count else 0.0, f"{own_count} of your own cards" if own_count else "")

    results = []
    for c in rubric.criteria:
        score = sum(signals[s][0] for s in c.signals) / len(c.signals)
        excerpt = "; ".join(signals[s][1] for s in c.signals if signals[s][1] and score > 0)
        results.append(CriterionResult(c.id, c.label, c.looks_for, c.hint, c.weight, score, excerpt))
    total = sum(c.weight for c in rubric.criteria)
    quality = sum(r.weight * r.score for r in results) / total
    return _finish(rubric, tuple(results), quality, set())
