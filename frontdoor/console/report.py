"""The figures the service reports: referrals by week, level, channel and town; time to first
contact; outcomes; crises; unmet needs; contacts logged and the time they took. No names or
contact details.

A crisis referral is one made after the safety net gave the crisis reply in its conversation:
urgency "crisis" (the resident asked for contact straight after it), or any other referral
with a risk recorded (an urgent domestic abuse referral: the crisis reply was given, then the
resident went on to ask for contact), unless a link worker cleared every safety flag of the
conversation as a false alarm."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.console.schemas import ReportOut, outcome_label
from frontdoor.store.caseload import ContactFigures, contact_figures
from frontdoor.store.casework import ReferralWork
from frontdoor.store.link_worker import Wait, wait_for
from frontdoor.store.models import Gap, Referral, RiskEvent, utcnow

TOP_NEEDS = 10


def week_of(moment: datetime) -> str:
    """The ISO week a moment falls in, like 2025-W07."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _weeks(since: date, until: date) -> dict[str, int]:
    """Every week in the period, so quiet weeks show as nought."""
    weeks: dict[str, int] = {}
    day = since
    while day <= until:
        weeks.setdefault(week_of(datetime.combine(day, datetime.min.time())), 0)
        day += timedelta(days=7)
    weeks.setdefault(week_of(datetime.combine(until, datetime.min.time())), 0)
    return weeks


@dataclass
class _FirstContacts:
    """How first contact went, referral by referral."""

    hours: list[float] = field(default_factory=list)
    within_promise: int = 0
    waiting_overdue: int = 0

    def add(self, referral: Referral, wait: Wait) -> None:
        if wait.contacted:
            self.hours.append(wait.waited.total_seconds() / 3600)
            self.within_promise += not wait.overdue
        elif wait.overdue and referral.status != "closed":
            self.waiting_overdue += 1


def build_report(session: Session, weeks: int = 12, now: datetime | None = None) -> ReportOut:
    """The service's figures for the last `weeks` weeks."""
    now = now or utcnow()
    start = datetime.combine((now - timedelta(weeks=weeks)).date(), datetime.min.time())
    rows = session.execute(
        sa.select(Referral, ReferralWork)
        .outerjoin(ReferralWork, ReferralWork.referral_id == Referral.id)
        .where(Referral.created_at >= start)
    ).all()
    by_week = _weeks(start.date(), now.date())
    counts: dict[str, Counter[str]] = {
        name: Counter() for name in ("level", "urgency", "channel", "town", "outcome")
    }
    contact = _FirstContacts()
    cleared = _cleared_conversations(session)
    logged = contact_figures(session, start)
    crises = 0
    for referral, work in rows:
        crises += is_crisis(referral, cleared)
        week = week_of(referral.created_at)
        by_week[week] = by_week.get(week, 0) + 1
        counts["level"][f"level {referral.level}"] += 1
        counts["urgency"][referral.urgency] += 1
        counts["channel"][referral.channel] += 1
        counts["town"][referral.town or "not given"] += 1
        if referral.outcome:
            counts["outcome"][outcome_label(referral.outcome)] += 1
        contact.add(referral, wait_for(referral, work, now))
    return ReportOut(
        since=start.date(),
        until=now.date(),
        total=len(rows),
        by_week=by_week,
        by_level=dict(sorted(counts["level"].items())),
        by_urgency=dict(counts["urgency"].most_common()),
        by_channel=dict(counts["channel"].most_common()),
        by_town=dict(counts["town"].most_common()),
        outcomes=dict(counts["outcome"].most_common()),
        crisis_referrals=crises,
        risk_events=_count(session, RiskEvent.category, RiskEvent.created_at >= start),
        contacted=len(contact.hours),
        contacted_within_promise=contact.within_promise,
        waiting_overdue=contact.waiting_overdue,
        median_hours_to_contact=round(statistics.median(contact.hours), 1)
        if contact.hours
        else None,
        unmet_needs=_count(session, Gap.need, Gap.recorded_at >= start, TOP_NEEDS),
        contacts_logged=logged.contacts,
        contact_minutes=logged.minutes,
        cases_with_contacts=logged.cases,
        contacts_per_case=per_case(logged.contacts, logged),
        minutes_per_case=per_case(logged.minutes, logged),
    )


def per_case(total: int, logged: ContactFigures) -> float | None:
    """A total from the contact log per referral with any contact logged, on average."""
    return round(total / logged.cases, 1) if logged.cases else None


def is_crisis(referral: Referral, cleared: set[str]) -> bool:
    """Whether the referral counts as a crisis referral (see the module's docstring); cleared
    are the conversations whose every safety flag a link worker cleared."""
    if referral.urgency == "crisis":
        return True
    return referral.risk is not None and referral.conversation_id not in cleared


def _cleared_conversations(session: Session) -> set[str]:
    """The conversations with safety flags, every one of them cleared as a false alarm."""
    uncleared = sa.func.sum(sa.case((RiskEvent.status != "cleared", 1), else_=0))
    query = (
        sa.select(RiskEvent.conversation_id)
        .group_by(RiskEvent.conversation_id)
        .having(uncleared == 0)
    )
    return set(session.execute(query).scalars())


def _count(
    session: Session,
    column: sa.Column[sa.String],
    condition: sa.sql.ColumnElement[sa.Boolean],
    limit: int | None = None,
) -> dict[str, int]:
    total = sa.func.count().label("n")
    query = (
        sa.select(column, total)
        .where(condition)
        .group_by(column)
        .order_by(total.desc(), column)
        .limit(limit)
    )
    return {str(key): int(n) for key, n in session.execute(query)}


def report_csv(report: ReportOut) -> str:
    """Every figure as one row: section, item, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "value"])
    writer.writerow(["period", "from", report.since.isoformat()])
    writer.writerow(["period", "to", report.until.isoformat()])
    writer.writerow(["referrals", "total", report.total])
    sections = {
        "referrals by week": report.by_week,
        "referrals by level": report.by_level,
        "referrals by urgency": report.by_urgency,
        "referrals by channel": report.by_channel,
        "referrals by town": report.by_town,
        "outcomes": report.outcomes,
        "risk found in conversations": report.risk_events,
        "unmet needs": report.unmet_needs,
    }
    for section, figures in sections.items():
        for item, value in figures.items():
            writer.writerow([section, safe_cell(item), value])
    writer.writerow(["crisis", "crisis referrals", report.crisis_referrals])
    writer.writerow(["first contact", "contacted", report.contacted])
    writer.writerow(["first contact", "within promise", report.contacted_within_promise])
    writer.writerow(["first contact", "waiting and overdue", report.waiting_overdue])
    median = report.median_hours_to_contact
    writer.writerow(["first contact", "median hours", "" if median is None else median])
    writer.writerow(["contacts", "contacts logged", report.contacts_logged])
    writer.writerow(["contacts", "minutes", report.contact_minutes])
    writer.writerow(["contacts", "referrals with contact logged", report.cases_with_contacts])
    for item, average in (
        ("contacts per referral (average)", report.contacts_per_case),
        ("minutes per referral (average)", report.minutes_per_case),
    ):
        writer.writerow(["contacts", item, "" if average is None else average])
    return out.getvalue()


def safe_cell(value: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
