"""Background work of pricing, run by `entrepot worker` (huey)."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from entrepot.pricing.services import RatesImportReport, rates_refresh

logger = logging.getLogger(__name__)


# The ECB publishes around 16:00 CET, i.e. 15:00 UTC in winter and 14:00 UTC in
# summer; huey's crontab runs in UTC, so 15:30 is after the publication all year.
# A failed fetch (network, a late or broken file) is retried a few times that evening.
@db_periodic_task(crontab(hour="15", minute="30"), retries=3, retry_delay=30 * 60)
def refresh_exchange_rates() -> RatesImportReport | None:
    """Import the day's ECB rates from ENTREPOT_FX_REFRESH_URL, if one is configured."""
    url = settings.ENTREPOT_FX_REFRESH_URL
    if not url:
        logger.info("exchange-rate refresh skipped: ENTREPOT_FX_REFRESH_URL is not set")
        return None
    report = rates_refresh(url=url)
    logger.info("exchange rates refreshed from %s: %s", url, report.summary())
    return report
