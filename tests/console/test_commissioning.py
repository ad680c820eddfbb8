"""The commissioners' report's figures from a small hand-made store (tests/console/
commissioning_helpers.py), on SQLite and PostgreSQL, against figures worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from commissioning_helpers import fill_march

from frontdoor.commissioning import (
    CommissionersReport,
    build_commissioners_report,
    parse_period,
    percentile,
    period_of,
)
from frontdoor.store.db import session_scope

HOUR = 3600


def report_for(url: str, code: str) -> CommissionersReport:
    with session_scope(url) as session:
        return build_commissioners_report(session, parse_period(code))


@pytest.fixture()
def march(store_url: str) -> CommissionersReport:
    fill_march(store_url)
    return report_for(store_url, "2026-03")


def test_conversations_are_rasa_sessions_by_level_channel_and_town(march) -> None:
    assert march.conversations == 3
    assert march.conversations_by_level == {
        "Level 2: help to choose": 1,
        "Level 3: a person": 1,
        "No level reached": 1,
    }
    assert march.conversations_by_channel == {"sms": 2, "socketio": 1}
    assert march.conversations_by_town == {"Boston": 1, "Louth": 1, "Not given": 1}


def test_referrals_made_in_the_month_uk_time(march) -> None:
    assert march.referrals == 6  # not G (February) nor H (1 April, UK time)
    assert march.referrals_by_level == {
        "Level 1: finding a group": 1,
        "Level 2: help to choose": 3,
        "Level 3: a person": 2,
    }
    assert march.referrals_by_channel == {"socketio": 4, "sms": 2}
    assert march.referrals_by_town == {"Not given": 3, "Louth": 2, "Boston": 1}


def test_time_to_first_contact_against_the_promise(march) -> None:
    contact = march.contact
    assert (contact.referrals, contact.contacted, contact.within_promise) == (6, 5, 3)
    assert contact.median_hours == pytest.approx(3.0)
    assert contact.p90_hours == pytest.approx(73.6)  # 4 + 0.6 * (120 - 4)
    routine, urgent = march.contact_by_urgency["routine"], march.contact_by_urgency["urgent"]
    assert (routine.referrals, routine.contacted, routine.within_promise) == (4, 3, 2)
    assert routine.median_hours == pytest.approx(3.0)
    assert routine.p90_hours == pytest.approx(96.6)  # 3 + 0.8 * (120 - 3)
    assert (urgent.contacted, urgent.within_promise) == (2, 1)
    assert urgent.p90_hours == pytest.approx(3.8)
    assert march.contact_by_urgency["crisis"].contacted == 0
    assert march.contact_by_urgency["crisis"].median_hours is None


def test_suggestions_shown_and_followed_up(march) -> None:
    shown = march.suggestions
    assert (shown.shown, shown.referrals_shown) == (3, 2)
    assert (shown.followed_up, shown.referrals_followed_up) == (1, 1)  # joined by its name


def test_outcomes_of_the_referrals_closed_in_the_month(march) -> None:
    assert march.closed == 3  # A, B and G; E closed in April
    assert march.outcomes == {"connected_to_group": 2, "declined": 1}
    assert march.connected == 2
    assert march.groups_joined == 3


def test_wellbeing_change_with_its_confidence_interval(march) -> None:
    changes = {c.measure: c for c in march.wellbeing}
    life = changes["life_satisfied"]
    assert (life.n, life.mean) == (4, pytest.approx(3.0))
    assert (life.low, life.high) == (
        pytest.approx(-0.43743, abs=1e-4),
        pytest.approx(6.43743, abs=1e-4),
    )
    anxious = changes["anxious"]
    assert (anxious.n, anxious.mean) == (2, pytest.approx(-3.0))
    # t(0.975, 1) = 12.7062; the standard error is 1
    assert (anxious.low, anxious.high) == (
        pytest.approx(-15.7062, abs=1e-3),
        pytest.approx(9.7062, abs=1e-3),
    )
    lonely = changes["ucla_total"]
    assert (lonely.n, lonely.mean) == (2, pytest.approx(-2.0))
    assert lonely.low == pytest.approx(-14.7062, abs=1e-3)
    assert changes["worthwhile"].n == 0 and changes["worthwhile"].mean is None


def test_unmet_needs(march) -> None:
    assert march.unmet_needs == {"knitting": 2, "chess": 1}
    assert march.unmet_needs_by_area == {"Boston": 2, "Louth": 1}
    assert march.unmet_needs_total == 3


def test_a_quarter_by_month(store_url: str) -> None:
    fill_march(store_url)
    quarter = report_for(store_url, "2026-Q1")
    assert [s.period.code for s in quarter.by_month] == ["2026-01", "2026-02", "2026-03"]
    assert [s.conversations for s in quarter.by_month] == [0, 2, 3]
    assert [s.referrals for s in quarter.by_month] == [0, 1, 6]
    assert [s.connected for s in quarter.by_month] == [0, 0, 2]
    assert quarter.conversations == 5 and quarter.referrals == 7
    assert [q.period.code for q in quarter.by_quarter] == ["2026-Q1"]


def test_an_empty_period_has_no_figures_rather_than_errors(store_url: str) -> None:
    empty = report_for(store_url, "2025")
    assert empty.conversations == 0 and empty.referrals == 0
    assert empty.contact.median_hours is None and empty.contact.p90_hours is None
    assert all(change.n == 0 for change in empty.wellbeing)
    assert len(empty.by_month) == 12 and len(empty.by_quarter) == 4


def test_the_promise_skips_bank_holidays(sqlite_url: str) -> None:
    """Routine on Thursday 2 April 2026: Good Friday and Easter Monday are not working days,
    so Tuesday 7 April is within the promise (due by the end of Wednesday 8 April)."""
    from commissioning_helpers import _contact, _referral

    from frontdoor.store.casework import LinkWorker

    with session_scope(sqlite_url) as session:
        worker = LinkWorker(name="Sam Jones", email="sam.easter@example.org", password_hash="x")
        session.add(worker)
        session.flush()
        thursday = datetime(2026, 4, 2, 8)
        for reference, hours in (("FD-IN", 5 * 24 + 1), ("FD-LATE", 6 * 24 + 17)):
            _contact(session, _referral(session, reference, thursday), worker, [hours], hours)
    april = report_for(sqlite_url, "2026-04")
    assert (april.contact.contacted, april.contact.within_promise) == (2, 1)


def test_percentile_interpolates_as_a_spreadsheet_does() -> None:
    assert percentile([1, 2, 3, 4, 120], 0.9) == pytest.approx(73.6)
    assert percentile([5], 0.9) == 5
    assert percentile([1, 2], 0.5) == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "label"),
    [
        ("2026-03", "month", date(2026, 3, 1), date(2026, 4, 1), "March 2026"),
        ("2026-q4", "quarter", date(2026, 10, 1), date(2027, 1, 1), "October to December 2026"),
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1), "2026"),
    ],
)
def test_periods_from_their_codes(code, kind, start, end, label) -> None:
    period = parse_period(code)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert parse_period(period.code) == period
    assert period_of(kind, end - timedelta(days=1)) == period


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "26", "March", "2026-03-01", ""])
def test_what_is_not_a_period(code: str) -> None:
    with pytest.raises(ValueError):
        parse_period(code)
