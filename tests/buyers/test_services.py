from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from entrepot.buyers import vault
from entrepot.buyers.models import BuyerIdentity
from entrepot.buyers.services import (
    CONSENT_PURPOSE,
    IdentityRefused,
    identity_rotate_keys,
    identity_verify,
    payer_matches,
)
from entrepot.domain.resident_id import check_character
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
NUMBER = "11010519491231002X"  # Beijing, born 1949-12-31, female


def _verify(buyer=None, *, name="王芳", number=NUMBER, consent=True):
    return identity_verify(
        buyer=buyer or factories.buyer(), name=name, id_number=number, consent=consent,
        today=TODAY,
    )  # fmt: skip


def test_verification_stores_masked_number_birth_date_and_consent():
    identity = _verify()
    identity.refresh_from_db()
    assert identity.name == "王芳"
    assert identity.id_number_masked == "110105********002X"
    assert identity.birth_date == date(1949, 12, 31)
    assert identity.consent_purpose == CONSENT_PURPOSE
    assert identity.consent_text_version
    assert identity.consent_at == identity.verified_at


def test_verification_without_consent_is_refused_and_stores_nothing():
    with pytest.raises(IdentityRefused, match="Consent to process your ID number") as refusal:
        _verify(consent=False)
    assert refusal.value.field == "consent"
    assert not BuyerIdentity.objects.exists()


def test_wrong_check_digit_is_refused_with_the_expected_digit():
    with pytest.raises(IdentityRefused, match="should be 1, not 2") as refusal:
        _verify(number="360426199101010072")
    assert refusal.value.field == "id_number"
    assert "360426199101010072" not in str(refusal.value)


def test_birth_date_in_the_future_is_refused():
    born_tomorrow = "11010520260602001" + check_character("11010520260602001")
    with pytest.raises(IdentityRefused, match="lies in the future: it must be 2026-06-01"):
        _verify(number=born_tomorrow)


@pytest.mark.parametrize("name", ["王", "Wang3", "王芳!", "·王芳", "王" * 31, ""])
def test_names_that_cannot_be_on_an_id_card_are_refused(name):
    with pytest.raises(IdentityRefused, match="2 to 30 Chinese characters") as refusal:
        _verify(name=name)
    assert refusal.value.field == "name"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("买买提 • 艾力", "买买提·艾力"),
        ("王 芳", "王芳"),
        ("  John   Smith ", "John Smith"),
        ("Ｗａｎｇ Ｆａｎｇ", "Wang Fang"),
        ("𠮷田", "𠮷田"),
    ],
)
def test_names_are_normalized_as_on_the_card(typed, stored):
    assert _verify(name=typed).name == stored


def test_number_is_encrypted_at_rest():
    identity = _verify()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_number_fingerprint, id_number_masked "
            "FROM buyers_buyeridentity WHERE id = %s",
            [identity.pk],
        )
        row = cursor.fetchone()
    assert all(NUMBER not in value.upper() for value in row)
    assert vault.decrypt(row[0]) == NUMBER


def test_fingerprint_is_stable_and_ignores_case_and_spaces():
    first = _verify()
    second = _verify(number="110105 19491231 002x")
    assert len(first.id_number_fingerprint) == 64
    assert first.id_number_fingerprint == second.id_number_fingerprint
    assert first.id_number_fingerprint == vault.fingerprint(NUMBER)
    assert first.id_number_encrypted != second.id_number_encrypted  # fresh IV each time


def test_reverification_replaces_the_identity():
    buyer = factories.buyer()
    _verify(buyer)
    _verify(buyer, name="李雷", number="360426199101010071")
    identity = BuyerIdentity.objects.get()
    assert (identity.name, identity.id_number_masked) == ("李雷", "360426********0071")


def test_rotation_moves_every_number_to_the_newest_key(settings):
    key_a, key_b = settings.ENTREPOT_PII_KEYS[0], Fernet.generate_key().decode()
    identities = [_verify(), _verify(number="360426199101010071")]
    settings.ENTREPOT_PII_KEYS = f"{key_b},{key_a}"
    vault.reset()
    assert identity_rotate_keys() == 2
    settings.ENTREPOT_PII_KEYS = [key_b]
    vault.reset()
    numbers = [
        vault.decrypt(row.id_number_encrypted) for row in BuyerIdentity.objects.order_by("pk")
    ]
    assert numbers == [NUMBER, "360426199101010071"]
    assert {row.key_version for row in BuyerIdentity.objects.all()} == {vault.current_key_id()}
    assert identities[0].key_version != vault.current_key_id()


def test_without_the_old_key_unrotated_numbers_cannot_be_read(settings):
    identity = _verify()
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode()]
    vault.reset()
    with pytest.raises(vault.VaultError, match="keep every old key"):
        vault.decrypt(identity.id_number_encrypted)


def test_rotate_command_reports_the_rows(settings, capsys):
    key_a = settings.ENTREPOT_PII_KEYS[0]
    _verify()
    settings.ENTREPOT_PII_KEYS = [Fernet.generate_key().decode(), key_a]
    vault.reset()
    call_command("rotate_pii_keys")
    assert "1 ID number(s) now encrypted under key " + vault.current_key_id() in (
        capsys.readouterr().out
    )


def test_payer_with_same_number_and_name_matches():
    identity = _verify(name="Wang Fang")
    assert payer_matches(identity, payer_name="wang  fang", payer_id_number="11010519491231002x")


def test_payer_with_another_number_or_name_does_not_match():
    identity = _verify()
    assert not payer_matches(identity, payer_name="王芳", payer_id_number="360426199101010071")
    assert not payer_matches(identity, payer_name="王芬", payer_id_number=NUMBER)
    assert not payer_matches(identity, payer_name="王芳", payer_id_number="")
