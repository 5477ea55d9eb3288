import pytest
from cryptography.fernet import Fernet

from entrepot.buyers import vault


@pytest.fixture(autouse=True)
def aftersales_settings(settings, db):
    """As the customs tests: a fresh PII key, a simulated port answering at once, and the
    sandbox wallet with a signing secret (refunds go through it)."""
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    settings.ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS = 0
    settings.ENTREPOT_CUSTOMS_SIM_REJECT_RATE = 0.0
    settings.ENTREPOT_CUSTOMS_SIM_SEED = "7"
    settings.ENTREPOT_SIM_CARRIER_STEP_MINUTES = 0
    settings.ENTREPOT_DEFAULT_CARRIER = "simulated"
    settings.ENTREPOT_PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-tests"
    vault.reset()
    yield settings
    vault.reset()


@pytest.fixture(autouse=True)
def market(aftersales_settings):
    from entrepot.pricing.positive_list import positive_list_load_sample
    from tests import factories

    factories.rates()
    positive_list_load_sample()
