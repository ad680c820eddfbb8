"""SQLAlchemy models for the referral store and the Open Referral UK directory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declarative_base, relationship

Base = declarative_base()
# Columns that are never NULL say their type (Mapped[str]); the SQLAlchemy mypy plugin types
# the others as X | None by itself (it refuses an explicit Mapped[X | None]).

SNOMED_REFERRAL = "871731000000106"  # Referral to social prescribing service
SNOMED_DECLINED = "871711000000103"  # Social prescribing declined
REFERRAL_STATUSES = ("new", "claimed", "in_progress", "closed")
URGENCIES = ("routine", "urgent", "crisis")
RISK_FLAG_STATUSES = ("open", "confirmed", "cleared")
RISK_WORDS_LENGTH = 200


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Consent(Base):
    """What the resident agreed to, when, and in which words."""

    __tablename__ = "consents"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    conversation_id: Mapped[str] = sa.Column(sa.String(255), nullable=False, index=True)
    channel: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    wording: Mapped[str] = sa.Column(sa.Text, nullable=False)
    wording_version: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    given_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    withdrawn_at = sa.Column(sa.DateTime)
    erased_at = sa.Column(sa.DateTime)  # its conversation id was erased with the resident's data


class Referral(Base):
    """A hand-over to a link worker."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint("level in (1, 2, 3)", name="ck_referrals_level"),
        sa.CheckConstraint(f"urgency in {URGENCIES}", name="ck_referrals_urgency"),
        sa.CheckConstraint(f"status in {REFERRAL_STATUSES}", name="ck_referrals_status"),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    reference: Mapped[str] = sa.Column(sa.String(16), nullable=False, unique=True)
    level: Mapped[int] = sa.Column(sa.Integer, nullable=False)
    urgency: Mapped[str] = sa.Column(sa.String(16), nullable=False, default="routine")
    status: Mapped[str] = sa.Column(sa.String(16), nullable=False, default="new", index=True)
    channel: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    conversation_id: Mapped[str] = sa.Column(sa.String(255), nullable=False, index=True)
    created_at: Mapped[datetime] = sa.Column(
        sa.DateTime, nullable=False, default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = sa.Column(
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    summary: Mapped[str] = sa.Column(sa.Text, nullable=False, default="")
    what_matters: Mapped[dict[str, Any] | None] = sa.Column(sa.JSON)
    plan = sa.Column(sa.Text)
    suggested_groups: Mapped[list[Any] | None] = sa.Column(sa.JSON)
    town = sa.Column(sa.String(80))
    contact_name = sa.Column(sa.String(120))
    contact_method = sa.Column(sa.String(16))
    contact_detail = sa.Column(sa.String(255))
    contact_time = sa.Column(sa.String(255))
    consent_id = sa.Column(sa.Integer, sa.ForeignKey("consents.id"))
    risk = sa.Column(sa.String(40))
    snomed_code: Mapped[str] = sa.Column(sa.String(20), nullable=False, default=SNOMED_REFERRAL)
    outcome = sa.Column(sa.String(40))
    closed_at = sa.Column(sa.DateTime)
    claimed_by = sa.Column(sa.String(120))
    erased_at = sa.Column(sa.DateTime)

    consent: Mapped[Consent | None] = relationship(Consent, uselist=False)
    history: Mapped[list[StatusChange]] = relationship(
        "StatusChange",
        back_populates="referral",
        order_by="StatusChange.id",
        cascade="all, delete-orphan",
    )


class StatusChange(Base):
    """One step in a referral's life: created, claimed, closed."""

    __tablename__ = "referral_status_changes"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    status: Mapped[str] = sa.Column(sa.String(16), nullable=False)
    changed_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    changed_by: Mapped[str] = sa.Column(sa.String(120), nullable=False, default="assistant")
    note = sa.Column(sa.Text)

    referral: Mapped[Referral] = relationship(Referral, back_populates="history")


class RiskEvent(Base):
    """A safety flag: the safety net found risk in a conversation, and what a link worker made
    of it. Only the few words that raised it are kept, never the whole message; the words go
    when the resident asks for their details to be deleted, the flag stays for the record."""

    __tablename__ = "risk_events"
    __table_args__ = (
        sa.CheckConstraint(f"status in {RISK_FLAG_STATUSES}", name="ck_risk_events_status"),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    conversation_id: Mapped[str] = sa.Column(sa.String(255), nullable=False, index=True)
    channel: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    category: Mapped[str] = sa.Column(sa.String(40), nullable=False)
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    source = sa.Column(sa.String(10))  # "lexicon", "model" or "both"
    words = sa.Column(sa.String(RISK_WORDS_LENGTH))  # the span of the message that raised it
    status: Mapped[str] = sa.Column(
        sa.String(10), nullable=False, default="open", server_default="open"
    )
    reviewed_by = sa.Column(sa.String(120))  # email of the link worker, as claimed_by
    reviewed_at = sa.Column(sa.DateTime)
    review_note = sa.Column(sa.Text)
    erased_at = sa.Column(sa.DateTime)  # words, note and conversation id erased


# The community directory, in Open Referral UK (HSDS 3) shape.

service_taxonomy = sa.Table(
    "service_taxonomy_terms",
    Base.metadata,
    sa.Column(
        "service_id",
        sa.String(64),
        sa.ForeignKey("services.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "taxonomy_term_id",
        sa.String(64),
        sa.ForeignKey("taxonomy_terms.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    name: Mapped[str] = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text)
    email = sa.Column(sa.String(255))
    website = sa.Column(sa.String(255))


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_terms"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    code = sa.Column(sa.String(64))
    name: Mapped[str] = sa.Column(sa.String(255), nullable=False)
    vocabulary = sa.Column(sa.String(64))


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (sa.Index("ix_services_active_updated", "active", "updated_at"),)

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    organization_id = sa.Column(sa.String(64), sa.ForeignKey("organizations.id"))
    name: Mapped[str] = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text)
    status: Mapped[str] = sa.Column(sa.String(32), nullable=False, default="active")
    fees_description = sa.Column(sa.Text)
    eligibility_description = sa.Column(sa.Text)
    minimum_age = sa.Column(sa.Integer)
    maximum_age = sa.Column(sa.Integer)
    url = sa.Column(sa.String(255))
    email = sa.Column(sa.String(255))
    is_free: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    active: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=True, index=True)
    online: Mapped[bool] = sa.Column(sa.Boolean, nullable=False, default=False)
    search_text: Mapped[str] = sa.Column(sa.Text, nullable=False, default="")
    content_hash = sa.Column(sa.String(64))
    record = sa.Column(sa.Text)  # the ORUK 3.0 record as imported, served again by the API
    updated_at: Mapped[datetime] = sa.Column(
        sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    organization: Mapped[Organization | None] = relationship(Organization, uselist=False)
    taxonomy_terms: Mapped[list[TaxonomyTerm]] = relationship(
        TaxonomyTerm, secondary=service_taxonomy, uselist=True
    )
    locations: Mapped[list[ServiceAtLocation]] = relationship(
        "ServiceAtLocation", back_populates="service", cascade="all, delete-orphan"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        "Schedule", back_populates="service", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(
        "Phone", back_populates="service", cascade="all, delete-orphan"
    )


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    name = sa.Column(sa.String(255))
    address_1 = sa.Column(sa.String(255))
    city = sa.Column(sa.String(120), index=True)
    postal_code = sa.Column(sa.String(16))
    latitude = sa.Column(sa.Float)
    longitude = sa.Column(sa.Float)
    accessibility = sa.Column(sa.Text)


class ServiceAtLocation(Base):
    __tablename__ = "service_at_locations"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    service_id: Mapped[str] = sa.Column(
        sa.String(64), sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True
    )
    location_id: Mapped[str] = sa.Column(
        sa.String(64), sa.ForeignKey("locations.id"), nullable=False
    )

    service: Mapped[Service] = relationship(Service, back_populates="locations")
    location: Mapped[Location] = relationship(Location)


class Schedule(Base):
    """iCal-style: freq WEEKLY or MONTHLY, byday like TU or 1MO, opens and closes."""

    __tablename__ = "schedules"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    service_id: Mapped[str] = sa.Column(
        sa.String(64), sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True
    )
    freq = sa.Column(sa.String(16))
    interval = sa.Column(sa.Integer)
    byday = sa.Column(sa.String(64))
    opens_at = sa.Column(sa.String(8))
    closes_at = sa.Column(sa.String(8))
    description = sa.Column(sa.Text)

    service: Mapped[Service] = relationship(Service, back_populates="schedules")


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[str] = sa.Column(sa.String(64), primary_key=True)
    service_id: Mapped[str] = sa.Column(
        sa.String(64), sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[str] = sa.Column(sa.String(40), nullable=False)

    service: Mapped[Service] = relationship(Service, back_populates="phones")


class Gap(Base):
    """A search that found nothing suitable. No personal data: what, where, when only."""

    __tablename__ = "gaps"
    __table_args__ = (sa.Index("ix_gaps_area_need", "area", "need"),)

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    recorded_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    need: Mapped[str] = sa.Column(sa.String(120), nullable=False)
    area: Mapped[str] = sa.Column(sa.String(120), nullable=False)
    day = sa.Column(sa.String(16))
    time_of_day = sa.Column(sa.String(16))


ALERT_KINDS = ("new_referral", "promise", "message")
ALERT_EMAIL_STATUSES = ("pending", "sending", "sent", "failed", "off")


class Alert(Base):
    """Something the team must not miss, raised once (its key is unique): a new urgent or
    crisis referral, a promise about to lapse, a resident writing while the chat is held.
    No personal data: the referral's reference and urgency only (frontdoor/store/alerts.py)."""

    __tablename__ = "alerts"
    __table_args__ = (
        sa.CheckConstraint(f"kind in {ALERT_KINDS}", name="ck_alerts_kind"),
        sa.CheckConstraint(
            f"email_status in {ALERT_EMAIL_STATUSES}", name="ck_alerts_email_status"
        ),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    key: Mapped[str] = sa.Column(sa.String(120), nullable=False, unique=True)
    kind: Mapped[str] = sa.Column(sa.String(24), nullable=False)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    reference: Mapped[str] = sa.Column(sa.String(16), nullable=False)
    urgency: Mapped[str] = sa.Column(sa.String(16), nullable=False)
    raised_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    due_at = sa.Column(sa.DateTime)  # a lapsing promise: when first contact is due
    seen_at = sa.Column(sa.DateTime)
    seen_by = sa.Column(sa.String(120))  # email of the link worker, as claimed_by
    email_status: Mapped[str] = sa.Column(
        sa.String(16), nullable=False, default="pending", index=True
    )
    email_attempts: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)
    email_claimed_at = sa.Column(sa.DateTime)
    emailed_at = sa.Column(sa.DateTime)
    email_error = sa.Column(sa.String(255))


# A link worker's caseload (frontdoor/store/caseload.py): each contact with the resident, and
# the follow-up tasks still to do.

CONTACT_WAYS = ("phone", "sms", "email", "web_chat", "in_person", "letter")
CONTACT_MINUTES_MAX = 600  # ten hours: more is a typing slip
TASK_LENGTH = 300


class CaseContact(Base):
    """One contact with the resident: when, how, how many minutes and what happened."""

    __tablename__ = "case_contacts"
    __table_args__ = (
        sa.CheckConstraint(f"how in {CONTACT_WAYS}", name="ck_case_contacts_how"),
        sa.CheckConstraint(
            f"minutes >= 0 and minutes <= {CONTACT_MINUTES_MAX}", name="ck_case_contacts_minutes"
        ),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    link_worker_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    happened_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False)
    how: Mapped[str] = sa.Column(sa.String(16), nullable=False)
    minutes: Mapped[int] = sa.Column(sa.Integer, nullable=False, default=0)
    what_happened: Mapped[str] = sa.Column(sa.Text, nullable=False, default="")
    automatic: Mapped[bool] = sa.Column(
        sa.Boolean, nullable=False, default=False
    )  # logged by the console itself (groups sent), not typed
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class CaseTask(Base):
    """A follow-up a link worker means to do by a day; done once it is ticked off."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    what: Mapped[str] = sa.Column(sa.String(TASK_LENGTH), nullable=False)
    due_on: Mapped[date] = sa.Column(sa.Date, nullable=False, index=True)
    created_by_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    created_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    done_at = sa.Column(sa.DateTime)
    done_by_id = sa.Column(sa.Integer, sa.ForeignKey("link_workers.id"))


WELLBEING_STAGES = ("start", "end")
WELLBEING_RECORDERS = ("assistant", "link_worker", "resident")


class WellbeingScore(Base):
    """One set of wellbeing answers (frontdoor/wellbeing.py): ONS4, each 0 to 10, and the UCLA
    3-item loneliness scale, each 1 to 3; a question skipped is NULL. At the start (the
    assistant asks) or the end (the link worker records it at closing, or the resident
    answers). Kept with the conversation, and with the referral when there is one."""

    __tablename__ = "wellbeing_scores"
    __table_args__ = (
        sa.CheckConstraint(f"stage in {WELLBEING_STAGES}", name="ck_wellbeing_stage"),
        sa.CheckConstraint(f"recorded_by in {WELLBEING_RECORDERS}", name="ck_wellbeing_by"),
        *(
            sa.CheckConstraint(f"{name} between 0 and 10", name=f"ck_wellbeing_{name}")
            for name in ("life_satisfied", "worthwhile", "happy", "anxious")
        ),
        *(
            sa.CheckConstraint(f"{name} between 1 and 3", name=f"ck_wellbeing_{name}")
            for name in ("lack_companionship", "left_out", "isolated")
        ),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    conversation_id: Mapped[str] = sa.Column(sa.String(255), nullable=False, index=True)
    referral_id = sa.Column(sa.Integer, sa.ForeignKey("referrals.id"), index=True)
    stage: Mapped[str] = sa.Column(sa.String(8), nullable=False)
    recorded_by: Mapped[str] = sa.Column(sa.String(16), nullable=False)
    recorded_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    life_satisfied = sa.Column(sa.SmallInteger)
    worthwhile = sa.Column(sa.SmallInteger)
    happy = sa.Column(sa.SmallInteger)
    anxious = sa.Column(sa.SmallInteger)
    lack_companionship = sa.Column(sa.SmallInteger)
    left_out = sa.Column(sa.SmallInteger)
    isolated = sa.Column(sa.SmallInteger)


class ReferralLink(Base):
    """Two referrals a link worker found to be the same resident (frontdoor/store/links.py):
    the lower id first, so a pair is stored once. No personal data: ids, who and when."""

    __tablename__ = "referral_links"
    __table_args__ = (
        sa.UniqueConstraint("referral_id", "linked_id", name="uq_referral_links_pair"),
        sa.CheckConstraint("referral_id < linked_id", name="ck_referral_links_order"),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    referral_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    linked_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("referrals.id"), nullable=False, index=True
    )
    linked_by_id: Mapped[int] = sa.Column(
        sa.Integer, sa.ForeignKey("link_workers.id"), nullable=False
    )
    linked_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class WebChatConnection(Base):
    """A page's socket.io connection to one Rasa server that has joined a web chat session
    (frontdoor/store/presence.py). Open while left_at is empty and its server has seen it
    lately (seen_at, refreshed by each server's heartbeat); a dead server's rows go stale.
    No personal data: the session's random id, the socket's, the server's and the times."""

    __tablename__ = "webchat_connections"
    __table_args__ = (
        sa.UniqueConstraint(
            "server_id", "sid", "conversation_id", name="uq_webchat_connections_socket"
        ),
    )

    id: Mapped[int] = sa.Column(sa.Integer, primary_key=True)
    server_id: Mapped[str] = sa.Column(sa.String(120), nullable=False, index=True)
    sid: Mapped[str] = sa.Column(sa.String(64), nullable=False)
    conversation_id: Mapped[str] = sa.Column(sa.String(255), nullable=False, index=True)
    connected_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    seen_at: Mapped[datetime] = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    left_at = sa.Column(sa.DateTime)  # the page went, or its server stopped or died
