"""Which receipt counts, and the declaration status it leads to."""

from entrepot.domain.customs import receipts as r

ALL_ACCEPTED = {t: r.DOC_ACCEPTED for t in ("CEB311", "CEB411", "CEB511", "CEB621")}


def test_a_receipt_newer_than_the_last_applied_is_applied():
    assert r.receipt_outcome(duplicate=False, attempt=1, current_attempt=1,
                             last_time="20261127180000001",
                             return_time="20261127180000002") == r.APPLIED  # fmt: skip


def test_an_older_or_equal_receipt_is_stale_and_a_repeated_one_a_duplicate():
    common = {"attempt": 1, "current_attempt": 1, "last_time": "20261127180000002"}
    assert r.receipt_outcome(duplicate=False, return_time="20261127180000001", **common) == r.STALE
    assert r.receipt_outcome(duplicate=False, return_time="20261127180000002", **common) == r.STALE
    assert r.receipt_outcome(duplicate=True, return_time="20261127180000009", **common) == (
        r.DUPLICATE
    )


def test_a_receipt_of_an_earlier_attempt_is_superseded():
    assert r.receipt_outcome(duplicate=False, attempt=1, current_attempt=2, last_time="",
                             return_time="20261127180000009") == r.SUPERSEDED  # fmt: skip


def test_status_follows_the_documents():
    assert r.declaration_status({}) == r.SUBMITTED
    assert r.declaration_status({**ALL_ACCEPTED, "CEB411": r.DOC_SENT}) == r.SUBMITTED
    assert r.declaration_status(ALL_ACCEPTED) == r.ACCEPTED_STATUS
    assert r.declaration_status({**ALL_ACCEPTED, "CEB621": r.DOC_RELEASED}) == r.CLEARED
    assert r.declaration_status({**ALL_ACCEPTED, "CEB511": r.DOC_REJECTED}) == r.REJECTED_STATUS


def test_a_release_before_the_other_receipts_clears_the_declaration():
    assert r.declaration_status({"CEB621": r.DOC_RELEASED}) == r.CLEARED


def test_cancellation_wins_when_accepted_and_loses_to_a_release():
    assert r.declaration_status(ALL_ACCEPTED, r.CANCEL_SENT) == r.CANCELLING
    assert r.declaration_status(ALL_ACCEPTED, r.CANCEL_DONE) == r.CANCELLED
    released = {**ALL_ACCEPTED, "CEB621": r.DOC_RELEASED}
    assert r.declaration_status(released, r.CANCEL_SENT) == r.CLEARED
    assert r.declaration_status(released, r.CANCEL_REFUSED) == r.CLEARED


def test_return_codes_map_to_document_states():
    assert r.doc_state("120") == r.DOC_ACCEPTED
    assert r.doc_state("100") == r.DOC_REJECTED
    assert r.doc_state("-301010") == r.DOC_REJECTED
    assert r.doc_state("800") == r.DOC_RELEASED
    assert r.doc_state("2") == r.DOC_SENT
