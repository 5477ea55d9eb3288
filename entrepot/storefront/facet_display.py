"""The category facets as a page shows them: translated labels, counts and plain links.

The counts (entrepot.storefront.facets) are cached without language; labels are made
here, per request, in the visitor's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from entrepot.storefront import display
from entrepot.storefront.facets import (
    BANDS_BY_KEY,
    SELLERS_SHOWN,
    Counts,
    Filters,
)


@dataclass(frozen=True)
class Option:
    label: str
    count: int
    url: str  # choosing it; for the chosen option, the URL without it
    selected: bool
    flag: str = ""


@dataclass(frozen=True)
class Group:
    name: str  # the query parameter
    title: str
    options: list[Option]
    truncated: bool  # counts are lower bounds ("N+")
    clear_url: str | None  # when one of its values is chosen
    note: str = ""


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.0f}"


def _price_label(key: str) -> str:
    low, high = BANDS_BY_KEY[key]
    if low == 0:
        return _("under %(high)s") % {"high": _yuan(high)}
    if high is None:
        return _("%(low)s and over") % {"low": _yuan(low)}
    return f"{_yuan(low)}–{_yuan(high)}"


def _labels(name: str, value: str, label: str) -> tuple[str, str]:
    """(label, flag) of one facet value."""
    if name == "price":
        return _price_label(value), ""
    if name == "origin":
        return display.country_name(value), display.flag(value)
    if name == "seller":
        return label, ""
    if name == "stock":
        return _("In stock"), ""
    if value == "bonded":
        return _("From a bonded warehouse in China: arrives in days"), ""
    return _("Direct mail from the seller's country"), ""


def _chosen(filters: Filters, name: str) -> str:
    value = getattr(filters, name)
    if value in (None, "", False):
        return ""
    return "1" if value is True else str(value)


def _group(name: str, title: str, counts: Counts, filters: Filters, note: str = "") -> Group:
    chosen = _chosen(filters, name)
    others = filters.without(name)
    rows = counts.values
    if name == "seller":
        top = rows[:SELLERS_SHOWN]
        rows = top + [r for r in rows[SELLERS_SHOWN:] if r[0] == chosen]
    options = []
    for value, count, label in rows:
        selected = value == chosen
        if count == 0 and not selected:
            continue
        text, flag = _labels(name, value, label)
        url = others.query() if selected else others.query(**{name: value})
        options.append(Option(text, count, url, selected, flag))
    return Group(
        name=name, title=title, options=options, truncated=counts.truncated,
        clear_url=others.query() if chosen else None, note=note,
    )  # fmt: skip


def facet_groups(counts: dict[str, Counts], filters: Filters) -> list[Group]:
    return [
        _group(
            "price",
            _("Goods price"),
            counts["price"],
            filters,
            note=_("Price of the goods in yuan, before shipping and tax."),
        ),  # fmt: skip
        _group("origin", _("Country of origin"), counts["origin"], filters),
        _group("mode", _("Delivery"), counts["mode"], filters),
        _group("stock", _("Availability"), counts["stock"], filters),
        _group("seller", _("Seller"), counts["seller"], filters),
    ]
