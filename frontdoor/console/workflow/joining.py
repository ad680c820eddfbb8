"""Find and join up: search referrals by name, phone, email or reference; see a referral's
likely duplicates and linked referrals; link two referrals, or unlink them (any link worker,
kept in the audit trail)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from frontdoor.console import search_schemas as joins
from frontdoor.console.local_time import to_local
from frontdoor.console.workflow import views
from frontdoor.console.workflow.desk import Desk, find, step
from frontdoor.store import link_worker as work
from frontdoor.store import links as store
from frontdoor.store import risk_flags as flags
from frontdoor.store.casework import LinkWorker, ReferralWork
from frontdoor.store.models import Referral
from frontdoor.store.search import Duplicate, find_referrals, likely_duplicates

Joining = Callable[[Session, Referral, Referral, LinkWorker], None]


@step
def search(desk: Desk, text: str) -> list[joins.SearchHit]:
    """Referrals whose resident's name, phone number or email address, or whose reference,
    matches the text: an exact reference first, then the newest first (the search is kept in
    the audit trail, without the words searched for)."""
    found = find_referrals(desk.session, text)
    work.audit(desk.session, desk.worker(), "search", None, f"{len(found)} found")
    session = desk.session
    names = work.worker_names(session)
    uncleared = flags.uncleared_categories(session, (f.referral.conversation_id for f in found))
    return [
        joins.SearchHit(
            **views.queue_item(
                f.referral,
                work.wait_for(f.referral, session.get(ReferralWork, f.referral.id)),
                names,
                uncleared.get(f.referral.conversation_id),
            ).dict(),
            found_by=f.found_by,
        )
        for f in found
    ]


@step
def related(desk: Desk, reference: str, audited: bool = True) -> joins.Joins:
    """The referral's likely duplicates (the same phone number or email address within 30
    days either side, not yet linked) and the referrals linked to it (kept in the audit trail
    unless the page that shows them already was)."""
    referral = find(desk.session, reference)
    if audited:
        work.audit(desk.session, desk.worker(), "view_links", referral)
    return _joins(desk.session, referral)


@step
def link(desk: Desk, reference: str, other: joins.LinkIn) -> joins.Joins:
    """Link the referral with another: the same resident. Any link worker may."""
    return _join(desk, reference, other, store.link)


@step
def unlink(desk: Desk, reference: str, other: joins.LinkIn) -> joins.Joins:
    """Take the link between two referrals away."""
    return _join(desk, reference, other, store.unlink)


def _join(desk: Desk, reference: str, other: joins.LinkIn, change: Joining) -> joins.Joins:
    referral = find(desk.session, reference)
    them = find(desk.session, other.reference)
    change(desk.session, referral, them, desk.worker())
    desk.session.commit()
    return _joins(desk.session, referral)


def _joins(session: Session, referral: Referral) -> joins.Joins:
    linked = store.linked_to(session, referral)
    duplicates = likely_duplicates(session, referral, (ln.referral.id for ln in linked))
    return joins.Joins(
        reference=referral.reference,
        duplicates=[_duplicate(referral, d) for d in duplicates],
        linked=[
            joins.LinkedOut(
                **_related(ln.referral).dict(),
                linked_by=ln.linked_by,
                linked_at=views.iso(ln.linked_at),
            )
            for ln in linked
        ],
    )


def _related(referral: Referral) -> joins.Related:
    return joins.Related(
        reference=referral.reference,
        contact_name=referral.contact_name,
        status=referral.status,
        urgency=referral.urgency,
        created_at=views.iso(referral.created_at),
    )


def _duplicate(referral: Referral, duplicate: Duplicate) -> joins.DuplicateOut:
    other = duplicate.referral
    days = (_day(other.created_at) - _day(referral.created_at)).days
    return joins.DuplicateOut(
        **_related(other).dict(),
        same_by=duplicate.same_by,
        days_apart=days,
        text=f"Possible duplicate of {other.reference}, {when_made(days)}",
    )


def _day(moment: datetime) -> datetime:
    """The UK day a stored moment fell on, at midnight."""
    local = to_local(moment)
    return datetime(local.year, local.month, local.day)


def when_made(days: int) -> str:
    """When the other referral was made, beside this one: 3 days earlier, 1 day later."""
    if days == 0:
        return "the same day"
    word = "earlier" if days < 0 else "later"
    return f"{abs(days)} day{'s' * (abs(days) != 1)} {word}"
