"""Index terms of a listing and the plan of a query.

A listing is indexed in three fields, weighted by the backend: `title` (titles and
brand), `extra` (category names and seller) and `body` (descriptions). A term is one
of:

- an English (or other latin-script) word, stemmed with Snowball: "softgels" ->
  "softgel"; letters and digits stuck together are also split ("spf50" -> spf, 50);
- a Chinese word from jieba's search mode and, in titles and category names, every
  pair of characters and every single character (a one-character query, 茶, is
  common);
- in titles and category names, the pinyin of each Chinese word and pair of
  characters (`weishengsu`, `yuyou`) and the initials of each word (`wss`).

A query is cut the same way and planned as groups, one per word typed: every group
must match (a listing matches when all of them do; the caller may relax that to any
of them when nothing matches). A group is satisfied by any of its alternatives, and
an alternative by all of its terms: 维生素 is (维生素) or (维生 and 生素) or
(weishengsu). Words the index does not know are tried as pinyin and as the nearest
known spellings (`Vocabulary.similar`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import snowballstemmer

from entrepot.domain.search import pinyin
from entrepot.domain.search.text import (
    bigrams,
    chinese_tokens,
    chinese_words,
    is_han,
    latin_words,
    normalize,
    runs,
    strip_tags,
)

STOPWORDS = frozenset("a an and are as at by for from in into is it of on or the to with".split())
# more words than this in a query are ignored (a query is a few words, not a paragraph)
MAX_QUERY_WORDS = 12
# version of the text an embedding is computed from: change it to re-embed everything
EMBEDDING_TEXT_VERSION = "1"
# shorter words are not corrected (too many words are one letter away from "tea")
MIN_CORRECTED_LENGTH = 4
MAX_CORRECTIONS = 3

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of a lower-case word ("vitamins" -> "vitamin")."""
    return _stemmer.stemWord(word)


def _dedupe(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in terms if t))


def _latin_terms(word: str) -> list[str]:
    if word in STOPWORDS:
        return []
    terms = [stem(word)]
    if not word.isdigit() and not word.isalpha():
        # "spf50" -> spf, 50; "2000iu" -> 2000, iu (parts of one letter say nothing)
        part, parts = "", []
        for char in word:
            if part and char.isdigit() != part[-1].isdigit():
                parts.append(part)
                part = ""
            part += char
        parts.append(part)
        terms.extend(stem(p) for p in parts if len(p) > 1)
    return terms


def _chinese_terms(run: str, *, rich: bool) -> list[str]:
    tokens = chinese_tokens(run, search_mode=True)
    terms = [w for w, _s, _e in tokens]
    if rich:
        # every pair of characters in titles; descriptions keep jieba's words only
        # (pairs there would double the index for little: a shopper's word is in the
        # title, and a query word jieba does not know matches titles through pairs)
        terms.extend(bigrams(run))
        terms.extend(run)  # single characters
        # pinyin read in the context of the whole run (瑜伽垫: yu jia dian, where 伽
        # alone would be ga), for words, pairs of characters and pairs of words
        syllables = pinyin.syllables_of(run)
        if len(syllables) == len(run):
            spans = [(s, e) for _w, s, e in tokens if e - s > 1]
            spans += [(i, i + 2) for i in range(len(run) - 1)]
            precise = [(s, e) for _w, s, e in chinese_tokens(run, search_mode=False)]
            joined = [(a[0], b[1]) for a, b in zip(precise, precise[1:], strict=False)]
            terms.extend("".join(syllables[s:e]) for s, e in dict.fromkeys(spans + joined))
            terms.extend(
                "".join(x[0] for x in syllables[s:e])
                for s, e in dict.fromkeys([(s, e) for _w, s, e in tokens if e - s > 1] + joined)
            )
    return terms


@lru_cache(maxsize=131072)
def field_terms(text: str, *, rich: bool = False) -> tuple[str, ...]:
    """Index terms of one field, in order, each once.

    `rich` adds single Chinese characters, pinyin and initials (titles and category
    names: what people type); descriptions are indexed without them.
    """
    terms: list[str] = []
    for run in runs(normalize(text)):
        if is_han(run):
            terms.extend(_chinese_terms(run, rich=rich))
        else:
            terms.extend(_latin_terms(run))
    return _dedupe(terms)


