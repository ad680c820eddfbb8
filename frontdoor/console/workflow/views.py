"""The store's rows as the console shows them, to the pages and the API alike."""

from __future__ import annotations

from datetime import datetime
from typing import overload

from sqlalchemy.orm import Session

from frontdoor.console import schemas
from frontdoor.store import link_worker as work
from frontdoor.store import risk_flags as flags
from frontdoor.store.casework import AuditEvent, LinkWorker, Outcome
from frontdoor.store.models import Referral, RiskEvent


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """A moment in UTC as the API gives it: 2025-01-06T09:30:00Z."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def queue_item(
    referral: Referral, wait: work.Wait, uncleared_flags: list[str] | None = None
) -> schemas.QueueItem:
    """One referral in the queue; uncleared_flags are the categories of its conversation's
    open or confirmed safety flags."""
    return schemas.QueueItem(
        **schemas.ReferralColumns.from_orm(referral).dict(),
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
    return [queue_item(r, w, uncleared.get(r.conversation_id)) for r, w in rows]


def risk_flag(flag: RiskEvent) -> schemas.RiskFlag:
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
        reviewed_at=iso(flag.reviewed_at),
        review_note=flag.review_note,
    )


def risk_flags(session: Session, referral: Referral) -> list[schemas.RiskFlag]:
    """The safety flags of the referral's conversation, newest first."""
    return [risk_flag(f) for f in flags.flags_for(session, referral)]


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
    listed = queue_item(referral, wait, uncleared.get(referral.conversation_id))
    return schemas.ReferralDetail(
        **listed.dict(),
        risk_flags=risk_flags(session, referral),
        conversation_id=referral.conversation_id,
        what_matters=referral.what_matters or {},
        plan=referral.plan,
        suggested_groups=[str(g) for g in referral.suggested_groups or []],
        contact=_contact(referral),
        consent=_consent(referral),
        snomed_code=referral.snomed_code,
        claimed_at=iso(handling.claimed_at),
        first_contact_at=iso(handling.first_contact_at),
        chat_held_by=handling.chat_held_by,
        notes=[
            schemas.NoteLine(author=n.author.name, text=n.text, at=iso(n.created_at))
            for n in work.notes_for(session, referral)
        ],
        history=[
            schemas.HistoryLine(status=h["status"], at=iso(h["at"]), by=h["by"], note=h["note"])
            for h in work.history_of(referral)
        ],
        outcome=_outcome(work.outcome_for(session, referral)),
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
