"""China's CBEC positive list (跨境电子商务零售进口商品清单) as a plain value.

Only goods whose 8-digit Chinese tariff number is on the list may be imported through
cross-border e-commerce retail. A line may carry remarks: bonded-warehouse mode (1210)
only, a per-person yearly weight cap, or a restriction to named products.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PositiveListEntry:
    tariff_number: str  # 8 digits
    description: str
    bonded_only: bool = False
    yearly_weight_cap_kg: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class PositiveList:
    """One edition of the list, in force from `edition`."""

    edition: date
    entries: Mapping[str, PositiveListEntry] = field(default_factory=dict)

    def get(self, tariff_number: str) -> PositiveListEntry | None:
        return self.entries.get(tariff_number)

    def __len__(self) -> int:
        return len(self.entries)
