"""Exports of a workshop session: CSV, Excel, JSON and a standalone HTML report.

Each takes the session's :class:`~seci_lab.store.workshop.WorkshopStore` and reads what it
needs. Texts are exported as written, except that spreadsheet cells that would run as a formula
are defused (:mod:`seci_lab.exports`) and everything in the HTML report is escaped once
(:mod:`seci_lab.escape`). The live board the dashboards show is drawn by the UI.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..escape import html_text
from ..model import join_spirals
from . import excel_workbook, frame_csv

if TYPE_CHECKING:  # imported where a table is built: the participant page starts without pandas
    import pandas as pd

    from ..store.workshop import WorkshopStore

__all__ = [
    "lineage_html",
    "session_family",
    "session_spiral",
    "workshop_csv",
    "workshop_excel",
    "workshop_json",
    "workshop_report_html",
]

_EXPORT_COLUMNS = ["id", "round", "phase", "phase_label", "mode", "participant", "text", "parent_id",
                   "arc", "cluster", "source_cluster_id", "hidden", "withdrawn", "created_at", "edited_at",
                   "quality", "quality_source"]


def session_spiral(store: WorkshopStore, session_id: int) -> pd.DataFrame:
    """The group's spiral as stored now, with the votes and the facilitator's ratings
    (:meth:`WorkshopStore.spiral`)."""
    return store.spiral(session_id)


_FAMILY_MAX = 50  # spirals drawn in one figure: a family larger than a room's worth is cut here


def session_family(store: WorkshopStore, session_id: int) -> pd.DataFrame:
    """The session's spiral and the new spirals started from its clusters (and from theirs),
    as one trajectory for the figures (:func:`seci_lab.model.join_spirals`): each new spiral is
    drawn rising from the step of this spiral it started from."""
    order, todo = [], [session_id]
    while todo and len(order) < _FAMILY_MAX:
        current = todo.pop()
        order.append(current)
        # Depth first, oldest first: every spiral comes after the one it started from.
        todo.extend(reversed([start.session_id for start in store.spiral_starts(current)]))
    return join_spirals(*(store.spiral(sid) for sid in order))


def _contributions(store: WorkshopStore, session_id: int) -> pd.DataFrame:
    frame = store.contributions_frame(session_id, include_hidden=True)
    return frame[[c for c in _EXPORT_COLUMNS if c in frame.columns]]


def _clusters(store: WorkshopStore, session_id: int) -> pd.DataFrame:
    import pandas as pd

    rows = [{"id": c.id, "round": c.round, "name": c.name, "votes": c.votes, "members": c.members}
            for c in store.clusters(session_id)]
    return pd.DataFrame(rows, columns=["id", "round", "name", "votes", "members"])


def _participants(store: WorkshopStore, session_id: int) -> pd.DataFrame:
    import pandas as pd

    rows = [{"id": p.id, "name": p.display_name, "anonymous": p.anonymous, "arc_id": p.arc_id,
             "joined_at": pd.Timestamp(p.joined_at, unit="s", tz="UTC"),
             "last_seen": pd.Timestamp(p.last_seen, unit="s", tz="UTC")}
            for p in store.participants(session_id)]
    return pd.DataFrame(rows, columns=["id", "name", "anonymous", "arc_id", "joined_at", "last_seen"])


def workshop_csv(store: WorkshopStore, session_id: int) -> bytes:
    """Every contribution (hidden and withdrawn ones flagged) as CSV, formula-defused, UTF-8 with BOM."""
    return frame_csv(_contributions(store, session_id))


def workshop_excel(store: WorkshopStore, session_id: int) -> bytes:
    """An .xlsx workbook, one sheet per view: contributions, clusters, participants, spiral,
    lineage and the session log."""
    from .. import figures  # plotly: loaded only for exports, not on participant pages

    return excel_workbook({
        "Contributions": _contributions(store, session_id),
        "Clusters": _clusters(store, session_id),
        "Participants": _participants(store, session_id),
        "Spiral": figures.spiral_table(session_spiral(store, session_id)),
        "Lineage": store.lineage_frame(session_id),
        "Log": store.events_frame(session_id),
    })


def workshop_json(store: WorkshopStore, session_id: int) -> bytes:
    """The session as JSON: session, participants, contributions, clusters, lineage, log, spiral."""
    from .. import figures  # plotly: loaded only for exports, not on participant pages

    session = store.session(session_id)

    def records(frame: pd.DataFrame) -> list:
        return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))

    trajectory = figures.spiral_table(session_spiral(store, session_id))
    document = {
        "session": {"id": session.id, "title": session.title, "format": session.format.value,
                    "join_code": session.join_code, "round": session.round,
                    "phase": None if session.phase is None else session.phase.value,
                    "scale": session.scale_label},
        "participants": records(_participants(store, session_id)),
        "contributions": records(_contributions(store, session_id)),
        "clusters": records(_clusters(store, session_id)),
        "lineage": records(store.lineage_frame(session_id)),
        "log": records(store.events_frame(session_id)),
        "spiral": records(trajectory),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _item(row) -> str:
    who = html_text(row.participant)
    return (f'<span class="seci-phase">{html_text(row.phase_label)}</span> '
            f'<span class="seci-text">{html_text(row.text)}</span> <span class="seci-who">({who})</span>')


def lineage_html(store: WorkshopStore, session_id: int) -> str:
    """The lineage of ideas as nested HTML lists: cluster -> its contributions (-> what each
    builds on) -> the take-aways that draw on the cluster; escaped."""
    import pandas as pd

    frame = store.contributions_frame(session_id)
    by_id = {int(r.id): r for r in frame.itertuples(index=False)}
    clusters = store.clusters(session_id)
    parts = ['<section aria-labelledby="lineage-h"><h2 id="lineage-h">Lineage of ideas</h2>',
             '<p class="note">Which story or experience led to which concept, cluster and take-away.</p>']
    if not clusters and not any(pd.notna(r.parent_id) for r in by_id.values()):
        parts.append("<p>No links yet: clusters, “builds on” and take-aways drawn from a cluster appear here.</p>")

    def chain(row, depth=0) -> str:
        text = _item(row)
        if pd.notna(row.parent_id) and int(row.parent_id) in by_id and depth < 10:
            text += f"<ul><li>builds on: {chain(by_id[int(row.parent_id)], depth + 1)}</li></ul>"
        return text

    for cluster in clusters:
        members = [r for r in by_id.values() if pd.notna(r.cluster_id) and int(r.cluster_id) == cluster.id]
        takes = [r for r in by_id.values() if pd.notna(r.source_cluster_id) and int(r.source_cluster_id) == cluster.id]
        parts.append(f"<h3>Cluster: {html_text(cluster.name)} <small>(round {cluster.round}, "
                     f"{cluster.votes} vote{'s' if cluster.votes != 1 else ''})</small></h3><ul>")
        parts += [f"<li>{chain(r)}</li>" for r in members] or ["<li>No contributions grouped here.</li>"]
        parts.append("</ul>")
        if takes:
            parts.append("<p>Take-aways drawn from it:</p><ul>")
            parts += [f"<li>{chain(r)}</li>" for r in takes]
            parts.append("</ul>")
    loose = [r for r in by_id.values() if pd.isna(r.cluster_id) and pd.isna(r.source_cluster_id) and pd.notna(r.parent_id)]
    if loose:
        parts.append("<h3>Other links</h3><ul>")
        parts += [f"<li>{chain(r)}</li>" for r in loose]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def _contributions_html(frame: pd.DataFrame) -> str:
    """Every visible contribution, round by round, each with its phase and author; escaped."""
    parts = ['<section aria-labelledby="board-h"><h2 id="board-h">All contributions</h2>']
    if frame.empty:
        parts.append("<p>Nothing was contributed.</p>")
    for round_, group in frame.groupby("round", sort=False):
        parts.append(f"<h3>Round {int(round_)} ({len(group)})</h3><ul>")
        parts += [f"<li>{_item(row)}</li>" for row in group.itertuples(index=False)]
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def workshop_report_html(store: WorkshopStore, session_id: int) -> str:
    """A standalone, offline HTML report: the animated spiral, its table and the lineage."""
    from .spiral import spiral_html  # plotly: loaded only for exports, not on participant pages

    session = store.session(session_id)
    page = spiral_html(session_family(store, session_id), title=session.title)
    extra = "\n".join([lineage_html(store, session_id), _contributions_html(store.contributions_frame(session_id))])
    marker = "</body>"
    index = page.rfind(marker)
    return page[:index] + extra + "\n" + page[index:] if index >= 0 else page + extra
