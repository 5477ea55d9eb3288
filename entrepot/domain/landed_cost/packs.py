"""Rule packs: every rate and threshold as data with its effective dates.

Duty tables are ILLUSTRATIVE SAMPLES (UNCONFIRMED, a handful of common headings for
the demo catalogue); any item can carry its own `rates` to override them, and an
operator replaces them with the real tariff. Facts and sources:
shared/domain/cross-border-rules.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from entrepot.domain.landed_cost.corridors.au import AuPack
from entrepot.domain.landed_cost.corridors.ca import CaPack
from entrepot.domain.landed_cost.corridors.cn_cbec import CnCbecPack
from entrepot.domain.landed_cost.corridors.eu import EuPack
from entrepot.domain.landed_cost.corridors.uk import UkPack
from entrepot.domain.landed_cost.corridors.us import UsPack

# China MFN duty, for the single-item full-tax rule (sample; UNCONFIRMED)
CN_MFN_DUTY = {
    "3304": D("0.01"), "3303": D("0.03"), "9101": D("0.08"), "9102": D("0.08"),
    "6109": D("0.08"), "6110": D("0.08"), "7113": D("0.08"), "4901": D("0"),
}  # fmt: skip

CN_CBEC = (
    CnCbecPack(date(2016, 4, 8), date(2018, 12, 31), order_limit=D(2000), annual_limit=D(20000),
               mfn_duty=CN_MFN_DUTY),
    CnCbecPack(date(2019, 1, 1), None, order_limit=D(5000), annual_limit=D(26000),
               mfn_duty=CN_MFN_DUTY),
)  # fmt: skip

# EU standard VAT rates by member state (2026)
EU_VAT = {
    "AT": D("0.20"), "BE": D("0.21"), "BG": D("0.20"), "HR": D("0.25"), "CY": D("0.19"),
    "CZ": D("0.21"), "DK": D("0.25"), "EE": D("0.24"), "FI": D("0.255"), "FR": D("0.20"),
    "DE": D("0.19"), "GR": D("0.24"), "HU": D("0.27"), "IE": D("0.23"), "IT": D("0.22"),
    "LV": D("0.21"), "LT": D("0.21"), "LU": D("0.17"), "MT": D("0.18"), "NL": D("0.21"),
    "PL": D("0.23"), "PT": D("0.23"), "RO": D("0.21"), "SK": D("0.23"), "SI": D("0.22"),
    "ES": D("0.21"), "SE": D("0.25"),
}  # fmt: skip
# reduced VAT on printed books, a sample of member states (others: standard rate)
EU_VAT_BOOKS = {
    "DE": D("0.07"), "FR": D("0.055"), "IT": D("0.04"), "ES": D("0.04"), "NL": D("0.09"),
    "AT": D("0.10"), "BE": D("0.06"), "IE": D("0"),
}  # fmt: skip
EU_DUTY = {
    "3304": D("0"), "3303": D("0"), "4901": D("0"), "9503": D("0.047"), "6109": D("0.12"),
    "6110": D("0.12"), "090121": D("0.075"), "732393": D("0.032"), "950691": D("0.027"),
}  # fmt: skip
EU_MEMBERS = frozenset(EU_VAT)
_eu = {"vat_standard": EU_VAT, "vat_books": EU_VAT_BOOKS, "duty": EU_DUTY, "members": EU_MEMBERS}
EU = (
    EuPack(date(2021, 7, 1), date(2026, 6, 30), **_eu),
    EuPack(date(2026, 7, 1), date(2028, 6, 30), flat_duty_per_subheading=D(3), **_eu),
    # the flat duty ends 2028-07-01 unless extended: extend by editing this data
    EuPack(date(2028, 7, 1), None, **_eu),
)

UK_DUTY = {"3304": D("0"), "3303": D("0"), "4901": D("0"), "6109": D("0.12"), "6110": D("0.12")}
UK = (UkPack(date(2021, 1, 1), None, duty=UK_DUTY),)

US_DUTY = {
    "4901": D("0"), "3304": D("0"), "3303": D("0"), "9503": D("0"), "610910": D("0.165"),
    "6110": D("0.16"), "090121": D("0"), "210690": D("0.064"), "732393": D("0.02"),
    "230910": D("0"), "950691": D("0.046"),
}  # fmt: skip
US = (
    UsPack(date(2016, 3, 10), date(2025, 8, 28), duty=US_DUTY, de_minimis=D(800),
           de_minimis_suspended_origins=("CN", "HK"), suspended_from=date(2025, 5, 2)),
    UsPack(date(2025, 8, 29), None, duty=US_DUTY),
)  # fmt: skip

AU_DUTY = {"": D("0.05"), "4901": D("0"), "4903": D("0")}  # most goods 5% (sample)
AU = (AuPack(date(2018, 7, 1), None, duty=AU_DUTY),)

CA_DUTY = {
    "4901": D("0"), "9503": D("0"), "6109": D("0.18"), "6110": D("0.18"), "3304": D("0.065"),
}  # fmt: skip
CA = (CaPack(date(2020, 7, 1), None, duty=CA_DUTY),)
