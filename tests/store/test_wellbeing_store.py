"""Wellbeing answers in the store: kept with the conversation and its referral (given before
or after it), refused out of range by the database itself, and kept for the counts but linked
to no one when the resident's details are erased."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from store_helpers import referral_draft

from frontdoor.store.db import session_scope
from frontdoor.store.models import WellbeingScore
from frontdoor.store.referrals import create_referral, erase_personal_data
from frontdoor.store.wellbeing import record_wellbeing, wellbeing_of

ANSWERS = {"life_satisfied": 4, "worthwhile": 5, "happy": 3, "anxious": 8, "left_out": 3}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


def test_answers_before_a_referral_join_it_and_after_it_are_kept_with_it(url: str) -> None:
    with session_scope(url) as session:
        before = record_wellbeing(session, "conv-wb", "start", "assistant", ANSWERS)
        assert before is not None and before.referral_id is None
        referral = create_referral(session, referral_draft("conv-wb", level=2))
        after = record_wellbeing(session, "conv-wb", "end", "link_worker", {"happy": 7})
        assert after is not None and after.referral_id == referral.id
        kept = wellbeing_of(session, referral)
        assert [(row.stage, row.happy, row.isolated) for row in kept] == [
            ("start", 3, None),
            ("end", 7, None),
        ]


def test_nothing_is_kept_when_every_question_was_passed_on(url: str) -> None:
    with session_scope(url) as session:
        assert record_wellbeing(session, "conv-none", "start", "assistant", {}) is None
        assert session.scalar(sa.select(sa.func.count(WellbeingScore.id))) == 0


@pytest.mark.parametrize(("question", "value"), [("happy", 11), ("anxious", -1), ("isolated", 4)])
def test_the_database_refuses_a_score_out_of_range(url: str, question: str, value: int) -> None:
    with pytest.raises(sa.exc.IntegrityError), session_scope(url) as session:
        record_wellbeing(session, "conv-bad", "start", "assistant", {question: value})


def test_erasing_the_resident_keeps_the_scores_linked_to_no_one(url: str) -> None:
    number_id = "+447700900123"  # an older SMS conversation, named by its number
    with session_scope(url) as session:
        create_referral(session, referral_draft(number_id, channel="sms", level=3))
        record_wellbeing(session, number_id, "start", "assistant", ANSWERS)
        erase_personal_data(session, number_id)
    with session_scope(url) as session:
        row = session.scalars(sa.select(WellbeingScore)).one()
        assert row.conversation_id.startswith("erased-") and row.anxious == 8
