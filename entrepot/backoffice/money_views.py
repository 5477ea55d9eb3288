"""The operator's money pages: payments and wallet notifications, the escrow ledger, and
seller payouts."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.backoffice.money_selectors import (
    NOTIFICATIONS_SHOWN,
    PAYABLES_SHOWN,
    PAYMENTS_SHOWN,
    TRANSACTIONS_SHOWN,
    ledger_overview,
    notifications_latest,
    payables_open,
    payment_status_counts,
    payments_latest,
)
from entrepot.domain.exceptions import DomainError
from entrepot.ledger.services import PayoutOutcome, post_payout
from entrepot.payments.models import Payment
from entrepot.sellers.models import Seller
from entrepot.storefront.display import format_money


@require_safe
@staff_member_required
def payments(request: HttpRequest) -> HttpResponse:
    """The latest payments (filtered by `?status=`) and the latest wallet notifications."""
    status = request.GET.get("status", "")
    if status not in Payment.Status.values:
        status = ""
    counts = payment_status_counts()
    statuses = [(value, label, counts.get(value, 0)) for value, label in Payment.Status.choices]
    return render(
        request,
        "backoffice/payments.html",
        {
            "payments": payments_latest(status=status),
            "notifications": notifications_latest(),
            "status": status,
            "statuses": statuses,
            "payments_total": sum(counts.values()),
            "payments_shown": PAYMENTS_SHOWN,
            "notifications_shown": NOTIFICATIONS_SHOWN,
        },
    )


@require_safe
@staff_member_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger's integrity check, its balances and the latest transactions."""
    return render(
        request,
        "backoffice/ledger.html",
        {"overview": ledger_overview(), "transactions_shown": TRANSACTIONS_SHOWN},
    )


def _payout_message(seller: Seller, outcome: PayoutOutcome) -> tuple[int, str]:
    name = seller.business_name
    if outcome.posted and outcome.paid is not None:
        return messages.SUCCESS, _("Paid %(name)s %(paid)s for a payable of %(payable)s.") % {
            "name": name,
            "paid": format_money(outcome.paid),
            "payable": format_money(outcome.payable),
        }
    if outcome.payable.amount < 0:
        return messages.WARNING, _(
            "%(name)s owes %(owed)s: nothing paid; the balance is carried into the next payout."
        ) % {"name": name, "owed": format_money(-outcome.payable)}
    if outcome.payable.amount == 0:
        return messages.INFO, _("%(name)s is owed nothing: nothing paid.") % {"name": name}
    # a payable too small to pay in the seller's currency
    return messages.INFO, _("Nothing paid to %(name)s: %(reason)s") % {
        "name": name,
        "reason": outcome.message,
    }


@require_http_methods(["GET", "POST"])
@staff_member_required
def payouts(request: HttpRequest) -> HttpResponse:
    """Sellers owed money (or owing it) in CNY; POST `seller` pays that one out now."""
    if request.method == "POST":
        seller_id = request.POST.get("seller", "")
        seller = Seller.objects.filter(pk=int(seller_id)).first() if seller_id.isdigit() else None
        if seller is None:
            messages.error(request, _("No such seller: nothing paid."))
            return redirect("backoffice:payouts")
        try:
            outcome = post_payout(seller=seller, on=timezone.localdate())
        except DomainError as exc:
            messages.error(
                request,
                _("The payout to %(name)s failed, nothing was paid: %(error)s")
                % {"name": seller.business_name, "error": exc},
            )
        else:
            level, message = _payout_message(seller, outcome)
            messages.add_message(request, level, message)
        return redirect("backoffice:payouts")
    return render(
        request,
        "backoffice/payouts.html",
        {"payables": payables_open(), "payables_shown": PAYABLES_SHOWN},
    )
