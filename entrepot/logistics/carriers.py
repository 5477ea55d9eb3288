"""Carriers behind one interface: who issues the waybill and who reports tracking nodes.

    Carrier               the interface (a Protocol)
    ├── ManualCarrier     the seller's own carrier: the seller types its tracking number;
    │                     nothing is reported, so the parcel counts as delivered
    │                     ENTREPOT_MANUAL_DELIVERY_DAYS after shipping unless the buyer
    │                     confirms receipt first (said so on the event)
    └── SimulatedCarrier  a SIMULATOR shipped with the project, standing in for a
                          cross-border logistics company: it issues waybills and
                          reports each node of the route ENTREPOT_SIM_CARRIER_STEP_MINUTES
                          after the previous one (in Chinese, as Chinese carriers do)

`carrier_for(code)` picks one from a plain registry. A real carrier adapter implements
the same three members and is added to CARRIERS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from entrepot.domain import tracking
from entrepot.logistics import conf


@dataclass(frozen=True)
class CarrierEvent:
    node: str
    at: datetime
    location: str
    description: str
    source_id: str  # the carrier's id of the event: a repeated report carries the same


@dataclass(frozen=True)
class ShipmentView:
    """What a carrier needs to know of a shipment."""

    waybill_no: str
    mode: str
    shipped_at: datetime
    reached: frozenset[str]
    origin: str  # where it was dispatched, for the first node's location


class Carrier(Protocol):
    code: str
    name: str
    customs_code: str  # logisticsCode in the waybill (CEB511)

    def waybill_number(self, order_number: str) -> str: ...

    def events(self, shipment: ShipmentView, *, now: datetime) -> list[CarrierEvent]: ...


ASSUMED_DELIVERED = "assumed-delivered"  # source_id suffix of a manual carrier's delivery


class ManualCarrier:
    code = "manual"
    name = "Seller's own carrier"
    # the platform books and declares the waybill as the consolidator of direct mail
    customs_code = "EPMANUAL"

    def waybill_number(self, order_number: str) -> str:
        return f"EPW{order_number}"

    def events(self, shipment: ShipmentView, *, now: datetime) -> list[CarrierEvent]:
        days = conf.manual_delivery_days()
        at = shipment.shipped_at + timedelta(days=days)
        if tracking.DELIVERED in shipment.reached or at > now:
            return []
        # no words of a carrier: the timeline explains the node (see ASSUMED_DELIVERED)
        return [CarrierEvent(tracking.DELIVERED, at, "", "",
                             f"{shipment.waybill_no}:{ASSUMED_DELIVERED}")]  # fmt: skip


_SIMULATED_WORDS = {
    tracking.DISPATCHED: ("", "卖家已发货，包裹已交运"),
    tracking.LINE_HAUL: ("国际干线", "国际干线运输中"),
    tracking.ARRIVED_CN: ("中国入境口岸", "包裹已到达中国入境口岸"),
    tracking.CUSTOMS_CLEARANCE: ("海关监管区", "海关清关完成，已放行"),
    tracking.DOMESTIC_DELIVERY: ("国内派送网点", "国内派送中，快递员正在派件"),
    tracking.DELIVERED: ("", "已签收，感谢使用"),
}


class SimulatedCarrier:
    """SIMULATOR: a pretend cross-border carrier; no parcel moves anywhere."""

    code = "simulated"
    name = "Simulated carrier (Entrepôt simulator)"
    customs_code = "SIMCARRIER"

    def waybill_number(self, order_number: str) -> str:
        return f"SIM{order_number}"

    def events(self, shipment: ShipmentView, *, now: datetime) -> list[CarrierEvent]:
        step = timedelta(minutes=conf.simulated_carrier_step_minutes())
        due = tracking.nodes_due(mode=shipment.mode, reached=shipment.reached,
                                 shipped_at=shipment.shipped_at, now=now, step=step)  # fmt: skip
        events = []
        for node, at in due:
            location, words = _SIMULATED_WORDS[node]
            if node == tracking.DISPATCHED:
                location = shipment.origin
                if shipment.mode == "1210":
                    words = "保税仓已出库，包裹已交运"
            events.append(CarrierEvent(node, at, location, words, f"{shipment.waybill_no}:{node}"))
        return events


CARRIERS: dict[str, Carrier] = {c.code: c for c in (ManualCarrier(), SimulatedCarrier())}


def carrier_for(code: str) -> Carrier:
    try:
        return CARRIERS[code]
    except KeyError:
        known = ", ".join(sorted(CARRIERS))
        raise LookupError(f"unknown carrier {code!r}; known: {known}") from None
