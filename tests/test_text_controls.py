"""Control characters leave a contribution's text as before (issue 26's benchmark made the check a
regex): exactly Unicode's category Cc goes, tab and newline stay."""

from __future__ import annotations

import sys
import unicodedata

from seci_lab.model.contributions import normalize_text


def test_the_removed_characters_are_exactly_the_controls_but_tab_and_newline():
    removed = {chr(c) for c in range(sys.maxunicode + 1)
               if not 0xD800 <= c <= 0xDFFF and normalize_text(f"a{chr(c)}b") == "ab"}
    controls = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cc"}
    assert removed == controls - {"\t", "\n", "\r"}  # a lone \r becomes a newline


def test_text_keeps_its_lines_and_tabs_and_loses_its_controls():
    assert normalize_text(" a\r\nb\rc\td\x00e\x1b[31mf\x85g\u200bh ") == "a\nb\nc\tde[31mfg\u200bh"
