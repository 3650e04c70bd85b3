"""Combination exercises: sort cards into named clusters (KJ method) and merge them into one page.

Combination systematises explicit knowledge by sorting, adding, combining and categorising it
(Nonaka & Takeuchi 1995, ch. 3). The learner's cards come from their Externalization answers,
with sample cards added; :func:`seci_lab.model.combination.suggest_clusters` proposes a first
grouping from shared words, the learner moves cards and names clusters, and the merged page can
be downloaded as a table (CSV).
"""

from __future__ import annotations

import pandas as pd
import ipywidgets as widgets

from ..content.exercises import load_exercises
from ..escape import html_text, shorten
from ..exports import frame_csv
from ..model import TEXT_MAX_CHARS, Contribution, Mode, normalize_text, page_quality
from ..model.combination import MergedRow, cluster_name, merge_page, suggest_clusters
from ..model.work import (
    BOARD_KEY,
    OWN_CARD_SOURCE,
    PAGE_KEY,
    SAMPLE_SOURCE,
    Board,
    answer_key,
    contribution_key,
    exercise_cards,
    is_mine,
    mode_prefix,
)
from ..store.progress import Progress
from .answer import TextAnswer, feedback_html, section_html
from .common import Message, full_width, safe_callback
from .download import DownloadButton

__all__ = ["CARD_MAX_CHARS", "MAX_CLUSTERS", "CombinationExercises", "combination_exercises", "my_cards"]

MODE = Mode.COMBINATION
CARD_MAX_CHARS = 300
MAX_CLUSTERS = 8
MAX_OWN_CARDS = 30
_FULL = full_width()


def my_cards(progress: Progress) -> list[tuple[str, str]]:
    """The learner's cards: their saved answers to every Externalization field, as (text, source)."""
    source = Mode.EXTERNALIZATION
    fields = [f.key for f in load_exercises(source).fields]  # a new field in exercises.toml is a new card
    return exercise_cards(progress.answers(prefix=mode_prefix(source)), fields, source)


def merged_table_html(rows: list[MergedRow]) -> str:
    """The merged page as an accessible, escaped HTML table."""
    if not rows:
        return "<p>No merged page yet: sort the cards, then press “Merge into one page”.</p>"
    frame = pd.DataFrame([{"Cluster": r.cluster, "Card": r.card, "Source": r.source} for r in rows])
    return ('<div class="seci-merged" style="max-height:480px;overflow:auto">'
            + frame.to_html(index=False, escape=True, border=0, classes="seci-merged-table")
            .replace('<tr style="text-align: right;">', '<tr style="text-align: left;">')
            .replace("<th>", '<th scope="col" style="text-align:left;padding-right:1em">') + "</div>")


