"""What a link worker does to one referral: read it, claim it, hold the resident's chat, note,
record contact, review safety flags and close it. Each step returns the referral as it stands
once the step is committed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from frontdoor.console import schemas
from frontdoor.console.conversation import read_transcript
from frontdoor.console.rasa_client import RasaError
from frontdoor.console.workflow import views, wellbeing
from frontdoor.console.workflow.desk import Desk, WorkflowError, find, step
from frontdoor.store import link_worker as work
from frontdoor.store import risk_flags as flags
from frontdoor.store.casework import LinkWorker
from frontdoor.store.models import Referral

Change = Callable[[Session, Referral, LinkWorker], object]


def _settled(desk: Desk, referral: Referral) -> schemas.ReferralDetail:
    """The referral as it stands once the step's changes are committed."""
    desk.session.commit()
    return views.referral_detail(desk.session, referral)


def _change(desk: Desk, reference: str, change: Change) -> schemas.ReferralDetail:
    """Make one change to the referral as the person at the desk."""
    referral = find(desk.session, reference)
    change(desk.session, referral, desk.worker())
    return _settled(desk, referral)


# Reading


@step
def view(desk: Desk, reference: str) -> schemas.ReferralDetail:
    """The referral, for someone reading it (kept in the audit trail)."""
    referral = find(desk.session, reference)
    work.audit(desk.session, desk.worker(), "view", referral)
    return views.referral_detail(desk.session, referral)


@step
def conversation(desk: Desk, reference: str, after: int = 0) -> schemas.Conversation:
    """The resident's conversation, or what is new in it since message `after`, and whether
    the resident seems to be on the web chat."""
    referral = find(desk.session, reference)
    if after == 0:
        work.audit(desk.session, desk.worker(), "view_conversation", referral)
    transcript = read_transcript(desk.database_url, referral.conversation_id, after)
    return views.conversation(desk.session, referral, transcript)


@step
def risk_flags(desk: Desk, reference: str) -> list[schemas.RiskFlag]:
    """The safety flags of the referral's conversation, newest first (kept in the audit trail)."""
    referral = find(desk.session, reference)
    work.audit(desk.session, desk.worker(), "view_risk_flags", referral)
    return views.risk_flags(desk.session, referral)


# Claiming


@step
def claim(desk: Desk, reference: str) -> schemas.ReferralDetail:
    """Take a new referral; if someone else claimed it first, refused as a conflict (409)."""
    return _change(desk, reference, work.claim)


@step
def release(desk: Desk, reference: str) -> schemas.ReferralDetail:
    """Put the referral back in the queue."""
    return _change(desk, reference, work.release)


@step
def reassign(desk: Desk, reference: str, to: schemas.ReassignIn) -> schemas.ReferralDetail:
    """A manager gives the referral to another link worker."""
    if not desk.actor.is_manager:
        raise WorkflowError("forbidden", "only a manager can reassign a referral")
    referral = find(desk.session, reference)
    other = work.worker_by_email(desk.session, to.email)
    if other is None:
        raise WorkflowError("not_allowed", f"there is no link worker with the email {to.email}")
    work.reassign(desk.session, referral, desk.worker(), other)
    return _settled(desk, referral)


# Reaching the resident


@step
def record_contact(
    desk: Desk, reference: str, contact: schemas.ContactIn
) -> schemas.ReferralDetail:
    """The link worker reached the resident (the first time stops the promise's clock)."""
    return _change(
        desk,
        reference,
        lambda session, referral, worker: work.record_contact(
            session, referral, worker, contact.how, contact.note
        ),
    )


@step
def take_over(desk: Desk, reference: str) -> schemas.ReferralDetail:
    """Hold the resident's chat: the assistant goes quiet and says who has joined."""
    referral = find(desk.session, reference)
    worker = desk.worker()
    # The hold goes into the store first (one holder at a time) and is committed before Rasa
    # is called: on SQLite there is one writer at a time, and Rasa writes the conversation to
    # the same database while it runs the call. If Rasa cannot be reached the hold is undone,
    # so the assistant keeps answering the resident.
    work.take_over_chat(desk.session, referral, worker)
    desk.session.commit()
    try:
        desk.rasa.take_over(referral.conversation_id, worker.first_name)
    except RasaError:
        work.undo_take_over(desk.session, referral, worker)
        desk.session.commit()
        raise
    return _settled(desk, referral)


@step
def reply(desk: Desk, reference: str, message: schemas.ReplyIn) -> schemas.ReferralDetail:
    """Write to the resident on their own channel (web chat or SMS); only whoever holds the
    chat."""
    referral = find(desk.session, reference)
    worker = desk.worker()
    if not message.text:
        raise WorkflowError("not_allowed", "the message is empty")
    work.require_holder(referral, worker)
    work.require_chat_holder(desk.session, referral, worker)
    desk.session.commit()  # no write lock held while Rasa writes the conversation
    desk.rasa.reply(referral.conversation_id, message.text)
    work.chat_replied(desk.session, referral, worker, message.text)
    return _settled(desk, referral)


@step
def hand_back(desk: Desk, reference: str) -> schemas.ReferralDetail:
    """Give the conversation back to the assistant; the store records it only once Rasa has."""
    referral = find(desk.session, reference)
    worker = desk.worker()
    work.require_can_hand_back(desk.session, referral, worker)
    desk.session.commit()  # no write lock held while Rasa writes the conversation
    desk.rasa.hand_back(referral.conversation_id)
    work.hand_back_chat(desk.session, referral, worker)
    return _settled(desk, referral)


# Notes, safety flags and closing


@step
def add_note(desk: Desk, reference: str, note: schemas.NoteIn) -> schemas.ReferralDetail:
    """A note, by the link worker who claimed the referral or a manager."""
    return _change(
        desk,
        reference,
        lambda session, referral, worker: work.add_note(session, referral, worker, note.text),
    )


@step
def review_risk_flag(
    desk: Desk, reference: str, flag_id: int, review: schemas.RiskReviewIn
) -> schemas.ReferralDetail:
    """Confirm a safety flag, or clear it as a false alarm; only whoever holds the referral, or
    a manager. Clearing the conversation's last uncleared flag takes a crisis referral back to
    urgent; confirming one again makes it crisis again."""
    referral = find(desk.session, reference)
    flag = flags.flag_of(desk.session, referral, flag_id)
    if flag is None:
        raise WorkflowError(
            "not_found", f"Referral {referral.reference} has no risk flag {flag_id}."
        )
    flags.review(desk.session, referral, flag, desk.worker(), review.decision, review.note)
    return _settled(desk, referral)


def flag_id(text: str) -> int:
    """The risk flag a page's form names, as a number the database can hold."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= schemas.FLAG_ID_MAX:
        raise WorkflowError("not_found", "There is no such risk flag.")
    return int(text)


@step
def close(desk: Desk, reference: str, closing: schemas.CloseIn) -> schemas.ReferralDetail:
    """Close with an outcome, the groups joined and the SNOMED CT code for the record; with
    the wellbeing answers now, or instead the questions sent to the resident by text or email
    (sent first: if they cannot go, the referral stays open)."""
    referral = find(desk.session, reference)
    worker = desk.worker()
    if closing.send_wellbeing:
        wellbeing.send_before_closing(
            desk, referral, worker, closing.wellbeing, closing.send_wellbeing
        )
    work.close(
        desk.session,
        referral,
        worker,
        closing.outcome,
        closing.groups_joined,
        closing.snomed_code,
        closing.note,
    )
    wellbeing.record_at_closing(desk.session, referral, closing.wellbeing)
    return _settled(desk, referral)
