"""Linguistic signals of a written answer, for the rubric (``seci_lab.model.rubric``).

Each signal looks for a kind of language, not for words of the course: sentences told in the
past tense by the writer, steps that start with a verb in its base form (an imperative), dates
and times, numbers with what they count, perception and body vocabulary, causal connectives,
contrast markers, "X is like Y" comparisons, and so on. Words are matched whole, through their
lemma (``smelled`` -> ``smell``), so ``apple`` is never ``apply`` and ``also i`` is not ``so i``.

Word classes, lemmas and verb forms come from :mod:`.lexicon` (data in ``content/lexicons.toml``;
LemmInflect's English lexicon, imported when first needed, so importing the model stays light);
sentences, tokens and a negation's scope from :mod:`.text_doc`. A signal returns :class:`Evidence`: how many distinct pieces it found (the
count the rubric compares with a criterion's ``need``) and where they are in the text.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

# The lexicon and the analysed text, re-exported: the rubric reads them as ``ts.NAME``.
from .lexicon import (  # noqa: F401
    ARTEFACT, BODY_CUE, BOILERPLATE_PHRASES, CAUSAL_PHRASES, CAUSAL_WORDS, CHANGE, CHANGE_ACTION, CHANGE_PHRASES,
    CO_PRESENCE, CONTRAST_PHRASES, CONTRAST_WORDS, COURSE_TERMS, DEFINITION_RE, DIFFICULTY, EXPECT, FIRST_PERSON,
    GAP, GRAMMAR, HEDGES, JUDGEMENT, KEEP, LEARNING_PATH, LEARNING_PATH_PHRASES, MONTHS, NEGATION, NEGATORS,
    NUMBER_WORDS, PLACE_PREPS, POLARITY_ITEMS, RELATION, SAYING, SENSORY, STOCK_WORDS, SURPRISE, TIME_UNITS, UNITS,
    WEEKDAYS, _PAST_NEGATIVES, _all_lemmas, is_base_verb, is_known_word, is_past_tense, is_present_third, lemmas,
    stop_words,
)
from .text_signals_time import (  # noqa: F401
    _WEEKDAY_RE, _number_at, dated_entries, duration, frequency, moment, next_occasion, quantity,
)
from .text_doc import (  # noqa: F401
    _ENTRY_HEAD_RE, _MONTH_ABBR, _NUMBER_RE, _WORD_RE, Doc, Evidence, Token, _is_content, _lexicon, _merge,
    _per_sentence, _regex, analyse, content_words, is_content_word, is_number,
)

__all__ = [
    "Doc",
    "Evidence",
    "SIGNALS",
    "Token",
    "analyse",
    "content_words",
    "is_content_word",
    "is_known_word",
    "is_number",
    "lemmas",
    "stop_words",
]

_QUOTE_RE = re.compile(r"[\"“”‘’']([^\"“”]{3,80}?)[\"“”’']")
_FUTURE_RE = re.compile(
    r"\b(?:i|we)\s+(?:will|'ll|shall|am going to|are going to|plan to|intend to|want to|aim to|hope to|"
    r"am planning to|are planning to|am hoping to|would like to|need to|have to|must)\b|"
    r"\b(?:i|we)['’]ll\b|\bi['’]m going to\b|\bnext\s+(?:time|week|session|round|month)\b|\btomorrow\b|"
    r"\bfrom\s+now\s+on\b", re.I)
_SUCCESS_RE = re.compile(
    r"\b(?:it\s+(?:worked|works|will\s+have\s+worked)\s+(?:if|when)|(?:worked|works)\s+if|i(?:['’]ll|\s+will)\s+know|"
    r"you\s+(?:will\s+)?know|know\s+it\s+(?:worked|works)|(?:a\s+)?sign\s+(?:that|of)|success\s+(?:is|means|looks)|"
    r"i\s+will\s+(?:count|measure|check|time|record|track)|(?:count|measure|record|track|note)\s+(?:how|whether|if)|"
    r"\d+\s+(?:of|out\s+of)\s+\d+|by\s+(?:" + "|".join(WEEKDAYS) + r"|the\s+end|friday|next\s+week))\b",
    re.I)
_CONDITION_RE = re.compile(
    r"\b(?:if|when|whenever|unless|until|once|otherwise|as\s+soon\s+as|in\s+that\s+case|only\s+when|"
    r"before\s+you|after\s+you|as\s+long\s+as|depending\s+on)\b|^[^:\n]{2,25}:\s+(?=[^\W\d_])", re.I | re.M)
_STOP_RE = re.compile(
    r"\b(?:until|till)\b|\b(?:stop|done|finished|ready|enough|complete|worked)\b[^.\n]{0,40}?\b"
    r"(?:when|if|once|after|as\s+soon\s+as)\b|\b(?:when|once|if)\b[^.\n]{0,60}?\b(?:stop|done|finished|"
    r"ready|you\s+are\s+there)\b|\bit\s+worked\s+if\b", re.I)
_TAKEAWAY_RE = re.compile(
    r"\b(?:i|we)\s+(?:learned|learnt|realised|realized|understood|took\s+away|discovered|saw\s+that|"
    r"now\s+\w+|still\s+\w+|have\s+\w+\s+since|caught|picked\s+up)\b|\bwhat\s+i\s+(?:took\s+away|learned|"
    r"learnt)\b|\btaught\s+me\b|\bsince\s+then\b|\bthe\s+lesson\b|\bthe\s+point\b|\bif\s+you\b[^.\n]{0,60}\b"
    r"(?:try|start|remember|watch)\b|\bmoral\b|\bfrom\s+then\s+on\b|\bever\s+since\b|\bto\s+this\s+day\b|"
    r"\b(?:i|we)\s+(?:have|'ve)\s+(?:\w+\s+){1,5}since\b|\bnow\s+i\s+(?:always|never|know)\b|"
    r"\bi(?:['’]d|\s+would)\s+tell\b|\bmy\s+advice\b|\bwhat\s+stayed\s+with\s+me\b|\b(?:it|this|that)\s+(?:showed|"
    r"shows|taught|made)\s+me\b|\bnow\s+i\s+\w+\s+(?:it|this|that)\b|\bi\s+(?:still|now)\s+(?:do|use|say|think)\b", re.I)
_COMPARISON_RE = re.compile(
    r"\b(?:is|are|was|were|be|feels?|felt|seems?|looks?)\s+(?:just\s+|a\s+bit\s+|a\s+lot\s+|much\s+|"
    r"exactly\s+)?like\b|\blike\s+(?:a|an|the|being|when|someone|\w+ing)\b|\bas\s+if\b|\bas\s+though\b|\bis\s+(?:a|an)\s+kind\s+of\b|"
    r"\breminds?\s+me\s+of\b|\bresembles?\b|\bsimilar\s+to\b|\bthe\s+same\s+as\b|"
    r"\b(?:is|are)\s+(?!being\b|going\b|doing\b|getting\b|trying\b)\w{3,}ing\s+(?:a|an|the|one|two|three|my|your|"
    r"his|her|their|its|our|\d+)\s+\w+", re.I)
_MAPPING_RE = re.compile(
    r"(?:\b(?:is|are)\s+(?:like\s+)?(?:the|my|your|a|an|their|its|his|her)\b|\bcorresponds?\s+to\b|"
    r"\bmaps?\s+(?:on)?to\b|\bstands?\s+for\b|\bplays?\s+the\s+role\s+of\b|\bbecomes?\s+the\b|"
    r"\bis\s+(?:like\s+)?\w+ing\b|\s(?:=|->|→|<->|↔)\s|\bequals\b|\bmatches\b)", re.I)
_DEEPER_RE = re.compile(
    r"\bbehind\s+(?:that|this|it)\b|\bunderlying\b|\broot\b|\bdeeper\b|\bthe\s+real\s+(?:reason|cause|"
    r"problem)\b|\bwhich\s+(?:meant|means)\b|\bin\s+turn\b|\bwhy\s+(?:was|did|is)\b|\bthat\s+was\s+because\b|"
    r"\bpart\s+of\s+it\s+was\b|\bpartly\b|\balso\s+played\b|\bthe\s+(?:other|second)\s+(?:reason|cause|part)\b",
    re.I)
_CLUSTER_COUNT_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|\d)\s+(?:clusters?|groups?|themes?|categories|piles|"
    r"families|blocks|parts|phases|stages|areas)\b", re.I)


_DETERMINERS = frozenset("a an the this that these those my your his her its our their some every each "
                         "during with of in on for from about into".split())  # and prepositions


def _has_past(toks: list[Token]) -> bool:
    # After a determiner or a preposition a past form is an adjective ("a shared experience",
    # "during shared work"), not an event.
    # A negated verb did not happen ("I didn't watch anyone"); a past negative ("couldn't") tells
    # an event only when something in the sentence stands outside the negation ("why he stopped").
    affirmed = any(not t.negated and t.lower not in NEGATORS and _is_content(t.lower) for t in toks)
    return any(is_past_tense(t.lower) and not t.negated and (k == 0 or toks[k - 1].lower not in _DETERMINERS)
               and (t.lower not in _PAST_NEGATIVES or affirmed)
               for k, t in enumerate(toks))


def narrative(doc: Doc) -> Evidence:
    """Sentences told by the writer in the past: a first-person pronoun and a past-tense verb."""
    return _per_sentence(doc, lambda toks: any(t.lower in FIRST_PERSON for t in toks) and _has_past(toks))


def observation(doc: Doc) -> Evidence:
    """Sentences about what happened or what someone does: a past-tense verb (any subject), or
    someone else (he, she, a name) doing something in the present ("she never looks at ...")."""
    names = {t.start for t in _proper_names(doc)}

    def observed(toks: list[Token]) -> bool:
        if _has_past(toks) or any(t.lower in ("was", "were", "had") and not t.negated for t in toks):
            return True
        someone = any(t.lower in ("he", "she", "they") or t.start in names for t in toks)
        return someone and any(is_present_third(t.lower) for t in toks)
    return _per_sentence(doc, observed)


def _proper_names(doc: Doc) -> list[Token]:
    names = []
    for t in doc.tokens:
        if t.lower.split("'")[0] == "i" or not t.text[:1].isupper() or len(t.text) < 2:  # I, I'll, I'm
            continue
        if t.first and (len(t.text) < 3 or is_known_word(t.lower) or not t.text.isalpha()):
            continue  # a sentence's first word is a name only when no English lexicon knows it ("Odile")
        prev = doc.text[max(0, t.start - 2):t.start]
        if ":" in prev or '"' in prev or "“" in prev or "(" in prev:
            continue
        low = t.lower.split("'")[0]
        if low in WEEKDAYS or low in MONTHS or t.text.isupper() or low in _course_names():
            continue
        names.append(t)
    return names


@functools.cache
def _course_names() -> frozenset[str]:
    """Names in the course's texts (Tanaka, Osaka, Honda): the lesson's cases, not the learner's."""
    from .course_texts import course_texts

    names = set()
    for text in course_texts():
        for m in re.finditer(r"(?<=[a-z,;] )([A-Z][a-z]{2,})\b", text):
            if not is_known_word(m.group(1).lower()) and m.group(1).lower() not in WEEKDAYS + MONTHS:
                # "Home Bakery" is a title, not a name; a weekday is nobody's case
                names.add(m.group(1).lower())
    return frozenset(names)


