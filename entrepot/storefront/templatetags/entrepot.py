from django import template

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