class CombinationExercises(widgets.VBox):
    """The Combination exercises: the card board, the merged page and a synthesis answer.

    Attributes for tests and notebooks: ``cards`` (list of (text, source)), ``card_clusters``
    (one Dropdown per card), ``cluster_names`` (Text per cluster), ``n_clusters``,
    ``suggest_button``, ``merge_button``, ``merged`` (list of MergedRow), ``download``,
    ``new_card``, ``add_card_button``, ``answers``.
    """

    def __init__(self, progress: Progress):
        content = load_exercises(MODE)
        self.progress = progress
        self.samples = [(text, SAMPLE_SOURCE) for text in content.lists["sample_cards"]]
        board = Board.from_record(progress.answer(BOARD_KEY))
        self.own_cards: list[str] = list(board.own_cards[:MAX_OWN_CARDS])
        saved_names = list(board.names)
        self.merged: list[MergedRow] = []

        self.message = Message(layout=_FULL)
        self.n_clusters = widgets.BoundedIntText(
            value=min(MAX_CLUSTERS, max(2, len(saved_names) or 4)), min=2, max=MAX_CLUSTERS,
            description="Number of clusters", style={"description_width": "initial"})
        self.cluster_names: list[widgets.Text] = []
        self.names_box = widgets.VBox(layout=_FULL)
        self.cards_box = widgets.VBox(layout=_FULL)
        self.card_clusters: list[widgets.Dropdown] = []
        self.reload_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Reload my cards", icon="refresh",
                                            tooltip="Take in the answers you saved in the Externalization lesson")
        self.new_card = widgets.Text(description="A card of your own", placeholder="one idea per card",
                                     style={"description_width": "initial"}, layout=widgets.Layout(width="70%"))
        self.add_card_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Add card", icon="plus", tooltip="Add your card to the board")
        self.suggest_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Suggest clusters", icon="magic",
                                             tooltip="Group cards that share words (a suggestion: move any card)")
        self.merge_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Merge into one page", button_style="primary", icon="table",
                                           tooltip="Save the board and merge the clusters into one page")
        self.page = widgets.HTML(merged_table_html([]), layout=_FULL)
        self.page_feedback = widgets.HTML(layout=_FULL)
        self.download = DownloadButton("Download the combined page (CSV)", "my-combined-page.csv", "text/csv",
                                       self._csv_bytes, tooltip="The merged page as a table")
        fields = {f.key: f for f in content.fields}
        self.answers = {"synthesis": TextAnswer(progress, MODE, answer_key(MODE, "synthesis"), fields["synthesis"])}

        self._set_names(self.n_clusters.value, saved_names)
        self.cards: list[tuple[str, str]] = []
        self._set_cards(self._all_cards(), board)
        if board.merged:
            self._merge(save=False)

        self.n_clusters.observe(self._on_n_clusters, names="value")
        self.reload_button.on_click(self._on_reload)
        self.add_card_button.on_click(self._on_add_card)
        self.suggest_button.on_click(self._on_suggest)
        self.merge_button.on_click(self._on_merge)

        super().__init__([
            section_html(content.title, content.intro),
            section_html("1. Your cards and the sample cards", level=4, anchor="seci-ex-C-board"),
            widgets.HBox([self.reload_button]),
            widgets.HBox([self.new_card, self.add_card_button]),
            section_html("2. Name your clusters", level=4),
            self.n_clusters, self.names_box,
            section_html("3. Sort the cards", "Choose a cluster for each card, or ask for a suggestion "
                         "computed from the words the cards share.", level=4),
            self.suggest_button, self.cards_box,
            self.merge_button, self.message,
            section_html("4. Your combined page", level=4),
            self.page, self.page_feedback, self.download,
            section_html("5. What the page says", level=4),
            self.answers["synthesis"],
        ], layout=_FULL)
        self.add_class("seci-exercises")

    # --- building the board ----------------------------------------------------------------------

    def _all_cards(self) -> list[tuple[str, str]]:
        return my_cards(self.progress) + [(c, OWN_CARD_SOURCE) for c in self.own_cards] + self.samples

    def _set_names(self, n: int, names: list[str] | None = None) -> None:
        old = [t.value for t in self.cluster_names]
        names = names if names is not None else old
        self.cluster_names = [
            widgets.Text(value=names[k] if k < len(names) else "", description=f"Name of cluster {k + 1}",
                         placeholder=f"Cluster {k + 1}", style={"description_width": "initial"},
                         continuous_update=False)
            for k in range(n)
        ]
        for text in self.cluster_names:
            text.observe(self._on_name, names="value")
        self.names_box.children = self.cluster_names
        self._relabel()

    def _options(self) -> list[tuple[str, int]]:
        return [(normalize_text(t.value)[:60] or f"Cluster {k + 1}", k) for k, t in enumerate(self.cluster_names)]

    def _relabel(self) -> None:
        options = self._options()
        for dropdown in self.card_clusters:
            value = dropdown.value if dropdown.value is not None and dropdown.value < len(options) else 0
            dropdown.options = options
            dropdown.value = value

    def _set_cards(self, cards: list[tuple[str, str]], board: Board | None = None) -> None:
        """Show ``cards``; a card keeps its cluster (from the dropdowns or the saved board) by its text."""
        previous = {text: d.value for (text, _), d in zip(self.cards, self.card_clusters)}
        if board is not None:
            for text, k in board.clusters().items():
                previous.setdefault(text, k)
        self.cards = cards
        options = self._options()
        self.card_clusters = []
        rows = []
        for i, (text, source) in enumerate(cards):
            k = previous.get(text, 0)
            dropdown = widgets.Dropdown(options=options, value=k if 0 <= k < len(options) else 0,
                                        description=f"Cluster for card {i + 1}",
                                        style={"description_width": "initial"})
            self.card_clusters.append(dropdown)
            label = widgets.HTML(f'<div class="seci-card"><strong>Card {i + 1}</strong> '
                                 f"({html_text(source)}): {html_text(text)}</div>", layout=_FULL)
            rows.append(widgets.VBox([label, dropdown],
                                     layout=widgets.Layout(border="1px solid #ccc", padding="4px", margin="2px 0")))
        self.cards_box.children = rows

    def assignment(self) -> list[int]:
        """The cluster index of each card, checked in Python (a forged value is refused)."""
        n = len(self.cluster_names)
        result = []
        for i, dropdown in enumerate(self.card_clusters):
            k = dropdown.value
            if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < n:
                raise ValueError(f"Card {i + 1} has no valid cluster: choose one of the {n} clusters.")
            result.append(k)
        return result

    # --- callbacks -------------------------------------------------------------------------------

    @safe_callback(lambda self: self.message)
    def _on_n_clusters(self, change) -> None:
        n = change["new"]
        if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_CLUSTERS:
            raise ValueError(f"Choose between 2 and {MAX_CLUSTERS} clusters.")
        self._set_names(n)

    @safe_callback(lambda self: self.message)
    def _on_name(self, _change) -> None:
        self._relabel()

    @safe_callback(lambda self: self.message)
    def _on_reload(self, _button=None) -> None:
        self._set_cards(self._all_cards())
        mine = len(my_cards(self.progress))
        self.message.show("info", f"{mine} card(s) from your Externalization answers are on the board."
                          if mine else "No Externalization answers saved yet: the board has the sample cards "
                          "and your own cards. Save answers in lesson 02 to add yours.")

    @safe_callback(lambda self: self.message)
    def _on_add_card(self, _button=None) -> None:
        text = normalize_text(self.new_card.value or "")
        if not text:
            raise ValueError("The card is empty: write one idea on it.")
        if len(text) > CARD_MAX_CHARS:
            raise ValueError(f"The card has {len(text)} characters; keep one idea per card "
                             f"(at most {CARD_MAX_CHARS}).")
        if len(self.own_cards) >= MAX_OWN_CARDS:
            raise ValueError(f"The board holds at most {MAX_OWN_CARDS} cards of your own.")
        if text in self.own_cards:
            raise ValueError("That card is already on the board.")
        self.own_cards.append(text)
        self._set_cards(self._all_cards())
        self.new_card.value = ""
        self._save_board(merged=bool(self.merged))
        self.message.show("ok", f"Card added: “{shorten(text, 60)}”.")

    @safe_callback(lambda self: self.message)
    def _on_suggest(self, _button=None) -> None:
        self.suggest()

    @safe_callback(lambda self: self.message)
    def _on_merge(self, _button=None) -> None:
        self._merge(save=True)

    # --- actions ---------------------------------------------------------------------------------

    def suggest(self) -> list[list[int]]:
        """Put the cards into suggested clusters (and name empty clusters); returns the groups."""
        texts = [text for text, _ in self.cards]
        groups = suggest_clusters(texts, max_clusters=len(self.cluster_names))
        for k, members in enumerate(groups):
            if not self.cluster_names[k].value.strip():
                self.cluster_names[k].value = cluster_name(texts, members)
            for i in members:
                self.card_clusters[i].value = k
        self.message.show("info", f"Suggested {len(groups)} clusters from the words the cards share "
                          "(TF-IDF and cosine similarity). It is only a start: move any card and rename "
                          "the clusters, then merge.")
        return groups

    def _merge(self, save: bool) -> None:
        names = [normalize_text(t.value or "") for t in self.cluster_names]
        for k, name in enumerate(names):
            if len(name) > 60:
                raise ValueError(f"The name of cluster {k + 1} is too long: at most 60 characters.")
        rows = merge_page(self.cards, self.assignment(), names)
        self.merged = rows
        self.page.value = merged_table_html(rows)
        # The page's quality follows its clustering and names (model.rubric_page.page_quality).
        page = page_quality([text for text, _ in self.cards], self.assignment(), names,
                            [is_mine(source) for _, source in self.cards])
        self.page_feedback.value = feedback_html(page.as_record())
        if not save:
            return
        self._save_board(merged=True)
        used = sorted({r.cluster for r in rows}, key=[r.cluster for r in rows].index)
        counts = ", ".join(f"{name} ({sum(r.cluster == name for r in rows)} cards)" for name in used)
        mine = sum(1 for r in rows if is_mine(r.source))
        summary = shorten(f"I combined {len(rows)} cards ({mine} of my own) into {len(used)} clusters "
                          f"in one structured page: {counts}.", TEXT_MAX_CHARS)
        round_ = self.progress.round
        contribution = Contribution(participant=self.progress.name, mode=MODE, text=summary, round=round_,
                                    quality=page.quality)
        self.progress.add_contribution(contribution, source_key=contribution_key(round_, PAGE_KEY))
        self.message.show("ok", f"Merged {len(rows)} cards into {len(used)} clusters and saved the page; "
                          f"it is in your spiral (round {round_}, Combination).")

    def _save_board(self, merged: bool) -> None:
        board = Board(cards=tuple(self.cards), assignment=tuple(self.assignment()),
                      names=tuple(t.value for t in self.cluster_names), own_cards=tuple(self.own_cards),
                      merged=merged)
        self.progress.save_answer(BOARD_KEY, board.to_record())

    def _csv_bytes(self) -> bytes:
        frame = pd.DataFrame([{"cluster": r.cluster, "card": r.card, "source": r.source} for r in self.merged],
                             columns=["cluster", "card", "source"])
        return frame_csv(frame)


def combination_exercises(progress: Progress) -> CombinationExercises:
    """Build the Combination exercises for ``progress`` (it does not display itself)."""
    return CombinationExercises(progress)
