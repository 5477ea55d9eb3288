"""Background work of after-sales, run by `entrepot worker` (huey): the deadlines."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from entrepot.aftersales import services

logger = logging.getLogger(__name__)


def aftersales_deadlines_run() -> dict:
    """Unanswered returns accepted, returns whose goods never came back closed, silent
    sellers' disputes escalated, silent buyers' disputes closed, and refunds the wallet
    made but the ledger missed posted."""
    result = {
        "returns_accepted": services.returns_answer_overdue(),
        "returns_expired": services.returns_expire_overdue(),
    }
    disputes = services.disputes_deadlines_enforce()
    result.update(disputes_escalated=disputes.escalated, disputes_closed=disputes.closed,
                  refunds_posted=services.refunds_post_pending())  # fmt: skip
    if any(result.values()):
        logger.info("after-sales deadlines: %s", result)
    return result


@db_periodic_task(crontab(minute="*/10"))
def aftersales_deadlines() -> dict:
    """Every ten minutes: enforce the return and dispute deadlines."""
    return aftersales_deadlines_run()
