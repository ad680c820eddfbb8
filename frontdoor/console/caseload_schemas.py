"""The caseload's input and view models: the contact log, follow-up tasks, the caseload itself
and groups sent to a resident (pydantic 1, as frontdoor/console/schemas.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, validator

from frontdoor.console.schemas import FLAG_ID_MAX, clean, clean_or_none
from frontdoor.store.models import CONTACT_MINUTES_MAX, TASK_LENGTH

ContactWay = Literal["phone", "sms", "email", "web_chat", "in_person", "letter"]
CONTACT_WAY_LABELS: dict[ContactWay, str] = {
    "phone": "Phone call",
    "sms": "Text message (SMS)",
    "email": "Email",
    "web_chat": "Web chat",
    "in_person": "In person",
    "letter": "Letter",
}
SendBy = Literal["sms", "email"]
SEND_BY_LABELS: dict[SendBy, str] = {"sms": "Text message (SMS)", "email": "Email"}
GROUPS_AT_ONCE = 10
GROUP_ID_LENGTH = 64
WHAT_HAPPENED_LENGTH = 5000


def _empty_is_none(value: Any) -> Any:
    """A form's empty field is no value."""
    return None if isinstance(value, str) and not value.strip() else value


# What people send


class ContactLogIn(BaseModel):
    """One contact with the resident, for the contact log."""

    how: ContactWay = Field(..., description="How you were in contact")
    minutes: int = Field(..., ge=0, le=CONTACT_MINUTES_MAX, description="How many minutes it took")
    what_happened: str = Field(
        ..., min_length=1, max_length=WHAT_HAPPENED_LENGTH, description="What happened"
    )
    happened_at: datetime | None = Field(
        default=None,
        description="When it happened: UK time unless it says its zone; empty means now",
    )

    _clean = validator("what_happened", allow_reuse=True)(clean)
    _empty = validator("happened_at", pre=True, allow_reuse=True)(_empty_is_none)

    @validator("how", pre=True)
    def _how(cls, value: Any) -> Any:  # noqa: N805 (pydantic passes the class)
        if value not in CONTACT_WAY_LABELS:
            raise ValueError("choose how you were in contact")
        return value

    @validator("minutes", pre=True)
    def _minutes(cls, value: Any) -> Any:  # noqa: N805
        text = str(value).strip() if value is not None else ""
        if not text.isdigit() or int(text) > CONTACT_MINUTES_MAX:
            raise ValueError(f"enter a whole number from 0 to {CONTACT_MINUTES_MAX}, such as 15")
        return int(text)

    @validator("what_happened", pre=True)
    def _said(cls, value: Any) -> Any:  # noqa: N805
        if not clean(str(value or "")):
            raise ValueError("write a few words about what happened")
        return value


class TaskIn(BaseModel):
    """A follow-up task and the day it is due."""

    what: str = Field(..., min_length=1, max_length=TASK_LENGTH, description="What needs doing")
    due_on: date = Field(..., description="The day it is due, such as 2025-01-06")

    _clean = validator("what", allow_reuse=True)(clean)

    @validator("what", pre=True)
    def _said(cls, value: Any) -> Any:  # noqa: N805
        if not clean(str(value or "")):
            raise ValueError("write what needs doing")
        return value

    @validator("due_on", pre=True)
    def _day(cls, value: Any) -> Any:  # noqa: N805
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("enter the day it is due")
        return value


class TaskDoneIn(BaseModel):
    """The task to tick off."""

    task: int = Field(..., ge=1, le=FLAG_ID_MAX, description="The task's number")


class SendGroupsIn(BaseModel):
    """Groups to send to the resident, and how."""

    group_ids: list[str] = Field(
        ...,
        min_items=1,
        max_items=GROUPS_AT_ONCE,
        description="The groups to send (their directory ids)",
    )
    by: SendBy = Field(..., description="How to send them")
    to: str | None = Field(
        default=None,
        max_length=255,
        description="A mobile number or email address; empty for the resident's own",
    )

    _clean = validator("to", allow_reuse=True)(clean_or_none)

    @validator("group_ids", pre=True)
    def _chosen(cls, value: Any) -> Any:  # noqa: N805
        ids = [value] if isinstance(value, str) else value
        ids = [clean(str(i))[:GROUP_ID_LENGTH] for i in ids or [] if clean(str(i))]
        if not ids:
            raise ValueError(f"choose at least one group (at most {GROUPS_AT_ONCE})")
        return list(dict.fromkeys(ids))

    @validator("by", pre=True)
    def _by(cls, value: Any) -> Any:  # noqa: N805
        if value not in SEND_BY_LABELS:
            raise ValueError("choose text message or email")
        return value


# What the console shows


class ContactLogLine(BaseModel):
    id: int
    at: str = Field(..., description="When it happened (UTC)")
    at_text: str = Field(..., description="When, in UK time: today 14:05")
    how: ContactWay
    how_label: str
    minutes: int
    what_happened: str
    by: str = Field(..., description="The link worker, by name")
    automatic: bool = Field(..., description="Logged by the console itself (groups sent)")


class TaskLine(BaseModel):
    id: int
    what: str
    due_on: date
    due_text: str = Field(..., description="The due day in words: today, Tue 3 Dec")
    due: bool = Field(..., description="To do, and due today or overdue")
    overdue: bool
    done: bool
    done_at: str | None
    done_by: str | None = Field(default=None, description="Who ticked it off, by name")
    set_by: str = Field(..., description="Who set it, by name")


class CaseRecord(BaseModel):
    """A referral's contact log and tasks."""

    reference: str
    contacts: list[ContactLogLine]
    contact_count: int
    minutes_total: int
    tasks: list[TaskLine]
    tasks_due: int
    today: date = Field(..., description="Today in the UK: the earliest day a task can be due")


class NextStep(BaseModel):
    what: str = Field(..., description="The next task, or first contact when none is set")
    due_on: date | None
    due_text: str = Field(..., description="When it is due, in words; empty when not set")
    due: bool = Field(..., description="Due today or overdue")
    overdue: bool


class CaseloadItem(BaseModel):
    reference: str
    contact_name: str | None
    contact_by: str
    urgency: str
    level: int
    status: str
    next_step: NextStep
    tasks_due: int = Field(..., description="Its tasks to do, due today or overdue")
    contacts: int
    minutes: int
    last_contact_at: str | None
    last_contact_text: str


class Caseload(BaseModel):
    """A link worker's open cases; tasks_due counts every task due today or overdue."""

    tasks_due: int
    cases: list[CaseloadItem]


class GroupChoice(BaseModel):
    """A group a link worker can send: suggested by the assistant or found in the directory."""

    id: str
    name: str
    summary: str
    when: str
    where: str
    cost: str
    contact: str
    website: str | None
    suggested: bool


class GroupChoices(BaseModel):
    reference: str
    suggested: list[GroupChoice]
    not_listed: list[str] = Field(
        default_factory=list, description="Suggested groups the directory no longer lists"
    )
    search: str
    found: list[GroupChoice]
    resident_detail: str | None = Field(
        default=None, description="The resident's own number or email address"
    )
    resident_method: str | None


class GroupsSent(BaseModel):
    reference: str
    by: SendBy
    to: str = Field(..., description="Where they went, as people read it")
    groups: list[str] = Field(..., description="The groups sent, by name")
    parts: int = Field(..., description="Text messages sent (SMS parts), or 1 email")
    contact: ContactLogLine
