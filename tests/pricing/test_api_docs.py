"""The request and response shown in docs/api.md are what the API really does."""

import json
import re
from pathlib import Path

import pytest

from entrepot.pricing.positive_list import positive_list_load_sample
from tests import factories

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_documented_landed_cost_example_is_exact(client):
    factories.rates()
    positive_list_load_sample()
    section = DOC.read_text(encoding="utf-8").split("## Landed cost", 1)[1]
    request_json, response_json = re.findall(r"```json\n(.*?)```", section, re.S)[:2]
    response = client.post("/api/v1/landed-cost", request_json, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == json.loads(response_json)
