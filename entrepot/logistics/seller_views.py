"""Seller central, Shipping: orders to ship with packing list and label data, the customs
status of each order in plain words, the 120-hour flag, and consignments to a bonded
warehouse. A seller sees and ships only its own orders: another seller's order number
answers 404, like one that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from entrepot.catalog.models import ProductVariant
from entrepot.customs.selectors import plain_reason
from entrepot.logistics import conf, selectors
from entrepot.logistics.bonded import ConsignmentRefused, consignment_send
from entrepot.logistics.carriers import CARRIERS
from entrepot.logistics.models import InboundConsignment, Shipment, Warehouse
from entrepot.logistics.shipments import ShipRefused, shipment_ship
from entrepot.sellercentral.views import seller_required
from entrepot.sellers.models import Seller


def _declaration(shipment: Shipment):
    return getattr(shipment.order, "declaration", None)


def _rows(shipments) -> list[dict]:
    rows = []
    for shipment in shipments:
        declaration = _declaration(shipment)
        rows.append({"shipment": shipment, "order": shipment.order, "declaration": declaration,
                     "reason": plain_reason(declaration)})  # fmt: skip
    return rows


@require_safe
@seller_required
def shipping(request: HttpRequest, seller: Seller) -> HttpResponse:
    view = selectors.seller_shipping(seller)
    return render(
        request,
        "logistics/seller_shipping.html",
        {
            "seller": seller, "hours": conf.ship_within_hours(),
            "to_ship": _rows(view.to_ship), "waiting": _rows(view.waiting),
            "on_the_way": _rows(view.on_the_way), "overdue": _rows(view.overdue),
            "bonded": _rows(view.bonded),
        },
    )  # fmt: skip


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(
        label=gettext_lazy("Carrier"),
        choices=[("simulated", gettext_lazy("Booked waybill (simulated carrier)")),
                 ("manual",
                  gettext_lazy("My own carrier: I type its tracking number"))],  # fmt: skip
        widget=forms.RadioSelect(attrs={"style": "width:auto"}),
    )
    tracking_no = forms.RegexField(
        label=gettext_lazy("Tracking number"), regex=r"^[A-Za-z0-9-]{6,40}$", required=False,
        help_text=gettext_lazy("Only with your own carrier: 6 to 40 letters, digits or hyphens."),
        error_messages={
            "invalid": gettext_lazy("6 to 40 letters, digits or hyphens, as on the label.")
        },
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("carrier") == "manual" and not data.get("tracking_no"):
            self.add_error("tracking_no", _("Type the tracking number your carrier gave you."))
        return data


@require_http_methods(["GET", "POST"])
@seller_required
def shipment(request: HttpRequest, seller: Seller, number: str) -> HttpResponse:
    try:
        item = selectors.seller_shipment(seller, number)
    except Shipment.DoesNotExist:
        raise Http404("no such order of yours") from None
    form = ShipForm(request.POST or None, initial={"carrier": item.carrier})
    if request.method == "POST" and form.is_valid():
        try:
            shipment_ship(shipment=item, actor=f"seller:{request.user.get_username()}",
                          carrier=form.cleaned_data["carrier"],
                          tracking_no=form.cleaned_data["tracking_no"])  # fmt: skip
        except ShipRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Order %(number)s is shipped.") % {"number": number})
            return redirect("seller_shipping:shipment", number=number)
    declaration = _declaration(item)
    return render(
        request,
        "logistics/seller_shipment.html",
        {
            "seller": seller, "shipment": item, "order": item.order, "form": form,
            "lines": list(item.order.lines.all()), "parcels": list(item.parcels.all()),
            "checkout": item.order.checkout, "declaration": declaration,
            "reason": plain_reason(declaration), "carrier": CARRIERS[item.carrier],
            "tracking": selectors.tracking_of(item.order), "hours": conf.ship_within_hours(),
        },
    )  # fmt: skip


class ConsignmentForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        label=gettext_lazy("Bonded warehouse"), queryset=Warehouse.objects.none()
    )
    variant = forms.ModelChoiceField(
        label=gettext_lazy("Product"), queryset=ProductVariant.objects.none()
    )
    quantity = forms.IntegerField(label=gettext_lazy("Units"), min_value=1, max_value=100000)
    reference = forms.CharField(label=gettext_lazy("Your reference"), max_length=60, required=False)

    def __init__(self, *args, seller: Seller, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(kind=Warehouse.Kind.BONDED)
        self.fields["variant"].queryset = ProductVariant.objects.filter(
            product__seller=seller
        ).select_related("product")
        self.fields["variant"].label_from_instance = lambda v: f"{v.sku} · {v.product.title_en}"


@require_http_methods(["GET", "POST"])
@seller_required
def consignments(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = ConsignmentForm(request.POST or None, seller=seller)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = consignment_send(seller=seller, warehouse=data["warehouse"],
                                    lines=[(data["variant"], data["quantity"])],
                                    reference=data["reference"])  # fmt: skip
        except ConsignmentRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Consignment %(id)s announced to %(warehouse)s.") % {
                "id": sent.pk, "warehouse": sent.warehouse.name})  # fmt: skip
            return redirect("seller_shipping:consignments")
    mine = (
        InboundConsignment.objects.filter(seller=seller)
        .select_related("warehouse")
        .prefetch_related("lines__variant")[:100]
    )
    return render(request, "logistics/seller_consignments.html",
                  {"seller": seller, "form": form, "consignments": mine})  # fmt: skip
