"""Benchmark: the instructor dashboard loading a class from the hand-in service, beside today's path.

Issue 26 asks the instructor dashboard to load 300 handed-in learners in under 2 s once their
scores are computed (the hand-in service scores each hand-in when it arrives). This script starts
what the JupyterHub recipe runs (a throwaway PostgreSQL, the hub with
deploy/jupyterhub/jupyterhub_config.py and its hand-in service, as tests/hub_testing.py does),
puts a synthetic class (``tests/class_generator.py``, seed 7) into the class store under each
learner's id as signed-in user, and keeps the rubric scores the service computes on arrival
(``seci_lab.classroom.arrival.score_submission``, run here in this process for every hand-in,
untimed). Then, each in a fresh Python process with an instructor database of its own that holds
no rubric scores, runs interleaved:

- **today**: the dashboard reading the class store directly (``$SECI_LAB_CLASS_DB``, the old
  recipe's instructor server) and scoring every text, as its first load does;
- **service**: the dashboard loading the class from the hand-in service (``$SECI_LAB_HANDIN_SERVICE``
  and the instructor's hub token), with the scores the service computed on arrival.

Each is timed from the Load button's click to every tab rendered (``render_all``: the analysis,
the tables, the charts and the class spiral turned into JSON), imports apart; "load" is the click
alone (reading, checking and analysing the class, and the first tabs). Usage::

    .venv/bin/python bench/bench_handin_service.py [--learners 300] [--repeat 3]

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
import time
from pathlib import Path

from seci_lab.env import CLASS_DB_ENV, DB_ENV, HANDIN_SERVICE_ENV

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _child(source: str) -> dict:
    """One measured dashboard load, in its own process (the environment says where from)."""
    started = time.perf_counter()
    from seci_lab.ui.instructor import instructor_page

    imported = time.perf_counter()
    page = instructor_page()
    if page.source.value != source:
        raise SystemExit(f"the dashboard offers {page.source.value}, not {source}")
    page.load_button.click()
    loaded = time.perf_counter()
    if page.message.kind != "ok":
        raise SystemExit(f"the dashboard did not load the class: {page.message.text}")
    page.render_all()
    done = time.perf_counter()
    return {"import_s": imported - started, "load_s": loaded - imported, "seconds": done - imported,
            "learners": len(page.data.learners)}


def _run(source: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", source], capture_output=True, text=True,
                         check=False, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{source} failed:\n{out.stderr[-3000:]}{out.stdout[-1000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fill(class_store: str, n: int) -> float:
    """The class handed in and scored as the service does on arrival; returns the scoring's seconds."""
    from class_generator import synthetic_class

    from seci_lab.classroom.arrival import score_submission
    from seci_lab.store.classroom import ClassStore
    from seci_lab.store.scores import RubricScores

    store, scores = ClassStore(class_store), RubricScores(class_store)
    started = time.perf_counter()
    for data in synthetic_class(n, seed=7):
        store.hand_in(data, user=data["learner"]["id"])
        scores.put_many(score_submission(data))
    store.engine.dispose()
    scores.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path (median)")
    parser.add_argument("--child", metavar="SOURCE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child)))
        return 0

    from hub_testing import INSTRUCTOR, class_database, running_hub
    from pg_testing import start_postgres
    from voila_testing import isolated_env

    proxy = Path(sys.prefix) / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.is_file():
        raise SystemExit("configurable-http-proxy is missing: run scripts/ensure-proxy.sh")
    cluster = start_postgres()
    runs: dict[str, list[dict]] = {"today": [], "service": []}
    try:
        with tempfile.TemporaryDirectory(prefix="seci-bench-hub-") as tmp:
            root = Path(tmp)
            class_store = class_database(cluster.url, "seci_bench_class")
            fill_s = _fill(class_store, args.learners)
            print(f"# {args.learners} hand-ins stored and scored in {fill_s:.1f} s", file=sys.stderr)
            (root / "hub").mkdir()
            with running_hub(root / "hub", class_store, str(proxy)) as hub:
                token = hub.user_token(INSTRUCTOR)
                for i in range(args.repeat):
                    for source in ("today", "service"):
                        env = isolated_env(root / f"{source}-{i}")
                        env[DB_ENV] = str(root / f"{source}-{i}" / "instructor.sqlite")  # no kept scores
                        if source == "today":
                            env[CLASS_DB_ENV] = class_store
                        else:
                            env.update({HANDIN_SERVICE_ENV: hub.service_url, "JUPYTERHUB_API_TOKEN": token})
                        runs[source].append(_run("store" if source == "today" else "service", env))
                        print(f"# {source} {i + 1}: {runs[source][-1]} load average {os.getloadavg()[0]:.1f}",
                              file=sys.stderr)
    finally:
        cluster.stop()

    med = {s: statistics.median(r["seconds"] for r in rs) for s, rs in runs.items()}
    load = {s: statistics.median(r["load_s"] for r in rs) for s, rs in runs.items()}
    spread = {s: (min(r["seconds"] for r in rs), max(r["seconds"] for r in rs)) for s, rs in runs.items()}
    print("| learners | today: class store, first load (s) | service, scores computed (s) | service / today "
          "| load click only, today / service (s) | min-max today / service (s) |")
    print("|---:|---:|---:|---:|---|---|")
    print(f"| {args.learners:,} | {med['today']:.2f} | {med['service']:.2f} | {med['service'] / med['today']:.2f}x "
          f"| {load['today']:.2f} / {load['service']:.2f} "
          f"| {spread['today'][0]:.2f}-{spread['today'][1]:.2f} / {spread['service'][0]:.2f}-{spread['service'][1]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
