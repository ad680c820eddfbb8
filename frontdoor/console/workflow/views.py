"""The store's rows as the console shows them, to the pages and the API alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import overload
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.console import schemas
from frontdoor.console.conversation import Transcript
from frontdoor.console.local_time import day_text, to_local
from frontdoor.console.workflow.wellbeing import comparison as wellbeing_comparison
from frontdoor.contact import METHOD_NAMES
from frontdoor.settings import get_settings
from frontdoor.store import link_worker as work
from frontdoor.store import presence as chat_presence
from frontdoor.store import risk_flags as flags
from frontdoor.store.casework import AuditEvent, LinkWorker, Outcome
from frontdoor.store.models import Referral, RiskEvent, Service, utcnow
from frontdoor.store.presence import ChatPresence

Names = Mapping[str, str]  # a link worker's name by their email
CHANNEL_LABELS = {"socketio": "web chat", "sms": "SMS", "rest": "REST API", "cmdline": "terminal"}
DIRECTORY_RECORD = "/oruk/services/"  # the directory API's page for one group


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """A moment in UTC as the API gives it: 2025-01-06T09:30:00Z."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def channel_label(channel: str | None) -> str:
    """How a Rasa channel name reads to people: 'socketio' is the web chat."""
    return CHANNEL_LABELS.get(channel or "", channel or "unknown")


def contact_by(method: str | None) -> str:
    """How the resident asked to be contacted, in words: Phone call, Text, Email."""
    words = METHOD_NAMES.get(method or "", method or "not given")
    return words[:1].upper() + words[1:]


def person(email: str | None, names: Names) -> str | None:
    """Someone named by email, by their name (the assistant and unknown emails as they are)."""
    return names.get(email, email) if email else None


