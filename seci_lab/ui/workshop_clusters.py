"""The facilitator's cluster tools beyond one contribution at a time: move several at once,
and accept the suggested clusters in one step.

Suggestions group the current round's contributions that are on the board and in no cluster
yet by the similarity of their words (:func:`seci_lab.model.combination.suggest_clusters`, the
Combination lab's grouping); each group of two or more becomes a suggested cluster named by its
most characteristic words. The facilitator reads them, then accepts them all with one click
(each cluster is created with its members in one transaction), or keeps building by hand.
Suggesting is asked for with a button, not redrawn live: grouping is quadratic or worse in the
number of texts (about 1.3 s for 100 on a loaded 2-core machine), so it looks at the newest
``SUGGEST_MAX`` contributions outside a cluster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..escape import html_text
from ..model.combination import cluster_name, suggest_clusters
from .common import safe_callback
from .workshop_common import full_width, labelled, one_line

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SUGGEST_MAX", "ClusterTools", "suggested_clusters"]

#: Suggestions group at most this many contributions (the newest outside a cluster).
SUGGEST_MAX = 100


def suggested_clusters(frame: pd.DataFrame, round_: int, taken: set[str]) -> list[tuple[str, list[int]]]:
    """``(name, contribution ids)`` of each suggested cluster: the round's visible contributions in
    no cluster, grouped by similar words; only groups of two or more; names not in ``taken``."""
    free = frame[(frame["round"] == round_) & ~frame["hidden"].astype(bool) & ~frame["withdrawn"].astype(bool)
                 & frame["cluster"].isna()] if len(frame) else frame
    free = free.tail(SUGGEST_MAX)
    ids, texts = [int(i) for i in free["id"]], [str(t) for t in free["text"]]
    found, names = [], {n.casefold() for n in taken}
    for members in suggest_clusters(texts) if len(texts) > 1 else []:
        if len(members) < 2:
            continue
        base = name = cluster_name(texts, members)
        n = 2
        while name.casefold() in names:
            name, n = f"{base} ({n})", n + 1
        names.add(name.casefold())
        found.append((name, [ids[i] for i in members]))
    return found


class ClusterTools(widgets.VBox):
    """Move several contributions at once, and the suggested clusters with "Accept all".

    ``page`` is the facilitator page (its ``store``, ``session``, ``key``, ``message``,
    ``assign_cluster`` and ``refresh``); :meth:`show` redraws from the contributions read.
    """

    def __init__(self, page):
        self.page = page
        self.suggested: list[tuple[str, list[int]]] = []
        self.several = labelled(widgets.SelectMultiple(options=[], rows=6, layout=full_width()),
                                "Contributions to move (Ctrl or Shift to pick several)")
        self.move_button = widgets.Button(description="Move selected", tooltip="Put every selected contribution in the cluster chosen above")
        self.suggestions_view = widgets.HTML()
        self.suggest_button = widgets.Button(description="Suggest clusters", icon="lightbulb-o",
                                             tooltip="Group the round's contributions outside a cluster by similar words")
        self.accept_button = widgets.Button(description="Accept all suggested clusters", icon="check",
                                            tooltip="Create every suggested cluster with its contributions")
        self.accept_button.disabled = True
        self.move_button.on_click(self._on_move)
        self.suggest_button.on_click(self._on_suggest)
        self.accept_button.on_click(self._on_accept)
        super().__init__([self.several, self.move_button, widgets.HBox([self.suggest_button, self.accept_button]),
                          self.suggestions_view])

    def show(self, frame: pd.DataFrame, session) -> None:
        """Offer the round's contributions on the board to move (``frame``: the contributions read)."""
        rows = self._round(frame, session)
        options = [(f"#{int(r.id)} {one_line(r.text, 70)}" + (f" [in {r.cluster}]" if isinstance(r.cluster, str) else ""),
                    int(r.id)) for r in rows.itertuples(index=False)]
        if list(self.several.options) != options:
            keep = tuple(v for v in self.several.value if any(v == value for _, value in options))
            self.several.options = options
            self.several.value = keep

    @staticmethod
    def _round(frame: pd.DataFrame, session) -> pd.DataFrame:
        return frame[(frame["round"] == session.round) & ~frame["hidden"].astype(bool)
                     & ~frame["withdrawn"].astype(bool)] if len(frame) else frame

    @safe_callback(lambda self: self.page.message)
    def _on_suggest(self, _button=None) -> None:
        page = self.page
        page._require()
        frame = page.store.contributions_frame(page.session.id, include_hidden=True)
        taken = {c.name for c in page.store.clusters(page.session.id, round=page.session.round)}
        self.suggested = suggested_clusters(frame, page.session.round, taken)
        items = {int(r.id): str(r.text) for r in self._round(frame, page.session).itertuples(index=False)}
        self.suggestions_view.value = "<h4>Suggested clusters</h4>" + ("<ol>" + "".join(
            f"<li><strong>{html_text(name)}</strong>: " + "; ".join(html_text(one_line(items[i], 50)) for i in ids) + "</li>"
            for name, ids in self.suggested) + "</ol>" if self.suggested else
            "<p>No suggestion: fewer than two similar contributions are outside a cluster.</p>")
        self.accept_button.disabled = not self.suggested

    @safe_callback(lambda self: self.page.message)
    def _on_move(self, _button=None) -> None:
        page = self.page
        page._require()
        chosen = [v for v in self.several.value if isinstance(v, int) and not isinstance(v, bool)]
        if not chosen:
            raise ValueError("Choose one or more contributions to move first.")
        cluster = page.assign_cluster.value or None
        page.store.assign(page.session.id, page.key, chosen, cluster)
        self.several.value = ()
        page.refresh()
        page.message.show("ok", f"{len(chosen)} contribution{'s' if len(chosen) != 1 else ''} "
                                f"{'grouped' if cluster else 'taken out of their cluster'}.")

    @safe_callback(lambda self: self.page.message)
    def _on_accept(self, _button=None) -> None:
        page = self.page
        page._require()
        if not self.suggested:
            raise ValueError("There is no suggested cluster to accept.")
        made = [page.store.create_cluster(page.session.id, page.key, name, ids) for name, ids in self.suggested]
        self.suggested, self.accept_button.disabled = [], True
        self.suggestions_view.value = ""
        page.refresh()
        page.message.show("ok", f"{len(made)} cluster{'s' if len(made) != 1 else ''} created: "
                                + ", ".join(f"“{c.name}” ({c.members})" for c in made) + ".")
