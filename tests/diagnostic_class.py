"""Hand-ins carrying diagnostic sittings, for the Learning tab's tests (issue 24, item 1)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from seci_lab.content.diagnostic import load_diagnostic
from seci_lab.model.diagnostic import POST, PRE, form_for, sitting_key, sitting_record
from seci_lab.model.submission import SUBMISSION_SCHEMA, SUBMISSION_VERSION, parse_submission

FORMS = load_diagnostic()
_START = datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)


def answers(form: str, right: int, *, skip: int = 0, rng=None) -> dict[str, str]:
    """Answers to ``form``: the first ``right`` items right (with a ``random.Random``, ``right``
    items drawn from it), the rest wrong (the last ``skip`` left out)."""
    out = {}
    items = FORMS.form(form)
    chosen = set(rng.sample(range(len(items)), right)) if rng is not None else set(range(right))
    for n, item in enumerate(items[:len(items) - skip]):
        q = item.question
        out[q.id] = q.answer if n in chosen else next(o.key for o in q.options if o.key != q.answer)
    return out


def sitting(sitting: str, form: str, n_right: int, learner_id: str = "x", rng=None, **extra) -> dict:
    record = sitting_record(sitting, form, FORMS.version, learner_id, answers(form, n_right, rng=rng), done=True,
                            started_at=_START.isoformat(), done_at=(_START + timedelta(minutes=9)).isoformat())
    return {**record, **extra}


def hand_in(learner_id: str, name: str = "", *, pre: int | None = None, post: int | None = None,
            pre_form: str | None = None, post_form: str | None = None, records: dict | None = None, rng=None):
    """A parsed hand-in of ``learner_id`` with a pre and/or post sitting of ``pre``/``post``
    items right, on the forms the learner id is given unless ``pre_form``/``post_form`` say."""
    work = {}
    if pre is not None:
        work[sitting_key(PRE)] = sitting(PRE, pre_form or form_for(PRE, learner_id), pre, learner_id, rng)
    if post is not None:
        work[sitting_key(POST)] = sitting(POST, post_form or form_for(POST, learner_id), post, learner_id, rng)
    work.update(records or {})
    data = {"schema": SUBMISSION_SCHEMA, "version": SUBMISSION_VERSION, "submission_id": uuid.uuid4().hex,
            "handed_in_at": _START.isoformat(), "seci_lab_version": "test", "course": "",
            "learner": {"id": learner_id, "name": name or learner_id, "email": "", "round": 1},
            "answers": work, "contributions": []}
    return parse_submission(data, source=f"{learner_id}.json")


def begin_every_page(progress) -> None:
    """Save one piece of work on every course page that has work, so the course frame marks each
    begun and the post-test opens (the welcome page's rule)."""
    from seci_lab.model import Contribution, Mode
    from seci_lab.model.work import REFLECTION_KEY
    from seci_lab.ui.frame import CHECKED, EXERCISES

    for mode in "SECI":
        key = next(k for k, (m, _) in EXERCISES.items() if m == mode)
        progress.save_answer(key, {"mode": mode, "label": "begun", "text": "A first try at this exercise."})
    for keys in CHECKED.values():
        progress.save_answer(keys[0], {"answer": "a", "correct": False, "score": 0.0})
    progress.save_answer(REFLECTION_KEY, {"text": "A first thought on the critiques."})
    progress.add_contribution(Contribution(participant="Me", mode=Mode("S"), text="Shared a first experience.",
                                           round=1, quality=0.6), "spiral:begun")
