"""Workshop store throughput: 32 writer processes submitting into one session on SQLite.

Compares, in the same run and on the same disk, :meth:`WorkshopStore.submit` (token check,
idempotency lookup, phase and rate-cap checks, version bump, insert: one ``BEGIN IMMEDIATE``
transaction through :func:`seci_lab.store.engine.write`) with a raw ``sqlite3`` loop that
inserts one row per ``BEGIN IMMEDIATE`` transaction with the same durability settings
(WAL, ``synchronous=NORMAL``, 30 s busy timeout). Prints a Markdown table.

    .venv/bin/python bench/bench_workshop_store.py [--processes 32] [--per-process 50]

Reading it: a raw insert holds the write lock for microseconds, a store submission for the
Python work of five or six statements (token, idempotency, phase and cap checks), so with
more writers than cores the store's tail latency is dominated by waiting for the lock (SQLite's
busy handler sleeps between attempts) and by a lock holder being descheduled. The load average
before the run is printed because the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------- workers


def _wait_for(start_file: str) -> None:
    while not os.path.exists(start_file):
        time.sleep(0.005)


def _store_worker(path: str, code: str, name: str, count: int, start_file: str, out: str) -> None:
    from seci_lab.store.workshop import WorkshopStore

    store = WorkshopStore.open(f"sqlite:///{path}", max_per_minute=None)
    me = store.join(code, name)
    Path(out + ".ready").touch()
    _wait_for(start_file)
    latencies, began = [], time.time()
    for i in range(count):
        t0 = time.perf_counter()
        store.submit(me.token, f"contribution {i} from {name}", f"{name}-{i}")
        latencies.append(time.perf_counter() - t0)
    Path(out).write_text(json.dumps({"start": began, "end": time.time(), "latencies": latencies}))


def _raw_worker(path: str, name: str, count: int, start_file: str, out: str) -> None:
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")  # as seci_lab.store.engine sets it
    Path(out + ".ready").touch()
    _wait_for(start_file)
    latencies, began = [], time.time()
    for i in range(count):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO raw (participant, idempotency_key, text, created_at) VALUES (?, ?, ?, ?)",
            (name, f"{name}-{i}", f"contribution {i} from {name}", time.time()),
        )
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - t0)
    conn.close()
    Path(out).write_text(json.dumps({"start": began, "end": time.time(), "latencies": latencies}))


# -------------------------------------------------------------------------------- runner


def _run(kind: str, workdir: Path, processes: int, per_process: int) -> dict:
    path = workdir / f"{kind}.sqlite"
    code = ""
    if kind == "store":
        sys.path.insert(0, str(ROOT))
        from seci_lab.store.workshop import WorkshopStore

        store = WorkshopStore.open(f"sqlite:///{path}", max_per_minute=None)
        session = store.create_session("Benchmark")
        store.open_phase(session.id, session.key, "E")
        code = session.join_code
        store.close()
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE raw (id INTEGER PRIMARY KEY, participant TEXT NOT NULL, "
                "idempotency_key TEXT NOT NULL, text TEXT NOT NULL, created_at REAL NOT NULL, "
                "UNIQUE (participant, idempotency_key))"
            )
    start_file = workdir / f"{kind}.go"
    outs = [workdir / f"{kind}-{i}.json" for i in range(processes)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", kind, str(path), code, f"w{i}", str(per_process),
             str(start_file), str(out)],
            env=env,
        )
        for i, out in enumerate(outs)
    ]
    deadline = time.monotonic() + 300
    while not all(Path(str(o) + ".ready").exists() for o in outs):
        if time.monotonic() > deadline or any(p.poll() not in (None,) for p in procs):
            raise SystemExit(f"{kind} writers did not start")
        time.sleep(0.02)
    start_file.touch()
    for p in procs:
        if p.wait(timeout=600) != 0:
            raise SystemExit(f"a {kind} writer failed")
    results = [json.loads(o.read_text()) for o in outs]
    latencies = sorted(x for r in results for x in r["latencies"])
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    with sqlite3.connect(path) as conn:
        table = "ws_contributions" if kind == "store" else "raw"
        stored = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    total = processes * per_process
    if stored != total:
        raise SystemExit(f"{kind}: {stored} rows stored, {total} expected")
    return {
        "rate": total / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "total": total,
        "wall": wall,
    }


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        kind, path, code, name, count, start_file, out = argv[1:8]
        if kind == "store":
            _store_worker(path, code, name, int(count), start_file, out)
        else:
            _raw_worker(path, name, int(count), start_file, out)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=32)
    parser.add_argument("--per-process", type=int, default=50)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="seci-bench-") as tmp:
        raw = _run("raw", Path(tmp), args.processes, args.per_process)
        store = _run("store", Path(tmp), args.processes, args.per_process)
    print(f"Command: `.venv/bin/python bench/bench_workshop_store.py --processes {args.processes} "
          f"--per-process {args.per_process}` ({os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}, "
          f"load average {load_before:.1f} before the run)\n")
    print("| writer (SQLite, WAL, synchronous=NORMAL, BEGIN IMMEDIATE per submission) | processes | "
          "submissions | submissions/s | p50 latency (ms) | p95 latency (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, r in (("raw sqlite3 insert loop (baseline)", raw), ("WorkshopStore.submit", store)):
        print(f"| {label} | {args.processes} | {r['total']} | {r['rate']:.0f} | {r['p50']:.2f} | {r['p95']:.2f} |")
    print(f"| ratio store / raw | | | {store['rate'] / raw['rate']:.2f}x | "
          f"{store['p50'] / raw['p50']:.2f}x | {store['p95'] / raw['p95']:.2f}x |")


if __name__ == "__main__":
    main()
