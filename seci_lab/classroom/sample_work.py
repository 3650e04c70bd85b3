"""A seeded synthetic class: realistic hand-ins of n learners (the sample class, the tests, the benchmarks).

Realistic means the analysis has something to find:

- learners differ in diligence: some do every lesson, many stop after one or two, a few only
  take quizzes, and a couple hand in nearly nothing;
- quiz answers are checked with the real bank (:func:`seci_lab.model.check`), each item has its
  own difficulty and one plausible wrong option that most wrong learners choose (a misconception);
- exercise texts are assembled from fragments per mode, more or fewer of them by the learner's
  skill, and scored by the real rubric, so scores spread;
- contributions are the ones the lessons would have saved with those answers (``r<round>:<key>``),
  and some learners went round the spiral twice.

Everything is deterministic by ``seed``. ``planted_story`` puts a given text into the first
Socialization learner's story (the tests plant a script-like payload there, so every display
sink of the class gets something to escape).

More kinds of work: :data:`EXTRA_WORK` lists functions called for every learner of every
synthetic class after the lessons and quizzes, each adding its own answers (``learner.answers``,
keys from :mod:`seci_lab.model.work`) with ``learner.rng``. It is empty, so the tests' classes
stay as they are; a class of its own passes ``extra_work=`` to :func:`synthetic_class` instead.
The sample class does (:mod:`.sample`): :func:`take_diagnostic` (the pre/post diagnostic of
issue 24 on the counterbalanced forms, better post-test scores with ``learner.skill``) and
:func:`rate_team_profile` (the team SECI profile). After changing either, run
``scripts/make_sample_class.py``.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from ..content import load_questions
from ..content.diagnostic import load_diagnostic
from ..content.exercises import load_exercises
from ..content.team_profile import load_team_profile
from ..model import Contribution, check, page_quality, suggest_quality
from ..model.diagnostic import POST, PRE, form_for, sitting_key, sitting_record
from ..model.team_profile import HIGH, LOW, PROFILE_KEY, profile_record
from .submission import SUBMISSION_SCHEMA, SUBMISSION_VERSION

__all__ = ["COURSE", "EXTRA_WORK", "rate_team_profile", "synthetic_class", "take_diagnostic"]

COURSE = "MGT 501 Knowledge Management"
_DEFAULT_START = datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)

_FIRST = ["Ada", "Grace", "Alan", "Zoë", "Kwame", "Mei", "Ravi", "Sofía", "Lars", "Amara", "Hiro", "Fatima",
          "Noah", "Ingrid", "Mateo", "Aiyana", "Chen", "Olu", "Léa", "Tomasz", "Yuki", "Priya", "Jonas", "Nia",
          "Emre", "Hana", "Diego", "Saoirse", "Kai", "Lucía", "Anh", "Björn", "Zainab", "Pedro", "Maya", "Ivan"]
_LAST = ["Lovelace", "Hopper", "Turing", "Okafor", "Nguyễn", "Patel", "Müller", "García", "Kowalski",
         "Tanaka", "Haddad", "Johansson", "O'Brien", "Mensah", "Rossi", "Kim", "Silva", "Novak", "Dubois",
         "Andersen", "Chowdhury", "Yamamoto", "Fischer", "Ibrahim", "López", "Wright", "Zhang", "Costa"]

# Text fragments per mode. "move" sentences carry the mode's own cues; "plain" ones do not;
# "concrete" name a time, place or number; "reason" ones say why. The mix sets the rubric score.
_FRAGMENTS: dict[str, dict[str, list[str]]] = {
    "S": {
        "move": ["I shadowed a senior nurse and watched how she calmed a worried family.",
                 "Working side by side with the baker, I noticed how he felt the dough instead of weighing it.",
                 "We observed the night shift together and I tried to imitate how they hand over.",
                 "My mentor showed me how she reads a room before a negotiation."],
        "plain": ["It was an interesting afternoon with a colleague.",
                  "The team was friendly and the work went well.",
                  "I learned a lot from the people there."],
        "concrete": ["It was on a Tuesday in March, during a 40-minute handover on ward 3.",
                     "After two weeks in the workshop the rhythm changed.",
                     "Last year, at the Osaka plant, I spent 3 days on the line."],
        "reason": ["This mattered because none of it is written down anywhere.",
                   "I think it works because the expert reacts to cues before she can name them.",
                   "So we now pair every newcomer with someone for the first month."],
    },
    "E": {
        "move": ["Debugging is like a detective story: the clues are there before the culprit is.",
                 "My model has three steps: look, compare, decide, drawn as a small diagram.",
                 "As an analogy, onboarding is like learning a city by walking it with a local.",
                 "I tried to articulate the rule as a checklist of five instructions."],
        "plain": ["It is hard to say what exactly I do.",
                  "There is a feeling for it that takes time.",
                  "Experienced people just know what to do."],
        "concrete": ["When I review a pull request of 400 lines I start with the tests.",
                     "During the 2024 audit we wrote it down for the first time.",
                     "Before each shift there are 10 minutes for this."],
        "reason": ["This helps because a newcomer can now ask about a named step.",
                   "The metaphor works, which means people remember it without the document.",
                   "So we can finally discuss where the rule does not apply."],
    },
    "C": {
        "move": ["I combined the cards into four clusters and merged them into one checklist.",
                 "Comparing the three reports, I sorted the advice into a single table.",
                 "The synthesis links the onboarding document with the safety playbook.",
                 "We grouped the notes by category and structured them as a page."],
        "plain": ["The page is now longer than before.",
                  "Everybody had good ideas on the cards.",
                  "It took a while to finish the page."],
        "concrete": ["The page has 12 items from 3 sources.",
                     "After the workshop on 14 May we had 40 cards.",
                     "During the second session two clusters were renamed."],
        "reason": ["This matters because new staff read one page instead of five.",
                   "Merging them shows where the sources disagree, which means we must decide.",
                   "So the team can see the gaps at a glance."],
    },
    "I": {
        "move": ["I tried the new checklist in practice and repeated it until it became a habit.",
                 "Next time I will apply the model in the pilot before the real launch.",
                 "I practised the steps daily; by Friday they were second nature.",
                 "We did a simulation of the procedure and then tried it for real."],
        "plain": ["The plan is good and I like it.",
                  "It went more or less as expected.",
                  "Some parts were harder than others."],
        "concrete": ["On day 3 I still needed the card; on day 7 I did not.",
                     "During last week's 2 night shifts it went wrong once.",
                     "After 5 repetitions the time dropped to 4 minutes."],
        "reason": ["I think it stuck because I practised in the real setting.",
                   "The difference was the timing, which means the plan must change.",
                   "So I will keep the daily practice and drop the written reminders."],
    },
}

_PROFILES = (  # (name, weight, lessons done, share of exercises done within a lesson, quiz lessons)
    ("complete", 0.42, "SECI", 1.0, ("S", "E", "C", "I", "critiques", "general")),
    ("most", 0.20, "SEC", 0.8, ("S", "E", "C")),
    ("first_two", 0.14, "SE", 0.6, ("S", "E")),
    ("lesson1", 0.14, "S", 0.7, ("S",)),
    ("quiz_only", 0.07, "", 0.0, ("S", "E")),
    ("nothing", 0.03, "", 0.0, ()),
)


def _choose_profile(rng: random.Random) -> tuple:
    x = rng.random() * sum(p[1] for p in _PROFILES)
    for profile in _PROFILES:
        x -= profile[1]
        if x <= 0:
            return profile
    return _PROFILES[-1]


def _stable_rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class _Bank:
    """Per-item difficulty and misconception, drawn once per seed."""

    def __init__(self, seed: int):
        self.questions = load_questions()
        self.by_lesson: dict[str, list] = {}
        for q in self.questions:
            self.by_lesson.setdefault(q.lesson, []).append(q)
        self.easiness: dict[str, float] = {}
        self.misconception: dict[str, object] = {}
        for q in self.questions:
            r = _stable_rng(seed, "item", q.id)
            self.easiness[q.id] = r.uniform(0.3, 0.95)
            keys = [o.key for o in q.options]
            if q.kind in ("classify", "choice"):
                self.misconception[q.id] = r.choice([k for k in keys if k != q.answer])
            elif q.kind == "match":
                amap = q.answer_map
                a, b = r.sample([i.key for i in q.items], 2)
                wrong = dict(amap)
                wrong[a], wrong[b] = amap[b], amap[a]
                self.misconception[q.id] = wrong
            else:
                order = list(q.answer)
                i = r.randrange(len(order) - 1)
                order[i], order[i + 1] = order[i + 1], order[i]
                self.misconception[q.id] = order

    def wrong_answer(self, q, rng: random.Random):
        if rng.random() < 0.6:
            return self.misconception[q.id]
        keys = [o.key for o in q.options]
        if q.kind in ("classify", "choice"):
            return rng.choice([k for k in keys if k != q.answer])
        if q.kind == "match":
            answer = {i.key: rng.choice(keys) for i in q.items}
            return answer if answer != q.answer_map else self.misconception[q.id]
        order = list(q.answer)
        rng.shuffle(order)
        return order if order != list(q.answer) else self.misconception[q.id]


def _text(mode: str, skill: float, rng: random.Random) -> str:
    f = _FRAGMENTS[mode]
    parts = [rng.choice(f["move"] if rng.random() < 0.25 + 0.7 * skill else f["plain"])]
    if rng.random() < 0.15 + 0.75 * skill:
        parts.append(rng.choice(f["concrete"]))
    if rng.random() < 0.1 + 0.8 * skill:
        parts.append(rng.choice(f["reason"]))
    if rng.random() < skill:
        parts.append(rng.choice(f["move"] + f["plain"]))
    return " ".join(dict.fromkeys(parts))  # no sentence twice


class _Learner:
    def __init__(self, rng: random.Random, bank: _Bank, labels: dict, start: datetime, used: set,
                 adequate: bool = False):
        self.rng = rng
        self.bank = bank
        self.labels = labels
        while True:
            learner_id = f"s{rng.randrange(1_000_000, 9_999_999)}"
            if learner_id not in used:
                used.add(learner_id)
                break
        self.id = learner_id
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        self.name = f"{first} {last}"
        ascii_last = last.encode("ascii", "ignore").decode().replace("'", "").lower() or "x"
        self.email = "" if rng.random() < 0.1 else f"{first.encode('ascii', 'ignore').decode().lower()}.{ascii_last}@example.edu"
        self.profile = _choose_profile(rng)
        self.skill = min(1.0, max(0.0, rng.gauss(0.42, 0.25)))
        if adequate:  # a class whose work a teacher would grade adequate: every lesson, done well
            self.profile, self.skill = _PROFILES[0], rng.uniform(0.8, 1.0)
        self.answers: dict[str, dict] = {}
        self.contributions: list[dict] = []
        self.round = 1
        self.handed_in_at = start + timedelta(minutes=rng.randrange(0, 7 * 24 * 60))

    def _save_text(self, key: str, mode: str, round_: int, extras: dict | None = None, text: str | None = None):
        text = text if text is not None else _text(mode, self.skill, self.rng)
        field = key.split(".")[1]
        score = suggest_quality(text, mode, field)
        c = Contribution(participant=self.name, mode=mode, text=text, round=round_, quality=score.quality)
        record = {"mode": mode, "label": self.labels[mode].get(field, field), "text": c.text,
                  **score.as_record(), "round": round_, "hints_used": self.rng.choice([0, 0, 0, 1, 2])}
        record.update(extras or {})
        self.answers[key] = record
        source_key = f"r{round_}:{key}"
        self.contributions = [x for x in self.contributions if x["source_key"] != source_key]
        self.contributions.append({"source_key": source_key, **c.to_dict()})

    def do_lesson(self, mode: str, share: float, round_: int, xss: bool) -> None:
        rng = self.rng
        ex = load_exercises(mode)
        if mode == "S":
            kinds, timings, prompts = (ex.lists[n] for n in ("kinds", "timings", "story_prompts"))
            for field in ("experience", "journal", "story"):
                if rng.random() > share:
                    continue
                extras = ({"kind": rng.choice(kinds), "timing": rng.choice(timings)} if field == "experience"
                          else {"story_prompt": rng.choice(prompts)} if field == "story" else {})
                text = self.planted if (xss and field == "story") else None
                self._save_text(f"S.{field}", "S", round_, extras, text)
        elif mode == "E":
            skill = rng.choice(["Reading a patient's mood", "Sourdough baking", "Code review", "Negotiating",
                                "Welding a clean seam", "Running a retrospective"])
            for field in ("metaphor", "analogy", "model", "instructions", "uncaptured"):
                if rng.random() <= share:
                    self._save_text(f"E.{field}", "E", round_, {"skill": skill})
        elif mode == "C":
            if rng.random() <= share:
                self._save_text("C.synthesis", "C", round_)
            if rng.random() <= share:
                cards = [[c, "Sample"] for c in ex.lists["sample_cards"][:6]]
                self.answers["C.board"] = {"mode": "C", "label": "Card board", "cards": cards,
                                           "assignment": [i % 3 for i in range(len(cards))],
                                           "names": ["Watch", "Ask", "Write"], "own_cards": [],
                                           "merged": True}
                summary = (f"I combined {len(cards)} cards (0 of my own) into 3 clusters in one structured "
                           "page: Watch (2 cards), Ask (2 cards), Write (2 cards).")
                score = page_quality([c for c, _ in cards], [i % 3 for i in range(len(cards))],
                                     ["Watch", "Ask", "Write"], [False] * len(cards))  # as the page scores it
                c = Contribution(participant=self.name, mode="C", text=summary, round=round_, quality=score.quality)
                key = f"r{round_}:C.page"
                self.contributions = [x for x in self.contributions if x["source_key"] != key]
                self.contributions.append({"source_key": key, **c.to_dict()})
        else:
            if rng.random() <= share:
                self._save_text("I.plan", "I", round_, {"drawn_from": "Watch"})
            day = self.handed_in_at.date() - timedelta(days=rng.randrange(3, 10))
            for n in range(rng.randrange(0, 4) if share else 0):
                self._save_text(f"I.log.{(day + timedelta(days=n)).isoformat()}", "I", round_)
            for field in ("aar_intended", "aar_actual", "aar_why", "aar_sustain"):
                if rng.random() <= share:
                    self._save_text(f"I.{field}", "I", round_)
            if rng.random() <= share:
                items = list(ex.lists["self_items"])
                before = {i: rng.randint(1, 3) for i in items}
                after = {i: min(5, v + rng.randint(0, 2)) for i, v in before.items()}
                self.answers["I.self"] = {"mode": "I", "label": "Self-assessment, before and after",
                                          "items": items, "before": before, "after": after}

    def take_quiz(self, lesson: str) -> None:
        rng = self.rng
        pool = self.bank.by_lesson[lesson]
        for q in rng.sample(pool, min(6, len(pool))):
            p = min(0.98, max(0.02, self.bank.easiness[q.id] + 0.35 * (self.skill - 0.55)))
            attempts = 1
            answer = q.answer_json() if rng.random() < p else self.bank.wrong_answer(q, rng)
            if answer != q.answer_json() and rng.random() < 0.3:  # tried again and got it
                attempts, answer = 2, q.answer_json()
            feedback = check(q, answer)
            self.answers[f"quiz:{q.id}"] = {
                "lesson": lesson, "kind": q.kind, "answer": answer, "correct": feedback.correct,
                "score": feedback.score, "attempts": attempts,
                "hints_used": rng.choice([0, 0, 0, 1]) if feedback.correct else rng.choice([0, 1, 2]),
                "round": 0,
            }

    def data(self) -> dict:
        return {
            "schema": SUBMISSION_SCHEMA,
            "version": SUBMISSION_VERSION,
            "submission_id": uuid.UUID(int=self.rng.getrandbits(128), version=4).hex,
            "handed_in_at": self.handed_in_at.isoformat(timespec="seconds"),
            "seci_lab_version": "0.1.0",
            "course": COURSE,
            "learner": {"id": self.id, "name": self.name, "email": self.email, "round": self.round},
            "answers": dict(sorted(self.answers.items())),
            "contributions": self.contributions,
        }


#: More kinds of work for every synthetic class, each ``function(learner) -> None`` (see the
#: module's docstring). Empty: the sample's own work is passed as ``extra_work=``.
EXTRA_WORK: tuple = ()


def _sitting(learner: _Learner, sitting: str, learner_id: str, p_right: float, when: datetime) -> None:
    forms = load_diagnostic()
    form = form_for(sitting, learner_id)
    answers = {}
    for item in forms.form(form):
        q = item.question
        wrong = [o.key for o in q.options if o.key != q.answer]
        answers[item.id] = q.answer if learner.rng.random() < p_right else learner.rng.choice(wrong)
    minutes = learner.rng.randrange(8, 25)
    learner.answers[sitting_key(sitting)] = sitting_record(
        sitting, form, forms.version, learner_id, answers, done=True,
        started_at=when.isoformat(timespec="seconds"),
        done_at=(when + timedelta(minutes=minutes)).isoformat(timespec="seconds"))


def take_diagnostic(learner: _Learner, learner_id: str | None = None, *, post: bool = True) -> None:
    """The learner's pre-test before lesson 1 and (with ``post``) the post-test after the course,
    each on the form :func:`~seci_lab.model.diagnostic.form_for` gives ``learner_id`` (default
    the learner's own id; pass the id the hand-in will carry). A learner gets an item right
    with a chance that grows with ``learner.skill``; after the course, with a share of the
    remaining gap that varies by learner (now and then nothing), so the class gains on average
    but not every learner does."""
    learner_id = learner_id or learner.id
    rng = learner.rng
    p_pre = min(0.9, max(0.15, 0.25 + 0.35 * learner.skill + rng.gauss(0, 0.05)))
    _sitting(learner, PRE, learner_id, p_pre, learner.handed_in_at - timedelta(days=rng.randrange(20, 30)))
    if post:
        gain = max(-0.1, min(0.85, rng.gauss(0.15 + 0.5 * learner.skill, 0.15)))
        p_post = min(0.97, max(0.05, p_pre + gain * (1 - p_pre)))
        _sitting(learner, POST, learner_id, p_post, learner.handed_in_at - timedelta(hours=rng.randrange(1, 48)))


def rate_team_profile(learner: _Learner) -> None:
    """The learner's team SECI profile: every item rated around a team level of the learner's
    own, a little higher or lower per dimension, a few items left unanswered."""
    items = load_team_profile().items
    rng = learner.rng
    level = rng.uniform(2.2, 4.2)
    lean = {d.key: rng.gauss(0, 0.6) for d in items.dimensions}
    answers = {}
    for item in items.items:
        if rng.random() < 0.05:
            continue
        answers[item.id] = min(HIGH, max(LOW, round(level + lean[item.dimension] + rng.gauss(0, 0.5))))
    learner.answers[PROFILE_KEY] = profile_record(answers, items)


_SECOND_ROUND_SALT = 0x5EC1  # a second, independent stream from a learner's seed


def synthetic_class(n: int = 300, seed: int = 7, *, start: datetime | None = None,
                    adequate: bool = False, planted_story: str | None = None,
                    extra_work: Sequence[Callable] = ()) -> list[dict]:
    """Submission dicts (schema v1) of ``n`` synthetic learners, deterministic by ``seed``.

    Parameters
    ----------
    n : int
        Number of learners (distinct ids).
    seed : int
        The same seed gives the same class.
    start : datetime, optional
        Hand-ins fall in the week after ``start`` (default 2026-11-16 08:00 UTC).
    adequate : bool
        Every learner does every lesson, skilfully (the class spiral's check, issue 19); the
        mix of diligence above otherwise.
    planted_story : str, optional
        The story of the first learner who does Socialization (and writes a story).
    extra_work : sequence of ``function(learner) -> None``
        Called for each learner after :data:`EXTRA_WORK` (this class's own kinds of work).
    """
    rng = random.Random(seed)
    bank = _Bank(seed)
    labels = {m: {f.key: f.label for f in load_exercises(m).fields} for m in "SECI"}
    used: set[str] = set()
    xss_done = False
    out = []
    for _ in range(n):
        own = rng.getrandbits(64)
        # Whether a learner goes round the spiral twice depends on the learner alone, not on how
        # many draws the bank's items took before (a bank that grows would change who does).
        twice = random.Random(own ^ _SECOND_ROUND_SALT).random() < 0.3
        learner = _Learner(random.Random(own), bank, labels, start or _DEFAULT_START, used, adequate)
        learner.planted = planted_story
        _name, _w, lessons, share, quizzes = learner.profile
        for mode in lessons:
            xss = planted_story is not None and mode == "S" and not xss_done
            learner.do_lesson(mode, share, 1, xss)
            xss_done = xss_done or (xss and "S.story" in learner.answers)
        for lesson in quizzes:
            learner.take_quiz(lesson)
        if lessons == "SECI" and twice:  # a second round of the spiral
            learner.round = 2
            for mode in "SECI":
                learner.do_lesson(mode, 0.5, 2, False)
        if lessons == "SECI" and learner.rng.random() < 0.8:
            learner.answers["reflection:critiques"] = {"text": _text("E", learner.skill, learner.rng)}
        for work in (*EXTRA_WORK, *extra_work):
            work(learner)
        out.append(learner.data())
    return out
