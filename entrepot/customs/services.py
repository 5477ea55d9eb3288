"""Writes of customs declarations: create, check and submit, receive receipts, correct,
resubmit, cancel. Keyword-only; each public function is one transaction per declaration.

The sweep (`declarations_sweep`, run every minute by the worker) declares paid CBEC
orders (destination CN) that have none: it books the waybill, builds the four documents
from the records (sources.py -> entrepot.domain.customs.build), runs the checks customs
run (domain.customs.checks; a failing declaration is held with the reason and never
sent), renders and validates the XML (domain.customs.ceb_xml) and hands it to the port.
Nothing of this runs in the checkout or payment transactions.

Receipts (`receipt_receive`) are idempotent: a duplicate, an older receipt of the same
message, or one for an attempt already replaced is recorded and changes nothing.
Accepted / cleared declarations move the order with `order_transition` ("declare", then
"clear"). A rejected declaration is corrected (`declaration_correct`) and resubmitted as
the next attempt of the same declaration: no new order, payment or ledger entry.

The port is called inside the declaration's transaction: for the simulated port, whose
side lives in the same database, that makes "recorded as sent" and "received" one
atomic step. A port over the network would instead send after commit from the stored
messages (an outbox), which the message rows already are, save the masked ID number.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from entrepot.customs import conf
from entrepot.customs.models import CustomsMessage, CustomsReceipt, Declaration, DeclarationEvent
from entrepot.customs.ports import CustomsPort, Outgoing, PortRejected, port_for
from entrepot.customs.sources import (
    Records,
    declaration_source,
    records_load,
    source_of,
)
from entrepot.domain.customs import ceb_xml, checks
from entrepot.domain.customs import receipts as r
from entrepot.domain.customs.build import (
    CHINA_TIME,
    build_cancel,
    build_documents,
    build_return,
)
from entrepot.domain.customs.documents import ANSWERS
from entrepot.domain.resident_id import mask_resident_id
from entrepot.logistics.models import Shipment
from entrepot.logistics.shipments import parcel_weight_correct, shipment_book, shipments_book
from entrepot.orders.models import Order
from entrepot.orders.services import order_transition
from entrepot.reviews.services import seller_stats_on_customs

logger = logging.getLogger(__name__)
SYSTEM = "system:customs"
SCHEMA_INVALID = "SCHEMA_INVALID"


class CancelRefused(ValueError):
    """The declaration cannot be cancelled in its state; the message says why."""


class SubmitRefused(ValueError):
    """The declaration cannot be (re)submitted in its state."""


@dataclass(frozen=True)
class SweepResult:
    created: int
    submitted: int
    held: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _event(declaration: Declaration, *, action: str, from_status: str, actor: str, note: str,
           now: datetime) -> None:  # fmt: skip
    DeclarationEvent.objects.create(
        declaration=declaration, action=action, from_status=from_status,
        to_status=declaration.status, actor=actor[:150], note=note, created_at=now,
    )  # fmt: skip


def redact(xml: bytes, id_number: str) -> bytes:
    """The XML with every occurrence of the clear ID number masked (the filed copy)."""
    if not id_number:
        return xml
    return xml.replace(id_number.encode("utf-8"), mask_resident_id(id_number).encode("utf-8"))


# --- create and submit -------------------------------------------------------------------


def declarable_orders():
    """Paid CBEC orders into China, paid through a checkout, without a declaration."""
    return (
        Order.objects.filter(
            status=Order.Status.PAID, destination_country="CN", currency="CNY",
            checkout__isnull=False, declaration__isnull=True,
        )
        .exclude(origin_country="CN")
        .order_by("paid_at", "id")
    )  # fmt: skip


def declaration_create(*, order: Order, now: datetime | None = None) -> Declaration:
    """The order's declaration, created (pending) with its waybill booked on first call."""
    now = now or timezone.now()
    shipment = shipment_book(order=order, now=now)
    with transaction.atomic():
        declaration, created = Declaration.objects.get_or_create(
            order=order,
            defaults={"trade_mode": shipment.mode, "port": conf.port_name(), "created_at": now,
                      "updated_at": now},
        )  # fmt: skip
        if created:
            _event(declaration, action="create", from_status="", actor=SYSTEM,
                   note=f"waybill {shipment.waybill_no} ({shipment.mode})", now=now)  # fmt: skip
    return declaration


