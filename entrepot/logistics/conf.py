"""The shipping settings, read in one place: Django settings, then the environment, then
the default (docs/operator-guide.md, "Customs and shipping")."""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings

from entrepot.domain.tracking import SHIP_WITHIN_HOURS


def _value(name: str, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    return type(default)(value)


def ship_within_hours() -> int:
    """Direct mail (9610): the seller ships within this many hours of payment (Tmall
    practice, shared/domain/cross-border-rules.md §1; not law)."""
    return _value("ENTREPOT_SHIP_WITHIN_HOURS", SHIP_WITHIN_HOURS)


def default_carrier() -> str:
    """The carrier a waybill is booked with when an order is declared."""
    return _value("ENTREPOT_DEFAULT_CARRIER", "simulated")


def simulated_carrier_step_minutes() -> int:
    """The simulated carrier reports one node this many minutes after the previous one."""
    return _value("ENTREPOT_SIM_CARRIER_STEP_MINUTES", 240)


def manual_delivery_days() -> int:
    """A manual carrier reports nothing: its parcel counts as delivered this many days after
    shipping (then the buyer's confirmation window runs), unless the buyer confirms first."""
    return _value("ENTREPOT_MANUAL_DELIVERY_DAYS", 30)


def packing_kg_per_parcel() -> Decimal:
    """Packing added to the goods' net weight for the gross weight (UNCONFIRMED default)."""
    return Decimal(str(_value("ENTREPOT_PACKING_KG", "0.1")))