@dataclass(frozen=True)
class ListingText:
    """The searchable text of one listing."""

    title_en: str = ""
    title_zh: str = ""
    brand: str = ""
    description_en: str = ""
    description_zh: str = ""
    category_en: str = ""
    category_zh: str = ""
    seller: str = ""


@dataclass(frozen=True)
class IndexTerms:
    """Space-separated terms per weighted field, ready for the full-text index."""

    title: str
    extra: str
    body: str

    def all(self) -> set[str]:
        return {*self.title.split(), *self.extra.split(), *self.body.split()}


def listing_terms(listing: ListingText) -> IndexTerms:
    """The index terms of a listing, per field."""
    title = _dedupe(
        (
            *field_terms(listing.title_en, rich=True),
            *field_terms(listing.title_zh, rich=True),
            *field_terms(listing.brand, rich=True),
        )
    )
    extra = _dedupe(
        (
            *field_terms(listing.category_en, rich=True),
            *field_terms(listing.category_zh, rich=True),
            *field_terms(listing.seller, rich=True),
        )
    )
    body = _dedupe((*field_terms(listing.description_en), *field_terms(listing.description_zh)))
    return IndexTerms(" ".join(title), " ".join(extra), " ".join(body))


def vocabulary_terms(terms: IndexTerms) -> set[str]:
    """The latin-script terms worth correcting a misspelt query word towards.

    English stems, pinyin and initials; numbers and one-letter terms are left out.
    """
    return {
        t for t in terms.all() if t.isascii() and len(t) > 1 and not t.isdigit() and len(t) <= 64
    }


def _without(text: str, brand: str) -> str:
    if brand:
        lowered, key = text.lower(), brand.lower()
        at = lowered.find(key)
        if at >= 0:
            text = text[:at] + text[at + len(brand) :]
    return " ".join(text.split())


def display_names(listing: ListingText) -> tuple[str, str]:
    """What the listing is, without brand or marketing tags, in English and Chinese:
    ("Vitamin D3 2000 IU Softgels", "维生素D3 2000IU软胶囊"). Suggestions show these."""
    return (
        _without(strip_tags(listing.title_en), listing.brand),
        _without(strip_tags(listing.title_zh), listing.brand),
    )


def embedding_text(listing: ListingText) -> str:
    """The text a listing's embedding is computed from.

    Names and category, without brand, tags or description: the embedding says what
    the product is (the brand is found by keywords). Listings of the same product by
    different sellers then share one embedding, computed once.
    """
    name_en, name_zh = display_names(listing)
    names = " / ".join(n for n in (name_en, name_zh) if n)
    category = " / ".join(c for c in (listing.category_en, listing.category_zh) if c)
    return f"{names} ({category})" if category else names


def embedding_key(text: str) -> str:
    """The identity of an embedding: a hash of its text and of how that text is made."""
    return hashlib.sha1(f"{EMBEDDING_TEXT_VERSION}\n{text}".encode()).hexdigest()


# --- queries ------------------------------------------------------------------------


class Vocabulary(Protocol):
    """The indexed terms, as a query needs them."""

    def known(self, terms: Collection[str]) -> set[str]:
        """Which of `terms` are in the index."""

    def similar(self, term: str) -> list[str]:
        """Indexed terms spelt nearly like `term`, best first (empty: none close)."""


@dataclass(frozen=True)
class Alternative:
    """All `terms` must match; with `prefix`, the last one is a prefix."""

    terms: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Group:
    """One word of the query: any of its alternatives satisfies it."""

    word: str
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class QueryPlan:
    text: str  # the normalised query
    groups: tuple[Group, ...]
    corrections: tuple[tuple[str, str], ...] = ()  # (typed, read as)

    @property
    def empty(self) -> bool:
        return not self.groups


def _alternatives(*items: Alternative) -> tuple[Alternative, ...]:
    return tuple(dict.fromkeys(a for a in items if a.terms))


