"""Wellbeing answers in the store: recorded at the start and the end, with the conversation
and its referral, and re-keyed (kept for the counts, linked to no one) when the resident's data
is erased."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.store.db import rows_changed
from frontdoor.store.models import Referral, WellbeingScore
from frontdoor.wellbeing import QUESTIONS


def record_wellbeing(
    session: Session,
    conversation_id: str,
    stage: str,
    recorded_by: str,
    answers: Mapping[str, int | None],
) -> WellbeingScore | None:
    """Keep one set of answers (None for a question passed on), with the conversation's
    latest referral if it has one; nothing when every question was passed on."""
    scores = {question: answers.get(question) for question in QUESTIONS}
    if all(value is None for value in scores.values()):
        return None
    row = WellbeingScore(
        conversation_id=conversation_id,
        referral_id=latest_referral_id(session, conversation_id),
        stage=stage,
        recorded_by=recorded_by,
    )
    for question, value in scores.items():
        setattr(row, question, value)
    session.add(row)
    session.flush()
    return row


def latest_referral_id(session: Session, conversation_id: str) -> int | None:
    found = session.execute(
        sa.select(Referral.id)
        .where(Referral.conversation_id == conversation_id)
        .order_by(Referral.id.desc())
        .limit(1)
    ).scalar()
    return int(found) if found is not None else None


def link_to_referral(session: Session, referral: Referral) -> int:
    """Give a new referral the answers its conversation gave before it (a plan's questions,
    then a link worker asked for): how many."""
    return rows_changed(
        session,
        sa.update(WellbeingScore)
        .where(
            WellbeingScore.conversation_id == referral.conversation_id,
            WellbeingScore.referral_id.is_(None),
        )
        .values(referral_id=referral.id)
        .execution_options(synchronize_session=False),
    )


def wellbeing_of(session: Session, referral: Referral) -> list[WellbeingScore]:
    """A referral's answers, oldest first."""
    return list(
        session.scalars(
            sa.select(WellbeingScore)
            .where(WellbeingScore.referral_id == referral.id)
            .order_by(WellbeingScore.recorded_at, WellbeingScore.id)
        )
    )


def rekey_wellbeing(session: Session, conversation_id: str, new_id: str) -> None:
    """The answers stay for the council's counts, under the erased conversation's new id."""
    session.execute(
        sa.update(WellbeingScore)
        .where(WellbeingScore.conversation_id == conversation_id)
        .values(conversation_id=new_id)
        .execution_options(synchronize_session=False)
    )
