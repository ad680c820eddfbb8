"""The team's email: the alerts not emailed yet, in one email each round, sent once.

Each alert is claimed before the email goes (frontdoor.store.alerts.claim_emails), so two
console replicas never send it both; if sending fails it is tried again next round, a few
times. With no mail server or no team address set, alerts are shown in the console only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdoor.alerts import words
from frontdoor.mail import MailError, MailServer, send
from frontdoor.settings import Settings
from frontdoor.store import alerts
from frontdoor.store.db import session_scope

EMAIL_LEASE = timedelta(minutes=10)  # a claim older than this was left by a stopped replica
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamMail:
    """Where the team's alert email goes, and the console address its links point to."""

    server: MailServer | None
    to: str
    console_url: str

    @classmethod
    def from_settings(cls, settings: Settings) -> TeamMail:
        console = settings.console_public_url or f"http://127.0.0.1:{settings.console_port}"
        return cls(MailServer.from_settings(settings), settings.team_email, console)


@dataclass(frozen=True)
class Claimed:
    """Alerts claimed for one email, and the email's words."""

    ids: list[int]
    subject: str
    body: str


def email_alerts(database_url: str, team: TeamMail, now: datetime) -> int:
    """Email the alerts waiting to go; how many went."""
    claimed = _claim(database_url, team, now)
    if claimed is None or team.server is None:
        return 0
    try:
        send(team.server, team.to, claimed.subject, claimed.body)
    except MailError as error:
        log.warning("alerts: %s", error)
        with session_scope(database_url) as session:
            alerts.emails_failed(session, claimed.ids, str(error))
        return 0
    with session_scope(database_url) as session:
        alerts.emails_sent(session, claimed.ids, now)
    return len(claimed.ids)


def _claim(database_url: str, team: TeamMail, now: datetime) -> Claimed | None:
    """Claim what is waiting and write its email; None when there is nothing to send."""
    with session_scope(database_url) as session:
        if team.server is None or not team.to:
            alerts.emails_off(session)
            return None
        waiting = alerts.claim_emails(session, now, EMAIL_LEASE)
        if not waiting:
            return None
        return Claimed(
            ids=[alert.id for alert in waiting],
            subject=words.email_subject(waiting),
            body=words.email_body(waiting, team.console_url),
        )