def _han_group(word: str) -> Group:
    if len(word) == 1:
        return Group(word, (Alternative((word,)),))
    return Group(
        word,
        _alternatives(
            Alternative((word,)),
            Alternative(tuple(bigrams(word))),
            # homophones: 维升素 is still weishengsu
            Alternative((pinyin.full_pinyin(word),)),
        ),
    )


def _pinyin_pairs(word: str) -> tuple[str, ...]:
    syllables = pinyin.split_syllables(word)
    if not syllables or len(syllables) < 2:
        return ()
    return tuple(syllables[i] + syllables[i + 1] for i in range(len(syllables) - 1))


def _lookups(word: str) -> set[str]:
    return {word, stem(word), *_pinyin_pairs(word)}


def _latin_group(
    word: str, known: set[str], vocabulary: Vocabulary, *, prefix: bool
) -> tuple[Group, str | None]:
    """The group of a latin-script word, and what it was corrected to (if it was)."""
    stemmed = stem(word)
    found = [t for t in dict.fromkeys((stemmed, word)) if t in known]
    if found or word.isdigit():
        alternatives = [Alternative((t,)) for t in found or [word]]
        if prefix:
            alternatives.append(Alternative((word,), prefix=True))
        return Group(word, _alternatives(*alternatives)), None
    alternatives = [Alternative((stemmed,))]
    if prefix:
        # still being typed (autocomplete): a prefix, not a typo
        return Group(word, _alternatives(*alternatives, Alternative((word,), prefix=True))), None
    pairs = _pinyin_pairs(word)
    corrected = None
    if pairs and all(p in known for p in pairs):
        # "yuyouruanjiaonang": pinyin of a phrase, found through its pairs of syllables
        alternatives.append(Alternative(pairs))
    elif len(word) >= MIN_CORRECTED_LENGTH:
        similar = vocabulary.similar(stemmed)[:MAX_CORRECTIONS]
        alternatives.extend(Alternative((t,)) for t in similar)
        corrected = similar[0] if similar else None
    return Group(word, _alternatives(*alternatives)), corrected


def plan_query(text: str, vocabulary: Vocabulary, *, prefix_last: bool = False) -> QueryPlan:
    """Plan a query: normalise, cut, and choose each word's alternatives.

    `prefix_last` reads the last word as unfinished (autocomplete).
    """
    normalised = normalize(text)
    words: list[tuple[str, bool]] = []  # (word, is Chinese)
    for run in runs(normalised):
        if is_han(run):
            words.extend((w, True) for w in chinese_words(run, search_mode=False))
        else:
            words.extend((w, False) for w in latin_words(run))
    latin = [w for w, han in words if not han]
    meaningful = [w for w in latin if w not in STOPWORDS]
    if meaningful:
        words = [(w, han) for w, han in words if han or w not in STOPWORDS]
    words = words[:MAX_QUERY_WORDS]
    latin = [w for w, han in words if not han]
    joined = "".join(latin) if len(latin) > 1 and all(w.isalpha() for w in latin) else ""
    lookups = set().union(*(_lookups(w) for w in latin)) if latin else set()
    if joined:
        lookups.add(joined)
    known = vocabulary.known(lookups) if lookups else set()

    groups: list[Group] = []
    corrections: list[tuple[str, str]] = []
    if joined and joined in known:
        # "wei sheng su": pinyin typed with spaces
        stems = tuple(stem(w) for w in latin)
        groups.append(Group(joined, _alternatives(Alternative((joined,)), Alternative(stems))))
        words = [(w, han) for w, han in words if han]
    for index, (word, han) in enumerate(words):
        if han:
            groups.append(_han_group(word))
            continue
        last = prefix_last and index == len(words) - 1
        group, corrected = _latin_group(word, known, vocabulary, prefix=last)
        groups.append(group)
        if corrected and corrected != stem(word):
            corrections.append((word, corrected))
    return QueryPlan(normalised, tuple(groups), tuple(corrections))


def plan_terms(plan: QueryPlan) -> set[str]:
    """Every term a plan may match (prefixes excluded)."""
    return {t for g in plan.groups for a in g.alternatives if not a.prefix for t in a.terms}
