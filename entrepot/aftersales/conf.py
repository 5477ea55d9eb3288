"""After-sales settings, read in one place: Django settings, then the default.

ENTREPOT_RETURN_WINDOW_DAYS         14  non-CBEC orders: days after delivery to ask
                                        for a return (a common consumer-law window;
                                        China's 7-day no-reason rule is shorter)
ENTREPOT_RETURN_SHIP_BACK_DAYS      14  non-CBEC orders: days after acceptance for the
                                        goods to arrive back
ENTREPOT_RETURN_SELLER_ANSWER_DAYS   3  days the seller has to accept or refuse a
                                        return; an unanswered request is accepted
ENTREPOT_DISPUTE_SELLER_ANSWER_DAYS  3  days the seller has to answer a dispute;
                                        then it goes to the operator
ENTREPOT_DISPUTE_BUYER_REPLY_DAYS    7  days the buyer has, once the seller answered,
                                        to ask for arbitration; silence closes it
ENTREPOT_CBEC_RETURN_APPLY_DAYS     30  rules sheet §1 "Returns" (days after release)
ENTREPOT_CBEC_RETURN_GOODS_DAYS     45  rules sheet §1 "Returns" (days after release)
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from entrepot.domain import aftersales as rules


def _days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def return_window_days() -> int:
    return _days("ENTREPOT_RETURN_WINDOW_DAYS", 14)


def ship_back() -> timedelta:
    return timedelta(days=_days("ENTREPOT_RETURN_SHIP_BACK_DAYS", 14))


def return_answer() -> timedelta:
    return timedelta(days=_days("ENTREPOT_RETURN_SELLER_ANSWER_DAYS", 3))


def dispute_answer() -> timedelta:
    return timedelta(days=_days("ENTREPOT_DISPUTE_SELLER_ANSWER_DAYS", 3))


def dispute_buyer_reply() -> timedelta:
    return timedelta(days=_days("ENTREPOT_DISPUTE_BUYER_REPLY_DAYS", 7))


def cbec_apply_days() -> int:
    return _days("ENTREPOT_CBEC_RETURN_APPLY_DAYS", rules.CBEC_APPLY_DAYS)


def cbec_goods_days() -> int:
    return _days("ENTREPOT_CBEC_RETURN_GOODS_DAYS", rules.CBEC_GOODS_BACK_DAYS)


MAX_PHOTOS = 3
