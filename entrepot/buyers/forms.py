"""Forms of the buyer account: sign-up, login, the address book. They validate and say
what was wrong and what is allowed; services write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entrepot.buyers.models import BuyerAddress
from entrepot.buyers.selectors import login_taken
from entrepot.buyers.services import AddressFields
from entrepot.domain.china_divisions import (
    Division,
    DivisionRefused,
    check_division,
    mainland_provinces,
    split_address,
)
from entrepot.domain.china_mobile import EXAMPLE, InvalidMobile, normalize_mobile

EMAIL_EXAMPLE = "wang.fang@example.com"
DISTRICT_LIST_ID = "district-options"
STREET_MAX = 200  # BuyerAddress.street


def mobile_message(error: InvalidMobile) -> str:
    """The translated sentence for a refused mobile number."""
    if error.code == "prefix":
        return _("A mainland China mobile number starts with 13 to 19, e.g. %(example)s.") % {
            "example": EXAMPLE
        }
    return _(
        "Enter a mainland China mobile number: 11 digits, e.g. %(example)s (+86 and spaces "
        "are fine)."
    ) % {"example": EXAMPLE}


def division_message(error: DivisionRefused) -> str:
    """The translated sentence for a refused province, city or district."""
    if error.code == "missing":
        return {
            "province": _("Choose the province."),
            "city": _("Choose the city."),
        }.get(error.field, _("Enter the district or county (for a city without districts, "
                             "the town or sub-district)."))  # fmt: skip
    if error.code == "province_unknown":
        return _("“%(province)s” is not a province of China: choose one from the list.") % (
            error.params
        )
    if error.code == "outside_mainland":
        return (
            _(
                "We deliver to mainland China only: %(province)s is a separate customs territory, "
                "outside China's cross-border e-commerce import rules."
            )
            % error.params
        )
    if error.code == "city_unknown":
        return (
            _(
                "%(city)s is not a city of %(province)s: choose a city of %(province)s (the list "
                "groups the cities by province)."
            )
            % error.params
        )
    return _("%(district)s is not a district of %(city)s. The districts of %(city)s are: "
             "%(allowed)s.") % error.params  # fmt: skip


def province_choices() -> list:
    return [("", _("Choose a province")), *((p.name, p.name) for p in mainland_provinces())]


def city_choices() -> list:
    """Cities grouped by province: the city list works without JavaScript."""
    grouped = [(p.name, [(c.name, c.name) for c in p.cities]) for p in mainland_provinces()]
    return [("", _("Choose a city")), *grouped]


class MobileField(forms.CharField):
    """A mainland China mobile number; cleans to its 11 digits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return normalize_mobile(value)
        except InvalidMobile as error:
            raise ValidationError(mobile_message(error), code=error.code) from None


def province_field(**kwargs) -> forms.CharField:
    # a CharField showing a select, so that a wrong value gets the reason, not "invalid choice"
    return forms.CharField(
        label=gettext_lazy("Province"), max_length=20,
        widget=forms.Select(choices=province_choices, attrs={"autocomplete": "address-level1"}),
        **kwargs,
    )  # fmt: skip


def city_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("City"), max_length=30,
        widget=forms.Select(choices=city_choices, attrs={"autocomplete": "address-level2"}),
        **kwargs,
    )  # fmt: skip


def district_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("District / county"), max_length=40,
        widget=forms.TextInput(attrs={"list": DISTRICT_LIST_ID, "autocomplete": "off"}),
        help_text=gettext_lazy("e.g. 西湖区; where a city has no districts, the town."),
        **kwargs,
    )  # fmt: skip


