import io
import logging
import sys

from entrepot.buyers.logfilter import RedactResidentIds, redact_resident_ids


def test_resident_id_numbers_are_masked():
    assert redact_resident_ids("id=11010519491231002x, 360426199101010071.") == (
        "id=110105********002X, 360426********0071."
    )


def test_numbers_without_a_valid_check_digit_stay_readable():
    # an order number of 18 digits, a typo'd ID, and 19- and 20-digit runs
    text = "order 360426199101010072 / 3604261991010100710 / 11010519491231002X1"
    assert redact_resident_ids(text) == text


def test_filter_masks_arguments_and_never_drops_the_record():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "payer %s paid %d", ("360426199101010071", 5), None
    )
    assert RedactResidentIds().filter(record) is True
    assert record.getMessage() == "payer 360426********0071 paid 5"


def test_filter_masks_tracebacks():
    try:
        raise ValueError("bad number 360426199101010071")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    RedactResidentIds().filter(record)
    formatted = logging.Formatter().format(record)
    assert "360426********0071" in formatted
    assert "360426199101010071" not in formatted


def test_console_handler_from_settings_masks_numbers():
    handler = next(
        h for h in logging.getLogger().handlers
        if any(isinstance(f, RedactResidentIds) for f in h.filters)
    )  # fmt: skip
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("entrepot.tests").warning("typed %s", "11010519491231002X")
    finally:
        handler.setStream(previous)
    assert "typed 110105********002X" in stream.getvalue()
    assert "11010519491231002X" not in stream.getvalue()
