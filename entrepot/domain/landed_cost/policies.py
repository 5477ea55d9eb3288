"""Which rule pack applies: one function of (origin, destination, mode, date).

The registry is a plain dict from destination region to rule packs with effective
dates; `select_policy` picks the pack in force on the day. `quote` runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from entrepot.domain.fx import RateTable
from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost import packs
from entrepot.domain.landed_cost.assemble import assemble, zero_tax
from entrepot.domain.landed_cost.basket import declare
from entrepot.domain.landed_cost.corridors import au, ca, cn_cbec, eu, uk, us
from entrepot.domain.landed_cost.fx import QuoteFx
from entrepot.domain.landed_cost.positive_list import PositiveList

REGISTRY: dict[str, tuple[tuple, Callable]] = {
    "CN": (packs.CN_CBEC, cn_cbec.quote),
    "EU": (packs.EU, eu.quote),
    "GB": (packs.UK, uk.quote),
    "US": (packs.US, us.quote),
    "AU": (packs.AU, au.quote),
    "CA": (packs.CA, ca.quote),
}
DECLARATION_CURRENCY = {
    "CN": "CNY",
    "EU": "EUR",
    "GB": "GBP",
    "US": "USD",
    "AU": "AUD",
    "CA": "CAD",
}
MODES = ("9610", "1210")


class NoRulePack(LookupError):
    """No corridor rule pack covers the destination on the day."""


@dataclass(frozen=True)
class CorridorPolicy:
    region: str
    pack: object
    formula: Callable

    @property
    def declaration_currency(self) -> str:
        return DECLARATION_CURRENCY[self.region]


def region_of(destination: str) -> str | None:
    if destination in packs.EU_MEMBERS:
        return "EU"
    return destination if destination in REGISTRY else None


def supported_destinations() -> list[str]:
    return sorted({*packs.EU_MEMBERS, *(r for r in REGISTRY if r != "EU")})


def select_policy(
    *, origin: str | None, destination: str, mode: str | None, on: date
) -> CorridorPolicy:
    """The corridor policy for goods from `origin` to `destination` on `on`.

    `origin` and `mode` are accepted for every corridor; today the packs differ by
    destination and date, and the formulas read origin (Canada, US) and mode (China)
    per item.
    """
    region = region_of(destination)
    if region is None:
        raise NoRulePack(
            f"no rule pack for destination {destination!r}; supported: "
            + ", ".join(supported_destinations())
        )
    pack_list, formula = REGISTRY[region]
    for pack in pack_list:
        if pack.effective_from <= on and (pack.effective_to is None or on <= pack.effective_to):
            return CorridorPolicy(region, pack, formula)
    raise NoRulePack(f"no rule pack for {destination} in force on {on.isoformat()}")


def _domestic(request: m.QuoteRequest, fx: QuoteFx) -> m.Quote:
    lines, _s, _i = declare(request, fx, request.currency)
    return assemble(
        request,
        fx,
        "DOMESTIC",
        lines,
        [zero_tax(request.currency) for _ in lines],
        [m.Note("DOMESTIC", "Domestic sale: no import duty or tax", "境内销售：无进口关税和税费")],
        [],
    )


def quote(
    request: m.QuoteRequest, *, rates: RateTable | None, positive_list: PositiveList | None = None
) -> m.Quote:
    """The landed-cost quote of `request` (raises NoRulePack, RateMissing)."""
    fx = QuoteFx(rates, request.fx_overrides)
    if request.items and all(item.origin == request.destination for item in request.items):
        return _domestic(request, fx)
    origins = {item.origin for item in request.items}
    policy = select_policy(
        origin=origins.pop() if len(origins) == 1 else None,
        destination=request.destination,
        mode=request.mode,
        on=request.as_of,
    )
    if policy.region == "CN":
        return policy.formula(
            request, policy.pack, fx, positive_list or PositiveList(date(1970, 1, 1))
        )
    return policy.formula(request, policy.pack, fx)