def declarations_create(*, orders: list[Order], now: datetime) -> list[Declaration]:
    """Declarations (pending) for `orders`, their waybills booked, in a constant number of
    queries; one by one if another worker got to some of them first."""
    try:
        with transaction.atomic():
            shipments = shipments_book(orders=orders, now=now)
            drafts = [
                Declaration(order=order, trade_mode=shipments[order.pk].mode,
                            port=conf.port_name(), created_at=now, updated_at=now)  # fmt: skip
                for order in orders
            ]
            created = Declaration.objects.bulk_create(drafts)
            if any(d.pk is None for d in created):  # a database returning no ids
                ids = dict(Declaration.objects.filter(order__in=orders)
                           .values_list("order_id", "id"))  # fmt: skip
                for declaration in created:
                    declaration.pk = ids[declaration.order_id]
            DeclarationEvent.objects.bulk_create(
                DeclarationEvent(
                    declaration=d, action="create", from_status="", to_status=d.status,
                    actor=SYSTEM, created_at=now,
                    note=f"waybill {shipments[d.order_id].waybill_no} ({d.trade_mode})",
                )  # fmt: skip
                for d in created
            )
            return created
    except IntegrityError:
        return [declaration_create(order=order, now=now) for order in orders]


def _hold(declaration: Declaration, problems: list[checks.Problem], *, actor: str,
          now: datetime) -> None:  # fmt: skip
    before = declaration.status
    declaration.status = Declaration.Status.HELD
    declaration.reason_code = problems[0].code
    declaration.reason = "; ".join(str(p) for p in problems)
    declaration.updated_at = now
    declaration.save(update_fields=["status", "reason_code", "reason", "updated_at"])
    _event(declaration, action="check", from_status=before, actor=actor,
           note=declaration.reason, now=now)  # fmt: skip


@sensitive_variables("source")
def declaration_submit(
    *, declaration: Declaration, actor: str = SYSTEM, now: datetime | None = None,
    port: CustomsPort | None = None, records: Records | None = None,
) -> Declaration:  # fmt: skip
    """Check the declaration and, if it passes, send its next attempt to the port.

    Only a pending, held or rejected declaration is sent: submitting one that is already
    submitted (a duplicate call, a second worker) returns it unchanged. `records`: read
    beforehand for a batch (the sweep); used only if nobody touched the declaration since.
    """
    now = now or timezone.now()
    port = port or port_for(declaration.port)
    try:
        with transaction.atomic():
            locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
            if locked.status not in r.CAN_SUBMIT:
                return locked
            if records is None or locked.updated_at != declaration.updated_at:
                records = records_load([locked.order_id])[locked.order_id]
            _send(locked, records, actor=actor, now=now, port=port)
            return locked
    except PortRejected as error:
        with transaction.atomic():
            locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
            problem = checks.Problem(SCHEMA_INVALID, f"the port refused the upload: {error}",
                                     "CEB621", "")  # fmt: skip
            _hold(locked, [problem], actor=actor, now=now)
            return locked


@sensitive_variables("source", "outgoing")
def _send(declaration: Declaration, records: Records, *, actor: str, now: datetime,
          port: CustomsPort) -> None:  # fmt: skip
    source = source_of(declaration, records)
    attempt = declaration.attempt + 1
    docs = build_documents(source, attempt=attempt, at=now)
    problems = checks.check_documents(
        docs, year_to_date=records.year_to_date, today=now.astimezone(CHINA_TIME).date()
    )
    if problems:
        _hold(declaration, problems, actor=actor, now=now)
        return
    try:
        rendered = [(m, ceb_xml.render_valid(m)) for m in docs.messages()]
    except ceb_xml.SchemaInvalid as error:
        _hold(declaration, [checks.Problem(SCHEMA_INVALID, str(error), error.message_type, "")],
              actor=actor, now=now)  # fmt: skip
        return
    CustomsMessage.objects.bulk_create(
        CustomsMessage(
            declaration=declaration, attempt=attempt, message_type=m.type, guid=m.guid,
            sha256=_sha256(xml), filed_xml=redact(xml, source.buyer_id_number).decode("utf-8"),
            sent_at=now,
        )  # fmt: skip
        for m, xml in rendered
    )
    before = declaration.status
    declaration.attempt = attempt
    declaration.status = Declaration.Status.SUBMITTED
    declaration.trade_mode = source.trade_mode
    declaration.reason_code = declaration.reason = ""
    declaration.submitted_at = declaration.updated_at = now
    declaration.save()
    _event(declaration, action="submit", from_status=before, actor=actor,
           note=f"attempt {attempt}", now=now)  # fmt: skip
    outgoing = [Outgoing(m.type, m.guid, source.order_no, xml) for m, xml in rendered]
    port.submit(outgoing, now=now)


