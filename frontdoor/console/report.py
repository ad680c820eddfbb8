"""The figures the service reports: referrals by week, level, channel and town; time to first
contact; outcomes; crises; unmet needs. No names or contact details."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.casework import OUTCOME_LABELS, ReferralWork
from frontdoor.store.link_worker import wait_for
from frontdoor.store.models import Gap, Referral, RiskEvent, utcnow

TOP_NEEDS = 10


@dataclass
class Report:
    since: date
    until: date
    total: int = 0
    by_week: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    by_urgency: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_town: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    crisis_referrals: int = 0
    risk_events: dict[str, int] = field(default_factory=dict)
    contacted: int = 0
    contacted_within_promise: int = 0
    waiting_overdue: int = 0
    median_hours_to_contact: float | None = None
    unmet_needs: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["since"] = self.since.isoformat()
        data["until"] = self.until.isoformat()
        return data


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


def build_report(session: Session, weeks: int = 12, now: datetime | None = None) -> Report:
    """The service's figures for the last `weeks` weeks."""
    now = now or utcnow()
    start = datetime.combine((now - timedelta(weeks=weeks)).date(), datetime.min.time())
    report = Report(since=start.date(), until=now.date(), by_week=_weeks(start.date(), now.date()))
    rows = session.execute(
        sa.select(Referral, ReferralWork)
        .outerjoin(ReferralWork, ReferralWork.referral_id == Referral.id)
        .where(Referral.created_at >= start)
    ).all()
    hours: list[float] = []
    counters = {name: Counter() for name in ("level", "urgency", "channel", "town", "outcome")}
    for referral, work in rows:
        report.total += 1
        week = week_of(referral.created_at)
        report.by_week[week] = report.by_week.get(week, 0) + 1
        counters["level"][f"level {referral.level}"] += 1
        counters["urgency"][referral.urgency] += 1
        counters["channel"][referral.channel] += 1
        counters["town"][referral.town or "not given"] += 1
        if referral.outcome:
            counters["outcome"][OUTCOME_LABELS.get(referral.outcome, referral.outcome)] += 1
        wait = wait_for(referral, work, now)
        if wait.contacted:
            report.contacted += 1
            hours.append(wait.waited.total_seconds() / 3600)
            report.contacted_within_promise += not wait.overdue
        elif wait.overdue and referral.status != "closed":
            report.waiting_overdue += 1
    report.by_level = dict(sorted(counters["level"].items()))
    report.by_urgency = dict(counters["urgency"].most_common())
    report.by_channel = dict(counters["channel"].most_common())
    report.by_town = dict(counters["town"].most_common())
    report.outcomes = dict(counters["outcome"].most_common())
    report.crisis_referrals = counters["urgency"]["crisis"]
    report.median_hours_to_contact = round(statistics.median(hours), 1) if hours else None
    report.risk_events = _count(session, RiskEvent.category, RiskEvent.created_at >= start)
    report.unmet_needs = _count(session, Gap.need, Gap.recorded_at >= start, TOP_NEEDS)
    return report


def _count(session: Session, column, condition, limit: int | None = None) -> dict[str, int]:
    total = sa.func.count().label("n")
    query = (
        sa.select(column, total)
        .where(condition)
        .group_by(column)
        .order_by(total.desc(), column)
        .limit(limit)
    )
    return {str(key): int(n) for key, n in session.execute(query)}


def report_csv(report: Report) -> str:
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
            writer.writerow([section, _safe_cell(item), value])
    writer.writerow(["crisis", "crisis referrals", report.crisis_referrals])
    writer.writerow(["first contact", "contacted", report.contacted])
    writer.writerow(["first contact", "within promise", report.contacted_within_promise])
    writer.writerow(["first contact", "waiting and overdue", report.waiting_overdue])
    median = report.median_hours_to_contact
    writer.writerow(["first contact", "median hours", "" if median is None else median])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
