"""One quality scale for the rubric, the feedback chips and the spiral (issues 19, 20, 22).

A quality is a number in [0, 1] that the rubric suggests for a written answer, that a learner,
a facilitator's vote or an instructor may set instead, and that the spiral model reads. The three
readers agree on what the numbers mean through this module, so "adequate" is one thing:

========= ================== ===================================================================
band      quality            meaning
========= ================== ===================================================================
not yet   below ``ADEQUATE`` the answer does not yet do the exercise's work (missing core
                             criteria, off topic, copied, filler)
adequate  ``ADEQUATE`` up to what an independent teacher grades as adequate: the exercise's work
          ``STRONG``         is done; it counts fully toward a spiral level-up
strong    ``STRONG`` and up  what a teacher grades as excellent
========= ================== ===================================================================

The rubric is calibrated so that the answers a teacher grades adequate score in the adequate
band (docs/rubric.md reports the check), and the spiral's level-up threshold is ``ADEQUATE``
(docs/spiral-model.md). Change a number here and both documents' checks must still hold.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ADEQUATE", "STRONG", "Band", "band"]

#: Lowest quality of an answer a teacher grades adequate; the spiral's full-speed level-up quality.
ADEQUATE = 0.4
#: Lowest quality of an answer a teacher grades excellent.
STRONG = 0.75


class Band(str, Enum):
    """Where a quality falls on the scale; ``value`` is the plain word a learner reads."""

    NOT_YET = "not yet"
    ADEQUATE = "adequate"
    STRONG = "strong"


def band(quality: float | None) -> Band | None:
    """The band of ``quality``, or None when there is no quality (the rubric could not assess).

    >>> band(0.2), band(0.4), band(0.9)
    (<Band.NOT_YET: 'not yet'>, <Band.ADEQUATE: 'adequate'>, <Band.STRONG: 'strong'>)
    """
    if quality is None:
        return None
    if quality >= STRONG:
        return Band.STRONG
    if quality >= ADEQUATE:
        return Band.ADEQUATE
    return Band.NOT_YET
