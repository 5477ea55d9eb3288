"""Writes of the seller API: tokens, and the answers remembered for idempotency keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from entrepot.sellerapi.models import ApiToken, IdempotencyRecord
from entrepot.sellers.models import Seller

TOKEN_PREFIX = "ep_"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token: a busy integration must not
# turn every read into a write
LAST_USED_RESOLUTION = timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 200


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, seller: Seller, name: str) -> tuple[ApiToken, str]:
    """A new token for `seller`. The plain token is returned here, once, and never stored."""
    name = name.strip()
    if not name:
        raise ValueError("a token needs a name, e.g. the system that will use it")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        seller=seller, name=name[:100], key_prefix=raw[:PREFIX_LENGTH], key_hash=token_hash(raw)
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop accepting `token` at once. Revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> Seller | None:
    """The seller whose active token `raw` is, or None. Notes when the token was used."""
    if not raw or len(raw) > _MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    if not raw.isascii():
        return None
    digest = token_hash(raw)
    candidates = ApiToken.objects.filter(
        key_prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True
    ).select_related("seller__user")
    match = None
    for candidate in candidates:
        # compare every candidate, in constant time: timing says nothing about the hash
        if hmac.compare_digest(candidate.key_hash, digest):
            match = candidate
    if match is None or not match.seller.user.is_active:
        return None
    now = timezone.now()
    if match.last_used_at is None or now - match.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=match.pk).update(last_used_at=now)
        match.last_used_at = now
    return match.seller


def idempotency_record_create(
    *,
    seller: Seller,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    status_code: int,
    response_body: str,
) -> IdempotencyRecord:
    """Remember the answer to a write. Call it inside the write's transaction: a second
    record with the same (seller, key) raises IntegrityError and undoes the write."""
    return IdempotencyRecord.objects.create(
        seller=seller,
        key=key,
        method=method,
        path=path[:300],
        request_hash=request_hash,
        status_code=status_code,
        response_body=response_body,
    )