def lesson_names(doc: Doc) -> set[str]:
    """Names from the course's own cases (Tanaka, Osaka, Honda) used in the text."""
    return {t.lower.split("'")[0] for t in doc.tokens
            if t.text[:1].isupper() and t.lower.split("'")[0] in _course_names()}


def person(doc: Doc) -> Evidence:
    """Someone else: a name, he/she, or a person beside whom the writer worked."""
    found = Evidence()
    for t in _proper_names(doc):
        found.add(t.lower, t.start, t.end)
    for t in doc.tokens:
        if t.lower in ("he", "she", "him", "her", "his"):
            found.add("pronoun", t.start, t.end)
    lower = doc.text.lower()
    for prep in CO_PRESENCE:
        for m in re.finditer(r"\b" + re.escape(prep) + r"\s+(?:(?:a|an|the|my|our|his|her|their|one|two)\s+)?"
                             r"(?:\w+\s+){0,2}?(\w+)", lower):
            noun = m.group(1)
            if _is_content(noun) and set(_all_lemmas(noun)) <= {"NOUN", "PROPN"} and not lemmas(noun) & (
                    ARTEFACT | TIME_UNITS | SENSORY):
                found.add(noun, m.start(), m.end())
    return found


def place(doc: Doc) -> Evidence:
    """Where: a preposition of place followed by a named place or a noun phrase."""
    found = Evidence()
    toks = doc.tokens
    for i, t in enumerate(toks[:-1]):
        if t.lower not in PLACE_PREPS:
            continue
        j = i + 1
        while j < len(toks) and toks[j].lower in ("the", "a", "an", "my", "our", "his", "her", "their", "its"):
            j += 1
        if j >= len(toks) or toks[j].sentence != t.sentence:
            continue
        head = toks[j]
        if _NUMBER_RE.match(head.text) or head.lower in TIME_UNITS or _WEEKDAY_RE.fullmatch(head.lower) \
                or head.lower in MONTHS or head.lower in ("first", "second", "end", "way", "order", "case",
                                                          "time", "mind", "fact", "general", "turn", "front"):
            continue
        if head.text[:1].isupper() or ("NOUN" in _all_lemmas(head.lower) and _is_content(head.lower)
                                       and not lemmas(head.lower) & (COURSE_TERMS | ARTEFACT)):
            found.add(head.lower, t.start, head.end)
    return found


