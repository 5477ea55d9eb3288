"""Keep resident ID numbers out of the logs (PIPL: sensitive personal information).

A safety net, not a licence: code must not log ID numbers in the first place. Installed
on the console handler in settings.LOGGING, the filter rewrites the message, its
arguments, a traceback and the stack so that a number appears only masked
(110105********002X). Only 18-character tokens with a correct check character are
masked, so order and tracking numbers of 18 digits mostly stay readable (1 in 11 of
them happens to carry a valid check character and is masked too).
"""

from __future__ import annotations

import logging
import re

from entrepot.domain.resident_id import has_valid_check_character, mask_resident_id

# 17 digits and a check character, not inside a longer run of digits
_CANDIDATE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_TRACEBACKS = logging.Formatter()


def redact_resident_ids(text: str) -> str:
    """`text` with every resident ID number replaced by its masked form."""
    return _CANDIDATE.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    token = match.group(0)
    return mask_resident_id(token) if has_valid_check_character(token) else token


class RedactResidentIds(logging.Filter):
    """Masks resident ID numbers in a record; never drops the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: still hide what its parts hold
            message = f"{record.msg} {record.args!r}"
        redacted = redact_resident_ids(message)
        if redacted != message:
            # formatted here, once: the handler must not format the clear arguments again
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_resident_ids(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_resident_ids(record.stack_info)
        return True
