"""The console's input and view models (pydantic 1, which Rasa pins): the pages and the JSON API
read what people send into the same input models, and show the same views."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, Field, validator

from frontdoor.console.wellbeing_schemas import SendBy, WellbeingComparison, WellbeingIn
from frontdoor.store.casework import OUTCOME_LABELS
from frontdoor.store.casework import OutcomeName as Outcome

ContactHow = Literal["phone", "text", "email", "chat", "in_person"]
CONTACT_LABELS: dict[ContactHow, str] = {
    "phone": "Phone call",
    "text": "Text message (SMS)",
    "email": "Email",
    "chat": "Web chat",
    "in_person": "In person",
}
QueueStatus = Literal["new", "claimed", "in_progress", "open", "closed", "all"]
RiskDecision = Literal["confirm", "clear"]
RiskFlagStatus = Literal["open", "confirmed", "cleared"]
Speaker = Literal["resident", "assistant", "link_worker", "system"]
PresenceState = Literal["on_web_chat", "left", "closed", "not_web_chat"]
RISK_FLAG_STATUSES: tuple[RiskFlagStatus, ...] = get_args(RiskFlagStatus)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
Choice = TypeVar("Choice", bound=str)
FLAG_ID_MAX = 2**31 - 1  # the largest id the database's integer holds
GROUP_NAME_LENGTH = 200


def one_of(value: str | None, choices: tuple[Choice, ...]) -> Choice:
    """A stored value as one of the few its column allows (the database checks it)."""
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{value!r} is not one of {', '.join(choices)}")


def outcome_label(outcome: str | None) -> str:
    """An outcome in words; one we do not know is shown as it is."""
    return OUTCOME_LABELS.get(outcome or "", outcome or "")


def clean(text: str | None) -> str:
    """Text fit to store: no NUL characters (PostgreSQL refuses them), no outer spaces."""
    return (text or "").replace("\x00", "").strip()


def clean_or_none(text: str | None) -> str | None:
    return clean(text) or None


# What people send


class ReplyIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=1000, description="The message to the resident")

    _clean = validator("text", allow_reuse=True)(clean)


class NoteIn(BaseModel):
    text: str = Field(..., min_length=1, max_length=5000, description="The note")

    _clean = validator("text", allow_reuse=True)(clean)


class ContactIn(BaseModel):
    how: ContactHow = Field(..., description="How you reached the resident")
    note: str = Field(default="", max_length=1000, description="A note on the contact")

    _clean = validator("note", allow_reuse=True)(clean)


class ReassignIn(BaseModel):
    email: str = Field(
        ..., min_length=3, max_length=120, description="The email of the link worker to give it to"
    )

    _clean = validator("email", allow_reuse=True)(clean)


class CloseIn(BaseModel):
    outcome: Outcome = Field(..., description="How the referral ended")
    groups_joined: list[str] = Field(
        default_factory=list, max_items=20, description="The groups the resident joined"
    )
    snomed_code: str | None = Field(default=None, max_length=18, description="The SNOMED CT code")
    note: str | None = Field(default=None, max_length=5000, description="The closing note")
    wellbeing: WellbeingIn | None = Field(
        default=None, description="The wellbeing answers now, asked at closing"
    )
    send_wellbeing: SendBy | None = Field(
        default=None,
        description="Send the wellbeing questions to the resident, by text or email, instead",
    )

    _clean = validator("snomed_code", "note", allow_reuse=True)(clean)

    @validator("groups_joined", each_item=True)
    def _group_name(cls, name: str) -> str:  # noqa: N805 (pydantic passes the class)
        return clean(name)[:GROUP_NAME_LENGTH]


class RiskReviewIn(BaseModel):
    """Confirm the flag, or clear it as a false alarm; a cleared flag can be confirmed again."""

    decision: RiskDecision = Field(..., description="Confirm the flag or clear it")
    note: str | None = Field(default=None, max_length=1000, description="A note on the review")

    _clean = validator("note", allow_reuse=True)(clean)


class QueueQuery(BaseModel):
    """Which referrals to list: by status, level, channel, town, or only one's own."""

    status: QueueStatus = Field(default="new", description="The referrals' status")
    level: int | None = Field(default=None, ge=1, le=3, description="The referrals' level")
    channel: str | None = Field(default=None, max_length=40, description="The channel")
    town: str | None = Field(default=None, max_length=80, description="The town")
    mine: bool = Field(default=False, description="Only the referrals you claimed")

    _clean = validator("channel", "town", allow_reuse=True)(clean_or_none)


# What the console shows


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


class ReferralColumns(BaseModel):
    """The referral's own columns that the console shows as they are stored."""

    reference: str
    status: str
    level: int
    urgency: str
    channel: str
    town: str | None
    summary: str
    risk: str | None
    claimed_by: str | None
    contact_name: str | None
    contact_method: str | None

    class Config:
        orm_mode = True