def learning_goal(doc: Doc) -> Evidence:
    """What the writer wanted to pick up: a verb of learning with what it aims at ("wanted to see the
    sea" is a wish, not a learning goal; "wanted to see how she ..." is one)."""
    found = Evidence()
    for m in re.finditer(r"\b(?:learn|learned|learnt|learning|understand|master|pick\s+up|picked\s+up|"
                         r"figure\s+out|find\s+out|get\s+the\s+hang|see\s+how|know\s+how|get\s+better\s+at|improve\s+(?:my|at)|"
                         r"be\s+able\s+to|become\s+(?:a|an|better)|so\s+(?:that\s+)?i\s+can\s+\w+)\b[^.\n]{0,60}", doc.text, re.I):
        found.add(m.group().lower()[:30], m.start(), m.end())
    return found


def causal(doc: Doc) -> Evidence:
    """Causal connectives: because, so that, therefore, which is why, due to ..."""
    found = _lexicon(doc, CAUSAL_WORDS, CAUSAL_PHRASES)
    # "so" as a conjunction: ", so I ..." or "so I ..." at a clause start
    for m in re.finditer(r"(?:,|^|\.|\)|—|–)\s*so\s+(?:i|we|you|she|he|they|it|the|nobody|no\s+one|everyone|someone|"
                         r"that|my|your|our|their|his|her)\b", doc.text, re.I | re.M):
        found.add("so", m.start(), m.end())
    for m in re.finditer(r"\b(?:it|this|that)\s+(?:fits|works)\s+(?:because|since|as)\b", doc.text, re.I):
        found.add("fits because", m.start(), m.end())
    for m in re.finditer(r",\s*so\s+(?!much\b|many\b|far\b|long\b|to\b|on\b|i\b|we\b|you\b)[^\W\d_]{3,}\s+\w+",
                         doc.text, re.I):
        found.add("so", m.start(), m.end())  # ", so numbers need ...": a consequence
    if _COMPARISON_RE.search(doc.text):
        # "X is like Y: you stop following the words ...": the clause after the colon says why it fits
        for m in re.finditer(r":\s+(?:you|we|i|it|they|he|she|the|a|an|both|each)\s+\w+(?:\s+\w+){2,}", doc.text, re.I):
            found.add("explains", m.start(), m.end())
        # "X is like Y. You move slowly, you ...": the sentence after the image, told in the generic
        # "you" (or "it", "both"), says how the image works, which is why it fits.
        first = next((i for i, (a, b) in enumerate(doc.sentences) if _COMPARISON_RE.search(doc.text, a, b)), None)
        if first is not None and first + 1 < len(doc.sentences):
            start, end = doc.sentences[first + 1]
            m = re.match(r"\s*(?:you|it|both|each)\s+\w+[^.!?\n]{8,}", doc.text[start:end], re.I)
            if m:
                found.add("explains", start + m.start(), start + m.end())
    return found


