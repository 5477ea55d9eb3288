"""The order lifecycle as an explicit state machine.

    placed -> paid -> declared -> cleared -> shipped -> delivered -> completed
    placed -> paid -> shipped -> ...          (no customs declaration: outside China)
    placed -> cancelled                       (unpaid: nothing to give back)
    paid | declared -> refunded               (cancelled after payment, or customs refused)
    delivered | completed -> returned -> refunded

Every change is an event with an actor and a time (stored by the orders app); an
event not allowed in the current state is refused with a message that says which
states allow it.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACED, PAID, DECLARED, CLEARED = "placed", "paid", "declared", "cleared"
SHIPPED, DELIVERED, COMPLETED = "shipped", "delivered", "completed"
CANCELLED, REFUNDED, RETURNED = "cancelled", "refunded", "returned"

STATES = (PLACED, PAID, DECLARED, CLEARED, SHIPPED, DELIVERED, COMPLETED, CANCELLED, REFUNDED,
          RETURNED)  # fmt: skip
FINAL = frozenset({CANCELLED, REFUNDED})


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    sources: frozenset[str]
    target: str


EVENTS: dict[str, Event] = {
    e.name: e
    for e in (
        Event("pay", frozenset({PLACED}), PAID),
        Event("declare", frozenset({PAID}), DECLARED),
        Event("clear", frozenset({DECLARED}), CLEARED),
        # from paid only where no declaration is needed: logistics checks the corridor
        Event("ship", frozenset({PAID, CLEARED}), SHIPPED),
        Event("deliver", frozenset({SHIPPED}), DELIVERED),
        Event("complete", frozenset({DELIVERED}), COMPLETED),
        Event("cancel", frozenset({PLACED}), CANCELLED),
        Event("refund", frozenset({PAID, DECLARED, RETURNED}), REFUNDED),
        Event("return", frozenset({DELIVERED, COMPLETED}), RETURNED),
    )
}

# placed and paid orders count toward the buyer's yearly cross-border quota; cancelled,
# refunded and returned ones give it back
COUNTS_TOWARD_QUOTA = frozenset(set(STATES) - {CANCELLED, REFUNDED, RETURNED})


class IllegalTransition(ValueError):
    """The event is not allowed in the order's current state."""


def next_state(current: str, event: str) -> str:
    """The state after `event`, or IllegalTransition saying what is allowed."""
    if current not in STATES:
        raise IllegalTransition(f"unknown order state {current!r}")
    try:
        rule = EVENTS[event]
    except KeyError:
        raise IllegalTransition(
            f"unknown event {event!r}; events are: {', '.join(sorted(EVENTS))}"
        ) from None
    if current not in rule.sources:
        allowed = ", ".join(s for s in STATES if s in rule.sources)
        raise IllegalTransition(
            f"cannot {event} an order that is {current}: only an order that is {allowed} can"
        )
    return rule.target


def allowed_events(current: str) -> list[str]:
    return [name for name, rule in EVENTS.items() if current in rule.sources]
