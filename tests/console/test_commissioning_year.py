"""The commissioners' report over a generated year (scripts/generate_year.py), on SQLite and
PostgreSQL: every figure is worked out again here from what the generator says it made, with
numpy and scipy, the holidays package and zoneinfo, not with the report's own code."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest
import sqlalchemy as sa
from scipy import stats

from frontdoor.commissioning import CommissionersReport, build_commissioners_report, parse_period
from frontdoor.directory.places import towns
from frontdoor.store.db import session_scope
from frontdoor.store.models import Referral
from scripts.generate_year import NAMES, Made, Talk, Year, generate_year

UK = ZoneInfo("Europe/London")
UNTIL = date(2026, 12, 1)  # the year runs from 1 December 2025 to 30 November 2026
LEVELS = {1: "Level 1: finding a group", 2: "Level 2: help to choose", 3: "Level 3: a person"}
ONS4 = ("life_satisfied", "worthwhile", "happy", "anxious")
UCLA3 = ("lack_companionship", "left_out", "isolated")


@pytest.fixture()
def year(store_url: str) -> tuple[str, Year]:
    return store_url, generate_year(store_url, UNTIL, seed=15, per_day=4.0)


def uk_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(UK).date()


def in_period(moment: datetime | None, code: str) -> bool:
    period = parse_period(code)
    return moment is not None and period.start <= uk_day(moment) < period.end


def promise(made: Made) -> datetime:
    """When first contact was due, naive UTC: the end of the UK day, two working days later
    for a routine referral."""
    day = uk_day(made.created_at)
    if made.urgency == "routine":
        bank = holidays.country_holidays("GB", subdiv="ENG", years=[day.year, day.year + 1])
        left = 2
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5 and day not in bank
    end = datetime.combine(day, time(23, 59, 59), tzinfo=UK)
    return end.astimezone(UTC).replace(tzinfo=None)


def report_for(url: str, code: str) -> CommissionersReport:
    with session_scope(url) as session:
        return build_commissioners_report(session, parse_period(code))


def level_counts(levels: list[int | None]) -> dict[str, int]:
    return dict(Counter(LEVELS.get(level or 0, "No level reached") for level in levels))


def town_counts(talks: list[Talk]) -> Counter[str]:
    return Counter(t.town or "Not given" for t in talks)


@pytest.mark.parametrize("code", ["2026", "2026-Q2", "2026-03"])
def test_every_figure_matches_what_was_generated(year, code: str) -> None:
    url, made_year = year
    report = report_for(url, code)
    talks = [t for t in made_year.talks if in_period(t.started, code)]
    made = [r for r in made_year.referrals if in_period(r.created_at, code)]
    closed = [r for r in made_year.referrals if in_period(r.closed_at, code)]

    assert report.conversations == len(talks) > 0
    assert report.conversations_by_level == level_counts([t.level for t in talks])
    assert report.conversations_by_channel == dict(Counter(t.channel for t in talks))
    expected_towns = town_counts(talks)
    assert len(report.conversations_by_town) == min(10, len(expected_towns))
    assert all(expected_towns[town] == n for town, n in report.conversations_by_town.items())
    assert min(report.conversations_by_town.values()) >= sorted(expected_towns.values())[-10:][0]

    assert report.referrals == len(made)
    assert report.referrals_by_level == level_counts([r.talk.level for r in made])
    assert report.referrals_by_channel == dict(Counter(r.talk.channel for r in made))
    check_first_contact(report, made)
    check_suggestions(report, made)

    assert report.closed == len(closed)
    assert report.outcomes == dict(Counter(r.outcome for r in closed))
    assert report.connected == sum(r.outcome == "connected_to_group" for r in closed)
    assert report.groups_joined == sum(len(r.joined) for r in closed)
    check_wellbeing(report, [r for r in made_year.referrals if in_period(r.end_at, code)])
    gaps = [need for at, need, _ in made_year.gaps if in_period(at, code)]
    assert report.unmet_needs_total == len(gaps)
    assert report.unmet_needs == dict(Counter(gaps))


def check_first_contact(report: CommissionersReport, made: list[Made]) -> None:
    contacted = [r for r in made if r.first_contact is not None]
    hours = [(r.first_contact - r.created_at).total_seconds() / 3600 for r in contacted]
    assert report.contact.contacted == len(contacted)
    assert report.contact.within_promise == sum(r.first_contact <= promise(r) for r in contacted)
    assert report.contact.median_hours == pytest.approx(float(np.median(hours)))
    assert report.contact.p90_hours == pytest.approx(float(np.percentile(hours, 90)))
    urgent = [h for h, r in zip(hours, contacted, strict=True) if r.urgency == "urgent"]
    if urgent:
        assert report.contact_by_urgency["urgent"].p90_hours == pytest.approx(
            float(np.percentile(urgent, 90))
        )


def check_suggestions(report: CommissionersReport, made: list[Made]) -> None:
    assert report.suggestions.shown == sum(len(r.suggested) for r in made)
    assert report.suggestions.referrals_shown == sum(bool(r.suggested) for r in made)
    assert report.suggestions.followed_up == sum(r.joined_suggested for r in made)
    assert report.suggestions.referrals_followed_up == sum(r.joined_suggested > 0 for r in made)


def check_wellbeing(report: CommissionersReport, ended: list[Made]) -> None:
    pairs = [(r.start, r.end) for r in ended if r.start is not None and r.end is not None]
    changes = {c.measure: c for c in report.wellbeing}
    for question in ONS4:
        diffs = [
            e[question] - s[question] for s, e in pairs if None not in (s[question], e[question])
        ]
        expect_change(changes[question], diffs)
    totals = [
        sum(e[q] for q in UCLA3) - sum(s[q] for q in UCLA3)
        for s, e in pairs
        if all(s[q] is not None and e[q] is not None for q in UCLA3)
    ]
    expect_change(changes["ucla_total"], totals)


def expect_change(change, diffs: list[int]) -> None:
    assert change.n == len(diffs)
    if len(diffs) < 2:
        return
    interval = stats.ttest_1samp(diffs, 0).confidence_interval(0.95)
    assert change.mean == pytest.approx(float(np.mean(diffs)))
    assert (change.low, change.high) == (pytest.approx(interval.low), pytest.approx(interval.high))


def test_the_year_is_realistic_and_made_up(year) -> None:
    url, made_year = year
    talks, made = made_year.talks, made_year.referrals
    assert len(talks) > 1000 and len(made) > 200
    assert {t.level for t in talks} == {1, 2, 3, None}
    assert {t.channel for t in talks} == {"socketio", "sms", "rest"}
    assert {t.town for t in talks if t.town} <= {p.name for p in towns()}
    assert len({t.town for t in talks if t.town}) >= 10
    assert {r.urgency for r in made} == {"routine", "urgent", "crisis"}
    assert {r.outcome for r in made} >= {
        "connected_to_group", "referred_elsewhere", "declined", "could_not_contact", None,
    }  # fmt: skip
    assert 0 < sum(r.end is not None for r in made) < sum(r.start is not None for r in made)
    assert any(r.first_contact is None and r.closed_at is None for r in made)
    with session_scope(url) as session:
        people = session.execute(sa.select(Referral.contact_name, Referral.contact_detail)).all()
    assert {name for name, _ in people} <= set(NAMES)
    assert all(detail.startswith("07700 900") for _, detail in people)
