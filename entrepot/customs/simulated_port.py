"""SIMULATED customs port: a stand-in for China Customs' cross-border system.

NO REAL CUSTOMS SYSTEM IS INVOLVED. This simulator ships with the project so that
declarations, receipts, rejections, corrections and cancellations can be exercised
end to end. It keeps its own side in the SimulatedPort* tables, like the sandbox wallet.

What it does with a submission, per order:
1. parses each message and validates it against the schema (a malformed upload is
   refused outright: PortRejected); a message whose guid it has seen is ignored;
2. runs the same checks as the platform (entrepot.domain.customs.checks), with the
   buyer's year counted from its OWN record of accepted declarations;
3. on a first submission (appType 1), with probability ENTREPOT_CUSTOMS_SIM_REJECT_RATE,
   disputes one field as wrong data (consignee phone or address, gross weight): the
   same value sent again is rejected again, a corrected one passes. The draw is seeded
   by ENTREPOT_CUSTOMS_SIM_SEED and the inventory guid, so a seed gives a fixed fate;
4. answers with receipts due ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS later: CEB312/412/512
   (120 accepted or 100 rejected with the reason), CEB622 (120 accepted, then 800
   released one delay later; or 100 with the reason).
A cancellation (CEB623) before release voids the release and is answered by a CEB624
(120); after release it is refused (100).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from entrepot.customs import conf
from entrepot.customs.models import (
    SimulatedPortFlag,
    SimulatedPortQuota,
    SimulatedPortReceipt,
    SimulatedPortSubmission,
)
from entrepot.customs.ports import Incoming, Outgoing, PortRejected
from entrepot.domain.customs import ceb_xml, checks
from entrepot.domain.customs import receipts as r
from entrepot.domain.customs.build import china_time
from entrepot.domain.customs.documents import (
    DocumentSet,
    InventoryReturn,
    InvtCancelReturn,
    LogisticsReturn,
    Message,
    OrderReturn,
    PaymentReturn,
)

logger = logging.getLogger(__name__)
NAME = "simulated"
DATA_DISPUTED = "DATA_DISPUTED"
# fields the simulator may find wrong: (document, CEB field, what customs say)
DISPUTABLE = (
    ("CEB511", "consigneeTelephone", "the consignee's telephone cannot be reached: confirm it"),
    ("CEB511", "consigneeAddress", "the delivery address is incomplete: give street and number"),
    ("CEB621", "grossWeight", "the gross weight differs from the weight scanned at the port"),
)


@dataclass(frozen=True)
class _Answer:
    message: Message  # the receipt
    due_at: datetime


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _buyer_key(id_number: str) -> str:
    # the port's own keyed hash: it keeps no clear ID number either
    key = f"simulated-port:{settings.SECRET_KEY}".encode()
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()


def _field_value(docs: DocumentSet, field: str) -> str:
    if field == "grossWeight":
        return str(docs.inventory.head.gross_weight)
    attr = {"consigneeTelephone": "consignee_telephone", "consigneeAddress": "consignee_address"}
    source = docs.waybill or docs.order
    return str(getattr(source.head, attr[field]))


def _by_order(messages: list[Message]) -> dict[str, dict[str, Message]]:
    """The messages of each order. An upload of one order's documents is matched as one
    declaration, so a document naming another order number is caught by the match."""
    orders = {m.head.order_no for m in messages if m.type in ("CEB311", "CEB623")}
    grouped: dict[str, dict[str, Message]] = {}
    for message in messages:
        order_no = next(iter(orders)) if len(orders) == 1 else message.head.order_no
        grouped.setdefault(order_no, {})[message.type] = message
    return grouped


class SimulatedPort:
    """SIMULATOR of a customs port (see the module docstring)."""

    name = NAME

    def __init__(self) -> None:
        self.delay = timedelta(seconds=conf.simulated_delay_seconds())
        self.reject_rate = conf.simulated_reject_rate()
        self.seed = conf.simulated_seed()

    # --- the interface -------------------------------------------------------------------

    @transaction.atomic
    def submit(self, messages: list[Outgoing], *, now: datetime) -> None:
        parsed = []
        for outgoing in messages:
            try:
                parsed.append(ceb_xml.parse(outgoing.xml))
            except ceb_xml.CebXmlError as error:
                raise PortRejected(str(error)) from None
        # a message sent again is not answered again
        seen = set(SimulatedPortSubmission.objects.filter(
            guid__in=[m.guid for m in parsed]).values_list("guid", flat=True))  # fmt: skip
        received = [m for m in parsed if m.guid not in seen]
        SimulatedPortSubmission.objects.bulk_create(
            SimulatedPortSubmission(guid=m.guid, message_type=m.type, order_no=m.head.order_no,
                                    received_at=now)  # fmt: skip
            for m in received
        )
        for order_no, by_type in _by_order(received).items():
            if "CEB623" in by_type:
                self._cancel(by_type["CEB623"], now)
            if "CEB625" in by_type:
                self._return(by_type["CEB625"])
            declared = {t: m for t, m in by_type.items() if t not in ("CEB623", "CEB625")}
            if declared:
                self._declare(order_no, declared, now)

    def receipts(self, *, now: datetime, limit: int) -> list[Incoming]:
        rows = SimulatedPortReceipt.objects.filter(
            delivered_at=None, voided=False, due_at__lte=now
        ).order_by("due_at", "id")[:limit]
        return [Incoming(ref=str(row.pk), xml=row.xml.encode("utf-8")) for row in rows]

    def acknowledge(self, ref: str, *, now: datetime) -> None:
        SimulatedPortReceipt.objects.filter(pk=int(ref), delivered_at=None).update(delivered_at=now)

    # --- declarations --------------------------------------------------------------------

    def _declare(self, order_no: str, by_type: dict[str, Message], now: datetime) -> None:
        order, inventory = by_type.get("CEB311"), by_type.get("CEB621")
        if order is None or inventory is None:
            self._incomplete(order_no, by_type, now)
            return
        docs = DocumentSet(order=order, payment=by_type.get("CEB411"),
                           waybill=by_type.get("CEB511"), inventory=inventory)  # fmt: skip
        day = inventory.head.decl_time
        today = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
        buyer = _buyer_key(order.head.buyer_id_number)
        problems = checks.check_documents(
            docs, year_to_date=self._year_to_date(buyer, today, order_no), today=today
        )
        if not problems:
            problems = self._disputes(docs, now)
        self._answer(docs, problems, now)
        if not problems:  # accepted: the port counts it toward the buyer's year
            limits = checks.limits_on(today)
            SimulatedPortQuota.objects.update_or_create(
                order_no=order_no,
                defaults={"buyer_key": buyer, "year": today.year,
                          "amount": checks.dutiable_value(docs, limits)},
            )  # fmt: skip

    def _year_to_date(self, buyer: str, today: date, order_no: str) -> Decimal:
        rows = SimulatedPortQuota.objects.filter(buyer_key=buyer, year=today.year).exclude(
            order_no=order_no
        )
        return sum((row.amount for row in rows), Decimal(0))

    def _disputes(self, docs: DocumentSet, now: datetime) -> list[checks.Problem]:
        """Wrong-data rejections: flags standing for this order, else a fresh draw."""
        order_no = docs.order.head.order_no
        flags = list(SimulatedPortFlag.objects.filter(order_no=order_no))
        problems = []
        for flag in flags:
            document = next(d for d, f, _w in DISPUTABLE if f == flag.field)
            if _digest(_field_value(docs, flag.field)) == flag.value_sha256:
                problems.append(checks.Problem(DATA_DISPUTED, flag.reason, document, flag.field))
            else:
                flag.delete()  # corrected
        if flags or docs.inventory.head.app_type != "1" or self.reject_rate <= 0:
            return problems
        draw = random.Random(f"{self.seed}:{docs.inventory.guid}") if self.seed else random
        if draw.random() >= self.reject_rate:
            return problems
        document, field, words = DISPUTABLE[draw.randrange(len(DISPUTABLE))]
        SimulatedPortFlag.objects.create(
            order_no=order_no, field=field, value_sha256=_digest(_field_value(docs, field)),
            reason=words, created_at=now,
        )  # fmt: skip
        return [checks.Problem(DATA_DISPUTED, words, document, field)]

    def _answer(self, docs: DocumentSet, problems: list[checks.Problem], now: datetime) -> None:
        grouped = checks.problems_by_document(problems)
        at = now + self.delay
        answers = []
        for message in (docs.order, docs.payment, docs.waybill):
            if message is not None:
                status, info = self._verdict(grouped.get(message.type, []))
                answers.append(_Answer(self._receipt(message, status, info, at), at))
        own = grouped.get("CEB621", [])
        others = [p for t, ps in grouped.items() if t != "CEB621" for p in ps]
        inventory = docs.inventory
        if own or others:
            info = self._info(own or others)
            if not own:
                info = f"{others[0].code}: matching documents were returned; {others[0].message}"
            answers.append(_Answer(self._receipt(inventory, r.REJECTED, info, at,
                                                 millis=1), at))  # fmt: skip
        else:
            invt_no = f"SIM{inventory.head.order_no[-16:]}"
            answers.append(_Answer(self._receipt(inventory, r.ACCEPTED, "accepted into customs",
                                                 at, millis=1, invt_no=invt_no), at))  # fmt: skip
            released = at + self.delay
            answers.append(_Answer(self._receipt(inventory, r.RELEASED, "released", released,
                                                 millis=2, invt_no=invt_no), released))  # fmt: skip
        self._store(inventory.head.order_no, answers)

    def _incomplete(self, order_no: str, by_type: dict[str, Message], now: datetime) -> None:
        at = now + self.delay
        info = "MISSING_DOCUMENTS: the order (CEB311) and inventory (CEB621) must come together"
        answers = [
            _Answer(self._receipt(m, r.REJECTED, info, at), at)
            for m in by_type.values()
            if m.type in ("CEB311", "CEB411", "CEB511", "CEB621")
        ]
        self._store(order_no, answers)

    # --- cancellation --------------------------------------------------------------------

    def _cancel(self, cancel: Message, now: datetime) -> None:
        order_no = cancel.head.order_no
        release = SimulatedPortReceipt.objects.filter(
            order_no=order_no, receipt_type="CEB622", return_status=r.RELEASED, voided=False
        ).order_by("-due_at").first()
        at = now + self.delay
        if release is None:
            status, info = r.REJECTED, "NOTHING_TO_CANCEL: no accepted inventory list"
        elif release.delivered_at is not None or release.due_at <= now:
            status, info = r.REJECTED, "ALREADY_RELEASED: released goods are returned (CEB625)"
        else:
            release.voided = True
            release.save(update_fields=["voided"])
            SimulatedPortQuota.objects.filter(order_no=order_no).delete()
            status, info = r.ACCEPTED, "cancelled before release"
        head = InvtCancelReturn(
            guid=cancel.guid, customs_code=cancel.head.customs_code, invt_no=cancel.head.invt_no,
            cop_no=cancel.head.cop_no, return_status=status,
            return_time=china_time(at, millis=True), return_info=info,
        )  # fmt: skip
        self._store(order_no, [_Answer(Message("CEB624", head), at)])

    # --- return application ------------------------------------------------------------

    def _return(self, application: Message) -> None:
        """A return application (CEB625) of released goods: the simulator takes it and
        gives the order's value back to the buyer's yearly quota at once (no receipt is
        simulated: the platform tracks the return itself)."""
        SimulatedPortQuota.objects.filter(order_no=application.head.order_no).delete()

    # --- receipts ------------------------------------------------------------------------

    @staticmethod
    def _info(problems: list[checks.Problem]) -> str:
        return "; ".join(str(p) for p in problems)[:500]

    def _verdict(self, problems: list[checks.Problem]) -> tuple[str, str]:
        if problems:
            return r.REJECTED, self._info(problems)
        return r.ACCEPTED, "accepted into customs"

    @staticmethod
    def _receipt(message: Message, status: str, info: str, at: datetime, *, millis: int = 0,
                 invt_no: str = "") -> Message:  # fmt: skip
        time = china_time(at + timedelta(milliseconds=millis), millis=True)
        head = message.head
        if message.type == "CEB311":
            body = OrderReturn(guid=head.guid, ebp_code=head.ebp_code, ebc_code=head.ebc_code,
                               order_no=head.order_no, return_status=status, return_time=time,
                               return_info=info)  # fmt: skip
            return Message("CEB312", body)
        if message.type == "CEB411":
            body = PaymentReturn(guid=head.guid, pay_code=head.pay_code,
                                 pay_transaction_id=head.pay_transaction_id, return_status=status,
                                 return_time=time, return_info=info)  # fmt: skip
            return Message("CEB412", body)
        if message.type == "CEB511":
            body = LogisticsReturn(guid=head.guid, logistics_code=head.logistics_code,
                                   logistics_no=head.logistics_no, return_status=status,
                                   return_time=time, return_info=info)  # fmt: skip
            return Message("CEB512", body)
        body = InventoryReturn(guid=head.guid, customs_code=head.customs_code,
                               ebp_code=head.ebp_code, ebc_code=head.ebc_code, cop_no=head.cop_no,
                               pre_no="", invt_no=invt_no, return_status=status,
                               return_time=time, return_info=info)  # fmt: skip
        return Message("CEB622", body)

    def _store(self, order_no: str, answers: list[_Answer]) -> None:
        SimulatedPortReceipt.objects.bulk_create(
            SimulatedPortReceipt(
                order_no=order_no, receipt_type=a.message.type,
                return_status=a.message.head.return_status,
                xml=ceb_xml.render_valid(a.message).decode("utf-8"), due_at=a.due_at,
            )  # fmt: skip
            for a in answers
        )