def contrast(doc: Doc) -> Evidence:
    """Contrast and concession: but, however, although, where it breaks down ..."""
    return _lexicon(doc, CONTRAST_WORDS, CONTRAST_PHRASES)


def sensory(doc: Doc) -> Evidence:
    """Perception vocabulary: seeing, hearing, smelling, tasting, touching and how things felt."""
    return _lexicon(doc, SENSORY)


def body_cue(doc: Doc) -> Evidence:
    """Body, gesture and timing cues: hands, elbow, voice, a pause, a glance."""
    return _lexicon(doc, BODY_CUE)


def unsayable(doc: Doc) -> Evidence:
    """What resists words: a negation or difficulty near a verb of saying or knowing, or hedges."""
    found = Evidence()
    for i, (start, end) in enumerate(doc.sentences):
        toks = doc.sentence_tokens(i)
        for k, t in enumerate(toks):
            if t.lower in NEGATION or t.lower in DIFFICULTY or t.lower in ("cannot", "can't"):
                window = toks[k + 1:k + 5]
                hit = next((w for w in window if lemmas(w.lower) & SAYING), None)
                if hit is not None and not _refusal(toks, k, toks.index(hit)):
                    found.add(f"{t.lower} {hit.lower}", t.start, hit.end)
        hedges = [t for t in toks if t.lower in HEDGES]
        if len(hedges) >= 2 or any(t.lower == "somehow" for t in toks):
            found.add("hedge " + str(i), hedges[0].start if hedges else start, end)
    for m in re.finditer(r"\bnot\s+sure\s+(?:why|how|what|when)\b|\bno\s+words?\b|\bwords\s+(?:run|ran)\s+out\b|"
                         r"\bjust\s+(?:knew|knows|know|feels?|felt)\b|\bseems?\s+to\s+know\b|\bby\s+feel\b|"
                         r"\bgut\s+feeling\b|\bsixth\s+sense\b|\bintuition\b|\bonly\s+comes\s+with\b",
                         doc.text, re.I):
        found.add(m.group().lower(), m.start(), m.end())
    return found


