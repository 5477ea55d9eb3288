"""The HTTP API (django-ninja): OpenAPI document at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from entrepot.catalog.api import router as catalog_router
from entrepot.pricing.api import router as landed_cost_router
from entrepot.search.api import router as search_router
from entrepot.sellerapi.api import router as seller_router

api = NinjaAPI(
    title="Entrepôt API",
    version="1",
    description="Cross-border marketplace API. Money is always a decimal string with a currency.",
    urls_namespace="api",
)
api.add_router("/catalog", catalog_router)
api.add_router("/v1", landed_cost_router)
api.add_router("/v1", search_router)
api.add_router("/v1/seller", seller_router)

# ninja puts the parameter kind and name in front of the field path
_LOCATION_PREFIXES = {"body", "query", "path", "filters"}


def field_path(location: tuple | list) -> str:
    """('body', 'body', 'items', 0, 'quantity') -> 'items[0].quantity'."""
    parts = list(location)
    while parts and parts[0] in _LOCATION_PREFIXES:
        parts.pop(0)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    """422 with one INVALID_INPUT entry per problem: which field, what was wrong."""
    errors = []
    for error in exc.errors:
        field = field_path(error.get("loc", ()))
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        errors.append({"code": "INVALID_INPUT", "field": field or None, "message": message})
    detail = "; ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
    )
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