class QueueItem(ReferralColumns):
    claimed_by_name: str | None = Field(
        default=None, description="The name of the link worker who claimed it"
    )
    contact_by: str = Field(..., description="How the resident asked to be contacted, in words")
    uncleared_flags: list[str] = Field(
        default_factory=list,
        description="Categories of the conversation's open or confirmed safety flags, newest first",
    )
    created_at: str
    waited: str
    waited_minutes: int
    due_at: str
    overdue: bool
    contacted: bool
    promise: str


class QueueChoices(BaseModel):
    """The channels and towns that referrals have, for the queue's filters."""

    channels: list[str]
    towns: list[str]


class RiskFlag(BaseModel):
    """A safety flag: the safety net found risk in the referral's conversation."""

    id: int
    at: str = Field(..., description="When the safety net raised it (UTC)")
    category: str = Field(..., description="danger_now, self_harm, medical, ... (older: as kept)")
    category_label: str = Field(..., description="The category in words")
    source: str | None = Field(
        default=None, description="lexicon, model or both; null on older flags"
    )
    source_label: str
    words: str | None = Field(
        default=None,
        description="The words that raised it (at most 200 characters); null once erased",
    )
    status: RiskFlagStatus
    status_label: str
    reviewed_by: str | None = Field(
        default=None, description="Email of the link worker who reviewed it"
    )
    reviewed_by_name: str | None = Field(default=None, description="Their name")
    reviewed_at: str | None
    review_note: str | None


class ContactPreference(BaseModel):
    """How the resident would like to be contacted."""

    name: str | None
    method: str | None
    detail: str | None
    time: str | None


class ConsentRecord(BaseModel):
    given_at: str | None
    wording: str | None
    withdrawn_at: str | None


class NoteLine(BaseModel):
    author: str
    text: str
    at: str


class HistoryLine(BaseModel):
    status: str
    at: str
    by: str
    by_name: str = Field(..., description="Who, by name (the assistant, or a link worker)")
    note: str | None


class SuggestedGroup(BaseModel):
    """A group the assistant suggested, as the directory has it now."""

    id: str
    name: str = Field(..., description="Its name; the id when the directory no longer has it")
    url: str | None = Field(
        default=None, description="Its own web page, or the directory API's record of it"
    )
    listed: bool = Field(..., description="Whether the directory still has the group")


class OutcomeRecord(BaseModel):
    outcome: Outcome
    label: str
    groups_joined: list[str]
    snomed_code: str
    note: str | None
    closed_by: str
    closed_at: str


class ReferralDetail(QueueItem):
    risk_flags: list[RiskFlag] = Field(default_factory=list)
    conversation_id: str
    what_matters: dict[str, Any]
    plan: str | None
    suggested_groups: list[str] = Field(..., description="The ids of the groups suggested")
    suggested_group_links: list[SuggestedGroup]
    contact: ContactPreference
    consent: ConsentRecord
    snomed_code: str
    claimed_at: str | None
    first_contact_at: str | None
    chat_held_by: str | None
    chat_held_by_name: str | None
    notes: list[NoteLine]
    history: list[HistoryLine]
    outcome: OutcomeRecord | None
    wellbeing: WellbeingComparison | None = Field(
        default=None, description="Wellbeing at the start and at the end; null when none asked"
    )


class ChatLine(BaseModel):
    id: int
    who: Speaker
    text: str
    at: str
    at_text: str = Field(default="", description="When, in UK time: today 14:05")
    pressed: bool = Field(
        default=False, description="The resident pressed a button: text is the button's title"
    )
    buttons: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)


class Presence(BaseModel):
    """Whether the resident has the web chat open now (a page connected to a Rasa server),
    and if not, when they left it."""

    state: PresenceState
    last_message_at: str | None = Field(default=None, description="The resident's last message")
    left_at: str | None = Field(default=None, description="When the resident left the web chat")
    text: str = Field(..., description="The same in words, for people")


class Conversation(BaseModel):
    reference: str
    chat_held_by: str | None
    chat_held_by_name: str | None
    presence: Presence
    messages: list[ChatLine]


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
    """The service's figures for a period; no names or contact details."""

    since: date
    until: date
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
    # The contact log (frontdoor/store/caseload.py), on the period's referrals
    contacts_logged: int = Field(default=0, description="Contacts with residents logged")
    contact_minutes: int = Field(default=0, description="The minutes those contacts took")
    cases_with_contacts: int = Field(default=0, description="Referrals with any contact logged")
    contacts_per_case: float | None = Field(
        default=None, description="Contacts per referral with any contact logged, on average"
    )
    minutes_per_case: float | None = Field(
        default=None, description="Minutes per referral with any contact logged, on average"
    )
