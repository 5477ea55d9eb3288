import pytest

from entrepot.buyers import vault
from tests.customs.helpers import simulated_customs


@pytest.fixture(autouse=True)
def customs_settings(settings, db):
    """A fresh PII key; the simulated port answers at once, rejects nothing at random
    unless a test says so, and draws from a fixed seed; the simulated carrier reports every
    node at once."""
    simulated_customs(settings)
    yield settings
    vault.reset()


@pytest.fixture(autouse=True)
def market(customs_settings):
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    factories.rates()
    positive_list_load_sample()
