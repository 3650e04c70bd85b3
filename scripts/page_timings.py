"""Measure how long each course page takes a careful learner, from the page's own text and tasks.

Run from the repository root: ``python scripts/page_timings.py`` (``--check`` only compares). It
builds every page of ``seci_lab/content/course.py`` exactly as its notebook does (the notebook's
code cells, run against a throw-away learner database), walks the widgets the learner sees and:

* counts the words of every text shown open on the page (HTML and labels; not the folded panels:
  "My work", the tables behind a chart, the spiral lab's "explore"); a quiz item counts as the
  mean item of its lesson's bank (prompt, options, items), since each learner's set is drawn;
* counts the tasks: free-text boxes (``Textarea``), checked exercises of the theory lesson, quiz
  items, and the rating sentences of the team SECI profile;
* turns both into minutes with the assumptions in :data:`ASSUMPTIONS`.

It writes ``seci_lab/content/timings.toml`` (read by the pages through ``content/course.py``) and
``docs/teaching/page-timings.md`` (the table the instructor guide uses).
"""

from __future__ import annotations

import argparse
import ast
import html
import json
import math
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TIMINGS_TOML = ROOT / "seci_lab" / "content" / "timings.toml"
TABLE_MD = ROOT / "docs" / "teaching" / "page-timings.md"

#: Words per minute of careful reading, and minutes per task. See docs/teaching/page-timings.md.
ASSUMPTIONS = {
    "reading_wpm": 200,
    "writing_minutes": 5.0,  # one free-text answer: think, write two or three sentences, save, read the feedback
    "check_minutes": 2.0,  # one checked exercise of the theory lesson, with its explanation
    "quiz_minutes": 1.0,  # one quiz item, with its explanation
    "rating_minutes": 0.15,  # one Likert sentence (about 9 seconds)
}

_TAGS = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.S | re.I)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _words(markup: str) -> int:
    return len(_WORD.findall(html.unescape(_TAGS.sub(" ", markup or ""))))


def _question_words(question) -> int:
    parts = [question.prompt, *(o.text for o in question.options), *(getattr(i, "text", "") for i in question.items)]
    return sum(_words(str(p)) for p in parts)


def _mean_item_words(lesson: str) -> int:
    from seci_lab.content import load_questions

    words = [_question_words(q) for q in load_questions() if q.lesson == lesson]
    return round(sum(words) / len(words)) if words else 0


