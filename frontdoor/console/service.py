"""The console's operations, shared by the pages and the JSON API."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdoor.console.conversation import read_conversation
from frontdoor.console.deps import Actor
from frontdoor.console.rasa_client import RasaClient, RasaError
from frontdoor.store import link_worker as work
from frontdoor.store import risk_flags as flags
from frontdoor.store.casework import OUTCOME_LABELS, LinkWorker
from frontdoor.store.models import Referral, RiskEvent


class NotFound(LookupError):
    """No such referral."""


def find(session: Session, reference: str) -> Referral:
    referral = work.referral_by_reference(session, reference)
    if referral is None:
        raise NotFound(f"There is no referral {reference}.")
    return referral


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def queue_item(
    referral: Referral, wait: work.Wait, uncleared_flags: list[str] | None = None
) -> dict[str, Any]:
    """One referral in the queue; uncleared_flags are the categories of its conversation's
    open or confirmed safety flags."""
    return {
        "reference": referral.reference,
        "status": referral.status,
        "level": referral.level,
        "urgency": referral.urgency,
        "channel": referral.channel,
        "town": referral.town,
        "summary": referral.summary,
        "risk": referral.risk,
        "uncleared_flags": list(uncleared_flags or []),
        "claimed_by": referral.claimed_by,
        "created_at": _iso(referral.created_at),
        "waited": wait.waited_text,
        "waited_minutes": int(wait.waited.total_seconds() // 60),
        "due_at": _iso(wait.due_at),
        "overdue": wait.overdue,
        "contacted": wait.contacted,
        "promise": wait.promise_text,
    }


def queue_rows(session: Session, wanted: work.QueueFilter) -> list[dict[str, Any]]:
    """The queue as the pages and the API show it, with each one's uncleared flags."""
    rows = work.queue(session, wanted)
    uncleared = flags.uncleared_categories(session, (r.conversation_id for r, _ in rows))
    return [queue_item(r, w, uncleared.get(r.conversation_id)) for r, w in rows]


def risk_flag_item(flag: RiskEvent) -> dict[str, Any]:
    return {
        "id": flag.id,
        "at": _iso(flag.created_at),
        "category": flag.category,
        "category_label": flags.category_label(flag.category),
        "source": flag.source,
        "source_label": flags.source_label(flag.source),
        "words": flag.words,
        "status": flag.status,
        "status_label": flags.status_label(flag.status),
        "reviewed_by": flag.reviewed_by,
        "reviewed_at": _iso(flag.reviewed_at),
        "review_note": flag.review_note,
    }


def detail(session: Session, referral: Referral) -> dict[str, Any]:
    """Everything a link worker reads about one referral (not the conversation)."""
    handling = work.work_for(session, referral)
    outcome = work.outcome_for(session, referral)
    wait = work.wait_for(referral, handling)
    uncleared = flags.uncleared_categories(session, [referral.conversation_id])
    return {
        **queue_item(referral, wait, uncleared.get(referral.conversation_id)),
        "risk_flags": [risk_flag_item(f) for f in flags.flags_for(session, referral)],
        "conversation_id": referral.conversation_id,
        "what_matters": referral.what_matters or {},
        "plan": referral.plan,
        "suggested_groups": [str(g) for g in referral.suggested_groups or []],
        "contact": {
            "name": referral.contact_name,
            "method": referral.contact_method,
            "detail": referral.contact_detail,
            "time": referral.contact_time,
        },
        "consent": {
            "given_at": _iso(referral.consent.given_at) if referral.consent else None,
            "wording": referral.consent.wording if referral.consent else None,
            "withdrawn_at": _iso(referral.consent.withdrawn_at) if referral.consent else None,
        },
        "snomed_code": referral.snomed_code,
        "claimed_at": _iso(handling.claimed_at),
        "first_contact_at": _iso(handling.first_contact_at),
        "chat_held_by": handling.chat_held_by,
        "notes": [
            {"author": n.author.name, "text": n.text, "at": _iso(n.created_at)}
            for n in work.notes_for(session, referral)
        ],
        "history": [
            {"status": h["status"], "at": _iso(h["at"]), "by": h["by"], "note": h["note"]}
            for h in work.history_of(referral)
        ],
        "outcome": None
        if outcome is None
        else {
            "outcome": outcome.outcome,
            "label": OUTCOME_LABELS[outcome.outcome],
            "groups_joined": outcome.groups_joined or [],
            "snomed_code": outcome.snomed_code,
            "note": outcome.note,
            "closed_by": outcome.closed_by.name,
            "closed_at": _iso(outcome.closed_at),
        },
    }


