"""`Idempotency-Key` on the seller API's writes: run once, replay the stored answer."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Header

from entrepot.sellerapi import services
from entrepot.sellerapi.models import IdempotencyRecord
from entrepot.sellerapi.presenters import (
    IDEMPOTENCY_KEY_REUSED,
    INVALID_INPUT,
    ApiProblem,
    json_response,
    problem_response,
    refusal,
    render,
)
from entrepot.sellers.models import Seller

IDEMPOTENCY_KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{1,100}")

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="1-100 characters of A-Z a-z 0-9 _ - : . ; a repeat with the same key and "
    "body returns the first answer (header `Idempotent-Replayed: true`) and does nothing",
)


def stored(seller: Seller, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(seller=seller, key=key).first()


def replay(request: HttpRequest, record: IdempotencyRecord, body_hash: str) -> HttpResponse:
    if (record.method, record.path, record.request_hash) != (
        request.method,
        request.path,
        body_hash,
    ):
        return problem_response(
            refusal(
                422,
                IDEMPOTENCY_KEY_REUSED,
                "Idempotency-Key",
                f"Idempotency-Key {record.key!r} was already used for {record.method} "
                f"{record.path} with another body; a repeat must send the same request "
                "byte for byte, a different request needs a new key",
            )
        )
    response = json_response(record.status_code, record.response_body)
    response["Idempotent-Replayed"] = "true"
    return response


def write(
    request: HttpRequest,
    key: str | None,
    run: Callable[[], tuple[int, dict]],
    *,
    lookup: Callable[[Seller, str], IdempotencyRecord | None] = stored,
) -> HttpResponse:
    """Run a write once per `Idempotency-Key`.

    Without a key, `run` runs. With one, the first successful answer is stored in the
    write's own transaction and replayed for every repeat with the same method, path and
    body; a refused request (4xx) is not stored: it changed nothing and may be retried.
    `lookup` finds the stored answer of a key (`stored` unless told otherwise).
    """
    seller: Seller = request.auth
    body_hash = hashlib.sha256(request.body).hexdigest()
    if key is not None:
        if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key):
            return problem_response(
                refusal(
                    422,
                    INVALID_INPUT,
                    "Idempotency-Key",
                    "Idempotency-Key must be 1 to 100 characters of letters, digits and "
                    "_ - : . (a UUID will do)",
                )
            )
        record = lookup(seller, key)
        if record is not None:
            return replay(request, record, body_hash)
    try:
        with transaction.atomic():
            status, data = run()
            content, response = render(status, data)
            if key is not None and 200 <= status < 300:
                services.idempotency_record_create(
                    seller=seller,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_hash=body_hash,
                    status_code=status,
                    response_body=content,
                )
    except ApiProblem as problem:
        return problem_response(problem)
    except IntegrityError:
        # a concurrent request with the same key committed first: this write was undone
        record = lookup(seller, key) if key is not None else None
        if record is None:
            raise
        return replay(request, record, body_hash)
    return response
