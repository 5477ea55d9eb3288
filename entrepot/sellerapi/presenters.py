"""The seller API's answers: listings, money and times as JSON, and refusals as 4xx."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder

from entrepot.catalog.models import Product, ProductVariant
from entrepot.domain.money import Money
from entrepot.logistics.models import Stock
from entrepot.sellerapi.schemas import ListingOut

# the `code` of an error in a refusal's `errors`
INVALID_INPUT = "INVALID_INPUT"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
SKU_TAKEN = "SKU_TAKEN"
NOT_ALLOWED = "NOT_ALLOWED"

JSON = "application/json; charset=utf-8"

# the product rules name form fields; the API names them as its body does
API_FIELD = {"net_content_value": "net_content"}


class ApiProblem(Exception):
    """A refusal inside a write: rendered as `{detail, errors}` after the rollback."""

    def __init__(self, status: int, errors: list[dict], detail: str | None = None) -> None:
        self.status = status
        self.errors = errors
        self.detail = detail or "; ".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors
        )
        super().__init__(self.detail)


def refusal(status: int, code: str, field: str | None, message: str) -> ApiProblem:
    return ApiProblem(status, [{"code": code, "field": field, "message": message}])


def money(amount: Decimal, currency: str) -> str:
    return str(Money(amount, currency).rounded().amount)


def when(value) -> str | None:
    return value.isoformat() if value is not None else None


def json_response(status: int, content: str) -> HttpResponse:
    return HttpResponse(content, status=status, content_type=JSON)


def render(status: int, data: dict) -> tuple[str, HttpResponse]:
    content = json.dumps(data, cls=NinjaJSONEncoder)
    return content, json_response(status, content)


def problem_response(problem: ApiProblem) -> HttpResponse:
    return render(problem.status, {"detail": problem.detail, "errors": problem.errors})[1]


def dump(schema: type[Schema], data: dict) -> dict:
    return schema.model_validate(data).model_dump()


def problems(product: Product) -> list[dict]:
    from entrepot.catalog.listing_check import listing_problems_for, problem_message

    return [
        {
            "code": p.code,
            "field": API_FIELD.get(p.field, p.field),
            "blocking": p.blocking,
            "message": problem_message(p),
        }
        for p in listing_problems_for(product)
    ]


def listing_out(listing_id: int) -> dict:
    stocks = Stock.objects.select_related("warehouse").order_by("warehouse_id")
    variants = ProductVariant.objects.prefetch_related(Prefetch("stocks", queryset=stocks))
    product = (
        Product.objects.select_related("category")
        .prefetch_related(Prefetch("variants", queryset=variants))
        .get(pk=listing_id)
    )
    net_content = None
    if product.net_content_value is not None:
        net_content = {
            "value": format(product.net_content_value.normalize(), "f"),
            "unit": product.net_content_unit,
        }
    return dump(
        ListingOut,
        {
            "id": product.id,
            "status": product.status,
            "translation_status": product.translation_status,
            "moderation_note": product.moderation_note,
            "category": product.category.slug,
            "title_en": product.title_en,
            "title_zh": product.title_zh,
            "description_en": product.description_en,
            "description_zh": product.description_zh,
            "brand": product.brand,
            "hs_code": product.hs_code,
            "origin_country": product.origin_country,
            "weight_grams": product.weight_grams,
            "net_content": net_content,
            "currency": product.currency,
            "price": money(product.price_amount, product.currency),
            "created_at": when(product.created_at),
            "updated_at": when(product.updated_at),
            "variants": [
                {
                    "sku": v.sku,
                    "name_en": v.name_en,
                    "name_zh": v.name_zh,
                    "price": money(v.price_amount, v.currency),
                    "stock": v.stock,
                    "stocks": [
                        {
                            "warehouse_id": s.warehouse_id,
                            "warehouse": s.warehouse.name,
                            "mode": s.warehouse.mode,
                            "quantity": s.quantity,
                        }
                        for s in v.stocks.all()
                    ],
                }
                for v in product.variants.all()
            ],
            "problems": problems(product),
        },
    )