def _refusal(toks: list[Token], neg: int, verb: int) -> bool:
    """Whether "cannot say" at ``toks[neg]``/``toks[verb]`` refuses rather than points at something that
    resists words: its object is a polarity item ("can't describe any gesture", "nothing I could
    not put into words"), or a negator already stood before it in the clause."""
    after = toks[verb + 1:verb + 3]
    if any(t.lower in POLARITY_ITEMS for t in after):
        return True
    return any(t.lower in POLARITY_ITEMS | NEGATORS for t in toks[max(0, neg - 5):neg])


def comparison(doc: Doc) -> Evidence:
    """A figure of comparison: ``X is like Y``, ``as if``, ``reminds me of``."""
    return _regex(doc, _COMPARISON_RE)


def mapping(doc: Doc) -> Evidence:
    """Part-to-part correspondences, one per clause: ``the crosswind is the customer's anger``."""
    found = Evidence()
    for start, end in doc.sentences:
        for clause in re.finditer(r"[^,;:.\n]+", doc.text[start:end]):
            m = _MAPPING_RE.search(clause.group()) or _COMPARISON_RE.search(clause.group())
            words = _WORD_RE.findall(clause.group())
            if m and len(words) >= 4:
                found.add(clause.group().strip().lower(), start + clause.start(), start + clause.end())
    return found


