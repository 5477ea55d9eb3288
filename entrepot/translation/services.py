"""Writes of the translation workflow: memory, drafts, reviews.

Seller or translator text is the truth. A draft is filled from the translation memory
(texts people reviewed before, for any listing) and, failing that, from the configured
machine translator; it never replaces Chinese text the seller has reviewed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Abs
from django.utils.translation import gettext_lazy as _lazy

from entrepot.catalog.models import Product
from entrepot.search.services import index_products
from entrepot.translation.machine import (
    FAKE_MARKER,
    MachineTranslationError,
    MachineTranslator,
    machine_translator,
)
from entrepot.translation.models import (
    MemoryEntry,
    memory_prefix_key,
    memory_source_key,
    normalize_text,
)

logger = logging.getLogger(__name__)

NEAR_MATCH_RATIO = 0.92
# candidates compared per lookup: a bucket (same first words, similar length) holding
# more is a template text repeated with variations; those closest in length are the
# likeliest matches
NEAR_MATCH_CANDIDATES = 200
# difflib is quadratic in the worst case; listing descriptions stay well below this
NEAR_MATCH_MAX_CHARS = 5000
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

Origin = Literal["memory", "memory-near", "machine"]


@dataclass(frozen=True)
class Suggestion:
    text_zh: str
    origin: Origin
    reviewed: bool
    score: float


def memory_lookup(text_en: str) -> Suggestion | None:
    """The translation memory's best Chinese for `text_en`, or None.

    First the exact entry (same normalized text, see models.normalize_text). Otherwise
    a near match: difflib's ratio of at least 0.92 on the normalized texts. Comparing
    against the whole memory would not scale, so candidates come from one indexed
    bucket -- entries whose first three normalized words are the same (prefix_key) and
    whose normalized length could still reach the ratio (ratio <= 2*min/(a+b), so
    lengths within 0.92/1.08 .. 1.08/0.92 of each other) -- and each candidate passes
    difflib's cheap upper bounds before the real ratio is computed. A near match that
    changes the first words ("Two softgels a day" vs "One softgel a day") is missed;
    that is the price of the index. Among near matches, reviewed entries win, then the
    higher ratio. Measured on SQLite with 50,000 entries: exact 0.2 ms, near ~1 ms,
    ~7 ms when 5,000 entries share the first three words.
    """
    normalized = normalize_text(text_en)
    if not normalized:
        return None
    exact = (
        MemoryEntry.objects.filter(source_key=memory_source_key(text_en))
        .only("target_text", "reviewed")
        .first()
    )
    if exact is not None:
        return Suggestion(exact.target_text, "memory", exact.reviewed, 1.0)
    if len(normalized) > NEAR_MATCH_MAX_CHARS:
        return None
    length = len(normalized)
    lowest = int(length * (2 - NEAR_MATCH_RATIO) ** -1 * NEAR_MATCH_RATIO)
    highest = int(length * (2 - NEAR_MATCH_RATIO) / NEAR_MATCH_RATIO) + 1
    candidates = (
        MemoryEntry.objects.filter(
            prefix_key=memory_prefix_key(text_en),
            source_length__gte=lowest,
            source_length__lte=highest,
        )
        .only("source_text", "target_text", "reviewed")
        # closest lengths first: the likeliest matches when a bucket is crowded
        .order_by(Abs(F("source_length") - length), "-updated_at")[:NEAR_MATCH_CANDIDATES]
    )
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(normalized)
    best: tuple[bool, float, MemoryEntry] | None = None
    for entry in candidates:
        matcher.set_seq1(normalize_text(entry.source_text))
        if (
            matcher.real_quick_ratio() < NEAR_MATCH_RATIO
            or matcher.quick_ratio() < NEAR_MATCH_RATIO
        ):
            continue
        ratio = matcher.ratio()
        if ratio < NEAR_MATCH_RATIO:
            continue
        if best is None or (entry.reviewed, ratio) > best[:2]:
            best = (entry.reviewed, ratio, entry)
    if best is None:
        return None
    reviewed, ratio, entry = best
    return Suggestion(entry.target_text, "memory-near", reviewed, round(ratio, 4))


def memory_record(
    *,
    text_en: str,
    text_zh: str,
    kind: str,
    reviewed: bool,
    reviewer: AbstractBaseUser | None = None,
) -> MemoryEntry:
    """Remember `text_zh` as the Chinese of `text_en` (one entry per normalized text).

    An unreviewed text never replaces a reviewed one: a machine draft must not undo a
    person's work.
    """
    if not normalize_text(text_en):
        raise ValueError("the English text to remember is empty")
    if not text_zh.strip():
        raise ValueError(f"the Chinese text for {text_en[:60]!r} is empty")
    if kind not in MemoryEntry.Kind.values:
        raise ValueError(f"kind must be one of {', '.join(MemoryEntry.Kind.values)}, got {kind!r}")
    with transaction.atomic():
        entry = (
            MemoryEntry.objects.select_for_update()
            .filter(source_key=memory_source_key(text_en))
            .first()
        )
        if entry is None:
            entry = MemoryEntry(source_text=text_en)
        elif entry.reviewed and not reviewed:
            return entry
        entry.source_text = text_en
        entry.target_text = text_zh.strip()
        entry.kind = kind
        entry.reviewed = reviewed
        entry.reviewed_by = reviewer if reviewed else None
        entry.save()
    return entry


@dataclass(frozen=True)
class _Outcome:
    """What the draft did for one field."""

    state: Literal["reviewed", "machine", "missing"]
    text: str | None = None  # the new Chinese, None: leave the field as it is


def _machine_suggestion(text_en: str, translator: MachineTranslator | None) -> Suggestion | None:
    if translator is None:
        return None
    try:
        translated = translator.translate(text_en, source="en", target="zh-Hans").strip()
    except MachineTranslationError as exc:
        # A draft is a convenience: an MT outage leaves the field for a person to
        # fill (status "missing") instead of failing whatever triggered the draft.
        logger.warning("machine translation failed, the draft stays empty: %s", exc)
        return None
    return Suggestion(translated, "machine", False, 0.0) if translated else None


def translation_draft(*, product: Product) -> str:
    """Pre-fill the product's Chinese title and description; returns the new status.

    Per field: a reviewed exact memory match is used as reviewed text; otherwise a
    near or unreviewed memory match or, when the memory has nothing, the machine
    translator (if one is configured) gives a draft. A field is written only if it is
    empty or the product's Chinese is not reviewed: a seller's reviewed text is never
    overwritten. The status becomes "reviewed" only when both texts are reviewed ones
    (from the memory, or kept), "machine" when a draft was used, "missing" when
    nothing could be produced.
    """
    fields = (("title_zh", product.title_en), ("description_zh", product.description_en))
    before = Product.objects.only("translation_status", "title_zh", "description_zh").get(
        pk=product.pk
    )
    # Lookups and MT calls (network, seconds) happen before the transaction: with
    # SQLite's IMMEDIATE transactions a write lock held across an HTTP call would
    # stall every other writer.
    translator: MachineTranslator | None = None
    translator_ready = False
    suggestions: dict[str, Suggestion | None] = {}
    for field, text_en in fields:
        keep = before.translation_status == "reviewed" and getattr(before, field).strip()
        if keep or not normalize_text(text_en):
            continue
        found = memory_lookup(text_en)
        if found is None:
            if not translator_ready:
                translator, translator_ready = machine_translator(), True
            found = _machine_suggestion(text_en, translator)
        suggestions[field] = found

    with transaction.atomic():
        # the seller may have reviewed the text while MT was working: decide on the
        # row as it is now
        current = (
            Product.objects.select_for_update()
            .only("translation_status", "title_zh", "description_zh")
            .get(pk=product.pk)
        )
        was_reviewed = current.translation_status == "reviewed"
        outcomes = []
        for field, text_en in fields:
            existing = getattr(current, field)
            if not normalize_text(text_en):
                # nothing to translate: an empty English description needs no Chinese
                outcomes.append(_Outcome("reviewed"))
                continue
            if existing.strip() and was_reviewed:
                outcomes.append(_Outcome("reviewed"))
                continue
            found = suggestions.get(field)
            if found is None:
                outcomes.append(_Outcome("machine" if existing.strip() else "missing"))
            elif found.reviewed and found.origin == "memory":
                outcomes.append(_Outcome("reviewed", found.text_zh))
            else:
                outcomes.append(_Outcome("machine", found.text_zh))
        states = {outcome.state for outcome in outcomes}
        if states == {"reviewed"}:
            status = "reviewed"
        elif "machine" in states:
            status = "machine"
        else:
            status = "missing"
        update_fields = ["translation_status", "updated_at"]
        for (field, _text_en), outcome in zip(fields, outcomes, strict=True):
            value = outcome.text if outcome.text is not None else getattr(current, field)
            setattr(product, field, value)
            if outcome.text is not None:
                update_fields.append(field)
        product.translation_status = status
        product.save(update_fields=update_fields)
        index_products(ids=[product.pk])
    return status


# Shown to the seller on the review page, hence translated; whole sentences per field
# so that translators need not assemble them.
_REFUSALS = {
    "title": {
        "empty": _lazy("The Chinese title is empty: enter the text buyers will read."),
        "no_han": _lazy(
            "The Chinese title has no Chinese characters: enter it in Simplified Chinese."
        ),
        "marker": _lazy(
            "The Chinese title still carries the sandbox marker %(marker)s: it is not a "
            "translation. Replace it with the real Chinese text."
        ),
        "long": _lazy("The Chinese title is %(length)d characters long; at most %(limit)d fit."),
    },
    "description": {
        "empty": _lazy("The Chinese description is empty: enter the text buyers will read."),
        "no_han": _lazy(
            "The Chinese description has no Chinese characters: enter it in Simplified Chinese."
        ),
        "marker": _lazy(
            "The Chinese description still carries the sandbox marker %(marker)s: it is not "
            "a translation. Replace it with the real Chinese text."
        ),
    },
}


def _check_chinese(value: str, *, field: str, limit: int | None = None) -> str:
    refusals = _REFUSALS[field]
    value = value.strip()
    if not value:
        raise ValueError(str(refusals["empty"]))
    if not HAN_RE.search(value):
        raise ValueError(str(refusals["no_han"]))
    if FAKE_MARKER in value:
        raise ValueError(str(refusals["marker"]) % {"marker": FAKE_MARKER})
    if limit is not None and len(value) > limit:
        raise ValueError(str(refusals["long"]) % {"length": len(value), "limit": limit})
    return value


def translation_review(
    *,
    product: Product,
    title_zh: str,
    description_zh: str,
    reviewer: AbstractBaseUser,
) -> None:
    """Save a person's Chinese title and description as reviewed, and remember them.

    The texts go into the translation memory as reviewed entries, so every listing
    with the same English (this seller's or another's) gets them from now on.
    """
    title_zh = _check_chinese(
        title_zh, field="title", limit=Product._meta.get_field("title_zh").max_length
    )
    has_description = bool(normalize_text(product.description_en))
    if has_description or description_zh.strip():
        description_zh = _check_chinese(description_zh, field="description")
    with transaction.atomic():
        product.title_zh = title_zh
        product.description_zh = description_zh.strip()
        product.translation_status = "reviewed"
        product.save(
            update_fields=["title_zh", "description_zh", "translation_status", "updated_at"]
        )
        index_products(ids=[product.pk])
        memory_record(
            text_en=product.title_en,
            text_zh=title_zh,
            kind=MemoryEntry.Kind.TITLE,
            reviewed=True,
            reviewer=reviewer,
        )
        if has_description:
            memory_record(
                text_en=product.description_en,
                text_zh=description_zh,
                kind=MemoryEntry.Kind.DESCRIPTION,
                reviewed=True,
                reviewer=reviewer,
            )
