"""Misspelt query words: the indexed terms spelt most nearly like them.

rapidfuzz's normalised Indel similarity (0-100) between the typed word's stem and each
indexed term of about the same length. A correction must score at least
`MIN_SCORE` (`LONG_MIN_SCORE` for words of 8 letters or more, where one slip costs
fewer points); all terms within `SPREAD` points of the best are kept, so "tenis" finds
both "tenni" (tennis) and "teni" if both are indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from rapidfuzz import fuzz, process

MIN_SCORE = 80.0
LONG_MIN_SCORE = 75.0
SPREAD = 4.0
MAX_LENGTH_DIFFERENCE = 2


def min_score(term: str) -> float:
    return LONG_MIN_SCORE if len(term) >= 8 else MIN_SCORE


def best_matches(term: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates spelt most nearly like `term`, best first, `term` itself excluded."""
    choices = [
        c for c in candidates if c != term and abs(len(c) - len(term)) <= MAX_LENGTH_DIFFERENCE
    ]
    if not choices:
        return []
    found = process.extract(
        term, choices, scorer=fuzz.ratio, score_cutoff=min_score(term), limit=limit * 4
    )
    if not found:
        return []
    # best first; equal scores by the candidate itself, so the answer never depends on
    # the order the vocabulary came in
    found.sort(key=lambda hit: (-hit[1], hit[0]))
    best = found[0][1]
    return [choice for choice, score, _i in found if score >= best - SPREAD][:limit]


class TypoCorrector:
    """An in-memory vocabulary of indexed terms, bucketed by length."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._terms: set[str] = set()
        for term in terms:
            if term not in self._terms:
                self._terms.add(term)
                self._by_length[len(term)].append(term)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, term: object) -> bool:
        return term in self._terms

    def known(self, terms: Collection[str]) -> set[str]:
        return {t for t in terms if t in self._terms}

    def similar(self, term: str, *, limit: int = 3) -> list[str]:
        near = (
            candidate
            for length in range(
                len(term) - MAX_LENGTH_DIFFERENCE, len(term) + MAX_LENGTH_DIFFERENCE + 1
            )
            for candidate in self._by_length.get(length, ())
        )
        return best_matches(term, near, limit=limit)
