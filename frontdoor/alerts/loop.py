"""The console's background task: every ALERT_SCAN_SECONDS, raise what is due and email it.

It runs in every console process (started by the app's lifespan); alerts are raised and
emailed once however many replicas run it (frontdoor/store/alerts.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from frontdoor.alerts.email import TeamMail, email_alerts
from frontdoor.alerts.rules import WorkingHours
from frontdoor.alerts.scan import Raised, scan
from frontdoor.settings import Settings
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Round:
    """What one round did: the alerts it raised and how many it emailed."""

    raised: Raised
    emailed: int


def run_once(database_url: str, settings: Settings) -> Round:
    """One round: raise every alert due now, then email those waiting."""
    now = utcnow()
    with session_scope(database_url) as session:
        raised = scan(session, database_url, now, WorkingHours.from_settings(settings))
    return Round(raised, email_alerts(database_url, TeamMail.from_settings(settings), now))


async def keep_raising(database_url: str, settings: Settings) -> None:
    """Run a round now and then every ALERT_SCAN_SECONDS, until cancelled; a round that fails
    (the database away a moment) is logged and the next one tries again."""
    while True:
        try:
            await run_in_threadpool(run_once, database_url, settings)
        except Exception:
            log.exception(
                "alerts: this round failed; trying again in %ss", settings.alert_scan_seconds
            )
        await asyncio.sleep(settings.alert_scan_seconds)


@asynccontextmanager
async def alerts_running(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: the alert rounds run while the console serves."""
    task = asyncio.create_task(keep_raising(app.state.database_url, app.state.settings))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
