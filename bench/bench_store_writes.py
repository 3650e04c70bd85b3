"""Benchmark: write latency on one SQLite file from several threads of one process.

A workshop's participant server answers a room's sends from a pool of threads, each write a
short ``BEGIN IMMEDIATE`` transaction. SQLite's busy handler makes a writer that finds the
file locked sleep (1, 2, 5 ... up to 100 ms at a time) before it looks again, so a thread can
lose the race for the lock many times in a row. :func:`seci_lab.store.engine.write` makes the
threads of one process take turns on a lock per file first.

Two ways of writing, interleaved in one run, on the same kind of file and work:

- **baseline**: the same ``BEGIN IMMEDIATE`` transaction with the same busy timeout, without
  the lock (what ``write`` did before);
- **write**: :func:`seci_lab.store.engine.write`.

Each of ``--threads`` threads makes ``--writes`` writes; a write inserts a row and holds the
transaction ``--hold-ms`` (a stand-in for the Python work of a real write, e.g. a submit's
checks), then the thread pauses 1 ms. Reported per way: the time for all writes, the
latency p50 / p99 / worst, and worst as a ratio of the baseline's. Usage::

    .venv/bin/python bench/bench_store_writes.py [--threads 4] [--writes 300] [--hold-ms 4] [--repeat 3]

It prints a Markdown table (see bench/README.md); it never fails on a timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from seci_lab.store import engine as store_engine


def _baseline_write(engine, work):
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            return work(conn)


def run(way: str, folder: Path, threads: int, writes: int, hold_s: float) -> dict:
    engine = store_engine.make_engine(f"sqlite:///{folder / f'{way}-{time.monotonic_ns()}.sqlite'}")
    store_engine.write(engine, lambda conn: conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    write = store_engine.write if way == "write" else _baseline_write
    latencies: list[float] = []

    def work(conn):
        conn.exec_driver_sql("INSERT INTO t (v) VALUES ('a contribution')")
        time.sleep(hold_s)

    def worker():
        for _ in range(writes):
            start = time.perf_counter()
            write(engine, work)
            latencies.append(time.perf_counter() - start)
            time.sleep(0.001)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    total = time.perf_counter() - began
    engine.dispose()
    latencies.sort()
    return {"total": total, "p50": statistics.median(latencies),
            "p99": latencies[int(0.99 * (len(latencies) - 1))], "worst": latencies[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="writing threads (the participant server has 4)")
    parser.add_argument("--writes", type=int, default=300, help="writes per thread")
    parser.add_argument("--hold-ms", type=float, default=4.0, help="how long each write holds its transaction")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way, interleaved")
    args = parser.parse_args(argv)
    results: dict[str, list[dict]] = {"baseline": [], "write": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for way in results:
                results[way].append(run(way, Path(tmp), args.threads, args.writes, args.hold_ms / 1000))
    print(f"{args.threads} threads x {args.writes} writes, each holding its transaction {args.hold_ms:g} ms; "
          f"median of {args.repeat} runs\n")
    print("| way | all writes (s) | latency p50 (ms) | p99 (ms) | worst (ms) | worst / baseline's |")
    print("|---|---:|---:|---:|---:|---:|")
    summary = {way: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for way, runs in results.items()}
    for way, s in summary.items():
        print(f"| {way} | {s['total']:.2f} | {1000 * s['p50']:.1f} | {1000 * s['p99']:.1f} | {1000 * s['worst']:.0f} "
              f"| {s['worst'] / summary['baseline']['worst']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
