"""When a participant may vote for a cluster, said in the session's own words.

Votes go to the clusters of the current round while its voting phase is open (``C`` in a SECI
round, ``gifts`` in a Collective Story Harvest: :attr:`~seci_lab.model.workshop.Phase.takes_votes`),
and only to a cluster holding something to vote for. The store checks these inside the
transaction that writes the vote. Pure: ``seci_lab.model`` only.
"""

from __future__ import annotations

from .workshop import Cluster, PhaseClosed, Session, WorkshopError, check_accepting

__all__ = ["check_votable", "check_vote_round", "check_voting", "voting_phase_label"]


def voting_phase_label(session: Session) -> str:
    """The name of the session's voting phase in its format ("Combination", "Gifts back")."""
    return next(phase.label for phase in session.phases if phase.takes_votes)


def check_vote_round(session: Session, cluster: Cluster) -> None:
    """PhaseClosed when ``cluster`` is not of the session's current round: an earlier round's
    votes are closed (a vote, or taking one back, would change that round's qualities)."""
    if cluster.round != session.round:
        raise PhaseClosed(f"The cluster {cluster.name!r} belongs to round {cluster.round}; its voting is closed. "
                          f"Votes now go to the clusters of round {session.round}.")


def check_voting(session: Session, now: float) -> None:
    """PhaseClosed unless participants may vote for clusters now (an open voting phase)."""
    check_accepting(session, now)
    if not session.phase.takes_votes:
        raise PhaseClosed(f"Voting for clusters happens during {voting_phase_label(session)}; it is not open now.")


def check_votable(cluster: Cluster) -> None:
    """WorkshopError when ``cluster`` holds no visible contribution (``members``): a vote for it
    would count for nothing the room can see. Taking a vote back needs no check."""
    if cluster.members < 1:
        raise WorkshopError(f"The cluster “{cluster.name}” has no contributions yet, so there is nothing to "
                            "vote for: vote for a cluster with contributions in it.")