def declarations_sweep(
    *, now: datetime | None = None, port: CustomsPort | None = None, limit: int | None = None
) -> SweepResult:
    """Declare what is due: create declarations for paid CBEC orders without one, then
    submit every pending declaration. One transaction per declaration."""
    now = now or timezone.now()
    limit = limit or conf.sweep_batch()
    created = len(declarations_create(orders=list(declarable_orders()[:limit]), now=now))
    submitted = held = 0
    pending = list(Declaration.objects.filter(status=Declaration.Status.PENDING).order_by("id")
                   [:limit])  # fmt: skip
    records = records_load([d.order_id for d in pending])
    port = port or port_for()
    for declaration in pending:
        result = declaration_submit(declaration=declaration, now=now, port=port,
                                    records=records.get(declaration.order_id))  # fmt: skip
        submitted += result.status == Declaration.Status.SUBMITTED
        held += result.status == Declaration.Status.HELD
    return SweepResult(created=created, submitted=submitted, held=held)


# --- receipts ----------------------------------------------------------------------------


def receipts_collect(*, now: datetime | None = None, port: CustomsPort | None = None,
                     limit: int = 1000) -> int:  # fmt: skip
    """Take the receipts the port has ready; each is processed and acknowledged in one
    transaction. The number taken."""
    now = now or timezone.now()
    port = port or port_for()
    taken = 0
    for incoming in port.receipts(now=now, limit=limit):
        with transaction.atomic():
            receipt_receive(xml=incoming.xml, now=now)
            port.acknowledge(incoming.ref, now=now)
        taken += 1
    return taken


def _record(
    xml: bytes, *, now: datetime, outcome: str, message=None, head=None, receipt_type: str = "",
    declaration=None, note: str = "",
) -> CustomsReceipt:  # fmt: skip
    return CustomsReceipt.objects.create(
        declaration=declaration, message=message, receipt_type=receipt_type,
        return_status=getattr(head, "return_status", ""),
        return_time=getattr(head, "return_time", ""),
        return_info=note or getattr(head, "return_info", ""), outcome=outcome, sha256=_sha256(xml),
        raw_xml=xml.decode("utf-8", errors="replace")[:20000], received_at=now,
    )  # fmt: skip


def receipt_receive(*, xml: bytes, now: datetime | None = None) -> CustomsReceipt:
    """Take in one receipt as it arrived; apply it if it is new and the newest for its
    message, else record it and change nothing."""
    now = now or timezone.now()
    try:
        receipt = ceb_xml.parse(xml)
    except ceb_xml.CebXmlError as error:
        logger.warning("customs receipt unreadable: %s", error)
        return _record(xml, now=now, outcome=r.UNMATCHED, note=str(error)[:500])
    if receipt.type not in ANSWERS:
        return _record(xml, now=now, outcome=r.UNMATCHED, receipt_type=receipt.type,
                       head=receipt.head, note=f"{receipt.type} is not a receipt")  # fmt: skip
    head = receipt.head
    with transaction.atomic():
        # the declaration locked first, then its message read: fresh under the lock
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .filter(messages__guid=head.guid).first()
        )  # fmt: skip
        sent = declaration and declaration.messages.filter(guid=head.guid).first()
        if not sent or sent.message_type != ANSWERS[receipt.type]:
            return _record(xml, now=now, outcome=r.UNMATCHED, receipt_type=receipt.type,
                           head=head)  # fmt: skip
        outcome = r.receipt_outcome(
            duplicate=sent.receipts.filter(sha256=_sha256(xml)).exists(),
            attempt=sent.attempt, current_attempt=declaration.attempt,
            last_time=sent.last_return_time, return_time=head.return_time,
        )  # fmt: skip
        recorded = _record(xml, now=now, outcome=outcome, message=sent, head=head,
                           receipt_type=receipt.type, declaration=declaration)  # fmt: skip
        if outcome != r.APPLIED:
            return recorded
        sent.last_return_time = head.return_time
        sent.return_info = head.return_info
        sent.state = (
            r.cancel_state(head.return_status) if sent.message_type == "CEB623"
            else r.doc_state(head.return_status)
        )  # fmt: skip
        sent.save(update_fields=["last_return_time", "return_info", "state"])
        if receipt.type == "CEB622" and head.invt_no:
            declaration.invt_no = head.invt_no
        _settle(declaration, now=now)
    return recorded


