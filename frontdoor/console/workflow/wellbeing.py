"""Wellbeing at closing: the link worker records the answers with the close, or sends the
resident a link (by text or email) to a page where they answer themselves, once, within 14
days. The referral page shows the start and the end side by side, with the change.

Whether a link was used is kept in the audit trail: the resident's answer is an event
("wellbeing_answered") on the referral, and a link made before it no longer takes answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.console.group_message import Sender
from frontdoor.console.resident_post import Post, PostError
from frontdoor.console.wellbeing_message import EMAIL_SUBJECT, email_text, sms_bodies
from frontdoor.console.wellbeing_schemas import (
    SEND_BY_LABELS,
    SendBy,
    WellbeingComparison,
    WellbeingIn,
    WellbeingLine,
)
from frontdoor.console.workflow.desk import Desk, ErrorKind, WorkflowError, parse
from frontdoor.contact import email_address, phone_e164, uk_mobile
from frontdoor.settings import Settings
from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent, LinkWorker
from frontdoor.store.models import Referral, WellbeingScore, utcnow
from frontdoor.store.wellbeing import record_wellbeing, wellbeing_of
from frontdoor.wellbeing import LABELS, ONS4, QUESTIONS, UCLA3, slot_of, ucla_total
from frontdoor.wellbeing_link import LinkRefused, WellbeingLink, issue, read

SENT = "send_wellbeing"  # audit actions
ANSWERED = "wellbeing_answered"
RESIDENT = "resident"
UCLA_TOTAL = "ucla_total"
UCLA_TOTAL_LABEL = "Loneliness, the three together (3 to 9)"
LOWER_IS_BETTER = frozenset({"anxious", *UCLA3, UCLA_TOTAL})
BY_WHOM = {
    "assistant": "the resident, in the chat",
    "link_worker": "the link worker",
    "resident": "the resident, by the link sent",
}
NOT_BOTH = "record the wellbeing answers or send the questions to the resident, not both"


# At closing


def closing_fields(form: Mapping[str, str]) -> dict[str, object]:
    """The close form's wellbeing part as CloseIn takes it: a question left at "not asked"
    is left out, and the questions are sent, the way chosen, only when that box is ticked."""
    answers = {q: form[slot_of(q)] for q in QUESTIONS if form.get(slot_of(q), "").strip()}
    send = (form.get("send_wellbeing_by") or "sms") if form.get("send_wellbeing") else None
    return {"wellbeing": answers or None, "send_wellbeing": send}


def send_before_closing(
    desk: Desk, referral: Referral, worker: LinkWorker, answers: WellbeingIn | None, by: SendBy
) -> None:
    """Send the resident the link to the questions, before the referral is closed: if they
    cannot go, nothing is closed. What the close would refuse is refused first."""
    if answers is not None and _given(answers):
        raise WorkflowError("invalid", NOT_BOTH)
    work.require_holder(referral, worker)
    if work.work_for(desk.session, referral).chat_held_by:
        raise work.WorkError("hand the conversation back to the assistant first")
    to = _recipient(referral, by)
    url = link_address(
        desk.settings, issue(desk.settings.wellbeing_link_secret, referral.id, utcnow())
    )
    sender = Sender(referral.contact_name, worker.first_name, desk.settings.team_phone)
    desk.session.commit()  # no write lock held while the text is recorded or the email goes
    _post(Post(desk.settings), by, to, url, sender)
    work.audit(desk.session, worker, SENT, referral, SEND_BY_LABELS[by].lower())


def record_at_closing(session: Session, referral: Referral, answers: WellbeingIn | None) -> None:
    """Keep the answers the link worker recorded at closing, if any were."""
    if answers is not None:
        _keep(session, referral, "link_worker", answers)


def link_address(settings: Settings, token: str) -> str:
    """The page's address, as the resident's phone or email opens it."""
    console = settings.console_public_url or f"http://127.0.0.1:{settings.console_port}"
    return f"{console.rstrip('/')}/wellbeing/{token}"


def _given(answers: WellbeingIn) -> bool:
    return any(value is not None for value in answers.dict().values())


def _keep(
    session: Session, referral: Referral, recorded_by: str, answers: WellbeingIn
) -> WellbeingScore | None:
    """The end answers, kept with this referral (not only its conversation's latest)."""
    row = record_wellbeing(session, referral.conversation_id, "end", recorded_by, answers.dict())
    if row is not None:
        row.referral_id = referral.id
    return row


def _recipient(referral: Referral, by: SendBy) -> str:
    """The resident's own mobile number (E.164) or email address."""
    detail = referral.contact_detail or ""
    if by == "sms":
        number = phone_e164(detail) if uk_mobile(detail) else None
        if number:
            return number
        raise WorkflowError(
            "not_allowed", "the resident gave no mobile number to text: send them by email"
        )
    address = email_address(detail)
    if address:
        return address
    raise WorkflowError("not_allowed", "the resident gave no email address: send them by text")


def _post(post: Post, by: SendBy, to: str, url: str, sender: Sender) -> None:
    try:
        if by == "sms":
            post.text(to, sms_bodies(url, sender))
        else:
            post.email(to, EMAIL_SUBJECT, email_text(url, sender))
    except PostError as problem:
        kind: ErrorKind = "not_allowed" if problem.problem == "refused" else "unavailable"
        message = f"the referral is still open, as the wellbeing questions were not sent: {problem.message}"
        raise WorkflowError(kind, message) from problem


# The resident's page

LinkKind = Literal["open", "answered", "used", "tampered", "expired"]


@dataclass(frozen=True)
class LinkState:
    """What the resident's page shows: the questions (open), thanks (answered, or used
    before), or why the link does not work (tampered, expired)."""

    kind: LinkKind
    problem: str = ""  # why the answers sent were not taken, to show with the questions


def link_state(session: Session, secret: str, token: str, now: datetime) -> LinkState:
    """Whether the link can take answers now."""
    try:
        link = read(secret, token, now)
    except LinkRefused as refused:
        return LinkState(refused.why)
    referral = session.get(Referral, link.referral_id)
    if referral is None:
        return LinkState("tampered")
    return LinkState("used" if _answered_since(session, link) else "open")


def take_answers(
    session: Session, secret: str, token: str, fields: Mapping[str, str], now: datetime
) -> LinkState:
    """Keep what the resident answered (every question may be skipped), once per link."""
    try:
        link = read(secret, token, now)
    except LinkRefused as refused:
        return LinkState(refused.why)
    referral = session.get(Referral, link.referral_id, with_for_update=True)
    if referral is None:
        return LinkState("tampered")
    if _answered_since(session, link):
        return LinkState("used")
    given = {q: value for q, value in fields.items() if q in QUESTIONS and value.strip()}
    try:
        answers = parse(WellbeingIn, given)
    except WorkflowError:
        return LinkState("open", "Please choose one of the answers shown, or leave it out.")
    row = _keep(session, referral, RESIDENT, answers)
    answered = sum(getattr(row, q) is not None for q in QUESTIONS) if row else 0
    session.add(
        AuditEvent(
            actor=RESIDENT,
            action=ANSWERED,
            referral_id=referral.id,
            reference=referral.reference,
            detail=f"{answered} of {len(QUESTIONS)} questions answered",
        )
    )
    return LinkState("answered")


def _answered_since(session: Session, link: WellbeingLink) -> bool:
    """Whether the resident answered by a link made at or after this one was."""
    found = session.execute(
        sa.select(AuditEvent.id)
        .where(
            AuditEvent.referral_id == link.referral_id,
            AuditEvent.action == ANSWERED,
            AuditEvent.at >= link.issued_at,
        )
        .limit(1)
    ).scalar()
    return found is not None


# The referral page: the start and the end side by side


def comparison(session: Session, referral: Referral) -> WellbeingComparison | None:
    """The newest answer to each question at the start and at the end, and the change; None
    when no one has answered any and the questions were not sent."""
    rows = wellbeing_of(session, referral)
    sent_at = _last_sent(session, referral)
    if not rows and sent_at is None:
        return None
    start, start_by = _newest(rows, "start")
    end, end_by = _newest(rows, "end")
    start[UCLA_TOTAL], end[UCLA_TOTAL] = ucla_total(start), ucla_total(end)
    labels = {**LABELS, UCLA_TOTAL: UCLA_TOTAL_LABEL}
    return WellbeingComparison(
        lines=[_line(q, labels[q], start[q], end[q]) for q in (*ONS4, *UCLA3, UCLA_TOTAL)],
        start_by=BY_WHOM.get(start_by or "", start_by),
        end_by=BY_WHOM.get(end_by or "", end_by),
        questions_sent_at=sent_at,
    )


def _newest(rows: list[WellbeingScore], stage: str) -> tuple[dict[str, int | None], str | None]:
    """Each question's newest answer at this stage, and who gave the newest set."""
    answers: dict[str, int | None] = dict.fromkeys(QUESTIONS)
    by = None
    for row in (r for r in rows if r.stage == stage):  # oldest first: newer answers win
        by = row.recorded_by
        for question in QUESTIONS:
            value = getattr(row, question)
            if value is not None:
                answers[question] = int(value)
    return answers, by


def _line(question: str, label: str, start: int | None, end: int | None) -> WellbeingLine:
    change = end - start if start is not None and end is not None else None
    return WellbeingLine(
        question=question,
        label=label,
        start=start,
        end=end,
        change=change,
        direction=_direction(question, change),
    )


def _direction(question: str, change: int | None) -> Literal["better", "worse", "same"] | None:
    if change is None:
        return None
    if change == 0:
        return "same"
    return "better" if (change < 0) == (question in LOWER_IS_BETTER) else "worse"


def _last_sent(session: Session, referral: Referral) -> str | None:
    """When the questions were last sent to the resident (UTC, as the API gives times)."""
    at = session.execute(
        sa.select(sa.func.max(AuditEvent.at)).where(
            AuditEvent.referral_id == referral.id, AuditEvent.action == SENT
        )
    ).scalar()
    return at.isoformat(timespec="seconds") + "Z" if at else None
