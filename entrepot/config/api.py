"""The HTTP API (django-ninja): OpenAPI document at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

from entrepot.catalog.api import router as catalog_router

api = NinjaAPI(
    title="Entrepôt API",
    version="1",
    description="Cross-border marketplace API. Money is always a decimal string with a currency.",
    urls_namespace="api",
)
api.add_router("/catalog", catalog_router)
