"""API tokens of sellers' own systems, and the answers remembered for idempotency keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from entrepot.sellers.models import Seller


class ApiToken(models.Model):
    """A bearer token of one seller. Only its SHA-256 is stored: the token is shown once."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # the first 8 characters, shown to the seller to tell tokens apart
    key_prefix = models.CharField(_("starts with"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole token
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed on repeats."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)  # sha256 hex of the request body
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()  # JSON
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["seller", "key"], name="idempotency_seller_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.status_code}"
