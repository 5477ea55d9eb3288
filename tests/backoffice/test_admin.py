import pytest
from django.urls import reverse

from entrepot.orders.models import Order
from entrepot.seeding.seed import seed

pytestmark = pytest.mark.django_db

MODELS = [
    "sellers_seller",
    "catalog_category",
    "catalog_product",
    "buyers_buyer",
    "orders_order",
    "pricing_exchangerate",
    "pricing_positivelistline",
    "logistics_warehouse",
    "logistics_stock",
    "translation_memoryentry",
    "translation_glossaryterm",
]


@pytest.fixture
def operator_client(client):
    seed(sellers=5, products=60, buyers=10, orders=30, seed=2, progress=False)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="operator@example.com"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_operator_can_list_every_model_in_the_admin(operator_client, model):
    response = operator_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_operator_can_open_an_order_with_its_lines(operator_client):
    order = Order.objects.first()
    response = operator_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    assert order.lines.first().title_en in response.content.decode()


def test_a_seller_cannot_enter_the_admin(client):
    seed(sellers=1, products=1, buyers=0, orders=0, seed=2, progress=False)
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="seller@example.com"))
    response = client.get(reverse("admin:catalog_product_changelist"))
    assert response.status_code == 302


def test_an_operator_editing_the_chinese_text_reviews_it_into_the_memory(operator_client):
    from entrepot.catalog.models import Product
    from entrepot.translation.models import MemoryEntry

    product = Product.objects.first()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    page = operator_client.get(url)
    form = page.context["adminform"].form
    data = {name: field.value() if field.value() is not None else ""
            for name, field in ((n, form[n]) for n in form.fields)}  # fmt: skip
    data.update(title_zh="运营审核后的中文标题", translation_status="machine")
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
        for i, variant_form in enumerate(inline.formset.forms):
            for name in variant_form.fields:
                value = variant_form[name].value()
                data[f"{inline.formset.prefix}-{i}-{name}"] = "" if value is None else value
    response = operator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product.refresh_from_db()
    assert product.translation_status == "reviewed"
    assert MemoryEntry.objects.filter(target_text="运营审核后的中文标题", reviewed=True).exists()
