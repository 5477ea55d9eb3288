"""The HTTP API (django-ninja): OpenAPI document at /api/openapi.json, docs at /api/docs."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from entrepot.catalog.api import router as catalog_router
from entrepot.orders.api import router as checkout_router
from entrepot.pricing.api import router as landed_cost_router
from entrepot.reviews.api import router as reviews_router
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
api.add_router("/v1", reviews_router)
api.add_router("/v1", checkout_router)
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


# ninja's own words for a few refusals are terse: say what was wrong and what to do
# (tests/security/test_api_fuzz.py wants a clear `detail` with every 4xx)
_CLEARER = {
    (400, "Cannot parse request body"): "the request body is not valid JSON: send a JSON "
    "object with the header `Content-Type: application/json`",
    (401, "Unauthorized"): "sign in first: this operation needs the session of a signed-in "
    "account (the `sessionid` cookie; for writes also the `csrftoken` cookie's value in the "
    "header `X-CSRFToken`)",
    (403, "CSRF check Failed"): "CSRF check failed: send the value of the `csrftoken` cookie "
    "in the header `X-CSRFToken`",
}


@api.exception_handler(HttpError)
def refused(request, exc: HttpError):
    message = str(exc)
    detail = _CLEARER.get((exc.status_code, message), message)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    """ninja answers a bare "Not Found"; name what was looked for."""
    detail = f"nothing found at {request.path}: check the ids in the path"
    return api.create_response(request, {"detail": detail}, status=404)
