"""Combination: sort explicit cards into clusters (the affinity diagram, or KJ method).

Kawakita Jiro's KJ method writes one idea per card, groups cards that "feel" alike and then
names each group; Nonaka & Takeuchi (1995, ch. 3) describe Combination as sorting, adding,
combining and categorising explicit knowledge in just this way. The learner does the sorting;
this module only *suggests* a first grouping from the words the cards share, so that the
suggestion is explainable: TF-IDF term weights, cosine similarity, and average-linkage
agglomerative clustering that stops when no two groups are similar enough.

Pure standard library; deterministic (ties are broken by card order).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

__all__ = [
    "DEFAULT_THRESHOLD",
    "MergedRow",
    "cluster_name",
    "cosine_matrix",
    "merge_page",
    "suggest_clusters",
    "tfidf_vectors",
    "tokens",
]

#: Average cosine similarity two groups need to be merged in a suggestion.
DEFAULT_THRESHOLD = 0.12

_STOPWORDS = frozenset(
    """a an and are as at be been but by can do does for from had has have he her his i if in
    into is it its me my not of on or our she so than that the their them then there these they
    this to too us was we were what when where which while who why will with you your it's i'm
    i've don't just very more most some any all each one also only own same such no nor out up
    down off over under again once here how both few other about against between through during
    before after above below would could should""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` without stop words, with a light plural/-ing stem."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    out = []
    for word in words:
        if word in _STOPWORDS or len(word) < 3:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """One sparse TF-IDF vector per text (smoothed idf, as in scikit-learn), L2-normalised."""
    docs = [Counter(tokens(t)) for t in texts]
    n = len(docs)
    df = Counter(term for doc in docs for term in doc)
    vectors = []
    for doc in docs:
        vec = {term: count * (math.log((1 + n) / (1 + df[term])) + 1.0) for term, count in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        vectors.append({t: v / norm for t, v in vec.items()} if norm else {})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def cosine_matrix(texts: Sequence[str]) -> list[list[float]]:
    """Pairwise cosine similarity of the texts' TF-IDF vectors (1.0 on the diagonal)."""
    vectors = tfidf_vectors(texts)
    n = len(vectors)
    return [[1.0 if i == j else _cosine(vectors[i], vectors[j]) for j in range(n)] for i in range(n)]


def suggest_clusters(
    texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD, max_clusters: int | None = None
) -> list[list[int]]:
    """Suggest groups of similar cards.

    Parameters
    ----------
    texts : sequence of str
        The cards.
    threshold : float
        Two groups merge while their average pairwise similarity is at least this.
    max_clusters : int, optional
        Keep merging the most similar groups until at most this many remain.

    Returns
    -------
    list of list of int
        Card indices per group, each group sorted, groups ordered by their first card.
        The same texts always give the same groups.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"The similarity threshold must be between 0 and 1; got {threshold}.")
    if max_clusters is not None and max_clusters < 1:
        raise ValueError(f"At least one cluster is needed; got {max_clusters}.")
    sim = cosine_matrix(texts)
    groups: list[list[int]] = [[i] for i in range(len(texts))]

    def linkage(a: list[int], b: list[int]) -> float:
        return sum(sim[i][j] for i in a for j in b) / (len(a) * len(b))

    while len(groups) > 1:
        best = None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                score = linkage(groups[x], groups[y])
                if best is None or score > best[0] + 1e-12:  # first pair wins ties: deterministic
                    best = (score, x, y)
        score, x, y = best
        too_many = max_clusters is not None and len(groups) > max_clusters
        if score < threshold and not too_many:
            break
        groups[x] = sorted(groups[x] + groups[y])
        del groups[y]
    return sorted(groups, key=lambda g: g[0])


def cluster_name(texts: Sequence[str], members: Sequence[int], top: int = 2) -> str:
    """A suggested name for a group: its most characteristic words, e.g. ``"dough / knead"``."""
    vectors = tfidf_vectors(texts)
    weights: Counter[str] = Counter()
    for i in members:
        weights.update(vectors[i])
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    words = [term for term, _ in ranked[:top]]
    return " / ".join(words) if words else "Other"


@dataclass(frozen=True)
class MergedRow:
    """One row of the combined page: a cluster, one of its cards and where the card came from."""

    cluster: str
    card: str
    source: str


def merge_page(
    cards: Sequence[tuple[str, str]], assignment: Sequence[int], names: Sequence[str]
) -> list[MergedRow]:
    """Merge sorted cards into one structured page (a table ordered by cluster).

    Parameters
    ----------
    cards : sequence of (text, source)
        The cards and where each came from (e.g. "my ladder: metaphor", "sample").
    assignment : sequence of int
        The cluster index of each card (into ``names``).
    names : sequence of str
        The cluster names the learner gave; an empty name becomes "Cluster k".

    Raises
    ------
    ValueError
        When the lengths differ or a card points at a cluster that does not exist.
    """
    if len(cards) != len(assignment):
        raise ValueError("Every card needs a cluster: the lists have different lengths.")
    labels = [name.strip() or f"Cluster {k + 1}" for k, name in enumerate(names)]
    rows = []
    for (text, source), k in zip(cards, assignment):
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(labels):
            raise ValueError(f"Card “{text[:40]}” is in cluster {k!r}, which does not exist.")
        rows.append((k, MergedRow(labels[k], text, source)))
    rows.sort(key=lambda kr: kr[0])  # stable: cards keep their order inside a cluster
    return [row for _, row in rows]
