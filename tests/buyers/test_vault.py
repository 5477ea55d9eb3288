import logging
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from entrepot.buyers import vault


def test_encrypted_text_decrypts_to_the_same_text():
    token = vault.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert vault.decrypt(token) == "11010519491231002X"


def test_without_configured_keys_one_key_is_generated_privately_with_a_warning(
    settings, tmp_path, caplog
):
    settings.ENTREPOT_PII_KEYS = []
    settings.DATA_DIR = tmp_path
    vault.reset()
    with caplog.at_level(logging.WARNING, logger="entrepot.buyers.vault"):
        token = vault.encrypt("secret")
    key_file = tmp_path / "pii_keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().split()) == 1
    assert "Production must set ENTREPOT_PII_KEYS" in caplog.text
    vault.reset()  # a restart reads the same key back
    assert vault.decrypt(token) == "secret"
    assert len(key_file.read_text().split()) == 1


def test_a_malformed_key_is_named_by_position_not_shown(settings):
    settings.ENTREPOT_PII_KEYS = [settings.ENTREPOT_PII_KEYS[0], "not-a-key"]
    vault.reset()
    with pytest.raises(ImproperlyConfigured, match="key number 2 of ENTREPOT_PII_KEYS") as error:
        vault.encrypt("x")
    assert "not-a-key" not in str(error.value)


def test_fingerprint_depends_on_the_index_key(settings):
    before = vault.fingerprint("11010519491231002X")
    settings.ENTREPOT_PII_INDEX_KEY = "another index key"
    vault.reset()
    assert vault.fingerprint("11010519491231002X") != before


def test_fingerprint_falls_back_to_a_key_derived_from_secret_key(settings):
    settings.ENTREPOT_PII_INDEX_KEY = ""
    vault.reset()
    from_secret = vault.fingerprint("11010519491231002X")
    settings.SECRET_KEY = "another secret key, long enough for the purpose of this test"
    vault.reset()
    assert vault.fingerprint("11010519491231002X") != from_secret
