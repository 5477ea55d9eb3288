"""Background work of customs, run by `entrepot worker` (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from entrepot.customs.services import declarations_sweep, receipts_collect

logger = logging.getLogger(__name__)


def customs_cycle_run() -> dict:
    """Declare what is due, then take the receipts the port has ready."""
    result = declarations_sweep()
    taken = receipts_collect()
    if result.created or result.submitted or result.held or taken:
        logger.info(
            "customs: %d declarations created, %d submitted, %d held; %d receipts taken",
            result.created, result.submitted, result.held, taken,
        )  # fmt: skip
    return {"created": result.created, "submitted": result.submitted, "held": result.held,
            "receipts": taken}  # fmt: skip


@db_periodic_task(crontab(minute="*"))
def customs_cycle() -> dict:
    """Every minute: declare paid CBEC orders, submit, and collect customs receipts."""
    return customs_cycle_run()
