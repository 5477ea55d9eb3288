"""`{% order_cases order as cases %}`: the order's returns and disputes for its page."""

from __future__ import annotations

from django import template

from entrepot.aftersales.selectors import order_cases_brief

register = template.Library()


@register.simple_tag
def order_cases(order) -> list:
    return order_cases_brief(order)