def postcode_field() -> forms.RegexField:
    return forms.RegexField(
        label=gettext_lazy("Postcode (optional)"), regex=r"^\d{6}$", max_length=6,
        required=False,
        error_messages={"invalid": gettext_lazy("A postcode in China has 6 digits, e.g. 310012.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )  # fmt: skip


def clean_division(form: forms.Form) -> Division | None:
    """Check the form's province, city and district together; errors go to the field at
    fault. None when a field is already in error or the division is refused."""
    data = form.cleaned_data
    if any(name in form.errors for name in ("province", "city", "district")):
        return None
    try:
        return check_division(
            province=data.get("province", ""), city=data.get("city", ""),
            district=data.get("district", ""),
        )  # fmt: skip
    except DivisionRefused as error:
        form.add_error(error.field, division_message(error))
        return None


def clean_address_line(form: forms.Form, *, street_field: str) -> None:
    """When the street line holds the whole address (浙江省杭州市西湖区文三路100号), take
    province, city and district off its start: they fill the empty fields, or must agree
    with the chosen ones. What remains must be a street."""
    data = form.cleaned_data
    if street_field not in data:
        return
    street = data[street_field].strip()
    parts = split_address(street)
    if parts is not None:
        for name in ("province", "city", "district"):
            found, chosen = getattr(parts, name), (data.get(name) or "").strip()
            if found and not chosen:
                data[name] = found
            elif found and not found.startswith(chosen):
                form.add_error(
                    street_field,
                    _("The address starts with %(found)s, but %(chosen)s is chosen above: make "
                      "them agree.") % {"found": found, "chosen": chosen},
                )  # fmt: skip
                return
        street = parts.street
    if len(street) < 2:
        form.add_error(street_field, _("Add the street, building and number after the district."))
        return
    if len(street) > STREET_MAX:
        form.add_error(
            street_field,
            _("The street, building and number take at most %(max)d characters.")
            % {"max": STREET_MAX},
        )
        return
    data[street_field] = street


class BookAddressForm(forms.Form):
    """An address of the address book."""

    recipient = forms.CharField(
        label=gettext_lazy("Recipient"), max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    phone = MobileField(label=gettext_lazy("Mobile phone"))
    # not required as fields: the street line may hold them, and a missing one gets its
    # own message from clean_division
    province = province_field(required=False)
    city = city_field(required=False)
    district = district_field(required=False)
    street = forms.CharField(
        label=gettext_lazy("Street, building and number"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )  # fmt: skip
    postcode = postcode_field()
    make_default = forms.BooleanField(
        label=gettext_lazy("Make this my default address"), required=False,
        # the page's form style stretches inputs to the full width; not the check box
        widget=forms.CheckboxInput(attrs={"style": "width:auto"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        clean_address_line(self, street_field="street")
        data["division"] = clean_division(self)
        return data

    def address_fields(self) -> AddressFields:
        data = self.cleaned_data
        return AddressFields(
            recipient=data["recipient"], phone=data["phone"], division=data["division"],
            street=data["street"], postcode=data.get("postcode") or "",
        )  # fmt: skip

    @staticmethod
    def initial_for(address: BuyerAddress) -> dict:
        return {
            "recipient": address.recipient, "phone": address.phone,
            "province": address.province, "city": address.city, "district": address.district,
            "street": address.street, "postcode": address.postcode,
            "make_default": address.is_default,
        }  # fmt: skip


class SignUpForm(forms.Form):
    login = forms.CharField(
        label=gettext_lazy("Mobile number or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        help_text=gettext_lazy(
            "A mainland China mobile number (e.g. 13800138000) or an e-mail address. You log "
            "in with it."
        ),
    )  # fmt: skip
    display_name = forms.CharField(
        label=gettext_lazy("Display name"), max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        help_text=gettext_lazy("How we greet you; a nickname is fine."),
    )  # fmt: skip
    password1 = forms.CharField(
        label=gettext_lazy("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )  # fmt: skip
    password2 = forms.CharField(
        label=gettext_lazy("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def clean_login(self) -> str:
        text = self.cleaned_data["login"].strip()
        if "@" in text:
            return self._clean_email(text)
        try:
            phone = normalize_mobile(text)
        except InvalidMobile as error:
            raise ValidationError(
                _("%(problem)s Or enter an e-mail address, e.g. %(example)s.")
                % {"problem": mobile_message(error), "example": EMAIL_EXAMPLE}
            ) from None
        if login_taken(phone=phone):
            raise ValidationError(_("An account with this mobile number exists: log in instead."))
        return phone

    def _clean_email(self, text: str) -> str:
        email = text.lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("Enter a whole e-mail address, e.g. %(example)s.") % {"example": EMAIL_EXAMPLE}
            ) from None
        if login_taken(email=email):
            raise ValidationError(_("An account with this e-mail address exists: log in instead."))
        return email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ: type the same one twice."))
        elif first:
            login = data.get("login", "")
            user = get_user_model()(username=login, email=login if "@" in login else "")
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    @property
    def phone(self) -> str:
        login = self.cleaned_data["login"]
        return "" if "@" in login else login

    @property
    def email(self) -> str:
        login = self.cleaned_data["login"]
        return login if "@" in login else ""


class LoginForm(AuthenticationForm):
    """Django's login form, taking a mobile number or an e-mail address; its one error
    never says which of login and password was wrong, nor whether the account exists."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The mobile number or e-mail and the password do not match an account: check both "
            "and try again (passwords are case-sensitive)."
        ),
        "inactive": gettext_lazy(
            "The mobile number or e-mail and the password do not match an account: check both "
            "and try again (passwords are case-sensitive)."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = gettext_lazy("Mobile number or e-mail")
