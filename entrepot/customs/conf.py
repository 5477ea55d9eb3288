"""The customs settings, read in one place: Django settings first, then the environment,
then the default. None of these needs to be in settings.py; docs/operator-guide.md
("Customs and shipping") lists them.

Identity codes default to clearly fake placeholders: an operator registered with
customs sets the real ones (UNCONFIRMED values are never guessed here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

from entrepot.domain.customs.build import Party


def _value(name: str, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


@dataclass(frozen=True)
class CustomsIdentity:
    ebp: Party  # the platform
    agent: Party  # declares for overseas sellers (ebcCode) and transmits (BaseTransfer)
    customs_code: str
    port_code: str
    transfer_id: str


def identity() -> CustomsIdentity:
    ebp = Party(_value("ENTREPOT_CUSTOMS_EBP_CODE", "EBP0000000"),
                _value("ENTREPOT_CUSTOMS_EBP_NAME", "Entrepôt"))  # fmt: skip
    agent = Party(_value("ENTREPOT_CUSTOMS_AGENT_CODE", ebp.code),
                  _value("ENTREPOT_CUSTOMS_AGENT_NAME", ebp.name))  # fmt: skip
    return CustomsIdentity(
        ebp=ebp, agent=agent,
        customs_code=_value("ENTREPOT_CUSTOMS_CODE", "0000"),
        port_code=_value("ENTREPOT_CUSTOMS_PORT_CODE", "0000"),
        transfer_id=_value("ENTREPOT_CUSTOMS_DXP_ID", "DXPENT0000000000"),
    )  # fmt: skip


# the payment companies' customs codes, by payments gateway
PAYMENT_COMPANIES = {"sandbox": Party("SANDBOXPAY", "Sandbox wallet (simulated, no real money)")}


def payment_company(gateway: str) -> Party:
    return PAYMENT_COMPANIES.get(gateway, Party(gateway.upper()[:20], gateway))


def port_name() -> str:
    """Which customs port adapter: "simulated" (the only one shipped)."""
    return _value("ENTREPOT_CUSTOMS_PORT", "simulated")


def simulated_delay_seconds() -> int:
    """How long the simulated port takes to answer; the release comes as long again."""
    return _value("ENTREPOT_CUSTOMS_SIM_DELAY_SECONDS", 30)


def simulated_reject_rate() -> float:
    """Share of first submissions the simulated port rejects for 'wrong data'."""
    return _value("ENTREPOT_CUSTOMS_SIM_REJECT_RATE", 0.05)


def simulated_seed() -> str:
    """Seed of the simulated port's draws: "" draws afresh each time; a value makes the
    same declarations meet the same fate (tests, demos)."""
    return str(_value("ENTREPOT_CUSTOMS_SIM_SEED", ""))


def sweep_batch() -> int:
    return _value("ENTREPOT_CUSTOMS_SWEEP_BATCH", 500)