def enumeration(doc: Doc) -> Evidence:
    """Listed steps or parts: numbered or bulleted lines, ``first/then/finally``, or named phases."""
    found = Evidence()
    for start, end in doc.steps:
        found.add(doc.text[start:end].lower(), start, end)
    if found.count < 2:
        # Unnumbered steps: sentences that each start with an imperative ("Fold ... Put ...").
        commands = imperative(doc)
        if commands.count >= 2:
            for key, span in commands.found.items():
                found.add(key, *span)
    if found.count < 3:
        # Named phases in one line: "OPEN - NARROW - CHECK", "listen, name, agree" after a colon.
        for m in re.finditer(r"\b[A-Z]{3,}(?:\s*[-–/,>→]+\s*[A-Z]{3,}){2,}", doc.text):
            for part in re.finditer(r"[A-Z]{3,}", m.group()):
                found.add(part.group().lower(), m.start() + part.start(), m.start() + part.end())
        for m in re.finditer(r":\s*([^.:\n]+)", doc.text):
            items = [p for p in re.split(r",\s*(?:and\s+|then\s+)?|\s+then\s+|;\s*", m.group(1)) if p.strip()]
            if len(items) >= 3:
                for p in items:
                    found.add(f"item:{p.strip().lower()}", m.start(1), m.end(1))
        count_phrase = _CLUSTER_COUNT_RE.search(doc.text)
        if count_phrase and found.count < 2:
            found.add(count_phrase.group().lower(), count_phrase.start(), count_phrase.end())
    return found


_LEADING = frozenset("then now first next finally always never just carefully slowly gently again "
                     "also and quickly once second third lastly".split())


def imperative(doc: Doc) -> Evidence:
    """Steps or sentences that start with a verb in its base form: ``Weigh 18 g``, ``Stop when``."""
    found = Evidence()
    starts = [s for s, _ in doc.steps] + [s for s, _ in doc.sentences]
    seen = set()
    for start in starts:
        toks = [t for t in doc.tokens if t.start >= start][:4]
        toks = [t for t in toks if not _NUMBER_RE.match(t.text)]
        while toks and toks[0].lower in _LEADING:
            toks = toks[1:]
        if not toks or toks[0].start in seen:
            continue
        head = toks[0]
        nxt = toks[1].lower if len(toks) > 1 else ""
        if is_base_verb(head.lower) and nxt not in ("is", "are", "was", "were", "of", "has", "had", "'s"):
            seen.add(head.start)
            found.add(f"{head.lower}@{head.start}", head.start, min(head.end + 40, doc.text.find("\n", head.end)
                                                                    if "\n" in doc.text[head.end:] else head.end + 40))
    return found


def condition(doc: Doc) -> Evidence:
    """Conditions and cues to act on: if, when, until, unless, otherwise, ``Under 25 s: ...``."""
    return _regex(doc, _CONDITION_RE, key=lambda m: f"{m.group().lower().strip()}@{m.start()}")


def stop_rule(doc: Doc) -> Evidence:
    """When to stop or how to tell it is done: ``until``, ``stop when``, ``it worked if``."""
    return _regex(doc, _STOP_RE, key=lambda m: f"stop@{m.start()}")


def learning_path(doc: Doc) -> Evidence:
    """How the rest could be learned: practice, repetition, feedback, working side by side."""
    found = _lexicon(doc, LEARNING_PATH - {"over", "time", "until", "week", "weeks", "month", "months",
                                           "side", "together", "experience"},
                     LEARNING_PATH_PHRASES)
    return found


def future_plan(doc: Doc) -> Evidence:
    """A stated intention: ``I will``, ``I'm going to``, ``next time``."""
    return _regex(doc, _FUTURE_RE, key=lambda m: f"future@{m.start()}")


def success_check(doc: Doc) -> Evidence:
    """How the writer will know it worked: ``it worked if``, ``I will count``, ``8 of 10``."""
    return _regex(doc, _SUCCESS_RE)


