"""Payment pages and the wallets' notification endpoint.

Pages are addressed by the payment's token (a random UUID), not by login: the payer
may come back from the wallet on another device. They show what is paid and its
status, nothing about the payer.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from entrepot.payments.models import Payment
from entrepot.payments.services import (
    notification_receive,
    sandbox_charge_cancel,
    sandbox_charge_pay,
)
from entrepot.storefront.display import format_money

logger = logging.getLogger(__name__)


def _sandbox_payment(token: uuid.UUID) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("sandbox"),
        token=token,
        gateway=Payment.Gateway.SANDBOX,
        sandbox__isnull=False,
    )


def _notify_url(request: HttpRequest) -> str:
    # the worker posts here; behind a proxy the address the payer used may not reach
    # this app from the worker, hence the setting
    return settings.ENTREPOT_PAYMENT_SANDBOX_NOTIFY_URL or request.build_absolute_uri(
        reverse("payments:notify_sandbox")
    )


@require_safe
def sandbox_page(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The SANDBOX wallet's hosted page: Pay or Cancel; no real money moves."""
    payment = _sandbox_payment(token)
    return render(
        request,
        "payments/sandbox_page.html",
        {"payment": payment, "charge": payment.sandbox, "amount": format_money(payment.money)},
    )


@require_POST
def sandbox_pay(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    payment = _sandbox_payment(token)
    sandbox_charge_pay(payment=payment, notify_url=_notify_url(request))
    return redirect("payments:result", token=payment.token)


@require_POST
def sandbox_cancel(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    payment = _sandbox_payment(token)
    sandbox_charge_cancel(payment=payment, notify_url=_notify_url(request))
    return redirect("payments:result", token=payment.token)


@csrf_exempt
@require_POST
def notify_sandbox(request: HttpRequest) -> HttpResponse:
    """Where the sandbox wallet posts its notifications. "success" (200) tells it to
    stop; anything else makes it send the notification again later."""
    try:
        result = notification_receive(
            headers=request.headers, body=request.body, gateway=Payment.Gateway.SANDBOX
        )
    except Exception:
        # e.g. the succeeded handler failed: everything was rolled back, and the
        # wallet's retry runs it again
        logger.exception("payment notification could not be processed; the wallet will retry")
        return HttpResponse("retry", status=500, content_type="text/plain")
    if result.acknowledged:
        return HttpResponse("success", content_type="text/plain")
    return HttpResponse("fail", status=400, content_type="text/plain")


@never_cache
@require_safe
def result(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Where the payer lands after the wallet: waits for the wallet's word."""
    payment = get_object_or_404(Payment, token=token)
    return render(
        request,
        "payments/result.html",
        {"payment": payment, "amount": format_money(payment.money)},
    )


@never_cache
@require_safe
def status(request: HttpRequest, token: uuid.UUID) -> JsonResponse:
    """The payment's status as this shop knows it (the result page polls it)."""
    payment = get_object_or_404(Payment, token=token)
    return JsonResponse(
        {
            "status": payment.status,
            "label": str(payment.get_status_display()),
            "final": not payment.is_open,
        }
    )
