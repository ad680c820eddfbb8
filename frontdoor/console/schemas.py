"""The JSON API's request and response bodies (pydantic 1, which Rasa pins)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from frontdoor.store.casework import OutcomeName as Outcome

ContactHow = Literal["phone", "text", "email", "chat", "in_person"]
RiskDecision = Literal["confirm", "clear"]
RiskFlagStatus = Literal["open", "confirmed", "cleared"]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str


class Me(BaseModel):
    name: str
    email: str
    role: str


class Message(BaseModel):
    detail: str


class QueueItem(BaseModel):
    reference: str
    status: str
    level: int
    urgency: str
    channel: str
    town: str | None
    summary: str
    risk: str | None
    uncleared_flags: list[str] = Field(
        default_factory=list,
        description="Categories of the conversation's open or confirmed safety flags, newest first",
    )
    claimed_by: str | None
    created_at: str
    waited: str
    waited_minutes: int
    due_at: str
    overdue: bool
    contacted: bool
    promise: str


class RiskFlag(BaseModel):
    """A safety flag: the safety net found risk in the referral's conversation."""

    id: int
    at: str = Field(..., description="When the safety net raised it (UTC)")
    category: str = Field(..., description="danger_now, self_harm, medical, ... (older: as kept)")
    category_label: str = Field(..., description="The category in words")
    source: str | None = Field(None, description="lexicon, model or both; null on older flags")
    source_label: str
    words: str | None = Field(
        None, description="The words that raised it (at most 200 characters); null once erased"
    )
    status: RiskFlagStatus
    status_label: str
    reviewed_by: str | None = Field(None, description="Email of the link worker who reviewed it")
    reviewed_at: str | None
    review_note: str | None


class RiskReviewIn(BaseModel):
    """Confirm the flag, or clear it as a false alarm; a cleared flag can be confirmed again."""

    decision: RiskDecision
    note: str | None = Field(None, max_length=1000)


class ReferralDetail(QueueItem):
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    conversation_id: str
    what_matters: dict[str, Any]
    plan: str | None
    suggested_groups: list[str]
    contact: dict[str, str | None]
    consent: dict[str, str | None]
    snomed_code: str
    claimed_at: str | None
    first_contact_at: str | None
    chat_held_by: str | None
    notes: list[dict[str, Any]]
    history: list[dict[str, Any]]
    outcome: dict[str, Any] | None


class ChatLine(BaseModel):
    id: int
    who: Literal["resident", "assistant", "link_worker", "system"]
    text: str
    at: str
    buttons: list[str]
    groups: list[str]


class Conversation(BaseModel):
    reference: str
    chat_held_by: str | None
    messages: list[ChatLine]


class ReplyIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=1000)


class NoteIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=5000)


class ContactIn(BaseModel):
    how: ContactHow
    note: str = Field("", max_length=1000)


class ReassignIn(BaseModel):
    email: str = Field(..., min_length=3, max_length=120)


class CloseIn(BaseModel):
    outcome: Outcome
    groups_joined: list[str] = Field(default_factory=list, max_items=20)
    snomed_code: str | None = Field(None, max_length=18)
    note: str | None = Field(None, max_length=5000)


class LinkWorkerOut(BaseModel):
    name: str
    email: str
    role: str


class AuditLine(BaseModel):
    at: str
    actor: str
    action: str
    reference: str | None
    detail: str | None


class ReportOut(BaseModel):
    since: str
    until: str
    total: int
    by_week: dict[str, int]
    by_level: dict[str, int]
    by_urgency: dict[str, int]
    by_channel: dict[str, int]
    by_town: dict[str, int]
    outcomes: dict[str, int]
    crisis_referrals: int
    risk_events: dict[str, int]
    contacted: int
    contacted_within_promise: int
    waiting_overdue: int
    median_hours_to_contact: float | None
    unmet_needs: dict[str, int]
