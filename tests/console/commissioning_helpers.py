"""A small hand-made store for the commissioners' report, on SQLite or PostgreSQL, whose
figures are worked out by hand in the tests (March 2026, UK time; British Summer Time
starts on 29 March)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.store.casework import LinkWorker, Outcome, ReferralWork
from frontdoor.store.db import engine_for, session_scope
from frontdoor.store.models import CaseContact, Gap, Referral, Service, WellbeingScore
from scripts.generate_year import EVENTS

MARCH = datetime(2026, 3, 2, 9, 0)  # a Monday, 09:00 GMT (UTC)
ONS4_START = {"life_satisfied": 3, "worthwhile": 5, "happy": 5, "anxious": 5}
UCLA_START = {"lack_companionship": 3, "left_out": 3, "isolated": 2}  # total 8


def _referral(session: Session, reference: str, created: datetime, **columns: Any) -> Referral:
    referral = Referral(
        reference=reference,
        level=columns.pop("level", 2),
        urgency=columns.pop("urgency", "routine"),
        status=columns.pop("status", "in_progress"),
        channel=columns.pop("channel", "socketio"),
        conversation_id=f"conv-{reference}",
        created_at=created,
        updated_at=created,
        **columns,
    )
    session.add(referral)
    session.flush()
    return referral


def _contact(
    session: Session, referral: Referral, worker: LinkWorker, logged: list[float], older: float
) -> None:
    """Contacts logged `logged` hours after the referral, and the older record's first
    contact `older` hours after it."""
    for hours in logged:
        session.add(
            CaseContact(
                referral_id=referral.id,
                link_worker_id=worker.id,
                happened_at=referral.created_at + timedelta(hours=hours),
                how="phone",
                minutes=10,
            )
        )
    session.add(
        ReferralWork(
            referral_id=referral.id, first_contact_at=referral.created_at + timedelta(hours=older)
        )
    )


def _close(
    session: Session,
    referral: Referral,
    worker: LinkWorker,
    outcome: str,
    at: datetime,
    joined: list[str],
) -> None:
    referral.status, referral.outcome, referral.closed_at = "closed", outcome, at
    session.add(
        Outcome(
            referral_id=referral.id,
            outcome=outcome,
            groups_joined=joined,
            snomed_code="871731000000106",
            closed_by_id=worker.id,
            closed_at=at,
        )
    )


def _wellbeing(
    session: Session, referral: Referral, stage: str, at: datetime, **answers: int | None
) -> None:
    row = WellbeingScore(
        conversation_id=referral.conversation_id,
        referral_id=referral.id,
        stage=stage,
        recorded_by="assistant" if stage == "start" else "link_worker",
        recorded_at=at,
    )
    for question, value in answers.items():
        setattr(row, question, value)
    session.add(row)


def fill_march(url: str) -> None:
    """Referrals, contacts, outcomes, wellbeing, gaps and conversations for March 2026."""
    with session_scope(url) as session:
        worker = LinkWorker(name="Sam Jones", email="sam.march@example.org", password_hash="x")
        session.add(worker)
        session.add_all(
            [
                Service(id="svc-walk", name="Boston Walking Group"),
                Service(id="svc-choir", name="Louth Community Choir"),
                Service(id="svc-lunch", name="Skegness Lunch Club"),
            ]
        )
        session.flush()
        _fill_referrals(session, worker)
        for at, need, area in (
            (datetime(2026, 3, 4, 10), "knitting", "Boston"),
            (datetime(2026, 3, 9, 10), "knitting", "boston"),
            (datetime(2026, 3, 20, 10), "chess", "Louth"),
            (datetime(2026, 4, 2, 10), "chess", "Louth"),
        ):
            session.add(Gap(recorded_at=at, need=need, area=area))
    fill_march_conversations(url)


def _fill_referrals(session: Session, worker: LinkWorker) -> None:
    """First contact waits (hours): A 1, B 2, C 4, D 3, E 120; F never. Within the promise:
    A, B and D (C, urgent, reached after midnight; E, routine on a Friday, after Tuesday)."""
    a = _referral(session, "FD-A", MARCH, suggested_groups=["svc-walk", "svc-choir"], town="Boston")
    _contact(session, a, worker, logged=[1, 30], older=5)
    b = _referral(session, "FD-B", MARCH, urgency="urgent", suggested_groups=["svc-lunch"])
    _contact(session, b, worker, logged=[], older=2)  # only the older record
    c = _referral(session, "FD-C", MARCH.replace(hour=20), urgency="urgent", level=3)
    _contact(session, c, worker, logged=[4], older=4)
    d = _referral(session, "FD-D", MARCH, channel="sms", level=3, town="in louth")
    _contact(session, d, worker, logged=[10], older=3)  # the older record came first
    e = _referral(session, "FD-E", datetime(2026, 3, 6, 9), channel="sms", town="LOUTH")
    _contact(session, e, worker, logged=[120], older=120)
    _referral(session, "FD-F", datetime(2026, 3, 30, 9), status="new", level=1)
    g = _referral(session, "FD-G", datetime(2026, 2, 10, 9))  # made in February
    _contact(session, g, worker, logged=[5], older=5)
    late = _referral(session, "FD-H", datetime(2026, 3, 31, 23, 30))  # 1 April, UK time
    _close(
        session,
        a,
        worker,
        "connected_to_group",
        datetime(2026, 3, 20),
        ["boston walking GROUP", "Knit and Natter"],
    )
    _close(session, b, worker, "declined", datetime(2026, 3, 10), [])
    _close(session, g, worker, "connected_to_group", datetime(2026, 3, 15), ["svc-choir"])
    _close(session, e, worker, "referred_elsewhere", datetime(2026, 4, 2), [])
    _march_wellbeing(session, a, b, d, g, late)


def _march_wellbeing(session: Session, *people: Referral) -> None:
    """Life satisfaction changes +1, +2, +3, +6 (A, B, D, G: mean 3, 95% CI -0.437 to
    6.437); anxiety -2 (A) and -4 (B), D skipped it at the end; UCLA total 8 to 5 (A) and 8 to
    7 (B), D skipped one at the start; H answered at the start only; B's earlier end answers
    are replaced by its later ones."""
    a, b, d, g, h = people
    start = datetime(2026, 3, 2, 8, 55)
    end = datetime(2026, 3, 25, 12)
    for person in (a, b, d, g):
        ucla = {**UCLA_START, "isolated": None} if person is d else UCLA_START
        _wellbeing(session, person, "start", start, **ONS4_START, **ucla)
    _wellbeing(session, b, "end", end - timedelta(days=3), life_satisfied=0)
    for person, lift, anxious, ucla in (
        (a, 1, 3, {"lack_companionship": 2, "left_out": 2, "isolated": 1}),
        (b, 2, 1, {"lack_companionship": 3, "left_out": 2, "isolated": 2}),
        (d, 3, None, {"lack_companionship": 1, "left_out": 1, "isolated": 1}),
        (g, 6, None, {}),
    ):
        _wellbeing(session, person, "end", end, life_satisfied=3 + lift, anxious=anxious, **ucla)
    _wellbeing(session, h, "start", datetime(2026, 4, 1), **ONS4_START)


def _event(sender: str, kind: str, at: datetime, **data: Any) -> dict[str, Any]:
    stamp = at.replace(tzinfo=UTC).timestamp()
    return {
        "sender_id": sender,
        "type_name": kind,
        "timestamp": stamp,
        "data": json.dumps({"event": kind, "timestamp": stamp, **data}),
    }


def fill_march_conversations(url: str) -> None:
    """Three conversations in March: web chat at level 2 in Boston; two text sessions from
    one number, one with no level or town, one at level 3 in Louth. Not in March: that
    number's February session, and two chats either side of the month in UK time."""
    march = datetime(2026, 3, 3, 10)
    rows = [
        _event("web-1", "session_started", march - timedelta(seconds=1)),
        _event("web-1", "user", march, text="hello", input_channel="socketio"),
        _event("web-1", "slot", march, name="triage_level", value=1),
        _event("web-1", "slot", march, name="triage_level", value=2),
        _event("web-1", "slot", march, name="town", value="boston"),
        _event("sms-1", "session_started", datetime(2026, 2, 20)),
        _event("sms-1", "user", datetime(2026, 2, 20, 0, 1), input_channel="sms"),
        _event("sms-1", "slot", datetime(2026, 2, 20, 0, 2), name="triage_level", value=3),
        _event("sms-1", "session_started", datetime(2026, 3, 10)),
        _event("sms-1", "user", datetime(2026, 3, 10, 0, 1), input_channel="sms"),
        _event("sms-1", "session_started", datetime(2026, 3, 12)),
        _event("sms-1", "user", datetime(2026, 3, 12, 0, 1), input_channel="sms"),
        _event("sms-1", "slot", datetime(2026, 3, 12, 0, 2), name="town", value="in Louth"),
        _event("sms-1", "slot", datetime(2026, 3, 12, 0, 3), name="triage_level", value="3"),
        _event("rest-1", "user", datetime(2026, 3, 31, 23, 30), input_channel="rest"),
        _event("rest-2", "user", datetime(2026, 2, 28, 23, 30), input_channel="rest"),
    ]
    EVENTS.create(engine_for(url), checkfirst=True)
    with engine_for(url).begin() as connection:
        connection.execute(EVENTS.insert(), rows)
