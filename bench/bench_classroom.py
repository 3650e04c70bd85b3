"""Benchmark: load a class and build the instructor dashboard, beside plain pandas on the same files.

For each class size (default 30, 300 and 3,000 learners) the script writes a synthetic class
with ``tests/class_generator.py`` (no bad files, so the baseline can read every file), then
runs, each in a fresh Python process (so peak memory is that step's own):

- **baseline**: read every ``*.json`` file with ``json.loads`` and flatten the answers and
  contributions into two DataFrames with ``pandas.json_normalize`` (no validation at all);
- **load**: :func:`seci_lab.classroom.load_folder` (validation, duplicates, migration);
- **dashboard**: ``instructor_page`` + its Load button + every tab rendered headlessly (the
  analysis, the tables, the charts and the animated class spiral turned into JSON), with an
  instructor database of its own that holds no rubric scores yet (a first load: every text
  is scored);
- **dashboard, class loaded again**: the same, with the instructor database a first load
  filled (the rubric scores the dashboard computed before are reused).

With ``--before SRC`` (a checkout of an older seci-lab, e.g. ``git archive main | tar -x -C
SRC``) the dashboard's first load also runs with that code, each run interleaved with the
current code's, so both see the same load on the machine.

Times exclude the imports (reported apart); peak memory is the process's maximum RSS. Usage::

    .venv/bin/python bench/bench_classroom.py [--sizes 30 300 3000] [--repeat 3] [--before SRC]

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

from seci_lab.env import DB_ENV

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(step: str, folder: str) -> dict:
    """One measured step, run in its own process; returns its numbers."""
    started = time.perf_counter()
    if step == "baseline":
        import pandas as pd

        imported = time.perf_counter()
        records, contributions = [], []
        for path in sorted(Path(folder).rglob("*.json")):
            data = json.loads(path.read_bytes())
            learner = data["learner"]["id"]
            for key, record in data["answers"].items():
                records.append({"learner_id": learner, "key": key, **record})
            for c in data["contributions"]:
                contributions.append({"learner_id": learner, **c})
        answers = pd.json_normalize(records)
        contribs = pd.json_normalize(contributions)
        done = time.perf_counter()
        extra = {"rows": len(answers) + len(contribs)}
    elif step == "load":
        from seci_lab.classroom import load_folder

        imported = time.perf_counter()
        loaded = load_folder(folder)
        done = time.perf_counter()
        extra = {"learners": len(loaded.submissions), "problems": len(loaded.problems)}
    elif step == "dashboard":
        from seci_lab.ui.instructor import instructor_page

        imported = time.perf_counter()
        page = instructor_page(folder)
        page.load_button.click()
        if page.message.kind != "ok":
            raise SystemExit(f"the dashboard did not load the class: {page.message.text}")
        page.render_all()
        done = time.perf_counter()
        spiral = page.spiral_out.outputs[0]["data"]["application/vnd.plotly.v1+json"]
        extra = {"learners": len(page.data.learners), "spiral_kind": page.spiral_kind,
                 "spiral_json": len(json.dumps(spiral))}
    else:
        raise SystemExit(f"unknown step {step}")
    return {"import_s": imported - started, "seconds": done - imported, "peak_mib": _peak_mib(), **extra}


def _run(step: str, folder: Path, db: Path | None = None, code: str | None = None) -> dict:
    """Run ``step`` in a new process; ``db`` is its instructor database, ``code`` the seci-lab source to import."""
    env = dict(os.environ)
    if db is not None:
        env[DB_ENV] = str(db)
    if code is not None:
        env["PYTHONPATH"] = code + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, __file__, "--child", "dashboard" if step.startswith("dashboard") else step,
                          str(folder)], capture_output=True, text=True, check=False, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _dashboards(folder: Path, tmp: Path, repeat: int, before: str | None) -> dict[str, list[dict]]:
    """The dashboard now (first load and class loaded again) and before (first load), runs interleaved.

    The older code keeps no rubric scores between processes, so only its first load is timed.
    """
    runs: dict[str, list[dict]] = {}
    _run("dashboard", folder, tmp / "kept.sqlite")  # fill the database once (not timed)
    for i in range(repeat):
        if before is not None:
            runs.setdefault("dashboard before", []).append(
                _run("dashboard", folder, tmp / f"before-{i}.sqlite", before))
        runs.setdefault("dashboard now", []).append(_run("dashboard", folder, tmp / f"first-{i}.sqlite"))
        runs.setdefault("dashboard now kept", []).append(_run("dashboard", folder, tmp / "kept.sqlite"))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 3000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median)")
    parser.add_argument("--before", metavar="SRC", help="also time the dashboard of the seci-lab source in SRC")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child)))
        return 0

    from class_generator import write_class

    rows = []
    with tempfile.TemporaryDirectory(prefix="seci-bench-class-") as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"class-{n}"
            t = time.perf_counter()
            write_class(folder, n=n, seed=7, bad_files=False)
            size = sum(p.stat().st_size for p in folder.rglob("*.json"))
            print(f"# {n} learners: wrote {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s", file=sys.stderr)
            runs = {step: [_run(step, folder) for _ in range(args.repeat)] for step in ("baseline", "load")}
            (Path(tmp) / f"db-{n}").mkdir()
            before = str(Path(args.before).resolve()) if args.before else None
            runs.update(_dashboards(folder, Path(tmp) / f"db-{n}", args.repeat, before))
            med = {step: statistics.median(r["seconds"] for r in rs) for step, rs in runs.items()}
            spread = {step: (min(r["seconds"] for r in rs), max(r["seconds"] for r in rs)) for step, rs in runs.items()}
            peak = {step: max(r["peak_mib"] for r in rs) for step, rs in runs.items()}
            imp = {step: statistics.median(r["import_s"] for r in rs) for step, rs in runs.items()}
            dash = runs["dashboard now"][-1]
            rows.append((n, size, med, peak, imp, dash))
            print(f"# {n}: {json.dumps({'median_s': med, 'min_max_s': spread, 'peak_mib': peak, 'import_s': imp})}"
                  f" load average {os.getloadavg()[0]:.1f}", file=sys.stderr)

    def seconds(med: dict, step: str) -> str:
        return f"{med[step]:.2f}" if step in med else "–"

    def ratio(med: dict, step: str, to: str) -> str:
        return f"{med[step] / max(med[to], 1e-6):.2f}x" if step in med and to in med else "–"

    print("| learners | files (MB) | pandas baseline (s) | load_folder (s) | ratio | dashboard before (s) "
          "| dashboard now, first load (s) | now / before | now, class loaded again (s) | again / before "
          "| peak MiB baseline / load / dashboard now | class spiral JSON |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for n, size, med, peak, _imp, dash in rows:
        print(f"| {n:,} | {size / 1e6:.1f} | {med['baseline']:.2f} | {med['load']:.2f} "
              f"| {ratio(med, 'load', 'baseline')} | {seconds(med, 'dashboard before')} "
              f"| {seconds(med, 'dashboard now')} | {ratio(med, 'dashboard now', 'dashboard before')} "
              f"| {seconds(med, 'dashboard now kept')} | {ratio(med, 'dashboard now kept', 'dashboard before')} "
              f"| {peak['baseline']:.0f} / {peak['load']:.0f} / {peak['dashboard now']:.0f} "
              f"| {dash['spiral_json'] / 1e3:.0f} kB ({dash['spiral_kind']}) |")
    first = rows[0][4]
    print(f"\nImports (median, not in the times above): baseline {first['baseline']:.2f} s, "
          f"load {first['load']:.2f} s, dashboard {first['dashboard now']:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
