"""Whatever JSON arrives, the endpoint answers 200 or a 4xx with errors, never a 500."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories
from tests.pricing.test_landed_cost_api import LIPSTICK, URL

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("destination",), ("currency",), ("mode",), ("as_of",), ("shipping",), ("shipping", "amount"),
    ("items",), ("items", 0), ("items", 0, "quantity"), ("items", 0, "hs_code"),
    ("items", 0, "unit_price"), ("items", 0, "unit_price", "amount"),
    ("items", 0, "unit_price", "currency"), ("items", 0, "net_content"), ("items", 0, "rates"),
    ("buyer_year_to_date",), ("fx_rates",),
]  # fmt: skip


@pytest.fixture
def ready():
    factories.rates()
    positive_list_load_sample()


def _set(body, path, value):
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@settings(
    max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(path=st.sampled_from(PATHS), value=json_values)
def test_mutated_requests_never_cause_a_server_error(client, ready, path, value):
    body = _set(copy.deepcopy(LIPSTICK), path, value)
    response = client.post(URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 or 400 <= response.status_code < 500
    if response.status_code != 200:
        assert response.json()["errors"] or response.json()["detail"]


@settings(
    max_examples=50, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(value=json_values)
def test_arbitrary_json_bodies_get_a_4xx(client, ready, value):
    response = client.post(URL, json.dumps(value), content_type="application/json")
    assert 400 <= response.status_code < 500
