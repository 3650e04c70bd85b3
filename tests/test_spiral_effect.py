"""What the spiral lab says a contribution did (model/spiral_effect.py): never "+0.00" without a why."""

from __future__ import annotations

import pytest

from seci_lab.model import Contribution, Mode, simulate_spiral
from seci_lab.model.spiral_effect import contribution_effect

TEXT = {
    Mode.SOCIALIZATION: "I shadowed the night nurse for 2 shifts and watched how she calms patients.",
    Mode.EXTERNALIZATION: "Calming a patient is like tuning an instrument: listen, then adjust. I wrote 3 steps.",
    Mode.COMBINATION: "I merged my 3 steps with the ward checklist into one page, sorted by situation.",
    Mode.INTERNALIZATION: "I practised the one-page guide on 5 shifts until it became second nature.",
}


def _c(mode: Mode, quality: float, who: str = "Me") -> Contribution:
    return Contribution(participant=who, mode=mode, text=TEXT[mode], round=1, quality=quality)


def _effect(done: list[Contribution], new: Contribution, people: int = 5) -> str:
    before = simulate_spiral(done, people, rounds=1)
    after = simulate_spiral([*done, new], people, rounds=1)
    return contribution_effect(before, after, new)


@pytest.mark.parametrize("order", [list(Mode), list(reversed(Mode)), [Mode.COMBINATION, Mode.SOCIALIZATION,
                                                                     Mode.INTERNALIZATION, Mode.EXTERNALIZATION]])
def test_every_contribution_is_told_what_it_did_or_why_not(order):
    done: list[Contribution] = []
    for mode in order:
        for quality in (0.7, 0.7, 0.1):  # a first, a second like it, and a weak one
            new = _c(mode, quality)
            text = _effect(done, new)
            done.append(new)
            assert text and "+0.00" not in text and "0%" not in text.split("%")[0][-2:], text
            if quality < 0.4:
                assert "below adequate" in text


def test_what_changed_is_named_in_words():
    s = _c(Mode.SOCIALIZATION, 0.7)
    assert "shares experience" in _effect([], s)
    e = _c(Mode.EXTERNALIZATION, 0.7)
    text = _effect([s], e)
    assert "explicit knowledge +" in text and "Externalization of adequate quality" in text
    # Combination with no explicit knowledge to combine says so, instead of "+0.00"
    assert "Now met for the next level: Combination" in _effect([s], _c(Mode.COMBINATION, 0.7))
    # the contribution that lifts the spiral (a group's round complete) says so, and only that one
    done, rises = [], []
    for new in [_c(m, 0.7, who) for who in ("A", "B", "C") for m in Mode]:
        before, after = simulate_spiral(done, 5, rounds=1), simulate_spiral([*done, new], 5, rounds=1)
        text = contribution_effect(before, after, new)
        done.append(new)
        assert ("rose to the" in text) == (int(after["level"].iloc[-1]) > int(before["level"].iloc[-1])), text
        rises.append("rose to the Group level" in text)
    assert sum(rises) == 1


def test_no_trajectory_says_nothing():
    empty = simulate_spiral([], 1, rounds=1).iloc[:0]
    assert contribution_effect(empty, empty, _c(Mode.SOCIALIZATION, 0.7)) == ""
