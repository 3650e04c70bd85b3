"""Test-wise solvers for the quiz bank's choice items (issue 23, item 2).

Each solver answers a choice item without knowing anything about SECI, from surface cues
only: the option's length, its hedge words or absolute words, the words it shares with the
prompt or the hints, its position, and combinations of these. A solver scores an item
1/k when the key is among the k options it cannot tell apart, so a cue that does not
single out the key earns chance, never more.

Used by tests/test_bank_solvers.py (the audit in ``make test``) and by
``python bench/bank_solvers.py`` (the table of rates per lesson in bench/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from seci_lab.model import Option, Question

#: Words a test-wise reader takes for a careful, hence right, option.
HEDGES = frozenset("""may might can could often some usually tend tends tended typically mainly mostly
partly part rather likely generally sometimes largely perhaps possibly probably seldom several
much many frequently somewhat""".split())
#: Words a test-wise reader takes for an overstated, hence wrong, option.
ABSOLUTES = frozenset("""always never only all every none nothing entirely completely fully must cannot
purely strictly everyone everything anything simply wholly solely any no exactly""".split())
#: The margin over chance, in points, from which a solver's rate on a lesson fails the audit.
MARGIN = 0.08

Scorer = Callable[[Question, Option], float]


def words(text: str) -> list[str]:
    return re.findall(r"[a-zσφ]+(?:'[a-z]+)?", text.lower())


def _stems(text: str) -> set[str]:
    """Content words, cut to six letters so 'combine' and 'combination' meet."""
    return {w[:6] for w in words(text) if w not in ENGLISH_STOP_WORDS and len(w) > 2}


def hedges(text: str) -> int:
    return sum(w in HEDGES for w in words(text))


def absolutes(text: str) -> int:
    return sum(w in ABSOLUTES for w in words(text))


def stem_overlap(q: Question, o: Option) -> float:
    return len(_stems(q.prompt) & _stems(o.text))


def hint_overlap(q: Question, o: Option) -> float:
    return len(_stems(" ".join(q.hints)) & _stems(o.text))


#: Single cues: each scores an option; the solver picks the options with the highest score.
CUES: dict[str, Scorer] = {
    "longest": lambda q, o: len(o.text),
    "shortest": lambda q, o: -len(o.text),
    "most hedged": lambda q, o: hedges(o.text),
    "least absolute": lambda q, o: -absolutes(o.text),
    "stem overlap": stem_overlap,
    "hint overlap": hint_overlap,
}
#: Combinations: the first cue decides, the second breaks its ties.
COMBINATIONS = [
    ("most hedged", "longest"),
    ("least absolute", "longest"),
    ("most hedged", "least absolute"),
    ("least absolute", "most hedged"),
    ("hint overlap", "longest"),
    ("stem overlap", "longest"),
    ("hint overlap", "most hedged"),
    ("stem overlap", "hint overlap"),
    ("hint overlap", "stem overlap"),
    ("longest", "most hedged"),
]


def picks(q: Question, scorers: Sequence[Scorer]) -> list[str]:
    """The keys of the options a solver cannot tell apart: best on the first scorer, then
    (among those) on the next, and so on."""
    options = list(q.options)
    for scorer in scorers:
        best = max(scorer(q, o) for o in options)
        options = [o for o in options if scorer(q, o) == best]
    return [o.key for o in options]


def item_score(q: Question, chosen: Iterable[str]) -> float:
    chosen = list(chosen)
    return 1 / len(chosen) if q.answer in chosen else 0.0


def solvers() -> dict[str, Callable[[Question], list[str]]]:
    """Every solver by name; ``position N`` always picks the option shown N-th (from 1)."""
    named = {name: (lambda q, s=scorer: picks(q, [s])) for name, scorer in CUES.items()}
    for first, then in COMBINATIONS:
        named[f"{first}, then {then}"] = lambda q, a=CUES[first], b=CUES[then]: picks(q, [a, b])
    for i in range(4):
        named[f"position {i + 1}"] = lambda q, i=i: [q.options[min(i, len(q.options) - 1)].key]
    return named


def chance(items: Sequence[Question]) -> float:
    return sum(1 / len(q.options) for q in items) / len(items)


def rates(items: Sequence[Question]) -> dict[str, float]:
    """Each solver's mean score over ``items`` (choice items)."""
    return {name: sum(item_score(q, solve(q)) for q in items) / len(items) for name, solve in solvers().items()}


def over_margin(items: Sequence[Question], margin: float = MARGIN) -> dict[str, float]:
    """The solvers whose rate on ``items`` is more than ``margin`` above chance."""
    limit = chance(items) + margin
    return {name: rate for name, rate in rates(items).items() if rate > limit + 1e-9}


def cued_items(items: Sequence[Question]) -> dict[str, list[str]]:
    """Items whose key a single cue picks out on its own (the key alone is best), by item id."""
    found: dict[str, list[str]] = {}
    for q in items:
        for name, scorer in CUES.items():
            if picks(q, [scorer]) == [q.answer]:
                found.setdefault(q.id, []).append(name)
    return found