def queue_item(
    referral: Referral,
    wait: work.Wait,
    names: Names,
    uncleared_flags: list[str] | None = None,
) -> schemas.QueueItem:
    """One referral in the queue; uncleared_flags are the categories of its conversation's
    open or confirmed safety flags."""
    return schemas.QueueItem(
        **schemas.ReferralColumns.from_orm(referral).dict(),
        claimed_by_name=person(referral.claimed_by, names),
        contact_by=contact_by(referral.contact_method),
        uncleared_flags=list(uncleared_flags or []),
        created_at=iso(referral.created_at),
        waited=wait.waited_text,
        waited_minutes=int(wait.waited.total_seconds() // 60),
        due_at=iso(wait.due_at),
        overdue=wait.overdue,
        contacted=wait.contacted,
        promise=wait.promise_text,
    )


def queue(session: Session, wanted: work.QueueFilter) -> list[schemas.QueueItem]:
    """The queue with each referral's uncleared flags."""
    rows = work.queue(session, wanted)
    uncleared = flags.uncleared_categories(session, (r.conversation_id for r, _ in rows))
    names = work.worker_names(session)
    return [queue_item(r, w, names, uncleared.get(r.conversation_id)) for r, w in rows]


def risk_flag(flag: RiskEvent, names: Names) -> schemas.RiskFlag:
    return schemas.RiskFlag(
        id=flag.id,
        at=iso(flag.created_at),
        category=flag.category,
        category_label=flags.category_label(flag.category),
        source=flag.source,
        source_label=flags.source_label(flag.source),
        words=flag.words,
        status=schemas.one_of(flag.status, schemas.RISK_FLAG_STATUSES),
        status_label=flags.status_label(flag.status),
        reviewed_by=flag.reviewed_by,
        reviewed_by_name=person(flag.reviewed_by, names),
        reviewed_at=iso(flag.reviewed_at),
        review_note=flag.review_note,
    )


def risk_flags(session: Session, referral: Referral) -> list[schemas.RiskFlag]:
    """The safety flags of the referral's conversation, newest first."""
    names = work.worker_names(session)
    return [risk_flag(f, names) for f in flags.flags_for(session, referral)]


def suggested_groups(session: Session, ids: Iterable[object]) -> list[schemas.SuggestedGroup]:
    """The groups suggested, by name, each linked to its own page when the directory has one,
    else to the directory API's record of it."""
    wanted = [str(i) for i in ids]
    query = sa.select(Service.id, Service.name, Service.url).where(Service.id.in_(wanted))
    found = {row.id: row for row in session.execute(query)}
    groups = []
    for group_id in wanted:
        row = found.get(group_id)
        if row is None:
            groups.append(schemas.SuggestedGroup(id=group_id, name=group_id, listed=False))
            continue
        url = row.url or DIRECTORY_RECORD + quote(group_id, safe="")
        groups.append(schemas.SuggestedGroup(id=group_id, name=row.name, url=url, listed=True))
    return groups


def said_at(moment: datetime, now: datetime | None = None) -> str:
    """A stored moment as "today at 14:05", "Tue 3 Dec at 14:05" (UK time)."""
    local = to_local(moment)
    return f"{day_text(local.date(), to_local(now or utcnow()).date())} at {local:%H:%M}"


def presence(
    channel: str, transcript: Transcript, chat: ChatPresence, now: datetime | None = None
) -> schemas.Presence:
    """Whether the resident has the web chat open now, from the Rasa servers' record of the
    pages connected to them (frontdoor/store/presence.py); SMS and others say how replies go."""
    last = iso(transcript.resident_last_at)
    if channel != "socketio":
        where = channel_label(channel)
        text = f"The resident is not on the web chat: replies reach them by {where}."
        return schemas.Presence(state="not_web_chat", last_message_at=last, text=text)
    if chat.open:
        return schemas.Presence(state="on_web_chat", last_message_at=last, text="Chat open now.")
    if chat.left_at is None:
        return schemas.Presence(state="closed", last_message_at=last, text="Chat closed.")
    text = f"Left the chat {said_at(chat.left_at, now)}."
    return schemas.Presence(
        state="left", last_message_at=last, left_at=iso(chat.left_at), text=text
    )


def presence_of(
    session: Session, referral: Referral, gone_after: timedelta | None = None
) -> ChatPresence:
    """The record of the referral's web chat (none for other channels)."""
    if referral.channel != "socketio":
        return ChatPresence(open=False)
    gone_after = gone_after or timedelta(seconds=get_settings().webchat_presence_seconds)
    return chat_presence.presence(session, referral.conversation_id, gone_after=gone_after)


def conversation(
    session: Session, referral: Referral, transcript: Transcript
) -> schemas.Conversation:
    """The conversation's lines, who holds the chat, and whether the resident is there."""
    holder = work.work_for(session, referral).chat_held_by
    return schemas.Conversation(
        reference=referral.reference,
        chat_held_by=holder,
        chat_held_by_name=person(holder, work.worker_names(session)),
        presence=presence(referral.channel, transcript, presence_of(session, referral)),
        messages=transcript.messages,
    )


def _contact(referral: Referral) -> schemas.ContactPreference:
    return schemas.ContactPreference(
        name=referral.contact_name,
        method=referral.contact_method,
        detail=referral.contact_detail,
        time=referral.contact_time,
    )


def _consent(referral: Referral) -> schemas.ConsentRecord:
    consent = referral.consent
    if consent is None:
        return schemas.ConsentRecord(given_at=None, wording=None, withdrawn_at=None)
    return schemas.ConsentRecord(
        given_at=iso(consent.given_at),
        wording=consent.wording,
        withdrawn_at=iso(consent.withdrawn_at),
    )


def _outcome(outcome: Outcome | None) -> schemas.OutcomeRecord | None:
    if outcome is None:
        return None
    return schemas.OutcomeRecord(
        outcome=schemas.one_of(outcome.outcome, schemas.OUTCOMES),
        label=schemas.outcome_label(outcome.outcome),
        groups_joined=outcome.groups_joined or [],
        snomed_code=outcome.snomed_code,
        note=outcome.note,
        closed_by=outcome.closed_by.name,
        closed_at=iso(outcome.closed_at),
    )


def referral_detail(session: Session, referral: Referral) -> schemas.ReferralDetail:
    """Everything a link worker reads about one referral (not the conversation)."""
    handling = work.work_for(session, referral)
    wait = work.wait_for(referral, handling)
    uncleared = flags.uncleared_categories(session, [referral.conversation_id])
    names = work.worker_names(session)
    listed = queue_item(referral, wait, names, uncleared.get(referral.conversation_id))
    suggested = list(referral.suggested_groups or [])
    return schemas.ReferralDetail(
        **listed.dict(),
        risk_flags=[risk_flag(f, names) for f in flags.flags_for(session, referral)],
        conversation_id=referral.conversation_id,
        what_matters=referral.what_matters or {},
        plan=referral.plan,
        suggested_groups=[str(g) for g in suggested],
        suggested_group_links=suggested_groups(session, suggested),
        contact=_contact(referral),
        consent=_consent(referral),
        snomed_code=referral.snomed_code,
        claimed_at=iso(handling.claimed_at),
        first_contact_at=iso(handling.first_contact_at),
        chat_held_by=handling.chat_held_by,
        chat_held_by_name=person(handling.chat_held_by, names),
        notes=[
            schemas.NoteLine(author=n.author.name, text=n.text, at=iso(n.created_at))
            for n in work.notes_for(session, referral)
        ],
        history=[
            schemas.HistoryLine(
                status=h["status"],
                at=iso(h["at"]),
                by=h["by"],
                by_name=person(h["by"], names) or "",
                note=h["note"],
            )
            for h in work.history_of(referral)
        ],
        outcome=_outcome(work.outcome_for(session, referral)),
        wellbeing=wellbeing_comparison(session, referral),
    )


def link_worker(worker: LinkWorker) -> schemas.LinkWorkerOut:
    return schemas.LinkWorkerOut(name=worker.name, email=worker.email, role=worker.role)


def audit_line(event: AuditEvent) -> schemas.AuditLine:
    return schemas.AuditLine(
        at=iso(event.at),
        actor=event.actor,
        action=event.action,
        reference=event.reference,
        detail=event.detail,
    )
