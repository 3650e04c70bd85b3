"""A seeded synthetic class: realistic hand-ins of n learners, plus the bad files an LMS download holds.

Used by the classroom tests, the instructor dashboard tests, the benchmarks and the docs::

    from class_generator import synthetic_class, write_class
    python tests/class_generator.py FOLDER --learners 300 [--seed 7] [--no-bad-files]

Realistic means the analysis has something to find:

- learners differ in diligence: some do every lesson, many stop after one or two, a few only
  take quizzes, and a couple hand in nearly nothing;
- quiz answers are checked with the real bank (:func:`seci_lab.model.check`), each item has its
  own difficulty and one plausible wrong option that most wrong learners choose (a misconception);
- exercise texts are assembled from fragments per mode, more or fewer of them by the learner's
  skill, and scored by the real rubric, so scores spread;
- contributions are the ones the lessons would have saved with those answers (``r<round>:<key>``),
  and some learners went round the spiral twice.

Everything is deterministic by ``seed``. One learner's story holds :data:`XSS_TEXT`, so every
display sink of the class gets a script-like payload to escape.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from seci_lab.classroom.submission import (
    SUBMISSION_SCHEMA,
    SUBMISSION_VERSION,
    submission_bytes,
    submission_filename,
)
from seci_lab.content import load_questions
from seci_lab.content.exercises import load_exercises
from seci_lab.model import Contribution, check, page_quality, suggest_quality

__all__ = ["COURSE", "XSS_TEXT", "synthetic_class", "write_class"]

COURSE = "MGT 501 Knowledge Management"
#: Put in one learner's Story circle answer (the first learner who did Socialization).
XSS_TEXT = "Our story <img src=x onerror=alert(1)> <script>alert('x')</script> $x^2$ & more"
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
                text = XSS_TEXT if (xss and field == "story") else None
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


def synthetic_class(n: int = 300, seed: int = 7, *, start: datetime | None = None,
                    adequate: bool = False) -> list[dict]:
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
    """
    rng = random.Random(seed)
    bank = _Bank(seed)
    labels = {m: {f.key: f.label for f in load_exercises(m).fields} for m in "SECI"}
    used: set[str] = set()
    xss_done = False
    out = []
    for _ in range(n):
        learner = _Learner(random.Random(rng.getrandbits(64)), bank, labels, start or _DEFAULT_START, used,
                           adequate)
        _name, _w, lessons, share, quizzes = learner.profile
        for mode in lessons:
            xss = mode == "S" and not xss_done
            learner.do_lesson(mode, share, 1, xss)
            xss_done = xss_done or (xss and "S.story" in learner.answers)
        for lesson in quizzes:
            learner.take_quiz(lesson)
        if lessons == "SECI" and learner.rng.random() < 0.3:  # a second round of the spiral
            learner.round = 2
            for mode in "SECI":
                learner.do_lesson(mode, 0.5, 2, False)
        if lessons == "SECI" and learner.rng.random() < 0.8:
            learner.answers["reflection:critiques"] = {"text": _text("E", learner.skill, learner.rng)}
        out.append(learner.data())
    return out


def _progress_export(data: dict) -> dict:
    """The older "My work" file (seci-lab/progress v1) holding the same work."""
    return {
        "schema": "seci-lab/progress", "version": 1, "exported_at": data["handed_in_at"],
        "learner": {"name": data["learner"]["name"], "round": data["learner"]["round"]},
        "answers": data["answers"], "contributions": data["contributions"],
    }


