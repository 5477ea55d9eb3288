"""A buyer's personal data: the download, and the deletion that keeps orders, payments,
ledger and customs records without the person in them."""

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from entrepot.audit.models import AuditRecord
from entrepot.buyers import privacy
from entrepot.buyers.models import BuyerAddress, BuyerIdentity
from entrepot.buyers.services import AddressFields, address_add, identity_verify
from entrepot.customs.models import CustomsMessage, Declaration
from entrepot.domain.china_divisions import Division
from entrepot.orders.models import Checkout, Order, OrderLine
from entrepot.payments.models import Payment
from tests import factories

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"
FILED = (
    "<ceb:OrderHead><ceb:orderNo>{number}</ceb:orderNo><ceb:buyerName>王芳</ceb:buyerName>"
    "<ceb:buyerTelephone>13912345678</ceb:buyerTelephone>"
    "<ceb:buyerIdNumber>110105********002X</ceb:buyerIdNumber><ceb:consignee>王芳</ceb:consignee>"
    "<ceb:consigneeAddress>浙江省杭州市西湖区文三路100号</ceb:consigneeAddress>"
    "<ceb:acturalPaid>180.09</ceb:acturalPaid></ceb:OrderHead>"
)


@pytest.fixture
def account():
    user = factories.user(username="13912345678", email="wang@example.com")
    buyer = factories.buyer(user=user, phone="13912345678")
    identity_verify(buyer=buyer, name="王芳", id_number=ID_NUMBER, consent=True,
                    today=date(2026, 11, 27))  # fmt: skip
    address_add(buyer=buyer, fields=AddressFields(
        recipient="王芳", phone="13912345678",
        division=Division("浙江省", "杭州市", "西湖区"), street="文三路100号",
    ))  # fmt: skip
    return buyer


def _order(buyer, status=Order.Status.COMPLETED, number="EP-PRIV-1"):
    seller = factories.seller()
    product = factories.product(seller=seller, category=factories.category())
    checkout = Checkout.objects.create(
        buyer=buyer, currency="CNY", total_amount=Decimal("180.09"), quote={},
        consignee_name="王芳", consignee_phone="13912345678",
        consignee_address="浙江省杭州市西湖区文三路100号", expires_at=timezone.now(),
    )  # fmt: skip
    order = Order.objects.create(
        number=number, buyer=buyer, seller=seller, status=status, checkout=checkout,
        origin_country="US", destination_country="CN", currency="CNY",
        goods_amount=Decimal("132.99"), shipping_amount=Decimal("35"),
        tax_amount=Decimal("12.10"), total_amount=Decimal("180.09"), placed_at=timezone.now(),
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, variant=product.variants.first(),
        title_en=product.title_en, title_zh=product.title_zh, quantity=1,
        unit_price_amount=Decimal("132.99"), line_total_amount=Decimal("132.99"),
        currency="CNY",
    )  # fmt: skip
    Payment.objects.create(
        reference=f"checkout:{checkout.pk}", amount=Decimal("180.09"), currency="CNY",
        payer_name="王芳", payer_id_fingerprint="ab" * 32,
    )  # fmt: skip
    declaration = Declaration.objects.create(
        order=order, trade_mode="9610", status="cleared", port="HZ",
        corrections={"consignee_name": "王 芳"}, created_at=timezone.now(),
        updated_at=timezone.now(),
    )  # fmt: skip
    CustomsMessage.objects.create(
        declaration=declaration, attempt=1, message_type="CEB311", guid=str(uuid.uuid4()),
        sha256="0" * 64, filed_xml=FILED.format(number=number), sent_at=timezone.now(),
    )  # fmt: skip
    return order


