"""The commissioners' report as people read it: the periods to choose from, the headline
figures in words, and every figure as a row for the CSV. The page, the CSV and the PDF all
take their words from here."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from frontdoor.commissioning import (
    PERIOD_KINDS,
    UCLA_TOTAL,
    Change,
    CommissionersReport,
    FirstContact,
    Period,
    Slice,
    parse_period,
    period_of,
)
from frontdoor.console.report import safe_cell
from frontdoor.console.schemas import outcome_label
from frontdoor.console.workflow.views import channel_label

RECENT = {"month": 13, "quarter": 6, "year": 3}  # how many of each kind to choose from
KIND_NAMES = {"month": "Months", "quarter": "Quarters", "year": "Years"}
CHART_NAMES = {  # each wellbeing measure, short enough to sit beside its chart line
    "life_satisfied": "Satisfied with life",
    "worthwhile": "Things are worthwhile",
    "happy": "Happy",
    "anxious": "Anxious (lower is better)",
    "ucla_total": "Lonely (lower is better)",
}
URGENCY_NAMES = {"urgent": "Urgent (same day)", "crisis": "Crisis (same day)"}
ROUTINE_NAME = "Routine (2 working days)"


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str = ""


def chosen_period(code: str | None, today: date) -> Period:
    """The period asked for (2026-11, 2026-Q4, 2026); this month when none is given."""
    return parse_period(code) if code else period_of("month", today)


def period_choices(today: date, chosen: Period) -> list[tuple[str, list[Period]]]:
    """Recent months, quarters and years, newest first, for the period menu; the chosen one
    is always in it."""
    groups = []
    for kind in PERIOD_KINDS:
        found: list[Period] = []
        current = period_of(kind, today)
        while len(found) < RECENT[kind]:
            found.append(current)
            current = period_of(kind, date.fromordinal(current.start.toordinal() - 1))
        if chosen.kind == kind and chosen not in found:
            found.append(chosen)
        groups.append((KIND_NAMES[kind], found))
    return groups


def dates_text(period: Period) -> str:
    """1 January 2026 to 31 December 2026."""
    last = date.fromordinal(period.end.toordinal() - 1)
    return f"{period.start.day} {period.start:%B %Y} to {last.day} {last:%B %Y}"


# Numbers in words


def hours_text(hours: float | None) -> str:
    if hours is None:
        return "none yet"
    if hours >= 48:
        return f"{hours / 24:.1f} days"
    return f"{hours:.1f} hours"


def share_text(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none yet"


def signed(value: float | None) -> str:
    return "not enough answers" if value is None else f"{value:+.2f}"


def change_text(change: Change) -> str:
    """+1.12 (95% CI +0.64 to +1.60), 141 people."""
    if change.mean is None:
        return "no one answered both times"
    interval = (
        f" (95% CI {signed(change.low)} to {signed(change.high)})" if change.low is not None else ""
    )
    people = f"{change.n} {'person' if change.n == 1 else 'people'}"
    return f"{signed(change.mean)}{interval}, {people}"


def urgency_name(urgency: str) -> str:
    return URGENCY_NAMES.get(urgency, ROUTINE_NAME)


def headlines(report: CommissionersReport) -> list[Headline]:
    """The figures a board reads first."""
    contact = report.contact
    loneliness = next(c for c in report.wellbeing if c.measure == UCLA_TOTAL)
    return [
        Headline("Conversations", str(report.conversations)),
        Headline("Referrals to a link worker", str(report.referrals)),
        Headline(
            "People connected to a group",
            str(report.connected),
            f"of {report.closed} referral{'s' * (report.closed != 1)} closed",
        ),
        Headline(
            "First contact within the promise",
            share_text(contact.within_promise, contact.contacted),
            f"{contact.within_promise} of {contact.contacted} contacted",
        ),
        Headline(
            "Time to first contact",
            f"median {hours_text(contact.median_hours)}",
            f"90% within {hours_text(contact.p90_hours)}",
        ),
        Headline(
            "Suggestions followed up",
            f"{report.suggestions.followed_up} of {report.suggestions.shown}",
            "groups suggested, then joined",
        ),
        Headline("Change in loneliness (UCLA-3)", signed(loneliness.mean), change_text(loneliness)),
        Headline("Unmet needs", str(report.unmet_needs_total), "searches that found nothing"),
    ]


def labelled_channels(figures: dict[str, int]) -> dict[str, int]:
    return {_first_upper(channel_label(k)): v for k, v in figures.items()}


def _first_upper(words: str) -> str:
    """Web chat, SMS, REST API."""
    return words[:1].upper() + words[1:]


def labelled_outcomes(figures: dict[str, int]) -> dict[str, int]:
    return {outcome_label(k): v for k, v in figures.items()}


def contact_rows(report: CommissionersReport) -> list[tuple[str, FirstContact]]:
    """Time to first contact, all referrals first, then by urgency."""
    rows = [("All referrals", report.contact)]
    rows += [(urgency_name(u), figures) for u, figures in report.contact_by_urgency.items()]
    return rows


def slices(report: CommissionersReport) -> list[Slice]:
    """By month, or by quarter for a year."""
    return report.by_quarter if report.period.kind == "year" else report.by_month


# The CSV


def rows(report: CommissionersReport) -> Iterator[tuple[str, str, str]]:
    """Every figure: section, item, value."""
    yield "period", "from", report.period.start.isoformat()
    yield "period", "to (not including)", report.period.end.isoformat()
    for headline in headlines(report):
        yield "headline", headline.label, headline.value
    for section, figures in (
        ("conversations by level", report.conversations_by_level),
        ("conversations by channel", labelled_channels(report.conversations_by_channel)),
        ("conversations by town", report.conversations_by_town),
        ("referrals by level", report.referrals_by_level),
        ("referrals by channel", labelled_channels(report.referrals_by_channel)),
        ("referrals by town", report.referrals_by_town),
        ("outcomes", labelled_outcomes(report.outcomes)),
        ("unmet needs", report.unmet_needs),
        ("unmet needs by area", report.unmet_needs_by_area),
    ):
        for item, value in figures.items():
            yield section, item, str(value)
    yield from _figure_rows(report)


def _figure_rows(report: CommissionersReport) -> Iterator[tuple[str, str, str]]:
    suggested = report.suggestions
    yield "suggestions", "groups suggested", str(suggested.shown)
    yield "suggestions", "referrals with groups suggested", str(suggested.referrals_shown)
    yield "suggestions", "suggested groups joined", str(suggested.followed_up)
    yield (
        "suggestions",
        "referrals that joined a suggested group",
        str(suggested.referrals_followed_up),
    )
    yield "outcomes", "referrals closed", str(report.closed)
    yield "outcomes", "people connected to a group", str(report.connected)
    yield "outcomes", "groups joined", str(report.groups_joined)
    for name, figures in contact_rows(report):
        section = f"first contact: {name}"
        yield section, "referrals", str(figures.referrals)
        yield section, "contacted", str(figures.contacted)
        yield section, "within promise", str(figures.within_promise)
        yield section, "median hours", _number(figures.median_hours)
        yield section, "90th percentile hours", _number(figures.p90_hours)
    for change in report.wellbeing:
        section = f"wellbeing change: {change.label}"
        yield section, "people", str(change.n)
        yield section, "mean change", _number(change.mean)
        yield section, "95% CI low", _number(change.low)
        yield section, "95% CI high", _number(change.high)
    for part in [*report.by_month, *report.by_quarter]:
        section = f"{part.period.kind} {part.period.code}"
        yield section, "conversations", str(part.conversations)
        yield section, "referrals", str(part.referrals)
        yield section, "contacted within promise", str(part.contact.within_promise)
        yield section, "contacted", str(part.contact.contacted)
        yield section, "median hours to first contact", _number(part.contact.median_hours)
        yield section, "referrals closed", str(part.closed)
        yield section, "people connected to a group", str(part.connected)
        yield section, "unmet needs", str(part.unmet_needs)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def commissioners_csv(report: CommissionersReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "value"])
    for section, item, value in rows(report):
        writer.writerow([section, safe_cell(item), value])
    return out.getvalue()
