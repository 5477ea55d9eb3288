from django import template
from django.conf import settings

from entrepot.domain.money import Money
from entrepot.storefront import display

register = template.Library()


@register.filter
def money(value: Money) -> str:
    return display.format_money(value) if value is not None else ""


@register.filter
def bi(obj, field: str) -> str:
    return display.bilingual(obj, field)


@register.filter
def country(code: str) -> str:
    return display.country_name(code)


@register.filter
def flag(code: str) -> str:
    return display.flag(code)


@register.filter
def media(path: str) -> str:
    """The public URL of a stored file (content-hashed names: cacheable for a year)."""
    return f"{settings.MEDIA_URL}{path}" if path else ""