def test_export_holds_account_addresses_orders_and_only_the_masked_id(client, account):
    _order(account)
    client.force_login(account.user)
    response = client.get(reverse("buyers:personal_data"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ID_NUMBER.encode() not in response.content
    data = json.loads(response.content)
    assert data["account"]["phone"] == "13912345678"
    assert data["identity"] == {**data["identity"], "verified": True,
                                "id_number_masked": "110105********002X"}  # fmt: skip
    assert data["addresses"][0]["street"] == "文三路100号"
    (order,) = data["orders"]
    assert order["number"] == "EP-PRIV-1" and order["lines"][0]["quantity"] == 1
    assert AuditRecord.objects.filter(action="buyer.export", target_id=str(account.pk)).exists()


def test_export_is_one_buyers_own_and_needs_a_login(client, account):
    assert client.get(reverse("buyers:personal_data")).status_code == 302
    other = factories.buyer()
    _order(account)
    client.force_login(other.user)
    assert json.loads(client.get(reverse("buyers:personal_data")).content)["orders"] == []


def test_export_costs_a_fixed_number_of_queries(client, account, django_assert_max_num_queries):
    for n in range(3):
        _order(account, number=f"EP-PRIV-{n}")
    client.force_login(account.user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("buyers:personal_data")).status_code == 200


def test_deletion_anonymises_the_account_and_keeps_the_records(client, account):
    order = _order(account)
    user_pk = account.user.pk
    client.force_login(account.user)
    response = client.post(reverse("buyers:account_delete"),
                           {"password": factories.PASSWORD, "confirm": "on"})  # fmt: skip
    assert response.status_code == 302
    user = get_user_model().objects.get(pk=user_pk)
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert "1391234" not in user.username
    account.refresh_from_db()
    assert (account.display_name, account.phone) == (privacy.ANONYMOUS, "")
    assert not BuyerAddress.objects.filter(buyer=account).exists()
    assert not BuyerIdentity.objects.filter(buyer=account).exists()
    kept = Order.objects.get(pk=order.pk)
    assert kept.total_amount == Decimal("180.09") and kept.lines.count() == 1
    checkout = kept.checkout
    assert (checkout.consignee_name, checkout.consignee_phone, checkout.consignee_address) == (
        privacy.ANONYMOUS, "", "",
    )  # fmt: skip
    payment = Payment.objects.get()
    assert (payment.payer_name, payment.payer_id_fingerprint) == (privacy.ANONYMOUS, "")
    message = CustomsMessage.objects.get()
    assert "王芳" not in message.filed_xml and "13912345678" not in message.filed_xml
    assert "<ceb:acturalPaid>180.09</ceb:acturalPaid>" in message.filed_xml
    assert Declaration.objects.get().corrections == {}
    # the session ended; logging in again fails
    assert client.get(reverse("buyers:account")).status_code == 302
    assert not client.login(username="13912345678", password=factories.PASSWORD)


def test_deletion_is_audited_without_the_login_it_had(client, account):
    client.force_login(account.user)
    client.get(reverse("buyers:personal_data"))
    client.post(reverse("buyers:account_delete"),
                {"password": factories.PASSWORD, "confirm": "on"})  # fmt: skip
    assert not AuditRecord.objects.filter(actor="13912345678").exists()
    record = AuditRecord.objects.get(action="buyer.delete")
    assert record.actor == f"deleted-buyer-{account.pk}"
    assert "13912345678" not in json.dumps(record.details)


@pytest.mark.parametrize("status", ["placed", "paid", "shipped", "delivered"])
def test_an_order_in_progress_blocks_deletion_with_a_clear_message(client, account, status):
    _order(account, status=status, number="EP-BUSY-1")
    client.force_login(account.user)
    response = client.post(reverse("buyers:account_delete"),
                           {"password": factories.PASSWORD, "confirm": "on"})  # fmt: skip
    assert response.status_code == 400
    assert "EP-BUSY-1" in response.content.decode()
    account.refresh_from_db()
    assert account.phone == "13912345678"
    assert BuyerIdentity.objects.filter(buyer=account).exists()
    assert not AuditRecord.objects.filter(action="buyer.delete").exists()


def test_deletion_asks_for_the_password_again(client, account):
    client.force_login(account.user)
    response = client.post(reverse("buyers:account_delete"),
                           {"password": "wrong", "confirm": "on"})  # fmt: skip
    assert response.status_code == 400
    account.refresh_from_db()
    assert account.user.is_active


def test_delete_page_speaks_chinese_first(client, account):
    client.force_login(account.user)
    response = client.get(reverse("buyers:account_delete"))
    assert response.status_code == 200
    assert response.headers["Content-Language"].startswith("zh")
