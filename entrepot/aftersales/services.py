"""Writes of returns, refunds and disputes. Keyword-only; views check who may call them.

Returns: `return_request` (buyer, inside the window) -> `return_accept` (seller or
operator, or the deadline task: a label and the return address; CEB625 to customs for
a CBEC order) or `return_reject` -> `return_receive` (seller, or the operator for the
bonded warehouse) which refunds through `refund_issue`.

Refunds (`refund_issue`) are ordered wallet first, ledger second:

1. one transaction locks the order, checks what is left to refund and records the
   Refund as "pending" (its amount counts as taken, so two refunds at once cannot
   together exceed the order);
2. the wallet is asked (`payment_refund`), outside any transaction: a refusal marks the
   Refund "failed" and raises RefundRefused; nothing reaches the ledger;
3. one transaction posts the ledger (`post_refund`, keyed by the refund id, so a repeat
   posts nothing), adds the refund to the order and moves its state.

So the ledger never records money the wallet did not give back. Should step 3 fail
after the wallet paid (a crash), the Refund stays "paid" and `refunds_post_pending`
(every ten minutes) posts it: idempotent, so retries are safe.

Disputes: `dispute_open` (buyer) -> `dispute_answer` (seller, within the answer
deadline; `disputes_deadlines_enforce` escalates to the operator otherwise) ->
`dispute_reply` (buyer escalates, or accepts the answer; silence past the reply
deadline closes it) -> `dispute_resolve` (operator: refund, partial refund, reject).

Errors, all with a message for the person who asked::

    AftersalesError
    ├── ReturnRefused    the return cannot be asked for / moved as asked
    ├── RefundRefused    nothing (or not that much) to refund, or the wallet said no
    └── DisputeRefused   the dispute cannot be opened / moved as asked

Refunds live in refunds.py, disputes in disputes.py, errors in exceptions.py; this
module holds the returns and names every public write of the app in `__all__`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from entrepot.aftersales import conf
from entrepot.aftersales.disputes import (
    PARTIAL,
    REFUND,
    REJECT,
    DeadlineResult,
    dispute_answer,
    dispute_open,
    dispute_reply,
    dispute_resolve,
    disputes_deadlines_enforce,
)
from entrepot.aftersales.exceptions import (
    AftersalesError,
    DisputeRefused,
    RefundRefused,
    ReturnRefused,
)
from entrepot.aftersales.models import ReturnLine, ReturnPhoto, ReturnRequest
from entrepot.aftersales.refunds import refund_issue, refund_post, refunds_post_pending
from entrepot.domain import aftersales as rules
from entrepot.orders.models import Order, OrderEvent
from entrepot.orders.services import order_transition
from entrepot.reviews.services import seller_stats_bump

__all__ = [
    "PARTIAL", "REFUND", "REJECT", "AftersalesError", "DeadlineResult", "DisputeRefused",
    "RefundRefused", "ReturnRefused", "delivered_at", "dispute_answer", "dispute_open",
    "dispute_reply", "dispute_resolve", "disputes_deadlines_enforce", "refund_issue",
    "refund_post", "refunds_post_pending", "released_at", "return_accept", "return_receive",
    "return_reject", "return_request", "returns_answer_overdue", "returns_expire_overdue",
    "window_of",
]  # fmt: skip

logger = logging.getLogger(__name__)
SYSTEM = "system:aftersales"


def _fmt(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


# --- windows -----------------------------------------------------------------------------


def delivered_at(order: Order) -> datetime | None:
    event = OrderEvent.objects.filter(order=order, event="deliver").order_by("-created_at").first()
    return event.created_at if event else None


def released_at(order: Order) -> datetime | None:
    """When customs released the goods (the declaration's clearance), if they did."""
    from entrepot.customs.models import Declaration

    return (
        Declaration.objects.filter(order=order, status=Declaration.Status.CLEARED)
        .values_list("cleared_at", flat=True)
        .first()
    )


def window_of(order: Order) -> rules.ReturnWindow | None:
    cbec = rules.is_cbec(origin=order.origin_country, destination=order.destination_country)
    return rules.return_window(
        cbec=cbec,
        released_at=released_at(order) if cbec else None,
        delivered_at=delivered_at(order),
        standard_days=conf.return_window_days(),
        cbec_apply_days=conf.cbec_apply_days(),
        cbec_goods_days=conf.cbec_goods_days(),
    )


def _window_refusal(order: Order, window: rules.ReturnWindow | None, now: datetime) -> str:
    if window is None:
        if rules.is_cbec(origin=order.origin_country, destination=order.destination_country):
            return _(
                "Customs have not released this cross-border order yet: a return can be "
                "asked for within %(days)d days of release."
            ) % {"days": conf.cbec_apply_days()}
        return _("This order has not been delivered yet: a return can be asked for after delivery.")
    if window.rule == rules.CBEC:
        return _(
            "The return window has closed: customs released this cross-border order on "
            "%(start)s and a return had to be asked for within %(days)d days, by %(deadline)s."
        ) % {"start": _fmt(window.starts_at), "days": conf.cbec_apply_days(),
             "deadline": _fmt(window.apply_by)}  # fmt: skip
    return _(
        "The return window has closed: the order was delivered on %(start)s and a return "
        "had to be asked for within %(days)d days, by %(deadline)s."
    ) % {"start": _fmt(window.starts_at), "days": conf.return_window_days(),
         "deadline": _fmt(window.apply_by)}  # fmt: skip


# --- returns -----------------------------------------------------------------------------


def _returned_quantities(order: Order) -> dict[int, int]:
    """Units of each line already in a return that is open or done (not refused/expired)."""
    rows = (
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(
            return_request__status__in=[ReturnRequest.Status.REJECTED, ReturnRequest.Status.EXPIRED]
        )  # fmt: skip
        .values("order_line_id")
        .annotate(n=Sum("quantity"))
    )
    return {row["order_line_id"]: row["n"] for row in rows}


def _photo_store(*, return_request: ReturnRequest, upload) -> ReturnPhoto:
    """Check a photo as product pictures are checked (entrepot.catalog.images: JPEG, PNG
    or WebP, at most 10 MB and 40 megapixels), strip its metadata and keep a JPEG."""
    from entrepot.catalog import images

    try:
        picture = images._cleaned(images._opened(images._read(upload)))
    except images.ImageRejected as exc:
        raise ReturnRefused(str(exc)) from None
    picture.thumbnail((1600, 1600), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True)
    data = buffer.getvalue()
    name = f"returns/{return_request.pk}/{hashlib.sha256(data).hexdigest()[:16]}.jpg"
    # a refused request rolls back the row; the file (named by its content) is then an
    # orphan in the media storage, which nothing links to
    stored = default_storage.save(name, ContentFile(data))
    return ReturnPhoto.objects.create(return_request=return_request, image=stored)


def return_request(
    *, order: Order, actor: str, reason: str, text: str = "",
    quantities: dict[int, int] | None = None, photos: list | tuple = (),
    now: datetime | None = None,
) -> ReturnRequest:  # fmt: skip
    """The buyer asks to return `quantities` (order line id -> units; None: everything)
    of a delivered order, inside the window (CBEC: 30 days of customs release; other
    orders: ENTREPOT_RETURN_WINDOW_DAYS of delivery). Raises ReturnRefused saying why."""
    now = now or timezone.now()
    if reason not in ReturnRequest.Reason.values:
        raise ReturnRefused(
            _("Choose a reason from the list: %(allowed)s.")
            % {"allowed": ", ".join(ReturnRequest.Reason.values)}
        )
    if len(photos) > conf.MAX_PHOTOS:
        raise ReturnRefused(_("At most %(n)d photos, please.") % {"n": conf.MAX_PHOTOS})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in (Order.Status.DELIVERED, Order.Status.COMPLETED):
            raise ReturnRefused(
                _("Only a delivered order can be returned; this one is “%(status)s”.")
                % {"status": order.get_status_display()}
            )
        window = window_of(order)
        if window is None or not window.open_at(now):
            raise ReturnRefused(_window_refusal(order, window, now))
        if order.return_requests.filter(status__in=ReturnRequest.OPEN).exists():
            raise ReturnRefused(_("A return of this order is already open."))
        lines = {line.pk: line for line in order.lines.all()}
        taken = _returned_quantities(order)
        if quantities is None:
            quantities = {pk: line.quantity - taken.get(pk, 0) for pk, line in lines.items()}
        quantities = {pk: qty for pk, qty in quantities.items() if qty}
        if not quantities:
            raise ReturnRefused(_("Choose at least one item to return."))
        for pk, qty in quantities.items():
            if pk not in lines:
                raise ReturnRefused(_("Line %(line)s is not on this order.") % {"line": pk})
            left = lines[pk].quantity - taken.get(pk, 0)
            if qty < 0 or qty > left:
                raise ReturnRefused(
                    _("%(title)s: %(asked)d asked back, %(left)d can be returned.")
                    % {"title": lines[pk].title_en, "asked": qty, "left": left}
                )
        kind, address = _return_address(order)
        request = ReturnRequest.objects.create(
            order=order, reason=reason, text=text[:2000], rule=window.rule,
            window_starts_at=window.starts_at, apply_by=window.apply_by,
            goods_due_by=window.goods_back_by, seller_answer_by=now + conf.return_answer(),
            return_to_kind=kind, return_address=address[:400], requested_at=now,
        )  # fmt: skip
        ReturnLine.objects.bulk_create(
            ReturnLine(return_request=request, order_line_id=pk, quantity=qty)
            for pk, qty in quantities.items()
        )
        for upload in photos:
            _photo_store(return_request=request, upload=upload)
        logger.info("return %s of order %s asked for by %s", request.pk, order.number, actor)
        return request


def _return_address(order: Order) -> tuple[str, str]:
    """Bonded-warehouse stock goes back to that warehouse; the rest to the seller."""
    line = order.lines.select_related("warehouse").filter(warehouse__kind="bonded").first()
    if line is not None:
        house = line.warehouse
        return "bonded", f"{house.name_zh or house.name}, {house.city}, {house.country}"
    seller = order.seller
    parts = [seller.legal_name or seller.business_name, seller.contact_name, seller.city,
             seller.country]  # fmt: skip
    return "seller", ", ".join(p for p in parts if p)


def _locked_return(request: ReturnRequest, *allowed: str) -> ReturnRequest:
    locked = ReturnRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
    if locked.status not in allowed:
        raise ReturnRefused(
            _("This return is “%(status)s”: that cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    return locked


def return_accept(
    *, return_request: ReturnRequest, actor: str, note: str = "", now: datetime | None = None
) -> ReturnRequest:
    """Accept a requested return: the buyer gets the return address and a label (a
    SANDBOX label: a code, no carrier is booked). A CBEC order's return application
    (CEB625) goes to customs; a refusal there is recorded on the return, not fatal."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked_return(return_request, ReturnRequest.Status.REQUESTED)
        request.status = ReturnRequest.Status.ACCEPTED
        request.decided_by, request.decided_at = actor[:150], now
        request.decision_note = note[:500]
        request.label_code = f"SBX-RTN-{secrets.token_hex(6).upper()}"
        if request.goods_due_by is None:
            request.goods_due_by = now + conf.ship_back()
        request.customs_note = _customs_return(request, actor=actor, now=now)
        request.save()
        seller_stats_bump(seller_id=request.order.seller_id, returns=1)
        return request


def _customs_return(request: ReturnRequest, *, actor: str, now: datetime) -> str:
    if request.rule != rules.CBEC:
        return ""
    from entrepot.customs.models import Declaration
    from entrepot.customs.services import ReturnRefused as CustomsRefused
    from entrepot.customs.services import declaration_return_apply

    declaration = Declaration.objects.filter(order_id=request.order_id).first()
    if declaration is None:
        return "no customs declaration: no return application sent"
    quantities = dict(request.lines.values_list("order_line_id", "quantity"))
    try:
        with transaction.atomic():
            message = declaration_return_apply(
                declaration=declaration, actor=actor, reason=request.get_reason_display(),
                quantities=quantities, now=now,
            )  # fmt: skip
    except CustomsRefused as exc:
        logger.warning("return %s: no CEB625 sent: %s", request.pk, exc)
        return f"CEB625 not sent: {exc}"[:300]
    return f"CEB625 {message.guid} sent"


def return_reject(
    *, return_request: ReturnRequest, actor: str, note: str, now: datetime | None = None
) -> ReturnRequest:
    """The seller refuses the return, saying why (the buyer may then open a dispute)."""
    if not note.strip():
        raise ReturnRefused(_("Tell the buyer why the return is refused."))
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked_return(return_request, ReturnRequest.Status.REQUESTED)
        request.status = ReturnRequest.Status.REJECTED
        request.decided_by, request.decided_at, request.closed_at = actor[:150], now, now
        request.decision_note = note[:500]
        request.save()
        return request


def return_receive(
    *, return_request: ReturnRequest, actor: str, now: datetime | None = None
) -> ReturnRequest:
    """The goods are back (seller, or the bonded warehouse through the operator): refund
    them. A return of every unit returns the whole order (state "returned", then
    "refunded") with shipping and, before release, import tax; a return of some lines
    refunds those lines. If the wallet refuses, the return stays "received" and the
    refund can be issued again from the back office."""
    now = now or timezone.now()
    with transaction.atomic():
        request = _locked_return(return_request, ReturnRequest.Status.ACCEPTED)
        request.status = ReturnRequest.Status.RECEIVED
        request.received_by, request.received_at = actor[:150], now
        request.save(update_fields=["status", "received_by", "received_at"])
        order = request.order
        returned = dict(request.lines.values_list("order_line_id", "quantity"))
        whole = all(returned.get(line.pk, 0) == line.quantity for line in order.lines.all())
        if whole and order.status in (Order.Status.DELIVERED, Order.Status.COMPLETED):
            order_transition(order=order, event="return", actor=actor,
                             note=f"return {request.pk} received")  # fmt: skip
    refund_issue(
        order=request.order, actor=actor, full=whole, quantities=None if whole else returned,
        reason=f"return {request.pk}: {request.get_reason_display()}", return_request=request,
    )  # fmt: skip
    ReturnRequest.objects.filter(pk=request.pk).update(
        status=ReturnRequest.Status.REFUNDED, closed_at=now
    )
    request.refresh_from_db()
    return request


def returns_answer_overdue(*, now: datetime | None = None) -> int:
    """Accept returns the seller left unanswered past the deadline: they were asked for
    inside the window, so silence does not keep the buyer waiting."""
    now = now or timezone.now()
    due = ReturnRequest.objects.filter(
        status=ReturnRequest.Status.REQUESTED, seller_answer_by__lt=now
    ).values_list("pk", flat=True)[:500]
    done = 0
    for pk in list(due):
        try:
            return_accept(return_request=ReturnRequest(pk=pk), actor=f"{SYSTEM}:deadline",
                          note="accepted: the seller did not answer in time", now=now)  # fmt: skip
            done += 1
        except ReturnRefused:
            continue  # answered meanwhile
    return done


def returns_expire_overdue(*, now: datetime | None = None) -> int:
    """Close accepted returns whose goods did not arrive back by their deadline (CBEC: 45
    days of release). The order stays as it was; nothing is refunded."""
    now = now or timezone.now()
    return ReturnRequest.objects.filter(
        status=ReturnRequest.Status.ACCEPTED, goods_due_by__lt=now
    ).update(status=ReturnRequest.Status.EXPIRED, closed_at=now)
