import pytest
from cryptography.fernet import Fernet

from entrepot.buyers import vault


@pytest.fixture(autouse=True)
def customs_settings(settings, db):
    """A fresh PII key; the simulated port answers at once, rejects nothing at random
    unless a test says so, and draws from a fixed seed; the simulated carrier reports every
    node at once."""
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 0
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.0
    settings.ENTREPOT_CUSTOMS_SIM_SEED = "7"
    settings.ENTREPOT_SIM_CARRIER_STEP_MINUTES = 0
    settings.ENTREPOT_DEFAULT_CARRIER = "simulated"
    vault.reset()
    yield settings
    vault.reset()


@pytest.fixture(autouse=True)
def market(customs_settings):
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    factories.rates()
    positive_list_load_sample()