def view(session: Session, actor: Actor, reference: str) -> dict[str, Any]:
    referral = find(session, reference)
    work.audit(session, actor.worker(session), "view", referral)
    return detail(session, referral)


def conversation(
    session: Session, database_url: str, actor: Actor, reference: str, after: int = 0
) -> dict[str, Any]:
    referral = find(session, reference)
    if after == 0:
        work.audit(session, actor.worker(session), "view_conversation", referral)
    messages = read_conversation(database_url, referral.conversation_id, after)
    return {
        "reference": referral.reference,
        "chat_held_by": work.work_for(session, referral).chat_held_by,
        "messages": [m.as_dict() for m in messages],
    }


def claim(session: Session, actor: Actor, reference: str) -> Referral:
    referral = find(session, reference)
    work.claim(session, referral, actor.worker(session))
    return referral


def release(session: Session, actor: Actor, reference: str) -> Referral:
    referral = find(session, reference)
    work.release(session, referral, actor.worker(session))
    return referral


def reassign(session: Session, actor: Actor, reference: str, email: str) -> Referral:
    referral = find(session, reference)
    to = work.worker_by_email(session, email)
    if to is None:
        raise work.WorkError(f"there is no link worker with the email {email}")
    work.reassign(session, referral, actor.worker(session), to)
    return referral


def take_over(session: Session, rasa: RasaClient, actor: Actor, reference: str) -> None:
    """Hold the chat in the store first (one holder at a time), then pause the assistant.

    The hold is committed before Rasa is called: on SQLite there is one writer at a time, and
    Rasa writes the conversation to the same database while it runs the call. If Rasa cannot
    be reached the hold is undone, so the assistant keeps answering the resident.
    """
    referral = find(session, reference)
    worker: LinkWorker = actor.worker(session)
    work.take_over_chat(session, referral, worker)
    session.commit()
    try:
        rasa.take_over(referral.conversation_id, worker.first_name)
    except RasaError:
        work.undo_take_over(session, referral, worker)
        session.commit()
        raise


def reply(session: Session, rasa: RasaClient, actor: Actor, reference: str, text: str) -> None:
    referral = find(session, reference)
    worker = actor.worker(session)
    text = text.strip()
    if not text:
        raise work.WorkError("the message is empty")
    work.require_holder(referral, worker)
    work.require_chat_holder(session, referral, worker)
    session.commit()  # no write lock held while Rasa writes the conversation
    rasa.reply(referral.conversation_id, text)
    work.chat_replied(session, referral, worker, text)


def hand_back(session: Session, rasa: RasaClient, actor: Actor, reference: str) -> None:
    """Let the assistant answer again, then record it; the store changes only if Rasa did."""
    referral = find(session, reference)
    worker = actor.worker(session)
    work.require_can_hand_back(session, referral, worker)
    session.commit()  # no write lock held while Rasa writes the conversation
    rasa.hand_back(referral.conversation_id)
    work.hand_back_chat(session, referral, worker)


def close(
    session: Session,
    actor: Actor,
    reference: str,
    outcome: str,
    groups_joined: list[str],
    snomed_code: str | None,
    note: str | None,
) -> None:
    referral = find(session, reference)
    work.close(session, referral, actor.worker(session), outcome, groups_joined, snomed_code, note)


def risk_flags(session: Session, actor: Actor, reference: str) -> list[dict[str, Any]]:
    """The safety flags of the referral's conversation, newest first."""
    referral = find(session, reference)
    work.audit(session, actor.worker(session), "view_risk_flags", referral)
    return [risk_flag_item(f) for f in flags.flags_for(session, referral)]


def review_risk_flag(
    session: Session,
    actor: Actor,
    reference: str,
    flag_id: int,
    decision: str,
    note: str | None = None,
) -> RiskEvent:
    """Confirm or clear one safety flag: the one way both the pages and the API do it."""
    referral = find(session, reference)
    flag = flags.flag_of(session, referral, flag_id)
    if flag is None:
        raise NotFound(f"Referral {referral.reference} has no risk flag {flag_id}.")
    return flags.review(session, referral, flag, actor.worker(session), decision, note)