#: Two moments set against each other: a before ("yesterday", "at first", "on day 1") and a now
#: ("today", "now", "this time") in the same answer tell a change without a comparative.
_THEN_NOW_RE = re.compile(
    r"\b(?:yesterday|at\s+first|last\s+(?:time|week|session)|on\s+day\s+\d+|earlier|the\s+first\s+day)\b"
    r"[\s\S]{0,160}?\b(?:today|now|this\s+time|by\s+the\s+end|these\s+days)\b", re.I | re.S)


def change_over_time(doc: Doc) -> Evidence:
    """Comparatives and phrases of change: easier, faster, no longer, without looking, started to;
    a before set against a now ("yesterday ... today")."""
    found = _lexicon(doc, CHANGE, CHANGE_PHRASES)
    for m in _THEN_NOW_RE.finditer(doc.text):
        found.add("then-now", m.start(), m.end())
    return found


def expectation(doc: Doc) -> Evidence:
    """What was planned or expected: expected, the plan was, supposed to, aim, goal."""
    found = _lexicon(doc, EXPECT)
    for m in re.finditer(r"\bthe\s+(?:plan|idea|goal|aim|target)\s+was\b|\bsupposed\s+to\b", doc.text, re.I):
        found.add(m.group().lower(), m.start(), m.end())
    return found


def facts(doc: Doc) -> Evidence:
    """Factual past-tense sentences: something observable happened, with a number or a time."""
    numbered = {i for i in range(len(doc.sentences))
                if any(_NUMBER_RE.match(t.text) or t.lower in NUMBER_WORDS for t in doc.sentence_tokens(i))}
    found = Evidence()
    for i, (start, end) in enumerate(doc.sentences):
        toks = doc.sentence_tokens(i)
        if i in numbered and (_has_past(toks) or any(t.lower in ("was", "were", "took") for t in toks)):
            found.add(str(i), start, end)
    return found


def neutral(doc: Doc) -> Evidence:
    """No evaluative judgement (good, bad, terrible) in a text that reports something."""
    found = Evidence()
    judged = [t for t in doc.tokens if t.lower in JUDGEMENT]
    if not judged and observation(doc).count:
        start, end = doc.sentences[0]
        found.add("neutral", start, end)
    return found


def surprise(doc: Doc) -> Evidence:
    """Something unexpected: surprised, unexpectedly, it turned out, actually."""
    found = _lexicon(doc, SURPRISE)
    for m in re.finditer(r"\bdid(?:n't|\s+not)\s+expect\b|\bto\s+my\s+surprise\b", doc.text, re.I):
        found.add(m.group().lower(), m.start(), m.end())
    return found


def deeper_cause(doc: Doc) -> Evidence:
    """A cause behind the cause: a second causal link, ``behind that``, ``the real reason``."""
    found = _regex(doc, _DEEPER_RE)
    links = causal(doc)
    if links.count >= 2 or len([t for t in doc.tokens if t.lower == "because"]) >= 2:
        found.add("second cause", *links.spans[-1])
    return found


def keep(doc: Doc) -> Evidence:
    """Something to keep doing: keep, continue, sustain."""
    return _lexicon(doc, KEEP)


def change_action(doc: Doc) -> Evidence:
    """Something to change: change, add, replace, instead, try ... next time."""
    return _lexicon(doc, CHANGE_ACTION)


def artefact(doc: Doc) -> Evidence:
    """A written artefact where explicit knowledge lives: steps, notes, checklist, playbook."""
    return _lexicon(doc, ARTEFACT)


