"""The operator's marketplace dashboard and its CSV exports (staff only, as the rest of
the back office)."""

from __future__ import annotations

import csv
import re

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from entrepot.analytics import charts, selectors
from entrepot.analytics.forms import DashboardForm
from entrepot.analytics.selectors import Dashboard, cny, growth


def _dashboard_for(request: HttpRequest) -> tuple[DashboardForm, Dashboard]:
    form = DashboardForm(request.GET or None, today=timezone.localdate())
    if form.is_bound:
        form.is_valid()
    return form, selectors.dashboard(form.filters(), target_cny=form.target_cny())


def figures(board: Dashboard) -> list[dict]:
    """The headline figures: label, value, the same a year earlier and the growth."""
    t, p, a = board.totals, board.previous, board.active

    def row(key, label, value, previous=None, now_raw=None, before_raw=None, unit=""):
        change = growth(now_raw, before_raw) if now_raw is not None else None
        return {"key": key, "label": label, "value": value, "previous": previous,
                "growth": change, "unit": unit}  # fmt: skip

    return [
        row("gmv", _("GMV (paid orders)"), t.gmv, p.gmv, t.gmv_cny, p.gmv_cny),
        row("gmv_usd", _("GMV in USD (at each day's rate)"), t.gmv_in_usd, p.gmv_in_usd,
            t.gmv_usd, p.gmv_usd),
        row("orders", _("Paid orders"), t.orders, p.orders, t.orders, p.orders),
        row("units", _("Units sold"), t.units, p.units, t.units, p.units),
        row("aov", _("Average order value"), t.average_order, p.average_order,
            t.average_order.amount, p.average_order.amount),
        row("cross_border", _("Cross-border share of GMV"), t.cross_border_share,
            p.cross_border_share, unit="%"),
        row("small_gmv", _("Small businesses' share of GMV"), t.small_business_share,
            p.small_business_share, unit="%"),
        row("buyers", _("Active buyers in the range"), a.buyers, a.previous_buyers, a.buyers,
            a.previous_buyers),
        row("sellers", _("Active sellers in the range"), a.sellers, a.previous_sellers,
            a.sellers, a.previous_sellers),
        row("tax", _("Import tax collected"), cny(t.tax_cny), cny(p.tax_cny), t.tax_cny,
            p.tax_cny),
        row("refunds", _("Refunds"), t.refunds, p.refunds, t.refunds, p.refunds),
        row("refunded", _("Refunded"), cny(t.refunds_cny), cny(p.refunds_cny), t.refunds_cny,
            p.refunds_cny),
        row("placed", _("Orders placed"), t.placed, p.placed, t.placed, p.placed),
    ]  # fmt: skip


@require_safe
@staff_member_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, board = _dashboard_for(request)
    return render(request, "analytics/dashboard.html", {
        "form": form, "board": board, "figures": figures(board),
        "gmv_chart": charts.gmv_chart(board.series, board.series_grain),
        "cross_border_chart": charts.cross_border_chart(board.series, board.series_grain),
        "corridor_chart": charts.breakdown_chart(_("GMV by corridor (CNY)"), board.corridors),
        "category_chart": charts.breakdown_chart(_("GMV by category (CNY)"), board.categories),
        "query": request.GET.urlencode(),
    })  # fmt: skip


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _cell(value):
    """A CSV cell that a spreadsheet will not run: text starting like a formula (a seller
    may call its shop "=HYPERLINK(...)") gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        if not _NUMBER.match(value):  # a negative growth stays a number
            return "'" + value
    return value


def _money(m) -> str:
    return f"{m.amount:.2f}"


def _pct(value) -> str:
    return "" if value is None else str(value)


def _csv_rows(table: str, board: Dashboard) -> tuple[list[str], list[list]]:
    if table == "figures":
        head = ["figure", "value", "year_earlier", "growth_percent"]
        rows = []
        for f in figures(board):
            value, previous = f["value"], f["previous"]
            fmt = _money if hasattr(value, "currency") else _pct
            rows.append([f["key"], fmt(value) if value is not None else "",
                         fmt(previous) if previous is not None else "", _pct(f["growth"])])
        a, s = board.active, board.sellers
        rows += [["buyers_last_day", a.buyers_day, "", ""], ["buyers_30d", a.buyers_30d, "", ""],
                 ["buyers_365d", a.buyers_365d, "", ""], ["new_sellers", s.new, "", ""],
                 ["registered_sellers", s.registered, "", ""],
                 ["small_business_share_of_sellers", _pct(s.small_business_share), "", ""]]
        return head, rows  # fmt: skip
    if table == "series":
        head = ["period_start", "gmv_cny", "cross_border_gmv_cny", "cross_border_percent",
                "orders"]  # fmt: skip
        return head, [
            [p.start.isoformat(), _money(p.gmv), _money(cny(p.gmv_cross_cny)),
             _pct(p.cross_border_share), p.orders]
            for p in board.series
        ]  # fmt: skip
    if table in {"corridors", "seller-countries", "categories"}:
        rows = {"corridors": board.corridors, "seller-countries": board.seller_countries,
                "categories": board.categories}[table]  # fmt: skip
        head = [table.rstrip("s").replace("-", "_"), "gmv_cny", "orders", "units",
                "gmv_cny_year_earlier", "growth_percent"]  # fmt: skip
        return head, [
            [r.label, _money(r.gmv), r.orders, r.units,
             _money(cny(r.previous_gmv_cny)), _pct(r.growth)]
            for r in rows
        ]  # fmt: skip
    if table == "top-sellers":
        head = ["seller_id", "seller", "country", "small_business", "orders", "gmv_cny"]
        return head, [
            [s.seller_id, s.name, s.country, "yes" if s.small_business else "no", s.orders,
             _money(s.gmv)]
            for s in board.active.top_sellers
        ]  # fmt: skip
    raise Http404("unknown table")


CSV_TABLES = ("figures", "series", "corridors", "seller-countries", "categories", "top-sellers")


@require_safe
@staff_member_required
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in CSV_TABLES:
        raise Http404("unknown table")
    form, board = _dashboard_for(request)
    f = board.filters
    head, rows = _csv_rows(table, board)
    name = f"entrepot-{table}-{f.start.isoformat()}-{f.end.isoformat()}"
    if f.corridor:
        name += f"-{f.corridor}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(head)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response
