import pytest

from entrepot.buyers import vault
from tests.customs.helpers import simulated_customs


@pytest.fixture(autouse=True)
def aftersales_settings(settings, db):
    """As the customs tests: a fresh PII key, a simulated port answering at once, and the
    sandbox wallet with a signing secret (refunds go through it)."""
    simulated_customs(settings)
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    yield settings
    vault.reset()


@pytest.fixture(autouse=True)
def market(aftersales_settings):
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    factories.rates()
    positive_list_load_sample()
