"""Forms of the after-sales pages: they validate, the services act."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepot.aftersales.models import Dispute, ReturnRequest
from entrepot.aftersales.services import PARTIAL, REFUND, REJECT


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnRequest.Reason.choices)
    text = forms.CharField(label=_("What happened"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Dispute.Reason.choices)
    text = forms.CharField(label=_("What happened"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class TextForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (REFUND, _("Full refund")),
            (PARTIAL, _("Partial refund")),
            (REJECT, _("Reject")),
        ],  # fmt: skip
    )
    amount = forms.DecimalField(label=_("Amount (goods and shipping, CNY)"), required=False,
                                min_value=Decimal("0.01"), max_digits=14,
                                decimal_places=2)  # fmt: skip
    note = forms.CharField(label=_("Reason for the decision"), max_length=500)


class RefundForm(forms.Form):
    shipping = forms.BooleanField(label=_("Refund the shipping"), required=False)
    full = forms.BooleanField(label=_("Refund everything left"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


def line_quantities(data, lines) -> dict[int, int]:
    """`qty-<line id>` fields of a POST, as line id -> units (0 when blank). Raises
    ValueError naming the field when one is not a whole number from 0 to the line's."""
    quantities = {}
    for line in lines:
        raw = (data.get(f"qty-{line.pk}") or "0").strip()
        if not raw.isdigit() or int(raw) > line.quantity:
            raise ValueError(
                _("%(title)s: give a number of units from 0 to %(max)d.")
                % {"title": line.title_en, "max": line.quantity}
            )
        quantities[line.pk] = int(raw)
    return quantities
