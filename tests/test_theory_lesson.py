"""Lesson 7 (the knowledge-creating company) and the sources page, driven headlessly."""

from __future__ import annotations

import html

from seci_lab.content.sources import GROUPS, load_sources
from seci_lab.ui.sources import sources_html, sources_page


def test_the_sources_page_lists_every_reference_once_under_its_group():
    page = sources_page()
    text = html.unescape(page.list.value)
    assert page.list.value == sources_html()
    for source in load_sources():
        assert text.count(source.reference) == 1, source.cite
        # under its group's heading: after it, and before the next group's
        position = text.index(source.reference)
        heading = text.index(f"<h2>{GROUPS[source.group]}</h2>")
        later = [text.index(f"<h2>{h}</h2>") for g, h in GROUPS.items() if f"<h2>{h}</h2>" in text]
        assert heading < position and all(not heading < p < position for p in later)
    assert "Polanyi, M. (1966). The Tacit Dimension. Garden City, NY: Doubleday." in text
    assert "Nonaka &amp; Takeuchi" not in text  # escaped once, not twice


def test_the_sources_page_escapes_its_text(monkeypatch):
    from seci_lab.content import sources

    bad = sources.Source(("Evil",), 2020, (), "theory", "Evil (2020). <script>alert(1)</script>", "<b>x</b>")
    monkeypatch.setattr(sources, "load_sources", lambda: (bad,))
    monkeypatch.setattr("seci_lab.ui.sources.load_sources", lambda: (bad,))
    out = sources_html()
    assert "<script>" not in out and "&lt;script&gt;" in out and "<b>x</b>" not in out


def test_the_sources_page_finds_a_source_by_author_and_year():
    page = sources_page()
    page.search.value = "polanyi 1966"
    text = html.unescape(page.list.value)
    assert "Polanyi, M. (1966). The Tacit Dimension." in text
    assert text.count("<li>") == 1 and not page.message.text
    page.search.value = "<script>nothing-like-this"
    assert "<li>" not in page.list.value and page.message.kind == "info"
    assert "<script>" not in page.message.value  # the query is shown escaped
    page.search.value = ""
    assert page.list.value == sources_html()
    assert not page.message.text
