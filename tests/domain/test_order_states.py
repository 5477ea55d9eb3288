import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrepot.domain.order_states import (
    EVENTS,
    FINAL,
    STATES,
    IllegalTransition,
    allowed_events,
    next_state,
)


def test_the_happy_path_from_placed_to_completed():
    state = "placed"
    for event in ("pay", "declare", "clear", "ship", "deliver", "complete"):
        state = next_state(state, event)
    assert state == "completed"


def test_an_unpaid_order_is_cancelled_and_a_paid_one_refunded():
    assert next_state("placed", "cancel") == "cancelled"
    assert next_state("paid", "refund") == "refunded"
    assert next_state("declared", "refund") == "refunded"


def test_returns_end_in_a_refund():
    assert next_state(next_state("delivered", "return"), "refund") == "refunded"


def test_shipping_is_refused_before_payment_naming_what_is_allowed():
    # paid orders outside China and cleared ones in China ship; logistics checks which
    with pytest.raises(IllegalTransition, match="cannot ship an order that is declared: only "
                                                "an order that is paid, cleared can"):  # fmt: skip
        next_state("declared", "ship")
    assert next_state("paid", "ship") == next_state("cleared", "ship") == "shipped"


def test_unknown_events_and_states_are_named():
    with pytest.raises(IllegalTransition, match="unknown event 'teleport'"):
        next_state("paid", "teleport")
    with pytest.raises(IllegalTransition, match="unknown order state 'lost'"):
        next_state("lost", "pay")


@given(st.lists(st.sampled_from(sorted(EVENTS)), max_size=20))
def test_any_sequence_of_events_stays_within_known_states_and_final_is_final(events):
    state = "placed"
    for event in events:
        if event in allowed_events(state):
            state = next_state(state, event)
            assert state in STATES
        else:
            with pytest.raises(IllegalTransition):
                next_state(state, event)
    if state in FINAL:
        assert allowed_events(state) == []
