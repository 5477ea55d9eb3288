"""Who may use each endpoint: the table tests/security/test_authorization_matrix.py checks.

The test walks every URL of `django.urls.get_resolver()` and every operation of the
OpenAPI document, calls each one as six people — anonymous, buyer A, buyer B, seller A,
seller B and an operator — and compares what happened with what this table says. An
endpoint without an entry here fails the test.

To add an entry, put the URL name (`namespace:name`, e.g. "storefront:order") in PAGES,
or "METHOD /api/path" (exactly as in /api/openapi.json) in API, with an `Access`:

- `who`: the kind of account the endpoint is for (PUBLIC, BUYER, SELLER, OPERATOR, ...);
- `method`: the one method the test calls ("GET" for pages, "POST" for POST-only actions);
- `owner=True` when the URL names one object (an order, an address, a listing): the test
  fills it with an object of buyer A or seller A, and the *other* buyer or seller must
  get 404, exactly as for an id that does not exist;
- `also`: roles of another kind that may use it too, e.g. an order's seller;
- `override`: {role: outcome} for the odd one out, e.g. an admin page of append-only
  records that even an operator may not add to (403);
- `note`: why, when it is not obvious.

Then give the URL's parameters a value in `PARAMS` of the test (the object of buyer A or
seller A that the URL names), and a query or body in `DATA` if an empty one is refused
before authorization is even looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("anonymous", "buyer_a", "buyer_b", "seller_a", "seller_b", "operator")

# --- who an endpoint is for ------------------------------------------------------------
PUBLIC = "public"  # anybody, signed in or not
CAPABILITY = "capability"  # anybody holding the URL: the unguessable token in it is the key
WEBHOOK = "webhook"  # machines: refused (400) without a valid signature, whoever sends it
NOWHERE = "nowhere"  # nothing to see: 404 for everybody
BUYER = "buyer"  # signed in with a buyer profile (pages); others: login or 403
SELLER = "seller"  # signed in with a seller profile (pages); others: login or 403
OPERATOR = "operator"  # staff (back office); anybody else is sent to the back-office login
SELLER_TOKEN = "seller_token"  # API: `Authorization: Bearer ep_...` of a seller, else 401
BUYER_SESSION = "buyer_session"  # API: a signed-in buyer's session (and CSRF token), else 401/403

# --- what a role gets ------------------------------------------------------------------
OK = "ok"  # 2xx, or a redirect that is not to a login page
LOGIN = "login"  # redirect to a login page (pages)
UNAUTHORIZED = "401"  # API without credentials
FORBIDDEN = "403"
NOT_FOUND = "404"
BAD_REQUEST = "400"


@dataclass(frozen=True)
class Access:
    who: str
    method: str = "GET"
    owner: bool = False
    also: frozenset[str] = field(default_factory=frozenset)
    override: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def expected(self, role: str) -> str:
        """What `role` must get; the URL names an object of buyer A / seller A."""
        if role in self.override:
            return self.override[role]
        if role in self.also:
            return OK
        kind = role.split("_")[0]  # buyer_a -> buyer
        if self.who in (PUBLIC, CAPABILITY):
            return OK
        if self.who == WEBHOOK:
            return BAD_REQUEST
        if self.who == NOWHERE:
            return NOT_FOUND
        if self.who == OPERATOR:
            return OK if role == "operator" else LOGIN
        if self.who in (BUYER, SELLER):
            if role == "anonymous":
                return LOGIN
            if kind != self.who:
                return FORBIDDEN
            return NOT_FOUND if self.owner and role.endswith("_b") else OK
        if self.who == SELLER_TOKEN:
            if kind != "seller":
                return UNAUTHORIZED
            return NOT_FOUND if self.owner and role.endswith("_b") else OK
        if self.who == BUYER_SESSION:
            if role == "anonymous":
                return UNAUTHORIZED
            if kind != "buyer":
                return FORBIDDEN
            return NOT_FOUND if self.owner and role.endswith("_b") else OK
        raise ValueError(f"unknown kind of access {self.who!r}")


def _post(who: str, **kwargs) -> Access:
    return Access(who, method="POST", **kwargs)


PAGES: dict[str, Access] = {
    # --- public ------------------------------------------------------------------------
    "healthz": Access(PUBLIC),
    "api:openapi-json": Access(PUBLIC),
    "api:openapi-view": Access(PUBLIC),
    "api:api-root": Access(NOWHERE, note="ninja's root: 404 for everyone, like a missing page"),
    "language_switch": Access(PUBLIC),
    "set_language": _post(PUBLIC),
    "login": Access(PUBLIC),
    "signup": Access(PUBLIC),
    "logout": _post(PUBLIC),
    "media": Access(PUBLIC, note="listing images are public"),
    "search:results": Access(PUBLIC),
    "search:suggest": Access(PUBLIC),
    "storefront:home": Access(PUBLIC),
    "storefront:category": Access(PUBLIC),
    "storefront:product": Access(PUBLIC),
    "storefront:seller": Access(PUBLIC),
    "storefront:cart": Access(PUBLIC, note="the cart lives in the session"),
    "storefront:cart_add": _post(PUBLIC),
    "storefront:cart_update": _post(PUBLIC),
    "buyers:address_districts": Access(PUBLIC, note="China's divisions: public data"),
    "sellercentral:signup": Access(PUBLIC),
    # --- payments: the sandbox wallet and the payer's return page ----------------------
    "payments:notify_sandbox": _post(WEBHOOK),
    "payments:sandbox_page": Access(CAPABILITY, note="the wallet's page: its token is the key"),
    "payments:sandbox_pay": _post(CAPABILITY),
    "payments:sandbox_cancel": _post(CAPABILITY),
    "payments:result": Access(CAPABILITY),
    "payments:status": Access(CAPABILITY),
    # --- buyers ------------------------------------------------------------------------
    "buyers:account": Access(BUYER),
    "buyers:identity": Access(BUYER),
    "buyers:addresses": Access(BUYER),
    "buyers:address_add": Access(BUYER),
    "buyers:address_edit": Access(BUYER, owner=True),
    "buyers:address_delete": _post(BUYER, owner=True),
    "buyers:address_default": _post(BUYER, owner=True),
    "storefront:checkout": _post(BUYER),
    "storefront:checkout_review": Access(BUYER, owner=True),
    "storefront:orders": Access(BUYER),
    "storefront:order": Access(BUYER, owner=True),
    "delivery:confirm_receipt": _post(BUYER, owner=True),
    "buyers:personal_data": Access(BUYER),
    "buyers:account_delete": Access(BUYER),
    "aftersales_buyer:cases": Access(BUYER),
    "aftersales_buyer:return_new": Access(BUYER, owner=True),
    "aftersales_buyer:dispute_new": Access(BUYER, owner=True),
    "aftersales_buyer:return": Access(BUYER, owner=True),
    "aftersales_buyer:dispute": Access(BUYER, owner=True),
    "aftersales_buyer:dispute_reply": _post(BUYER, owner=True),
    "reviews:write": Access(
        BUYER,
        owner=True,
        override={"buyer_b": FORBIDDEN},
        note="another buyer's line answers like a line that does not exist: 403, "
        "'only the buyer of an order can review what was in it'",
    ),
    # --- sellers -----------------------------------------------------------------------
    "sellercentral:home": Access(SELLER),
    "sellercentral:orders": Access(SELLER),
    "sellercentral:onboarding": Access(SELLER),
    "sellercentral:listing_new": Access(SELLER),
    "sellercentral:product": Access(SELLER, owner=True),
    "sellercentral:listing_edit": Access(SELLER, owner=True),
    "sellercentral:listing_publish": _post(SELLER, owner=True),
    "sellercentral:listing_unpublish": _post(SELLER, owner=True),
    "sellercentral:listing_image_add": _post(SELLER, owner=True),
    "sellercentral:hs_suggest": Access(SELLER),
    "sellercentral:translation_queue": Access(SELLER),
    "sellercentral:translation_edit": Access(SELLER, owner=True),
    "catalogimport:upload": Access(SELLER),
    "catalogimport:job": Access(SELLER, owner=True),
    "catalogimport:status": Access(SELLER, owner=True),
    "catalogimport:rejected": Access(SELLER, owner=True),
    "catalogimport:export": Access(SELLER),
    "sellerapi:tokens": Access(SELLER),
    "selleranalytics:dashboard": Access(SELLER),
    "seller_shipping:orders": Access(SELLER),
    "seller_shipping:consignments": Access(SELLER),
    "seller_shipping:shipment": Access(SELLER, owner=True),
    "aftersales_seller:cases": Access(SELLER),
    "aftersales_seller:return": Access(SELLER, owner=True),
    "aftersales_seller:return_decide": _post(SELLER, owner=True),
    "aftersales_seller:dispute": Access(SELLER, owner=True),
    "aftersales_seller:dispute_answer": _post(SELLER, owner=True),
    "aftersales_seller:refund": _post(SELLER, owner=True),
    "reviews_seller:list": Access(SELLER),
    "reviews_seller:reply": _post(
        SELLER,
        note="another seller's review: refused with a message on the list, nothing changes "
        "(tests/reviews prove the 'nothing changes')",
    ),
    # --- operators ---------------------------------------------------------------------
    "backoffice:home": Access(OPERATOR),
    "backoffice:sellers": Access(OPERATOR),
    "backoffice:seller_decide": _post(OPERATOR),
    "backoffice:listing_moderate": Access(OPERATOR),
    "backoffice:payments": Access(OPERATOR),
    "backoffice:ledger": Access(OPERATOR),
    "backoffice:payouts": Access(OPERATOR),
    "analytics:dashboard": Access(OPERATOR),
    "analytics:dashboard_csv": Access(OPERATOR),
    "operations:home": Access(OPERATOR),
    "operations:rates_import": _post(OPERATOR),
    "customs:queue": Access(OPERATOR),
    "customs:run": _post(OPERATOR),
    "customs:detail": Access(OPERATOR),
    "customs:correct": _post(OPERATOR),
    "customs:resubmit": _post(OPERATOR),
    "customs:cancel": _post(OPERATOR),
    "logistics_backoffice:bonded": Access(OPERATOR),
    "logistics_backoffice:receive": _post(OPERATOR),
    "audit:trail": Access(OPERATOR),
    "reviews_backoffice:list": Access(OPERATOR),
    "reviews_backoffice:hide": _post(OPERATOR),
    "aftersales_backoffice:disputes": Access(OPERATOR),
    "aftersales_backoffice:dispute": Access(OPERATOR),
    "aftersales_backoffice:dispute_resolve": _post(OPERATOR),
    "aftersales_backoffice:return_receive": _post(OPERATOR),
    "aftersales_backoffice:refund": _post(OPERATOR),
    # Django's admin: the login is open, the rest is staff's
    "admin:login": Access(PUBLIC),
    "admin:logout": _post(PUBLIC),
    "admin:autocomplete": Access(
        OPERATOR, override={"operator": FORBIDDEN}, note="403 without a model with a search"
    ),
    "admin:view_on_site": Access(
        OPERATOR, override={"operator": NOT_FOUND}, note="the models have no public URL"
    ),
    # append-only records: nobody adds or deletes them by hand, not even an operator
    **{
        f"admin:{model}_{action}": Access(OPERATOR, override={"operator": FORBIDDEN})
        for model in (
            "pricing_ratechange",
            "payments_payment",
            "payments_paymentnotification",
            "ledger_ledgertransaction",
            "reviews_review",
            "reviews_sellerstats",
            "reviews_productrating",
        )
        for action in ("add", "delete")
    },
    "admin:buyers_buyeridentity_add": Access(
        OPERATOR,
        override={"operator": FORBIDDEN},
        note="identities are verified by the buyer, with consent, never typed in",
    ),
}

# Groups of URLs that share one rule, matched with fnmatch on the URL name (or, for URLs
# without a name, on their route). Every admin page of every model is staff's.
PAGE_PATTERNS: dict[str, Access] = {
    "admin:*": Access(OPERATOR),
    "backoffice/admin/(?P<url>.*)$": Access(
        OPERATOR, override={"operator": NOT_FOUND}, note="the admin's catch-all: no such page"
    ),
    "backoffice/admin/*": Access(OPERATOR, note="admin redirects for old object URLs"),
}

API: dict[str, Access] = {
    "GET /api/catalog/categories": Access(PUBLIC),
    "GET /api/catalog/products": Access(PUBLIC),
    "GET /api/catalog/products/{product_id}": Access(PUBLIC),
    "POST /api/v1/landed-cost": _post(PUBLIC),
    "GET /api/v1/search": Access(PUBLIC),
    "GET /api/v1/products/{product_id}/reviews": Access(PUBLIC),
    "POST /api/v1/reviews": _post(
        BUYER_SESSION,
        owner=True,
        override={"buyer_b": FORBIDDEN},
        note="another buyer's order line: 403 'only the buyer of an order can review it', "
        "as for a line that does not exist",
    ),
    "POST /api/v1/checkout": _post(
        BUYER_SESSION, note="any signed-in buyer checks out; sellers and operators: 403"
    ),
    "GET /api/v1/checkout/{checkout_id}": Access(BUYER_SESSION, owner=True),
    "GET /api/v1/seller/listings": Access(SELLER_TOKEN),
    "POST /api/v1/seller/listings": _post(SELLER_TOKEN),
    "GET /api/v1/seller/listings/{listing_id}": Access(SELLER_TOKEN, owner=True),
    "PUT /api/v1/seller/listings/{listing_id}": Access(SELLER_TOKEN, method="PUT", owner=True),
    "POST /api/v1/seller/listings/{listing_id}/publish": _post(SELLER_TOKEN, owner=True),
    "POST /api/v1/seller/listings/{listing_id}/unpublish": _post(SELLER_TOKEN, owner=True),
    "PUT /api/v1/seller/listings/{listing_id}/variants/{sku}/stock": Access(
        SELLER_TOKEN, method="PUT", owner=True
    ),
    "GET /api/v1/seller/orders": Access(SELLER_TOKEN),
    "GET /api/v1/seller/warehouses": Access(SELLER_TOKEN),
}
