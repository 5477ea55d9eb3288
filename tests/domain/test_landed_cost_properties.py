"""Properties of the engine over generated baskets (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from entrepot.domain.landed_cost.policies import quote
from entrepot.domain.money import Money, minor_units
from tests.domain.landed_cost_helpers import POSITIVE_LIST, RATES, item, request

CURRENCIES = ["CNY", "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "CHF", "KRW"]
DESTINATIONS = ["CN", "DE", "FR", "IT", "GB", "US", "AU", "CA"]
UNITS = st.sampled_from(["ml", "g", "piece"])
HS_CODES = ["21069090", "33041000", "33049900", "49019900", "61091000", "19011010"]


def _money(currency: str, low: int, high: int):
    places = minor_units(currency)
    return st.integers(low * 10**places, high * 10**places).map(
        lambda units: str(Decimal(units).scaleb(-places))
    )


@st.composite
def items(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    price = draw(_money(currency, 0, 400 if currency not in {"JPY", "KRW"} else 40000))
    return item(
        price, currency,
        hs=draw(st.sampled_from(HS_CODES)),
        qty=draw(st.integers(1, 4)),
        sku=f"SKU-{draw(st.integers(1, 999))}",
        origin=draw(st.sampled_from(["US", "DE", "JP", "FR"])),
        net=draw(st.none() | st.tuples(st.sampled_from(["5", "30", "100"]), UNITS)),
        duty=draw(st.sampled_from([None, "0", "0.05", "0.12"])),
    )  # fmt: skip


@st.composite
def requests(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    return request(
        *draw(st.lists(items(), min_size=1, max_size=5)),
        destination=draw(st.sampled_from(DESTINATIONS)),
        currency=currency,
        shipping=draw(_money(currency, 0, 60)),
        insurance=draw(_money(currency, 0, 5)),
        ytd=draw(st.none() | _money("CNY", 0, 30000)),
    )  # fmt: skip


def _quote(req):
    return quote(req, rates=RATES, positive_list=POSITIVE_LIST)


@settings(max_examples=300, deadline=None)
@given(requests())
def test_totals_equal_the_sum_of_the_lines(req):
    result = _quote(req)
    zero = Money.zero(req.currency)
    for name in ("goods", "duty", "vat", "consumption_tax"):
        assert getattr(result.totals, name) == sum((getattr(x, name) for x in result.lines), zero)
    t = result.totals
    assert t.grand_total == t.goods + t.shipping + t.insurance + t.taxes_and_duties + t.fees


@settings(max_examples=300, deadline=None)
@given(requests())
def test_tax_is_never_negative_and_every_amount_is_rounded_to_the_quote_currency(req):
    result = _quote(req)
    for line in result.lines:
        for amount in (line.duty, line.vat, line.consumption_tax, line.total_tax):
            assert amount.amount >= 0
            assert amount.currency == req.currency
            assert amount == amount.rounded()
    assert result.totals.grand_total >= result.totals.goods


def _unit_value_in(currency: str, other: str) -> Decimal:
    """What one minor unit of `other` is worth in `currency`."""
    return Decimal(1).scaleb(-minor_units(other)) * RATES.rate(other, currency)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(CURRENCIES),
    st.sampled_from(CURRENCIES),
    st.integers(0, 10**9),
)
def test_converting_there_and_back_drifts_at_most_one_minor_unit(a, b, units):
    # Holds when the middle currency's minor unit is worth no more than the start's:
    # seller price -> buyer currency -> seller currency, e.g. USD -> CNY -> USD.
    unit_a = Decimal(1).scaleb(-minor_units(a))
    if _unit_value_in(a, b) > unit_a:
        return
    start = Money(Decimal(units) * unit_a, a)
    back = RATES.convert(RATES.convert(start, b), a)
    assert abs(back.amount - start.amount) <= unit_a


@given(st.integers(0, 10**8))
def test_usd_to_cny_and_back_never_drifts(cents):
    start = Money(Decimal(cents).scaleb(-2), "USD")
    assert abs(RATES.convert(RATES.convert(start, "CNY"), "USD").amount - start.amount) <= Decimal(
        "0.01"
    )