def write_class(folder: Path, n: int = 300, seed: int = 7, *, bad_files: bool = True) -> dict[str, int]:
    """Write ``n`` learners' hand-ins into ``folder`` as an LMS download would, and bad files.

    With ``bad_files``: files that are not JSON, cut short, not UTF-8 or empty (``malformed``),
    other programs' JSON (``foreign``), a newer format (``newer``), invalid fields
    (``invalid``), one file over 5 MB (``oversize``), older "My work" exports named by the learner's
    id that stand in for those learners' hand-ins (``older``), byte-identical copies
    (``duplicates``), and earlier hand-ins of learners who handed in again (``replaced``).
    Some files are in a sub-folder, as LMS downloads nest them.

    Returns
    -------
    dict
        ``{"learners": n, "malformed", "foreign", "newer", "invalid", "oversize", "older",
        "duplicates", "replaced"}`` (all 0 but ``learners`` without ``bad_files``). Loading the
        folder gives ``learners`` submissions and one problem row per bad file.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    subs = synthetic_class(n, seed)
    counts = {"learners": n, "malformed": 0, "foreign": 0, "newer": 0, "invalid": 0, "oversize": 0,
              "older": 0, "duplicates": 0, "replaced": 0}
    rng = random.Random(seed + 1)
    older = set(rng.sample(range(n), min(2, n))) if bad_files and n >= 10 else set()
    for index, data in enumerate(subs):
        sub_folder = folder / ("late" if index % 10 == 9 else "")
        sub_folder.mkdir(exist_ok=True)
        if index in older:
            (sub_folder / f"{data['learner']['id']}.json").write_bytes(submission_bytes(_progress_export(data)))
            counts["older"] += 1
        else:
            (sub_folder / submission_filename(data)).write_bytes(submission_bytes(data))
    if not bad_files or n < 10:
        return counts
    plain = [i for i in range(n) if i not in older]
    sample = subs[plain[0]]
    raw = submission_bytes(sample)
    bad = folder / "problems"
    bad.mkdir(exist_ok=True)
    (bad / "cut-short.json").write_bytes(raw[: len(raw) // 2])
    (bad / "notes.json").write_bytes(b"These are my notes, not JSON.")
    (bad / "latin1.json").write_bytes('{"schema": "seci-lab/submission", "learner": "Zo\xeb"}'.encode("latin-1"))
    (bad / "empty.json").write_bytes(b"")
    counts["malformed"] += 4
    (bad / "notebook.json").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (bad / "list.json").write_text("[1, 2, 3]")
    counts["foreign"] += 2
    newer = dict(sample, version=SUBMISSION_VERSION + 1, submission_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex)
    (bad / "from-the-future.json").write_bytes(submission_bytes(newer))
    counts["newer"] += 1
    invalid_id = dict(sample, learner=dict(sample["learner"], id="   "),
                      submission_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex)
    (bad / "no-id.json").write_bytes(submission_bytes(invalid_id))
    broken = json.loads(raw)
    broken["submission_id"] = uuid.UUID(int=rng.getrandbits(128), version=4).hex
    if broken["contributions"]:
        broken["contributions"][0]["quality"] = 3.5
    else:
        broken["handed_in_at"] = "yesterday"
    (bad / "bad-quality.json").write_bytes(submission_bytes(broken))
    counts["invalid"] += 2
    (bad / "huge.json").write_bytes(b'{"padding": "' + b"x" * 5_100_000 + b'"}')
    counts["oversize"] += 1
    for k, index in enumerate(plain[1:3]):
        (bad / f"copy-{k}.json").write_bytes(submission_bytes(subs[index]))
        counts["duplicates"] += 1
    for k, index in enumerate(plain[3:6]):
        earlier = json.loads(submission_bytes(subs[index]))
        earlier["submission_id"] = uuid.UUID(int=rng.getrandbits(128), version=4).hex
        moment = datetime.fromisoformat(earlier["handed_in_at"]) - timedelta(hours=26 + k)
        earlier["handed_in_at"] = moment.isoformat(timespec="seconds")
        earlier["answers"] = dict(list(earlier["answers"].items())[: len(earlier["answers"]) // 2])
        (bad / submission_filename(earlier)).write_bytes(submission_bytes(earlier))
        counts["replaced"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic class's hand-in files into FOLDER.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-bad-files", action="store_true", help="only the learners' hand-ins")
    args = parser.parse_args(argv)
    counts = write_class(args.folder, args.learners, args.seed, bad_files=not args.no_bad_files)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
