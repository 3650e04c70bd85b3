"""Benchmark: "Try it with a sample class" on the instructor dashboard, beside loading the same
30 hand-ins as files.

Each run is a fresh Python process with an instructor database of its own (no rubric scores
yet). The dashboard is built first (not timed, as a page is open before anyone presses a
button), then one button press is timed until the Overview, Completion, Quiz, Rubric and
Learner tabs are filled (what the Load button fills at once; the class spiral is drawn when its
tab opens, and is timed apart):

- **baseline**: the sample's 30 hand-ins written as files into a folder and read with
  "Load the class" (the way a real class comes in: every file checked, every text scored by the
  rubric, since the database holds no scores yet);
- **sample**: "Try it with a sample class" (the same hand-ins from the shipped file, checked the
  same way; its rubric scores come with it).

Runs alternate (baseline, sample, baseline, ...) so both see the same load on the machine; the
table gives the medians and the ratio. Usage::

    .venv/bin/python bench/bench_sample_class.py [--repeat 5]

It prints a Markdown table (see bench/README.md); it never fails on a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, sys, time
from pathlib import Path
from seci_lab.ui.instructor import instructor_page

kind, folder = sys.argv[1], sys.argv[2]
page = instructor_page()
start = time.perf_counter()
if kind == "sample":
    page.kit.sample.button.click()
else:
    page.source.value = "folder"
    page.folder.value = folder
    page.load_button.click()
pressed = time.perf_counter() - start
assert page.message.kind == "ok" and len(page.data.learners) == 30, page.message.text
start = time.perf_counter()
page.render_all()
print(json.dumps({"press": pressed, "spiral": time.perf_counter() - start}))
"""


def _run(kind: str, folder: Path, db: Path) -> dict:
    from seci_lab.env import CLASS_DB_ENV, CLASS_DIR_ENV, DB_ENV, INSTRUCTOR_KEY_ENV

    env = {**os.environ, DB_ENV: str(db)}
    for name in (CLASS_DB_ENV, CLASS_DIR_ENV, INSTRUCTOR_KEY_ENV):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(folder)], env=env, check=True,
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    from seci_lab.classroom.sample import SAMPLE_FILE
    from seci_lab.classroom.submission import submission_bytes, submission_filename

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hand-ins"
        folder.mkdir()
        for hand_in in json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))["hand_ins"]:
            (folder / submission_filename(hand_in)).write_bytes(submission_bytes(hand_in))
        times: dict[str, list[dict]] = {"baseline": [], "sample": []}
        for i in range(args.repeat):
            for kind in ("baseline", "sample"):
                times[kind].append(_run(kind, folder, Path(tmp) / f"{kind}-{i}.sqlite"))
    med = {k: {m: statistics.median(r[m] for r in runs) for m in ("press", "spiral")} for k, runs in times.items()}
    print(f"| what | button press, median of {args.repeat} (s) | all runs (s) | class spiral tab (s) |")
    print("|---|---:|---|---:|")
    labels = {"baseline": "Load the class: the 30 hand-ins from a folder", "sample": "Try it with a sample class"}
    for kind in ("baseline", "sample"):
        runs = ", ".join(f"{r['press']:.2f}" for r in times[kind])
        print(f"| {labels[kind]} | {med[kind]['press']:.2f} | {runs} | {med[kind]['spiral']:.2f} |")
    print(f"\nsample / baseline: {med['sample']['press'] / med['baseline']['press']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
