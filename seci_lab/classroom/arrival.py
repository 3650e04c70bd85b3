"""A hand-in's rubric scores, computed when it arrives (by the hand-in service's worker pool).

The instructor's dashboard scores every exercise text of a class with the rubric
(:mod:`seci_lab.classroom.analysis`); a class of 300 spends most of its first load doing that.
The hand-in service (:mod:`seci_lab.server.handin_service`) scores each hand-in once, when it
arrives, in a worker process, and keeps the scores (:class:`seci_lab.store.scores.RubricScores`
in the class's database); the dashboard then reads them instead of scoring again
(:class:`KeptScores`). The scores are the analysis's own: :func:`score_submission` runs the
analysis on the one hand-in and keeps what it computed, so both ask the rubric the same
questions. Nothing the hand-in claims (a quality, a score) is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..model.submission import parse_submission
from ..store.scores import Key, Verdict, text_digest

__all__ = ["KeptScores", "score_submission"]


class _Collector:
    """A score store that knows nothing and keeps what the analysis computed."""

    def __init__(self) -> None:
        self.kept: dict[Key, Verdict] = {}

    def get_many(self, keys: Iterable[Key]) -> dict[Key, Verdict]:
        return {}

    def put_many(self, scores: Mapping[Key, Verdict]) -> None:
        self.kept.update(scores)


def score_submission(data: dict | bytes | str) -> dict[Key, Verdict]:
    """The rubric's verdict on every exercise text of one hand-in, as the dashboard asks for them:
    ``(text, mode, field) -> (quality or None, "" or why the answer does not count)``.

    Raises :class:`seci_lab.model.submission.SubmissionError` for a hand-in that is not valid.
    Slow (the rubric): run it in a worker, never on a server's event loop.
    """
    from .analysis import ClassData

    collector = _Collector()
    ClassData.from_submissions([parse_submission(data, source="hand-in service")], scores=collector)
    return collector.kept


class KeptScores:
    """Scores computed before, from rows ``(mode, field, text_sha256, quality, uncounted)`` of one
    rubric fingerprint: a score store for :meth:`seci_lab.classroom.analysis.ClassData.from_submissions`.

    Rows of another fingerprint than this process's rubric (a service on another seci-lab
    version) are not used: those texts are scored again. What is scored here is kept in memory.
    """

    def __init__(self, version: str, rows: Iterable[Iterable]):
        from ..model.rubric import rubric_version

        self.kept: dict[tuple[str, str, str], Verdict] = {}
        if version == rubric_version():
            for mode, field, digest, quality, uncounted in rows:
                self.kept[(str(mode), str(field or ""), str(digest))] = (
                    None if quality is None else float(quality), str(uncounted or ""))

    def __len__(self) -> int:
        return len(self.kept)

    def get_many(self, keys: Iterable[Key]) -> dict[Key, Verdict]:
        found = {}
        for key in keys:
            text, mode, field = key
            verdict = self.kept.get((str(mode), field or "", text_digest(text)))
            if verdict is not None:
                found[key] = verdict
        return found

    def put_many(self, scores: Mapping[Key, Verdict]) -> None:
        for (text, mode, field), verdict in scores.items():
            self.kept[(str(mode), field or "", text_digest(text))] = verdict
