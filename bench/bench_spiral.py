"""Benchmark: the spiral model and the animated 3-D figure, against a naive animation.

For each number of rounds it times ``simulate_spiral`` and ``spiral_figure`` (median of a few
repeats), measures the figure's JSON size, and builds the naive baseline, in which every
frame repeats the whole spiral so far, in the same run. Prints a Markdown table.

    .venv/bin/python bench/bench_spiral.py                 # 10, 100, 1000 rounds
    .venv/bin/python bench/bench_spiral.py --rounds 10 50 --repeats 5
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import plotly  # noqa: E402

from plotly.io.json import to_json_plotly  # noqa: E402

from bench.naive_spiral import _naive_cumulative_figure, _naive_cumulative_frames  # noqa: E402
from seci_lab.figures import spiral_figure  # noqa: E402
from seci_lab.figures.base import _check  # noqa: E402
from seci_lab.figures.steps import _Steps  # noqa: E402
from seci_lab.model import MODES, Contribution, simulate_spiral  # noqa: E402


def contributions(rounds: int, participants: int, quality: float) -> list[Contribution]:
    """The brief's "good session": everyone contributes once per mode per round."""
    return [
        Contribution(participant=f"p{p}", mode=mode, text=f"idea {p} for {mode.value} in round {r}",
                     round=r, quality=quality)
        for r in range(1, rounds + 1) for mode in MODES for p in range(participants)
    ]


def timed(fn, repeats: int):
    """Median wall time of ``repeats`` calls, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def naive_streamed(traj) -> int:
    """Build the naive figure and return its JSON size, one frame at a time.

    At 1,000 rounds the naive JSON is over a gigabyte: holding the whole figure would measure
    the machine's memory, not the figure. The size equals ``len(fig.to_json())``, which
    :func:`main` checks at the smallest round count.
    """
    base = _naive_cumulative_figure(traj, frames=False).to_plotly_json()
    base["frames"] = []
    size = len(to_json_plotly(base).encode())  # ends in "[]}"
    count = 0
    for frame in _naive_cumulative_frames(_Steps(_check(traj))):
        size += len(to_json_plotly(frame.to_plotly_json()).encode())
        count += 1
    return size + max(0, count - 1)  # the commas between frames


def fmt_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n} GB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--quality", type=float, default=0.7)
    parser.add_argument("--repeats", type=int, default=3, help="median of this many runs")
    parser.add_argument("--naive-repeats", type=int, default=1,
                        help="runs of the naive baseline (slow at 1,000 rounds)")
    args = parser.parse_args(argv)

    rows = []
    for rounds in args.rounds:
        given = contributions(rounds, args.participants, args.quality)
        t_sim, traj = timed(lambda given=given: simulate_spiral(given, args.participants), args.repeats)
        t_fig, fig = timed(lambda traj=traj: spiral_figure(traj), args.repeats)
        t_json, text = timed(fig.to_json, args.repeats)
        ours = len(text.encode())
        del fig, text
        if rounds == min(args.rounds):  # the streamed size is the real size
            whole = len(_naive_cumulative_figure(traj).to_json().encode())
            if whole != naive_streamed(traj):
                raise SystemExit(f"streamed naive size {naive_streamed(traj)} != {whole}")
        # Build time of the naive figure includes serialising its frames (streamed).
        t_naive, naive_bytes = timed(lambda traj=traj: naive_streamed(traj), args.naive_repeats)
        rows.append((rounds, len(traj), t_sim, t_fig, t_json, ours, t_naive, naive_bytes))
        print(f"done: {rounds} rounds", file=sys.stderr)

    print(f"Python {platform.python_version()}, plotly {plotly.__version__}, "
          f"{args.participants} participants, one contribution each per mode per round, "
          f"q={args.quality}; median of {args.repeats} (naive: {args.naive_repeats}).\n")
    print("| rounds | steps | simulate_spiral | spiral_figure | to_json | figure JSON "
          "| naive build + JSON | naive JSON | naive / ours |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rounds, steps, t_sim, t_fig, t_json, ours, t_naive, naive_bytes in rows:
        print(f"| {rounds:,} | {steps:,} | {t_sim * 1000:,.0f} ms | {t_fig * 1000:,.0f} ms "
              f"| {t_json * 1000:,.0f} ms | {fmt_bytes(ours)} | {t_naive:,.1f} s "
              f"| {fmt_bytes(naive_bytes)} | {naive_bytes / ours:,.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
