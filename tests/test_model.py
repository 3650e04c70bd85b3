"""The spiral model: the brief's headline properties and its results table."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pandas as pd
import pytest

from seci_lab import Contribution, Level, Mode, MODES, SpiralParams, simulate_spiral
from seci_lab.model import TEXT_MAX_CHARS, TRAJECTORY_COLUMNS


def balanced(n=12, q=0.7, per=1, rounds=12, drop=None):
    return [
        Contribution(f"p{i}", m, f"idea {r}-{m.value}-{i}", r, q)
        for r in range(1, rounds + 1)
        for m in MODES
        if m is not drop
        for i in range(n)
        for _ in range(per)
    ]


def end(traj, n):
    last = traj.iloc[-1]
    return last["T"] / n, last["X"] / n, int(last["level"]), list(traj[traj.leveled_up]["round"])


# The brief's table (section 3.5, "Prototype check"): scenario -> (T/N, X/N, level, level-ups).
BRIEF_TABLE = [
    ("balanced N=12 q=0.7", dict(), None, (6.11, 7.39, 3, [4, 7, 11])),
    ("N=4", dict(n=4), None, (2.83, 2.84, 2, [5, 10])),
    ("N=30", dict(n=30), None, (12.62, 15.84, 3, [4, 6, 9])),
    ("q=0.5", dict(q=0.5), None, (2.19, 1.60, 0, [])),
    ("q=0.9", dict(q=0.9), None, (11.11, 14.03, 3, [3, 6, 9])),
    ("no S", dict(drop=Mode.SOCIALIZATION), None, (0.89, 0.00, 0, [])),
    ("no E", dict(drop=Mode.EXTERNALIZATION), None, (1.04, 0.00, 0, [])),
    ("no C", dict(drop=Mode.COMBINATION), None, (1.85, 1.03, 0, [])),
    ("no I", dict(drop=Mode.INTERNALIZATION), None, (1.04, 1.40, 0, [])),
    ("2 per person", dict(per=2), None, (26.65, 32.36, 3, [2, 4, 7])),
    ("sigma=0", dict(), SpiralParams(sigma=0), (5.36, 6.67, 3, [4, 7, 12])),
    ("phi=0.3", dict(), SpiralParams(phi=0.3), (2.96, 2.75, 2, [6, 11])),
]


@pytest.mark.parametrize("name,kwargs,params,expected", BRIEF_TABLE, ids=[r[0] for r in BRIEF_TABLE])
def test_reproduces_the_brief_table(name, kwargs, params, expected):
    n = kwargs.get("n", 12)
    traj = simulate_spiral(balanced(**kwargs), n, params, rounds=12)
    t, x, level, ups = end(traj, n)
    # Tolerance: the brief reports two decimals.
    assert t == pytest.approx(expected[0], abs=0.006)
    assert x == pytest.approx(expected[1], abs=0.006)
    assert level == expected[2]
    assert ups == expected[3]


@pytest.mark.parametrize("dropped", MODES, ids=lambda m: m.label)
def test_every_mode_is_necessary(dropped):
    traj = simulate_spiral(balanced(drop=dropped, rounds=30), 12, rounds=30)
    assert traj["level"].max() == Level.INDIVIDUAL
    assert dropped.label in traj.iloc[-1]["unmet"]


def test_low_quality_blocks_level_up_and_says_why():
    traj = simulate_spiral(balanced(q=0.5, rounds=30), 12, rounds=30)
    assert traj["level"].max() == 0
    assert "not justified" in traj.iloc[-1]["unmet"]


@pytest.mark.parametrize("q_low,q_high", [(0.3, 0.6), (0.6, 0.7), (0.7, 0.9)])
def test_better_contributions_never_grow_the_spiral_less(q_low, q_high):
    low = simulate_spiral(balanced(q=q_low), 12, rounds=12)
    high = simulate_spiral(balanced(q=q_high), 12, rounds=12)
    assert (high["radius"].to_numpy() >= low["radius"].to_numpy() - 1e-12).all()
    assert (high["level"].to_numpy() >= low["level"].to_numpy()).all()


def test_more_contributions_never_grow_the_spiral_less():
    one = simulate_spiral(balanced(per=1), 12, rounds=12)
    two = simulate_spiral(balanced(per=2), 12, rounds=12)
    assert (two["radius"].to_numpy() >= one["radius"].to_numpy() - 1e-12).all()
    assert (two["level"].to_numpy() >= one["level"].to_numpy()).all()


def test_same_inputs_same_trajectory():
    a = simulate_spiral(balanced(), 12)
    pd.testing.assert_frame_equal(a, simulate_spiral(balanced(), 12))
    # Order of entry changes only the order texts are listed in, never the spiral.
    b = simulate_spiral(list(reversed(balanced())), 12)
    pd.testing.assert_frame_equal(a.drop(columns="texts"), b.drop(columns="texts"))


def test_trajectory_shape_and_geometry():
    traj = simulate_spiral(balanced(rounds=3), 12)
    assert tuple(traj.columns) == TRAJECTORY_COLUMNS
    assert len(traj) == 3 * 4
    assert list(traj["mode"][:4]) == ["S", "E", "C", "I"]
    assert list(traj["angle"][:5]) == [135.0, 45.0, -45.0, -135.0, -225.0]
    assert (traj["height"] >= traj["level"]).all() and (traj["height"] < traj["level"] + 1).all()
    assert traj.iloc[0]["texts"][0] == "idea 1-S-0"


def test_unrated_contributions_use_the_default_quality():
    rated = [replace(c, quality=0.6) for c in balanced(rounds=4)]
    unrated = [replace(c, quality=None) for c in balanced(rounds=4)]
    pd.testing.assert_frame_equal(
        simulate_spiral(rated, 12).drop(columns="quality"),
        simulate_spiral(unrated, 12).drop(columns="quality"),
    )


def test_rounds_without_contributions_decay_and_empty_input_is_empty():
    empty = simulate_spiral([], 5)
    assert empty.empty and tuple(empty.columns) == TRAJECTORY_COLUMNS
    idle = simulate_spiral([], 5, rounds=2)
    assert len(idle) == 8 and idle.iloc[-1]["T"] < 5


def test_facilitator_can_declare_a_cross_level():
    traj = simulate_spiral(balanced(q=0.5, rounds=3), 12, cross_level_rounds=[2])
    assert list(traj[traj.leveled_up]["round"]) == [2]


def test_critique_switches_have_visible_effects():
    base = simulate_spiral(balanced(), 12).iloc[-1]
    bratianu = simulate_spiral(balanced(), 12, SpiralParams(sigma=0)).iloc[-1]
    polanyi = simulate_spiral(balanced(), 12, SpiralParams(phi=0.3)).iloc[-1]
    assert bratianu["T"] < base["T"]
    assert polanyi["X"] < base["X"] and polanyi["level"] < base["level"]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(text="   "), "empty"),
        (dict(text="x" * (TEXT_MAX_CHARS + 1)), "limit"),
        (dict(quality=1.5), "between 0 and 1"),
        (dict(quality=-0.1), "between 0 and 1"),
        (dict(quality=float("nan")), "between 0 and 1"),
        (dict(round=0), "start at 1"),
        (dict(mode="Q"), "Unknown SECI mode"),
        (dict(participant=" "), "name is empty"),
    ],
)
def test_contribution_validation_messages(kwargs, message):
    fields = dict(participant="ana", mode="S", text="I watched the baker", round=1, quality=None)
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Contribution(**fields)


def test_contribution_normalises_but_keeps_text():
    c = Contribution(" ana ", "externalization", "  <b>bold</b> שלום 🎉\r\n", 1)
    assert c.mode is Mode.EXTERNALIZATION
    assert c.participant == "ana"
    assert c.text == "<b>bold</b> שלום 🎉"  # stored raw; escaping happens at display


def test_bad_params_are_refused():
    with pytest.raises(ValueError, match="phi"):
        SpiralParams(phi=1.5)
    with pytest.raises(ValueError, match="participant"):
        simulate_spiral([], 0)


def test_model_is_pure():
    code = (
        "import sys, seci_lab.model, seci_lab;"
        "bad = [m for m in ('ipywidgets', 'plotly', 'voila', 'sqlalchemy', 'anywidget') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