def cluster_names(doc: Doc) -> Evidence:
    """Named groups: quoted or capitalised labels, or ``three clusters: A, B and C``."""
    found = Evidence()
    for m in _QUOTE_RE.finditer(doc.text):
        found.add(m.group(1).lower(), m.start(), m.end())
    for m in re.finditer(r"\b(?:clusters?|groups?|themes?|categories|piles)\b\s*(?:\(|:|were|are|called|named)?"
                         r"\s*([^.\n]{3,120})", doc.text, re.I):
        items = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+|;\s*", m.group(1)) if 0 < len(p.split()) <= 5]
        if len(items) >= 2:
            for p in items:
                found.add(p.strip().lower(), m.start(1), m.end(1))
    count = _CLUSTER_COUNT_RE.search(doc.text)
    if count:
        found.add(count.group().lower(), count.start(), count.end())
    return found


def relation(doc: Doc) -> Evidence:
    """How parts relate: together, a sequence, a bridge between, leads to, depends on."""
    found = _lexicon(doc, RELATION, ("none of the", "no single", "as a whole", "read together",
                                     "taken together", "leads to", "builds on", "feeds into"))
    return found


def gap(doc: Doc) -> Evidence:
    """What is missing from the whole and where it could come from."""
    found = _lexicon(doc, GAP - {"only", "nothing", "none"})
    for m in re.finditer(r"\bnothing\s+(?:about|on)\b|\bno\s+card\b|\bonly\s+covers?\b|\bdoes(?:n't|\s+not)\s+"
                         r"(?:cover|say|include)\b|\bfill\s+(?:that|it|this|the\s+gap)\b", doc.text, re.I):
        found.add(m.group().lower(), m.start(), m.end())
    return found


def takeaway(doc: Doc) -> Evidence:
    """What the writer took away: I learned, since then, what I took away, advice to a listener,
    or a story's closing moral: a last sentence in the present tense, with no number, after a
    past told with someone in it."""
    found = _regex(doc, _TAKEAWAY_RE)
    if len(doc.sentences) >= 3 and narrative(doc).count + observation(doc).count >= 2 and person(doc).count:
        last = len(doc.sentences) - 1
        toks = doc.sentence_tokens(last)
        if len(toks) >= 4 and not _has_past(toks) and not any(_number_at(doc, doc.tokens.index(t)) for t in toks) and any(is_present_third(t.lower) or t.lower in ("is", "are")
                                                          or lemmas(t.lower) & {"arrive", "come", "learn", "need"}
                                                          for t in toks):
            found.add("moral", *doc.sentences[last])
    return found


def quoted_detail(doc: Doc) -> Evidence:
    """Words someone said, quoted: a detail that makes a story stick."""
    found = Evidence()
    for m in _QUOTE_RE.finditer(doc.text):
        if len(m.group(1).split()) >= 2:
            found.add(m.group(1).lower(), m.start(), m.end())
    return found


def specifics(doc: Doc) -> Evidence:
    """Specific details: names of people, places or things, and numbers."""
    found = Evidence()
    for t in _proper_names(doc):
        found.add(t.lower, t.start, t.end)
    for t in doc.tokens:
        if _NUMBER_RE.match(t.text):
            found.add(t.lower, t.start, t.end)
    return found


#: Every text signal a criterion may name, by name.
SIGNALS: dict[str, Callable[[Doc], Evidence]] = {
    fn.__name__: fn for fn in (
        narrative, observation, moment, quantity, duration, person, place, learning_goal, causal,
        contrast, sensory, body_cue, unsayable, comparison, mapping, enumeration, imperative,
        condition, stop_rule, learning_path, future_plan, frequency, success_check, dated_entries,
        change_over_time, expectation, facts, neutral, surprise, deeper_cause, keep, change_action,
        next_occasion, artefact, cluster_names, relation, gap, takeaway, quoted_detail, specifics,
    )
}


def proper_names(doc: Doc) -> list[Token]:
    """Capitalised words inside a sentence that are no course name, weekday or month."""
    return _proper_names(doc)


def own_negated_event(doc: Doc) -> bool:
    """Whether the writer tells something that did not happen to them ("I didn't practise enough"):
    one's own experience, though no evidence of what was done or perceived."""
    return any(t.lower in _PAST_NEGATIVES and any(u.sentence == t.sentence and u.lower in FIRST_PERSON
                                                  for u in doc.tokens) for t in doc.tokens)
