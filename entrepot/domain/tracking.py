"""Parcel tracking from the seller's door to the buyer's, and the shipping deadline.

Nodes, end to end (Tmall Global practice, shared/domain/cross-border-rules.md §1:
"one tracking number end to end; tracking nodes: overseas warehouse -> line haul ->
customs clearance -> domestic delivery"):

    direct mail (9610):   dispatched -> line_haul -> arrived_cn -> customs_clearance
                          -> domestic_delivery -> delivered
    bonded (1210):        dispatched (out of the bonded warehouse, after clearance)
                          -> domestic_delivery -> delivered

Carriers report nodes out of order or twice; the timeline orders them by route
position, then time, and a node counts once. The seller ships within 120 hours of
payment (Tmall practice, not law: configurable).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

DISPATCHED, LINE_HAUL, ARRIVED_CN = "dispatched", "line_haul", "arrived_cn"
CUSTOMS_CLEARANCE, DOMESTIC_DELIVERY, DELIVERED = (
    "customs_clearance", "domestic_delivery", "delivered",
)  # fmt: skip
NODES = (DISPATCHED, LINE_HAUL, ARRIVED_CN, CUSTOMS_CLEARANCE, DOMESTIC_DELIVERY, DELIVERED)
ROUTES = {
    "9610": NODES,
    "1210": (DISPATCHED, DOMESTIC_DELIVERY, DELIVERED),
}
SHIP_WITHIN_HOURS = 120


@dataclass(frozen=True)
class NodeEvent:
    node: str
    at: datetime
    location: str = ""
    description: str = ""


def route(mode: str) -> tuple[str, ...]:
    """The nodes a parcel of customs mode `mode` passes, in order (direct mail by default)."""
    return ROUTES.get(mode, NODES)


def timeline(events: Iterable[NodeEvent], mode: str) -> list[NodeEvent]:
    """One event per node (the earliest report of it), in route order: what the buyer sees."""
    order = {node: i for i, node in enumerate(route(mode))}
    first: dict[str, NodeEvent] = {}
    for event in events:
        seen = first.get(event.node)
        if seen is None or event.at < seen.at:
            first[event.node] = event
    return sorted(first.values(), key=lambda e: (order.get(e.node, len(order)), e.at))


def nodes_due(
    *, mode: str, reached: Iterable[str], shipped_at: datetime, now: datetime, step: timedelta
) -> list[tuple[str, datetime]]:
    """For a simulated carrier: the nodes not yet reported whose time has come, with their
    times — node k of the route is reached at shipped_at + k x step."""
    done = set(reached)
    due = []
    for position, node in enumerate(route(mode)):
        at = shipped_at + step * position
        if node not in done and at <= now:
            due.append((node, at))
    return due


def ship_by(paid_at: datetime, *, hours: int = SHIP_WITHIN_HOURS) -> datetime:
    """The latest time the seller should hand the parcel over."""
    return paid_at + timedelta(hours=hours)


def is_overdue(*, paid_at: datetime, shipped_at: datetime | None, now: datetime,
               hours: int = SHIP_WITHIN_HOURS) -> bool:  # fmt: skip
    """Not shipped within `hours` of payment (whether it is shipped by now or not)."""
    deadline = ship_by(paid_at, hours=hours)
    return (shipped_at or now) > deadline
