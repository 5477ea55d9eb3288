"""Background work of analytics, run by `entrepot worker` (huey)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from entrepot.analytics.services import RefreshReport, analytics_refresh

logger = logging.getLogger(__name__)


# Every minute: the dashboards lag the orders by a minute at most. The lock keeps a
# slow run from overlapping the next one (the cursor's compare-and-set would make the
# second give way anyway; the lock saves it the work).
@db_periodic_task(crontab(minute="*"))
@lock_task("analytics-refresh")
def refresh_rollups() -> RefreshReport:
    """Fold new order events and sellers into the dashboard rollups."""
    report = analytics_refresh()
    if report.events or report.sellers:
        logger.info("analytics: %s", report.summary())
    return report
