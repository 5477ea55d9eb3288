"""Landed-cost quotes: the domain engine fed with stored rates and the positive list."""

from __future__ import annotations

from dataclasses import replace

from entrepot.domain.landed_cost import model as m
from entrepot.domain.landed_cost.policies import quote, region_of
from entrepot.pricing.positive_list import positive_list_on, positive_list_sample
from entrepot.pricing.selectors import rate_table_on

SAMPLE_LIST_NOTE = m.Note(
    "CN_POSITIVE_LIST_SAMPLE",
    "Checked against the shipped sample of the positive list; the operator has not loaded one",
    "按随附的正面清单样本核对；运营方尚未导入正式清单",
)


def landed_cost_quote(request: m.QuoteRequest) -> m.Quote:
    """Quote `request` with the rates and positive list in force on `request.as_of`.

    With no positive list stored, the shipped sample stands in and the quote says so.
    Raises NoRulePack and RateMissing for the caller to turn into a 4xx.
    """
    positive_list, sample = None, False
    if region_of(request.destination) == "CN":
        positive_list = positive_list_on(request.as_of)
        if not len(positive_list):
            positive_list, sample = positive_list_sample(), True
    result = quote(request, rates=rate_table_on(request.as_of), positive_list=positive_list)
    if sample:
        result = replace(result, notes=(*result.notes, SAMPLE_LIST_NOTE))
    return result
