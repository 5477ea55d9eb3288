"""The worker's periodic tasks of customs and logistics run, and do nothing when idle."""

from entrepot.customs.tasks import customs_cycle
from entrepot.logistics.tasks import bonded_dispatch, carrier_events, shipping_deadlines


def test_every_periodic_task_runs_and_finds_nothing_to_do_on_an_empty_marketplace():
    assert customs_cycle.call_local() == {"created": 0, "submitted": 0, "held": 0, "receipts": 0}
    assert carrier_events.call_local() == 0
    assert bonded_dispatch.call_local() == 0
    assert shipping_deadlines.call_local() == 0
