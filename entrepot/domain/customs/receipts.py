"""Receipts and the declaration's status: which receipt counts, and what it makes of it.

Customs answer each message with a receipt (CEB312/412/512 for the order, payment and
waybill; CEB622 for the inventory list, first accepted, later released; CEB624 for a
cancellation, CEB623). Receipts can arrive twice or out of order: each carries
`returnTime` (yyyyMMddHHmmssSSS), and for one message only a receipt newer than the
last one applied counts; an older or repeated one is recorded and ignored. Receipts
of an earlier attempt (before a correction was resubmitted) are recorded as
superseded. Rules sheet: shared/domain/cross-border-rules.md §1 ("Receipts: 312, 412,
512, 622. Also 623 cancel").

Return status codes (a subset of CEB's): 120 accepted into the customs system, 100
returned (rejected, `returnInfo` says why), 800 released. A CEB624 answers 120 when
the list is cancelled and 100 when it cannot be (already released).

Declaration statuses:

    pending ─submit─> submitted ──> accepted ──> cleared
       │                  │  └────> rejected ─resubmit─> submitted
       └─(checks fail)─> held ─resubmit─> submitted
    pending | held | rejected ─cancel─> cancelled              (nothing lodged to cancel)
    submitted | accepted ─cancel (CEB623)─> cancelling ──> cancelled, or back if refused
"""

from __future__ import annotations

from collections.abc import Mapping

from entrepot.domain.customs.documents import DECLARATION_TYPES

ACCEPTED, REJECTED, RELEASED = "120", "100", "800"

# a document's state at the port, as the receipts say
DOC_SENT, DOC_ACCEPTED, DOC_REJECTED, DOC_RELEASED = "sent", "accepted", "rejected", "released"
CANCEL_SENT, CANCEL_DONE, CANCEL_REFUSED = "sent", "cancelled", "refused"

PENDING, HELD, SUBMITTED, ACCEPTED_STATUS = "pending", "held", "submitted", "accepted"
REJECTED_STATUS, CLEARED, CANCELLING, CANCELLED = "rejected", "cleared", "cancelling", "cancelled"
STATUSES = (PENDING, HELD, SUBMITTED, ACCEPTED_STATUS, REJECTED_STATUS, CLEARED, CANCELLING,
            CANCELLED)  # fmt: skip
CAN_SUBMIT = frozenset({PENDING, HELD, REJECTED_STATUS})
# nothing of these is lodged with customs: a cancellation needs no CEB623
CANCEL_HERE = frozenset({PENDING, HELD, REJECTED_STATUS})
CANCEL_AT_PORT = frozenset({SUBMITTED, ACCEPTED_STATUS})

# outcomes of one receipt
APPLIED, DUPLICATE, STALE, SUPERSEDED, UNMATCHED = (
    "applied", "duplicate", "stale", "superseded", "unmatched",
)  # fmt: skip


def doc_state(return_status: str) -> str:
    """The state of a declaration document after a receipt with `return_status`."""
    if return_status == RELEASED:
        return DOC_RELEASED
    if return_status == ACCEPTED:
        return DOC_ACCEPTED
    if return_status.startswith("-") or return_status == REJECTED:
        return DOC_REJECTED
    return DOC_SENT  # intermediate statuses (in processing) change nothing we act on


def cancel_state(return_status: str) -> str:
    return CANCEL_DONE if return_status == ACCEPTED else CANCEL_REFUSED


def receipt_outcome(
    *, duplicate: bool, attempt: int, current_attempt: int, last_time: str, return_time: str
) -> str:
    """Whether a receipt for a known message counts: APPLIED, or DUPLICATE (the same
    receipt again), SUPERSEDED (for an attempt already replaced) or STALE (not newer than
    the last receipt applied to that message)."""
    if duplicate:
        return DUPLICATE
    if attempt < current_attempt:
        return SUPERSEDED
    if last_time and return_time <= last_time:
        return STALE
    return APPLIED


def documents_outcome(states: Mapping[str, str]) -> str:
    """A declaration's status from its four documents' states: any rejection rejects it;
    a released inventory list clears it (customs release only matched documents); all
    accepted accept it; anything else is still submitted."""
    values = [states.get(t, DOC_SENT) for t in DECLARATION_TYPES]
    if DOC_REJECTED in values:
        return REJECTED_STATUS
    if states.get("CEB621") == DOC_RELEASED:
        return CLEARED
    if all(v in (DOC_ACCEPTED, DOC_RELEASED) for v in values):
        return ACCEPTED_STATUS
    return SUBMITTED


def declaration_status(states: Mapping[str, str], cancel: str | None = None) -> str:
    """The status of a submitted declaration from its documents and its cancellation
    (None: never asked). A release that comes before the answer to a cancellation wins:
    customs will refuse it."""
    if cancel == CANCEL_DONE:
        return CANCELLED
    outcome = documents_outcome(states)
    if cancel == CANCEL_SENT and outcome != CLEARED:
        return CANCELLING
    return outcome
