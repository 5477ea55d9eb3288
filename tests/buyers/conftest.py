import pytest
from cryptography.fernet import Fernet

from entrepot.buyers import vault


@pytest.fixture(autouse=True)
def pii_keys(settings):
    """A fresh encryption key and index key per test, loaded afresh by the vault."""
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    settings.ENTREPOT_PII_INDEX_KEY = "index key for tests"
    vault.reset()
    yield settings.ENTREPOT_PII_KEYS
    vault.reset()
