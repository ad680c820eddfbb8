"""Joining up referrals that are the same resident: any link worker may link two referrals or
unlink them, each recorded in the audit trail of both. A link holds no personal data, but it
ties a referral to a person: erasing a referral takes its links away, and the audit lines that
named it on the other side lose that name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.store import link_worker as work
from frontdoor.store.casework import AuditEvent, LinkWorker
from frontdoor.store.models import Referral, ReferralLink

LINK_ACTIONS = ("link", "unlink")


@dataclass(frozen=True)
class Linked:
    """A referral linked to the one being read: who linked them, and when."""

    referral: Referral
    linked_by: str
    linked_at: datetime


def _pair(one: Referral, other: Referral) -> tuple[int, int]:
    return (one.id, other.id) if one.id < other.id else (other.id, one.id)


def _link_row(session: Session, one: Referral, other: Referral) -> ReferralLink | None:
    low, high = _pair(one, other)
    query = sa.select(ReferralLink).where(
        ReferralLink.referral_id == low, ReferralLink.linked_id == high
    )
    return session.execute(query).scalar_one_or_none()


def _audit_both(
    session: Session, worker: LinkWorker, action: str, one: Referral, other: Referral
) -> None:
    work.audit(session, worker, action, one, f"with {other.reference}")
    work.audit(session, worker, action, other, f"with {one.reference}")


def link(session: Session, one: Referral, other: Referral, worker: LinkWorker) -> None:
    """Record that two referrals are the same resident; if someone else just did, a Conflict."""
    if one.id == other.id:
        raise work.WorkError(f"{one.reference} cannot be linked to itself")
    for referral in (one, other):
        if referral.erased_at is not None:
            raise work.WorkError(f"{referral.reference} was erased and cannot be linked")
    if _link_row(session, one, other) is not None:
        raise work.Conflict(f"{one.reference} and {other.reference} are already linked")
    low, high = _pair(one, other)
    try:
        with session.begin_nested():
            session.add(ReferralLink(referral_id=low, linked_id=high, linked_by_id=worker.id))
    except IntegrityError as taken:  # linked by someone else a moment ago
        raise work.Conflict(f"{one.reference} and {other.reference} are already linked") from taken
    _audit_both(session, worker, "link", one, other)


def unlink(session: Session, one: Referral, other: Referral, worker: LinkWorker) -> None:
    """Take a link away (they were not the same resident after all)."""
    row = _link_row(session, one, other)
    if row is None:
        raise work.WorkError(f"{one.reference} and {other.reference} are not linked")
    session.delete(row)
    _audit_both(session, worker, "unlink", one, other)


def linked_to(session: Session, referral: Referral) -> list[Linked]:
    """The referrals linked to this one, the earliest made first."""
    query = (
        sa.select(ReferralLink, Referral, LinkWorker.name)
        .join(
            Referral,
            sa.or_(
                sa.and_(
                    ReferralLink.referral_id == referral.id, Referral.id == ReferralLink.linked_id
                ),
                sa.and_(
                    ReferralLink.linked_id == referral.id, Referral.id == ReferralLink.referral_id
                ),
            ),
        )
        .join(LinkWorker, LinkWorker.id == ReferralLink.linked_by_id)
        .order_by(Referral.created_at, Referral.id)
    )
    return [Linked(other, name, row.linked_at) for row, other, name in session.execute(query)]


def erase_links_of(session: Session, referral: Referral) -> None:
    """An erased referral is linked to no one, and the other side's audit lines no longer
    say which referral it was linked with."""
    session.execute(
        sa.delete(ReferralLink)
        .where(
            sa.or_(ReferralLink.referral_id == referral.id, ReferralLink.linked_id == referral.id)
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.update(AuditEvent)
        .where(
            AuditEvent.action.in_(LINK_ACTIONS),
            AuditEvent.detail == f"with {referral.reference}",
        )
        .values(detail=None)
        .execution_options(synchronize_session=False)
    )