def _settle(declaration: Declaration, *, now: datetime) -> None:
    """Recompute the declaration's status from its messages' states; move the order."""
    if declaration.status == Declaration.Status.CANCELLED:
        declaration.save(update_fields=["invt_no"])
        return
    current = CustomsMessage.objects.filter(declaration=declaration, attempt=declaration.attempt)
    states = dict(current.values_list("message_type", "state"))
    cancel = states.pop("CEB623", None)
    states.pop("CEB625", None)  # a return application after release does not unsettle it
    status = r.declaration_status(states, cancel)
    before = declaration.status
    if status == before:
        declaration.save(update_fields=["invt_no"])
        return
    declaration.status = status
    declaration.updated_at = now
    if status == Declaration.Status.REJECTED:
        rejected = current.filter(state=r.DOC_REJECTED).order_by("message_type").first()
        info = rejected.return_info if rejected else ""
        declaration.reason_code = info.split(":", 1)[0].strip()[:40] if ":" in info else ""
        declaration.reason = info
    if status == Declaration.Status.CLEARED:
        declaration.cleared_at = now
    if status in (Declaration.Status.ACCEPTED, Declaration.Status.CLEARED):
        declaration.reason_code = declaration.reason = ""
    declaration.save()
    _event(declaration, action="receipt", from_status=before, actor=f"customs:{declaration.port}",
           note=declaration.reason, now=now)  # fmt: skip
    seller_stats_on_customs(order_id=declaration.order_id, before=before, after=status)
    _move_order(declaration, status)


def _move_order(declaration: Declaration, status: str) -> None:
    if status not in (Declaration.Status.ACCEPTED, Declaration.Status.CLEARED):
        return
    order = Order.objects.get(pk=declaration.order_id)
    actor = f"customs:{declaration.port}"
    note = f"inventory {declaration.invt_no}" if declaration.invt_no else ""
    if order.status == Order.Status.PAID:
        order = order_transition(order=order, event="declare", actor=actor, note=note)
    if status == Declaration.Status.CLEARED and order.status == Order.Status.DECLARED:
        order_transition(order=order, event="clear", actor=actor, note=note)


# --- operator actions --------------------------------------------------------------------


@transaction.atomic
def declaration_correct(
    *, declaration: Declaration, actor: str, consignee_name: str = "", consignee_phone: str = "",
    consignee_address: str = "", gross_weight_kg=None, now: datetime | None = None,
) -> Declaration:  # fmt: skip
    """Correct what the records got wrong before resubmitting: the consignee as declared
    (kept on the declaration, the order's records stay as the buyer gave them) and the
    parcel's gross weight (on the shipment). Only fields given change."""
    now = now or timezone.now()
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status not in r.CAN_SUBMIT:
        raise SubmitRefused(f"a {locked.status} declaration cannot be corrected")
    given = {"consignee_name": consignee_name.strip(), "consignee_phone": consignee_phone.strip(),
             "consignee_address": consignee_address.strip()}  # fmt: skip
    changed = [k for k, v in given.items() if v and v != locked.corrections.get(k)]
    locked.corrections = {**locked.corrections, **{k: given[k] for k in changed}}
    if gross_weight_kg is not None:
        parcel_weight_correct(shipment=Shipment.objects.get(order_id=locked.order_id),
                              gross_weight_kg=gross_weight_kg)  # fmt: skip
        changed.append("gross_weight_kg")
    locked.updated_at = now
    locked.save(update_fields=["corrections", "updated_at"])
    # field names only: the values are personal data
    _event(locked, action="correct", from_status=locked.status, actor=actor,
           note="corrected: " + (", ".join(changed) or "nothing"), now=now)  # fmt: skip
    return locked


def declaration_resubmit(
    *, declaration: Declaration, actor: str, now: datetime | None = None,
    port: CustomsPort | None = None,
) -> Declaration:  # fmt: skip
    """Send a held or rejected declaration again, as its next attempt."""
    if declaration.status not in (Declaration.Status.HELD, Declaration.Status.REJECTED):
        raise SubmitRefused(
            f"only a held or rejected declaration is resubmitted; this one is {declaration.status}"
        )
    return declaration_submit(declaration=declaration, actor=actor, now=now, port=port)


