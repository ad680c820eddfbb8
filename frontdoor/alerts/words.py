"""What an alert says, in the console and in the team's email: plain words, the referral's
reference and no personal data (an email may be read on any device)."""

from __future__ import annotations

from datetime import datetime

from frontdoor.console.local_time import local_time, to_local
from frontdoor.store.models import Alert

URGENCY_WORDS = {"crisis": "crisis", "urgent": "urgent", "routine": "routine"}


def headline(alert: Alert) -> str:
    """What happened, in a few words: "New crisis referral", "Resident wrote"."""
    urgency = URGENCY_WORDS.get(alert.urgency, alert.urgency)
    if alert.kind == "new_referral":
        return f"New {urgency} referral"
    if alert.kind == "promise":
        return f"{urgency.capitalize()} referral not contacted yet"
    return "The resident wrote while a link worker holds the chat"


def detail(alert: Alert, now: datetime | None = None) -> str:
    """The alert in a sentence for the console, times as "today 14:05"."""
    return _sentence(alert, local_time(alert.due_at, now) if alert.due_at else "")


def email_line(alert: Alert) -> str:
    """The alert in a sentence for the email, times in full ("Tue 3 Dec 14:05")."""
    return _sentence(alert, full_time(alert.due_at) if alert.due_at else "")


def _sentence(alert: Alert, due: str) -> str:
    text = f"{headline(alert)}: {alert.reference}."
    if alert.kind == "promise" and due:
        lapsed = alert.due_at is not None and alert.due_at <= alert.raised_at
        text += f" First contact {'was' if lapsed else 'is'} due by {due}."
    return text


def full_time(moment: datetime) -> str:
    """A stored moment in UK time with its day: "Tue 3 Dec 2024 14:05"."""
    local = to_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def email_subject(alerts: list[Alert]) -> str:
    if len(alerts) == 1:
        return f"Frontdoor alert: {headline(alerts[0]).lower()}, {alerts[0].reference}"
    return f"Frontdoor: {len(alerts)} new alerts"


def email_body(alerts: list[Alert], console_url: str) -> str:
    """One line and one link per alert, then where to see and clear them."""
    base = console_url.rstrip("/")
    lines = [f"{email_line(a)}\n{base}/referrals/{a.reference}\n" for a in alerts]
    raised = ", ".join(sorted({full_time(a.raised_at) for a in alerts}))
    return (
        "\n".join(lines)
        + f"\nRaised {raised} (UK time).\n"
        + f"Every alert, and who has seen it: {base}/alerts\n"
        + "\nThis email has no personal details in it: read them in the console.\n"
    )