def _run_cell(source: str, namespace: dict):
    """Run a notebook code cell; return its last expression's value (what the notebook shows)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - our own notebooks
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None  # noqa: S307


def _walk(widget, counts: dict, *, in_check: bool = False) -> None:
    import ipywidgets as widgets

    from seci_lab.ui.quiz import QuizItem
    from seci_lab.ui.theory import CheckExercise

    if isinstance(widget, widgets.Accordion):
        return  # folded: not part of a first careful read
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
        counts["words"] += _words(widget.value)
    if isinstance(widget, widgets.RadioButtons):
        counts["words"] += sum(_words(str(label)) for label in widget._options_labels)
        if "seci-likert" in widget._dom_classes:
            counts["ratings"] += 1
            counts["words"] -= sum(_words(str(label)) for label in widget._options_labels)  # the scale once
    if isinstance(widget, widgets.Textarea):
        counts["writing"] += 1
    if isinstance(widget, CheckExercise):
        counts["checks"] += 1
        in_check = True
    elif isinstance(widget, QuizItem) and not in_check:
        # The set a learner gets is drawn at random: count the mean item of the lesson's bank,
        # so the measure does not change from run to run.
        counts["quiz"] += 1
        counts["words"] += _mean_item_words(widget.question.lesson)
        return
    for child in getattr(widget, "children", ()) or ():
        _walk(child, counts, in_check=in_check)


def measure_page(page) -> dict:
    """The counts and minutes of one page (built from its notebook)."""
    notebook = json.loads((ROOT / "notebooks" / page.href).read_text(encoding="utf-8"))
    counts = {"words": 0, "writing": 0, "checks": 0, "quiz": 0, "ratings": 0}
    namespace: dict = {}
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    for n, cell in enumerate(code):
        value = _run_cell("".join(cell["source"]), namespace)
        if n == 0 and page.kind != "welcome":
            continue  # the course header and map: navigation, read on the welcome page
        if hasattr(value, "to_html"):  # a table the notebook shows (pandas)
            counts["words"] += _words(value.to_html())
        elif value is not None:
            _walk(value, counts)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            counts["words"] += _words("".join(cell["source"]))
    a = ASSUMPTIONS
    reading = counts["words"] / a["reading_wpm"]
    tasks = (counts["writing"] * a["writing_minutes"] + counts["checks"] * a["check_minutes"]
             + counts["quiz"] * a["quiz_minutes"] + counts["ratings"] * a["rating_minutes"])
    return {**counts, "reading_minutes": round(reading, 1), "task_minutes": round(tasks, 1),
            "minutes": int(math.ceil((reading + tasks) / 5) * 5)}  # rounded up to 5 minutes


def measure_all() -> list[tuple[object, dict]]:
    from seci_lab.content.course import PAGES, WELCOME

    results = []
    with tempfile.TemporaryDirectory(prefix="seci-timings-") as tmp:
        os.environ["SECI_LAB_DB"] = str(Path(tmp) / "learner.sqlite")
        os.environ.pop("SECI_LAB_CLASS_DB", None)
        for page in (WELCOME, *PAGES):
            results.append((page, measure_page(page)))
    return results


def timings_toml(results) -> str:
    lines = ["# Written by scripts/page_timings.py: do not edit by hand (run it again instead).",
             "# Minutes a careful learner needs per page, from the page's words and tasks; see",
             "# docs/teaching/page-timings.md for how it was measured and its limits.",
             "", "[assumptions]"]
    lines += [f"{k} = {v}" for k, v in ASSUMPTIONS.items()]
    for page, r in results:
        lines += ["", "[[page]]", f'kind = "{page.kind}"', f'key = "{page.key}"']
        lines += [f"{k} = {r[k]}" for k in ("minutes", "reading_minutes", "task_minutes", "words", "writing",
                                              "checks", "quiz", "ratings")]
    return "\n".join(lines) + "\n"


def table_md(results) -> str:
    a = ASSUMPTIONS
    head = ["# Time per page, measured", "",
            "Written by `scripts/page_timings.py` from the pages as they are built (do not edit by hand).",
            f"Reading at {a['reading_wpm']} words a minute; {a['writing_minutes']:g} min per free-text box, "
            f"{a['check_minutes']:g} min per checked exercise, {a['quiz_minutes']:g} min per quiz item, "
            f"{a['rating_minutes'] * 60:.0f} s per rating sentence. The instructor guide "
            "(docs/teaching/instructor-guide.md) says why and what this leaves out.", "",
            "| page | words | reading (min) | free-text boxes | checked exercises | quiz items | ratings "
            "| tasks (min) | plan with (min) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    rows = [f"| {page.title} | {r['words']} | {r['reading_minutes']} | {r['writing']} | {r['checks']} | {r['quiz']} "
            f"| {r['ratings']} | {r['task_minutes']} | {r['minutes']} |" for page, r in results]
    total = sum(r["minutes"] for _, r in results)
    return "\n".join(head + rows + ["", f"Whole course: {total} minutes ({total / 60:.1f} hours).", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the files are up to date")
    args = parser.parse_args(argv)
    results = measure_all()
    wanted = {TIMINGS_TOML: timings_toml(results), TABLE_MD: table_md(results)}
    if args.check:
        stale = [p for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run python scripts/page_timings.py")
        return 1 if stale else 0
    for path, text in wanted.items():
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(ROOT))
    print(wanted[TABLE_MD])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
