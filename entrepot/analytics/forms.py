"""The dashboards' filters: GET parameters, checked here, plain values for the selectors."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from entrepot.analytics.selectors import Filters

MAX_DAYS = 366 * 10
CORRIDOR = re.compile(r"^([A-Z]{2})-([A-Z]{2})$")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, date) else value


class RangeForm(forms.Form):
    """From and to (inclusive); by default the 365 days to `today`."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, data, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        # an unbound form shows the default range in its inputs
        self.fields["start"].initial = today - timedelta(days=364)
        self.fields["end"].initial = today

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=364)
        if start > end:
            raise forms.ValidationError(_("The range must start on or before its last day."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a range of at most ten years."))
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[date, date]:
        """The valid range, or the default one when the input was not valid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.today - timedelta(days=364), self.today


class DashboardForm(RangeForm):
    corridor = forms.CharField(label=_("Corridor"), required=False)
    target = forms.DecimalField(
        label=_("Target annual GMV (CNY)"), required=False, min_value=1, max_digits=18,
        decimal_places=2,
    )  # fmt: skip

    def clean_corridor(self) -> str:
        value = self.cleaned_data.get("corridor", "").strip().upper()
        if value and not CORRIDOR.match(value):
            raise forms.ValidationError(_("A corridor is written like US-CN."))
        return value

    def filters(self) -> Filters:
        start, end = self.range()
        corridor = self.cleaned_data.get("corridor", "") if self.is_valid() else ""
        origin, destination = corridor.split("-") if corridor else ("", "")
        return Filters(start=start, end=end, origin=origin, destination=destination)

    def target_cny(self):
        return self.cleaned_data.get("target") if self.is_valid() else None
