"""Forms of seller central: they validate; services write."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from entrepot.catalog.bulk.validation import SKU, SKU_RULE
from entrepot.catalog.models import Category, ProductVariant
from entrepot.domain.money import minor_units

SELLER_CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "AUD", "CAD", "KRW", "SEK", "DKK", "NOK",
                     "PLN", "CZK", "HUF", "NZD", "SGD", "HKD"]  # fmt: skip


def _countries() -> list[tuple[str, str]]:
    territories = Locale.parse("en").territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in {"ZZ", "EU"}]
    return sorted(((c, territories[c]) for c in codes), key=lambda pair: pair[1])


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=10)
    business_name = forms.CharField(label=_("Business name"), max_length=200)
    country = forms.ChoiceField(label=_("Country of the business"), choices=_countries)
    currency = forms.ChoiceField(
        label=_("Your currency"),
        choices=[(c, c) for c in SELLER_CURRENCIES],
        help_text=_("You set prices and are paid in this currency."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if get_user_model().objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email exists: log in instead."))
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            password_validation.validate_password(data["password"])
        return data


class ProfileForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name of the business"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    employee_count = forms.IntegerField(
        label=_("Number of employees"), min_value=1, max_value=10**6
    )
    annual_revenue = forms.DecimalField(
        label=_("Annual revenue (in your currency)"), required=False, min_value=0,
        max_digits=16, decimal_places=2,
        help_text=_("Fewer than 50 people and up to 10 million EUR make a small business."),
    )  # fmt: skip
    payout_currency = forms.ChoiceField(
        label=_("Payout currency"), choices=[(c, c) for c in SELLER_CURRENCIES]
    )
    story_en = forms.CharField(
        label=_("Your story (shown to buyers)"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=2000,
    )  # fmt: skip
    accept_terms = forms.BooleanField(
        label=_("I accept the marketplace terms for sellers"), required=True
    )


class ListingForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4}),
        required=False, max_length=5000,
    )  # fmt: skip
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 4}),
        required=False, max_length=5000,
    )  # fmt: skip
    brand = forms.CharField(label=_("Brand"), max_length=100, required=False)
    hs_code = forms.CharField(
        label=_("HS code"), max_length=14, required=False,
        help_text=_("China needs the 8-digit tariff number. Use “Suggest HS codes” for help."),
    )  # fmt: skip
    origin_country = forms.ChoiceField(label=_("Country of origin"), choices=_countries)
    weight_grams = forms.IntegerField(
        label=_("Shipping weight (g)"), min_value=1, max_value=100_000, required=False
    )
    net_content_value = forms.DecimalField(
        label=_("Net content"), required=False, min_value=Decimal("0.001"), max_digits=12,
        decimal_places=3,
    )  # fmt: skip
    net_content_unit = forms.ChoiceField(
        label=_("Unit"), required=False,
        choices=[("", "—"), ("ml", "ml"), ("g", "g"), ("piece", _("pieces"))],
    )  # fmt: skip

    def clean_hs_code(self) -> str:
        code = self.cleaned_data["hs_code"].replace(".", "").replace(" ", "")
        if code and (not code.isdigit() or not 6 <= len(code) <= 10):
            raise forms.ValidationError(_("An HS code has 6 to 10 digits, e.g. 33049900."))
        return code


class VariantForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    name_en = forms.CharField(label=_("Option (English)"), max_length=100)
    name_zh = forms.CharField(label=_("Option (Chinese)"), max_length=100, required=False)
    price = forms.DecimalField(label=_("Price"), min_value=Decimal("0.01"), max_digits=14)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=10**7, initial=0)

    def __init__(self, *args, currency: str = "USD", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"]
        if not SKU.fullmatch(sku):
            raise forms.ValidationError(SKU_RULE())
        return sku

    def clean_price(self) -> Decimal:
        price = self.cleaned_data["price"]
        places = minor_units(self.currency)
        if price != price.quantize(Decimal(1).scaleb(-places)):
            raise forms.ValidationError(
                _("%(currency)s prices have at most %(places)s decimals.")
                % {"currency": self.currency, "places": places}
            )
        return price


class BaseVariantFormSet(forms.BaseFormSet):
    product = None  # the listing being edited: its own SKUs are not "taken"

    def clean(self):
        if any(self.errors):
            return
        skus = [f.cleaned_data["sku"] for f in self.forms if f.cleaned_data]
        if not skus:
            raise forms.ValidationError(_("Add at least one variant with a SKU and a price."))
        if len(skus) != len(set(skus)):
            raise forms.ValidationError(_("Each variant needs its own SKU."))
        # unique across the marketplace: found here, not as an IntegrityError when saving
        taken = ProductVariant.objects.filter(sku__in=skus)
        if self.product is not None:
            taken = taken.exclude(product=self.product)
        used = sorted(taken.values_list("sku", flat=True))
        if used:
            raise forms.ValidationError(
                _("SKU %(skus)s is already used by another listing: SKUs are unique across "
                  "the marketplace, use another one.") % {"skus": ", ".join(used)}
            )  # fmt: skip


# absolute_max: a posted form-TOTAL_FORMS of millions builds (and shows) at most 30 forms,
# not Django's default max_num + 1,000 (about 9 s of CPU for one hostile request)
VariantFormSet = forms.formset_factory(
    VariantForm, formset=BaseVariantFormSet, extra=1, max_num=30, validate_max=True,
    absolute_max=30,
)  # fmt: skip


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the seller sees it)"), widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )  # fmt: skip


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is suspended (the seller sees this)"),
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
    )  # fmt: skip


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Picture (JPEG, PNG or WebP, up to 10 MB)"))
