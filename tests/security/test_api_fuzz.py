"""Schemathesis fuzzes every operation of the OpenAPI document, in-process on the WSGI app.

Each operation gets schema-valid (positive) and schema-breaking (negative) requests, sent
with a seller's API token and a buyer's session, once with random path ids and once with
the ids of real objects of the seller and a valid body with a field or two swapped for
generated ones (so that cases reach the code that writes and computes).
No answer may be a 500, and every 4xx must say what was wrong: a JSON body with a
non-empty, human-readable `detail`.

Every case runs in a savepoint that is rolled back: cases cannot change each other's
world, and a failed write cannot poison the test's transaction on PostgreSQL.

More examples for a deeper run: ENTREPOT_FUZZ_EXAMPLES=500 (default 12 per operation,
mode and path variant); ENTREPOT_FUZZ_RANDOM=1 draws new cases instead of the same ones
on every run.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.reviews.conftest import make_order
from tests.security.conftest import count
from tests.sellerapi.conftest import listing_body, make_shop

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ENTREPOT_FUZZ_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("ENTREPOT_FUZZ_RANDOM", "") != "1"


# a status's name is not an explanation
GENERIC = {
    "bad request",
    "unauthorized",
    "forbidden",
    "not found",
    "method not allowed",
    "cannot parse request body",
    "csrf check failed",
    "unprocessable entity",
    "too many requests",
}


def problem_of(status: int, body: bytes) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500:
        return f"server error {status}"
    if 400 <= status < 500:
        try:
            payload = json.loads(body)
        except ValueError:
            return f"{status} without a JSON body"
        detail = payload.get("detail") if isinstance(payload, dict) else None
        if not isinstance(detail, str) or len(detail.strip()) < 8:
            return f"{status} without a human-readable `detail`"
        if detail.strip().lower().rstrip(".") in GENERIC:
            return f"{status} with only a generic `detail`: {detail!r}"
    return None


@pytest.fixture
def fuzz_world(settings, client):
    # abuse limits would answer most cases 429: let the fuzzer reach the code behind them
    settings.ENTREPOT_SEARCH_RATE_LIMIT = 1_000_000
    settings.ENTREPOT_RATE_LIMITS = {}
    factories.rates()
    positive_list_load_sample()
    category = factories.category(slug="vitamins-supplements")
    shop = make_shop(category, "Fuzz")
    factories.product(seller=shop.seller, category=category)
    buyer = factories.buyer()
    completed = make_order(buyer=buyer, seller=shop.seller, products=[shop.listing])
    client.force_login(buyer.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return shop, session, completed.lines.get()


def valid_bodies(shop, line) -> dict[str, Callable[[], dict]]:
    """A valid body per operation: the fuzzer swaps a few of its fields for generated
    ones, so that cases get past the validation into the code that writes and computes
    (a wholly generated body rarely has, say, a SKU in the allowed alphabet)."""
    skus = itertools.count(1)
    category = shop.listing.category
    return {
        "POST /api/v1/seller/listings": lambda: listing_body(category, f"FZ-{next(skus)}"),
        "PUT /api/v1/seller/listings/{listing_id}": lambda: listing_body(category, shop.sku),
        "PUT /api/v1/seller/listings/{listing_id}/variants/{sku}/stock": lambda: {"quantity": 3},
        "POST /api/v1/reviews": lambda: {"order_line": line.pk, "stars": 4, "text": "Good."},
        "POST /api/v1/landed-cost": lambda: {
            "destination": "CN",
            "currency": "CNY",
            "mode": "9610",
            "shipping": {"amount": "35", "currency": "CNY"},
            "items": [
                {
                    "sku": "X-1",
                    "hs_code": "33049900",
                    "origin": "US",
                    "unit_price": {"amount": "19.99", "currency": "USD"},
                    "quantity": 2,
                    "unit_weight_kg": "0.2",
                }
            ],
        },
    }


def real_path_parameters(operation, shop) -> dict | None:
    """The ids of the seller's own objects, for the operations whose path names one;
    {} for the other operations with a body (their valid body is in `valid_bodies`)."""
    known = {"listing_id": shop.listing.id, "sku": shop.sku, "product_id": shop.listing.id}
    names = {p.name for p in operation.path_parameters}
    if not names:
        has_body = operation.method.upper() in ("POST", "PUT", "PATCH")
        return {} if has_body else None
    if not names <= set(known):
        return None
    return {name: known[name] for name in names}


class Fuzzer:
    """Sends the cases of one strategy and keeps what went wrong (one example per
    operation and problem), without stopping: one run lists every problem found."""

    def __init__(self, shop, session: str, line) -> None:
        # a seller's token for the seller API, a buyer's session (with its CSRF pair)
        # for the operations that need a signed-in buyer
        csrf = "fuzzcsrf" * 4
        self.headers = {"Authorization": f"Bearer {shop.token}", "X-CSRFToken": csrf}
        self.cookies = {settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf}
        self.valid = valid_bodies(shop, line)
        self.cases = 0
        self.statuses: dict[tuple[str, int], int] = {}
        self.failures: dict[tuple[str, str], str] = {}
        self.examples: dict[tuple[str, int], bytes] = {}

    def send(self, case, *, real_data: bool, draw) -> None:
        self.cases += 1
        # the credentials win over whatever the fuzzer put in these headers
        case.headers = {**(case.headers or {}), **self.headers}
        valid = self.valid.get(case.operation.label)
        if real_data and valid is not None and isinstance(case.body, dict):
            body = valid()
            swapped = draw(st.sets(st.sampled_from(sorted(body)), max_size=2))
            body.update({key: case.body[key] for key in swapped if key in case.body})
            case.body = body
        with transaction.atomic():
            response = case.call(cookies=self.cookies)
            transaction.set_rollback(True)
        label = case.operation.label
        key = (label, response.status_code)
        self.statuses[key] = self.statuses.get(key, 0) + 1
        self.examples.setdefault(key, response.content[:200])
        problem = problem_of(response.status_code, response.content)
        if problem:
            self.failures.setdefault(
                (label, problem),
                f"{case.method} {case.formatted_path} query={case.query} "
                f"body={str(case.body)[:300]!r} -> {response.content[:300]!r}",
            )

    def run(self, strategy, *, real_data: bool) -> None:
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=DERANDOMIZE,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case, data):
            self.send(case, real_data=real_data, draw=data.draw)

        run()


def test_fuzzing_every_api_operation_gives_no_500_and_a_detail_with_every_4xx(
    fuzz_world, no_connection_closing
):
    shop, session, line = fuzz_world
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    fuzzer = Fuzzer(shop, session, line)
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        variants = [None]
        real = real_path_parameters(operation, shop)
        if real is not None:
            variants.append(real)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                strategy = operation.as_strategy(
                    generation_mode=mode, path_parameters=path_parameters or None
                )
                real_data = path_parameters is not None and mode is GenerationMode.POSITIVE
                try:
                    fuzzer.run(strategy, real_data=real_data)
                except Unsatisfiable:
                    # e.g. no negative case for an operation without parameters
                    assert mode is GenerationMode.NEGATIVE, operation.label

    if os.environ.get("ENTREPOT_FUZZ_STATUSES"):
        for (label, status), n in sorted(fuzzer.statuses.items()):
            print(f"{label}: {status} x{n}, e.g. {fuzzer.examples[(label, status)]!r}")
    count("API operations fuzzed", operations)
    count("API cases fuzzed", fuzzer.cases)
    assert operations >= 10 and fuzzer.cases >= operations * EXAMPLES
    assert not fuzzer.failures, "\n".join(
        f"{label}: {problem}\n    e.g. {example}"
        for (label, problem), example in sorted(fuzzer.failures.items())
    )
