"""A referral as the assistant drafts one, for the tests of the store and of the frontdoor
command: each test says only how its resident's referral differs."""

from __future__ import annotations

from typing import Any

from frontdoor.store.referrals import ReferralDraft

# Margaret asked to be rung on weekday mornings.
MARGARET = {
    "contact_name": "Margaret",
    "contact_method": "phone",
    "contact_detail": "07700 900123",
    "contact_time": "weekday mornings",
    "consent_wording": "Is that OK?",
    "consent_wording_version": "v1",
}


def referral_draft(
    conversation_id: str = "conv-1",
    channel: str = "rest",
    level: int = 2,
    urgency: str = "routine",
    **changes: Any,
) -> ReferralDraft:
    """Margaret's draft from this conversation and channel, at this level and urgency, with
    any other fields changed."""
    return ReferralDraft(
        conversation_id=conversation_id,
        channel=channel,
        level=level,
        urgency=urgency,
        **(MARGARET | changes),
    )
