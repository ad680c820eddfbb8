"""The link workers' casework tables: accounts, logins, notes, outcomes and the audit trail
(the web console that shows them is frontdoor/console/)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, relationship

from frontdoor.store.models import Base, Referral, utcnow

ROLES = ("link_worker", "manager")
# How a referral ended: the one list, for the table's check, the API and the pages.
OutcomeName = Literal["connected_to_group", "referred_elsewhere", "declined", "could_not_contact"]
OUTCOMES: tuple[str, ...] = get_args(OutcomeName)
OUTCOME_LABELS = {
    "connected_to_group": "Connected to a group",
    "referred_elsewhere": "Referred elsewhere",
    "declined": "Declined",
    "could_not_contact": "Could not contact",
}


class LinkWorker(Base):
    """Someone who uses the console: a link worker or a manager."""

    __tablename__ = "link_workers"
    __table_args__ = (sa.CheckConstraint(f"role in {ROLES}", name="ck_link_workers_role"),)

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    name: Mapped[str] = sa.Column(sa.String(120), nullable=False)
    email: Mapped[str] = sa.Column(sa.String(120), nullable=False, unique=True)
    role: Mapped[str] = sa.Column(sa.String(16), nullable=False, default="link_worker")
    password_hash: Mapped[str] = sa.Column(sa.String(255), nullable=False)
    active: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=True)
    failed_logins: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)
    locked_until = sa.Column(sa.DateTime)
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


class LoginSession(Base):
    """A browser login: the cookie holds the token, the table holds its hash."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    token_hash: Mapped[str] = sa.Column(sa.String(64), nullable=False, unique=True)
    csrf_token: Mapped[str] = sa.Column(sa.String(64), nullable=False)
    link_worker_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, index=True)

    link_worker: Mapped[LinkWorker] = relationship(LinkWorker)


class ApiToken(Base):
    """A bearer token for the JSON API; only its hash is kept."""

    __tablename__ = "console_api_tokens"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    token_hash: Mapped[str] = sa.Column(sa.String(64), nullable=False, unique=True)
    label: Mapped[str] = sa.Column(sa.String(120), nullable=False, default="")
    link_worker_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False)
    revoked_at = sa.Column(sa.DateTime)

    link_worker: Mapped[LinkWorker] = relationship(LinkWorker)


class ReferralWork(Base):
    """How the team is handling one referral: claimed when, first contact, who holds the chat."""

    __tablename__ = "referral_work"

    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), primary_key=True
    )
    claimed_at = sa.Column(sa.DateTime)
    first_contact_at = sa.Column(sa.DateTime)
    chat_held_by = sa.Column(sa.String(120))  # email of the link worker holding the chat
    chat_held_since = sa.Column(sa.DateTime)

    referral: Mapped[Referral] = relationship(Referral)


class Note(Base):
    """A link worker's note on a referral."""

    __tablename__ = "referral_notes"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    author_id: Mapped[int] = sa.Column(sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False)
    text: Mapped[str] = sa.Column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    author: Mapped[LinkWorker] = relationship(LinkWorker)


class Outcome(Base):
    """How a referral ended, for the record and the report."""

    __tablename__ = "referral_outcomes"
    __table_args__ = (sa.CheckConstraint(f"outcome in {OUTCOMES}", name="ck_outcomes_outcome"),)

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, unique=True
    )
    outcome: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    groups_joined: Mapped[list[str] | None] = sa.Column(sa.JSON)
    snomed_code: Mapped[str] = sa.Column(sa.String(20), nullable=False)
    note = sa.Column(sa.Text)
    closed_by_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    closed_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    closed_by: Mapped[LinkWorker] = relationship(LinkWorker)


class AuditEvent(Base):
    """Who viewed or changed which referral, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    link_worker_id = sa.Column(sa.Integer, sa.ForeignKey("link_workers.id"))
    actor: Mapped[str] = sa.Column(sa.String(120), nullable=False)
    action: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    referral_id = sa.Column(sa.Integer, sa.ForeignKey("referrals.id"), index=True)
    reference = sa.Column(sa.String(16))
    detail = sa.Column(sa.Text)