@sensitive_variables("source")
def declaration_cancel(
    *, declaration: Declaration, actor: str, reason: str, now: datetime | None = None,
    port: CustomsPort | None = None,
) -> Declaration:  # fmt: skip
    """Cancel before release: at once when nothing is lodged with customs, else by a
    CEB623 the port answers (cancelled, or refused when the goods are already released).
    The order keeps its state: a refund goes through payments."""
    now = now or timezone.now()
    port = port or port_for(declaration.port)
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        before = locked.status
        if before in r.CANCEL_HERE:
            locked.status = Declaration.Status.CANCELLED
            locked.updated_at = now
            locked.save(update_fields=["status", "updated_at"])
            _event(locked, action="cancel", from_status=before, actor=actor, note=reason, now=now)
            return locked
        if before not in r.CANCEL_AT_PORT:
            raise CancelRefused(_cancel_refusal(before))
        source = declaration_source(locked)
        message = build_cancel(source, attempt=locked.attempt, at=now, reason=reason or "cancel",
                               invt_no=locked.invt_no)  # fmt: skip
        xml = ceb_xml.render_valid(message)
        CustomsMessage.objects.create(
            declaration=locked, attempt=locked.attempt, message_type="CEB623", guid=message.guid,
            sha256=_sha256(xml), filed_xml=redact(xml, source.buyer_id_number).decode("utf-8"),
            sent_at=now,
        )  # fmt: skip
        locked.status = Declaration.Status.CANCELLING
        locked.updated_at = now
        locked.save(update_fields=["status", "updated_at"])
        _event(locked, action="cancel", from_status=before, actor=actor, note=reason, now=now)
        port.submit([Outgoing("CEB623", message.guid, source.order_no, xml)], now=now)
        return locked


class ReturnRefused(ValueError):
    """No return application (CEB625) can be made for the declaration; the message says why."""


@sensitive_variables("source")
def declaration_return_apply(
    *, declaration: Declaration, actor: str, reason: str, quantities: dict[int, int],
    now: datetime | None = None, port: CustomsPort | None = None,
) -> CustomsMessage:  # fmt: skip
    """Apply to customs to return goods they released: a CEB625 naming the lines
    (`quantities`: order line id -> units coming back), validated against the schema,
    filed and sent through the port like a cancellation (CEB623). The declaration stays
    cleared; the return is recorded as its event. The caller checks the window (rules
    sheet §1 "Returns": within 30 days of release)."""
    now = now or timezone.now()
    port = port or port_for(declaration.port)
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != Declaration.Status.CLEARED:
            raise ReturnRefused(
                f"a {locked.status} declaration has no released goods to return: only a "
                "cleared one does (before release, cancel it with a CEB623)"
            )
        records = records_load([locked.order_id])[locked.order_id]
        source = source_of(locked, records)
        positions = {line.pk: number for number, line in enumerate(records.lines, start=1)}
        unknown = sorted(set(quantities) - set(positions))
        if unknown:
            raise ReturnRefused(f"order lines {unknown} are not on the declaration")
        # one application per declared inventory list (customs number one return per
        # list here); a second return of the same order is handled by the platform
        if locked.messages.filter(message_type="CEB625", attempt=locked.attempt).exists():
            raise ReturnRefused("a return application (CEB625) was already sent for this order")
        sequence = 1
        message = build_return(
            source, attempt=locked.attempt, at=now, reason=reason, invt_no=locked.invt_no,
            quantities={positions[pk]: qty for pk, qty in quantities.items()},
            sequence=sequence,
        )  # fmt: skip
        xml = ceb_xml.render_valid(message)
        filed = CustomsMessage.objects.create(
            declaration=locked, attempt=locked.attempt, message_type="CEB625", guid=message.guid,
            sha256=_sha256(xml), filed_xml=redact(xml, source.buyer_id_number).decode("utf-8"),
            sent_at=now,
        )  # fmt: skip
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        _event(locked, action="return", from_status=locked.status, actor=actor,
               note=f"return application {sequence}: {reason}"[:1000], now=now)  # fmt: skip
        port.submit([Outgoing("CEB625", message.guid, source.order_no, xml)], now=now)
        return filed


def _cancel_refusal(status: str) -> str:
    if status == Declaration.Status.CLEARED:
        return ("customs have released the goods: a released order is returned through a "
                "return application (CEB625), not cancelled")  # fmt: skip
    return f"a {status} declaration cannot be cancelled"
