"""The customs port interface: where declarations go and where receipts come from.

    CustomsPort                  the interface (a Protocol)
    └── SimulatedPort            a SIMULATOR shipped with the project (simulated_port.py)

A port takes messages (`submit`) and hands out receipts when they are ready
(`receipts`), each acknowledged once processed (`acknowledge`), so a crash between
the two only means the receipt comes again, which receipt handling ignores as a
duplicate. China's single window works this way too: enterprises upload messages and
poll a receipt box. Errors:

    PortError
    ├── PortUnavailable   try again later (the sweep does, next minute)
    └── PortRejected      the port refused the upload itself (malformed message)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class PortError(Exception):
    pass


class PortUnavailable(PortError):
    pass


class PortRejected(PortError):
    pass


@dataclass(frozen=True)
class Outgoing:
    message_type: str
    guid: str
    order_no: str
    xml: bytes


@dataclass(frozen=True)
class Incoming:
    ref: str  # the port's handle, to acknowledge
    xml: bytes


class CustomsPort(Protocol):
    name: str

    def submit(self, messages: list[Outgoing], *, now: datetime) -> None: ...

    def receipts(self, *, now: datetime, limit: int) -> list[Incoming]: ...

    def acknowledge(self, ref: str, *, now: datetime) -> None: ...


def port_for(name: str = "") -> CustomsPort:
    """The configured port (ENTREPOT_CUSTOMS_PORT, "simulated" by default)."""
    from entrepot.customs import conf
    from entrepot.customs.simulated_port import SimulatedPort

    ports = {"simulated": SimulatedPort}
    name = name or conf.port_name()
    try:
        return ports[name]()
    except KeyError:
        raise LookupError(f"unknown customs port {name!r}; known: {', '.join(ports)}") from None
