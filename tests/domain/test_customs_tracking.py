"""Tracking nodes end to end, and the 120-hour shipping rule (pure)."""

from datetime import UTC, datetime, timedelta

from entrepot.domain import tracking as t

SHIPPED = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_direct_mail_passes_every_node_and_bonded_skips_the_line_haul():
    assert t.route("9610") == (
        "dispatched", "line_haul", "arrived_cn", "customs_clearance", "domestic_delivery",
        "delivered",
    )  # fmt: skip
    assert t.route("1210") == ("dispatched", "domestic_delivery", "delivered")


def test_the_timeline_orders_nodes_by_route_and_keeps_the_first_report_of_each():
    events = [
        t.NodeEvent("delivered", SHIPPED + timedelta(days=6)),
        t.NodeEvent("line_haul", SHIPPED + timedelta(days=1)),
        t.NodeEvent("dispatched", SHIPPED),
        t.NodeEvent("line_haul", SHIPPED + timedelta(days=2)),  # reported again, later
    ]
    line = t.timeline(events, "9610")
    assert [e.node for e in line] == ["dispatched", "line_haul", "delivered"]
    assert line[1].at == SHIPPED + timedelta(days=1)


def test_a_simulated_carrier_reaches_one_node_per_step():
    step = timedelta(hours=4)
    due = t.nodes_due(mode="9610", reached=["dispatched"], shipped_at=SHIPPED,
                      now=SHIPPED + timedelta(hours=9), step=step)  # fmt: skip
    assert due == [("line_haul", SHIPPED + step), ("arrived_cn", SHIPPED + 2 * step)]


def test_shipping_after_120_hours_is_late():
    paid = datetime(2026, 12, 1, tzinfo=UTC)
    assert t.ship_by(paid) == paid + timedelta(hours=120)
    assert not t.is_overdue(paid_at=paid, shipped_at=None, now=paid + timedelta(hours=119))
    assert t.is_overdue(paid_at=paid, shipped_at=None, now=paid + timedelta(hours=121))
    assert not t.is_overdue(paid_at=paid, shipped_at=paid + timedelta(hours=100),
                            now=paid + timedelta(days=30))  # fmt: skip
    assert t.is_overdue(paid_at=paid, shipped_at=None, now=paid + timedelta(hours=49), hours=48)
