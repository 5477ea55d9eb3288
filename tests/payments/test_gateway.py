"""The gateway interface, the sandbox signing key and the real-wallet skeleton."""

from __future__ import annotations

import stat

import pytest

from entrepot.domain.money import Money
from entrepot.payments.adapters.alipay_global import AlipayGlobalGateway
from entrepot.payments.gateway import (
    PaymentGateway,
    SandboxGateway,
    sandbox_gateway,
    sign,
)
from entrepot.payments.models import Payment

pytestmark = pytest.mark.urls("tests.payments.urls_for_tests")


def test_the_sandbox_and_the_skeleton_have_the_gateway_interface():
    assert isinstance(SandboxGateway("secret"), PaymentGateway)
    assert isinstance(AlipayGlobalGateway(), PaymentGateway)


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("create_payment", (Payment(),)),
        ("verify_notification", ({}, b"{}")),
        ("query", (Payment(),)),
        ("refund", (Payment(), Money("1", "CNY"))),
    ],
)
def test_the_alipay_global_skeleton_raises_not_implemented(method, args):
    with pytest.raises(NotImplementedError, match="skeleton"):
        getattr(AlipayGlobalGateway(), method)(*args)


def test_without_a_configured_secret_a_key_is_generated_once_into_the_data_dir(settings, tmp_path):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = ""
    settings.DATA_DIR = tmp_path

    first, second = sandbox_gateway(), sandbox_gateway()

    key_file = tmp_path / "payment_sandbox_secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.signed_headers(b"x") == second.signed_headers(b"x")
    assert first.signed_headers(b"x")["X-Sandbox-Signature"] == sign(key_file.read_text(), b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["payment_sandbox_secret"]


def test_the_configured_secret_signs_when_set(settings):
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "from-the-environment"

    assert sandbox_gateway().signed_headers(b"x")["X-Sandbox-Signature"] == sign(
        "from-the-environment", b"x"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["payment", "paymentnotification"])
def test_an_operator_can_look_at_payments_in_the_admin_but_not_change_them(admin_client, model):
    from django.urls import reverse

    response = admin_client.get(reverse(f"admin:payments_{model}_changelist"))

    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:payments_{model}_add")).status_code == 403
