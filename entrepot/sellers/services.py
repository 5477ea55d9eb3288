"""Writes of sellers: sign-up, profile, terms, and the operator's verification."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from entrepot.audit.services import audit_record
from entrepot.domain.money import Money
from entrepot.domain.sellers import is_small_business
from entrepot.pricing.selectors import current_rate_table
from entrepot.sellers.models import Seller

TERMS_VERSION = "2026-01"


@transaction.atomic
def seller_sign_up(
    *, email: str, password: str, business_name: str, country: str, currency: str
) -> Seller:
    """A login and a seller waiting for verification, with its own warehouse."""
    from entrepot.logistics.services import warehouse_own_ensure

    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    base = slugify(business_name)[:100] or "shop"
    slug, n = base, 1
    while Seller.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    seller = Seller.objects.create(
        user=user, business_name=business_name.strip(), slug=slug, country=country.upper(),
        currency=currency.upper(), payout_currency=currency.upper(), contact_email=email,
        verification_status="pending",
    )  # fmt: skip
    warehouse_own_ensure(seller=seller)
    return seller


@dataclass(frozen=True)
class ProfileInput:
    legal_name: str
    contact_name: str
    contact_phone: str
    city: str
    employee_count: int
    annual_revenue: Decimal | None
    payout_currency: str
    story_en: str = ""


@transaction.atomic
def seller_profile_update(*, seller: Seller, data: ProfileInput) -> Seller:
    """Save the business profile; the small-business flag follows from it."""
    seller.legal_name = data.legal_name.strip()
    seller.contact_name = data.contact_name.strip()
    seller.contact_phone = data.contact_phone.strip()
    seller.city = data.city.strip()
    seller.employee_count = data.employee_count
    seller.annual_revenue = data.annual_revenue
    seller.payout_currency = data.payout_currency.upper()
    seller.story_en = data.story_en.strip()
    revenue = Money(data.annual_revenue, seller.currency) if data.annual_revenue else None
    seller.is_small_business = is_small_business(
        employees=data.employee_count, revenue=revenue, rates=current_rate_table()
    )
    if seller.verification_status == "rejected":
        # a corrected profile goes back to the operator
        seller.verification_status = "pending"
    seller.save()
    return seller


@transaction.atomic
def seller_accept_terms(*, seller: Seller, version: str = TERMS_VERSION) -> Seller:
    seller.terms_version = version
    seller.terms_accepted_at = timezone.now()
    seller.save(update_fields=["terms_version", "terms_accepted_at"])
    return seller


def profile_missing(seller: Seller) -> list[str]:
    """Fields the operator needs before verifying the business (empty when complete)."""
    missing = [
        name
        for name in ("legal_name", "contact_name", "contact_email", "city")
        if not getattr(seller, name)
    ]
    if not seller.terms_accepted_at:
        missing.append("terms")
    return missing


@transaction.atomic
def seller_approve(*, seller: Seller, operator) -> Seller:
    seller.verification_status = "approved"
    seller.rejection_reason = ""
    seller.reviewed_at = timezone.now()
    seller.reviewed_by = operator
    seller.save(update_fields=["verification_status", "rejection_reason", "reviewed_at",
                               "reviewed_by"])  # fmt: skip
    audit_record(action="seller.approve", target=seller)
    return seller


@transaction.atomic
def seller_reject(*, seller: Seller, operator, reason: str) -> Seller:
    if not reason.strip():
        raise ValueError("give the seller a reason: it is shown to them so they can fix it")
    seller.verification_status = "rejected"
    seller.rejection_reason = reason.strip()
    seller.reviewed_at = timezone.now()
    seller.reviewed_by = operator
    seller.save(update_fields=["verification_status", "rejection_reason", "reviewed_at",
                               "reviewed_by"])  # fmt: skip
    audit_record(action="seller.reject", target=seller, details={"reason": seller.rejection_reason})
    return seller
