"""Finding referrals by what a link worker knows: the resident's name, phone number or email
address, or the referral's reference; and spotting a likely duplicate (another referral with
the same phone number or email address within 30 days). The same on SQLite and PostgreSQL:
phone numbers are compared by their digits, names with accents folded in Python. An erased
referral is found by its reference only: its personal details are gone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from frontdoor.contact import email_address, phone_e164
from frontdoor.store.models import Referral
from frontdoor.text import folded

FoundBy = Literal["reference", "name", "phone", "email"]
SameBy = Literal["phone", "email"]
FOUND_AT_MOST = 50
DUPLICATE_WINDOW = timedelta(days=30)
SEARCH_LENGTH = 100
_PHONE_TYPED = re.compile(r"[+(\d][\d\s().-]*")
_LEAST_PHONE_DIGITS = 9  # fewer is part of a reference, not a phone number
_REFERENCE_TYPED = re.compile(r"[A-Za-z0-9-]+")
_NOT_DIGITS = (" ", "-", "(", ")", "+", ".")


@dataclass
class Found:
    """A referral the search found, and what it matched."""

    referral: Referral
    found_by: list[FoundBy] = field(default_factory=list)


def find_referrals(session: Session, text: str, limit: int = FOUND_AT_MOST) -> list[Found]:
    """Referrals whose reference, resident's name, phone number or email address matches the
    text; an exact reference first, then the newest first."""
    words = " ".join(text.replace("\x00", "").split())[:SEARCH_LENGTH]  # PostgreSQL: no NUL
    if not words:
        return []
    found: dict[int, Found] = {}
    for how, referrals in _matches(session, words):
        for referral in referrals:
            found.setdefault(referral.id, Found(referral)).found_by.append(how)
    exact = _reference(words)
    ranked = sorted(
        found.values(),
        key=lambda f: (f.referral.reference != exact, -f.referral.created_at.timestamp()),
    )
    return ranked[:limit]


def _matches(session: Session, words: str) -> Iterable[tuple[FoundBy, list[Referral]]]:
    """Each way the text can match, with what it finds."""
    number = typed_phone(words)
    if number:
        yield "phone", same_phone(session, number)
    elif _looks_like_reference(words):  # names hold no digits and do not start FD
        yield "reference", _by_reference(session, _reference(words))
    elif "@" in words:
        yield "email", _by_email(session, words)
    elif any(ch.isalpha() for ch in words):
        yield "name", _by_name(session, words)


# Telling what was typed


def _reference(words: str) -> str:
    """A reference as typed ("fd7kq2ab", "FD 7KQ") in the stored form (FD-7KQ...)."""
    upper = words.upper().replace(" ", "")
    if upper.startswith("FD") and not upper.startswith("FD-"):
        return "FD-" + upper[2:]
    return upper


def _looks_like_reference(words: str) -> bool:
    """All or part of a reference: one word starting FD, or holding a digit (names hold none)."""
    plain = words.replace(" ", "") if words.upper().startswith("FD") else words
    if not _REFERENCE_TYPED.fullmatch(plain) or len(plain) < 3:
        return False
    return plain.upper().startswith("FD") or any(ch.isdigit() for ch in plain)


def typed_phone(words: str) -> str | None:
    """A UK phone number however it was typed ("07700 900123", "+447700900123",
    "7700900123"), as E.164; None when the text is not one."""
    if not _PHONE_TYPED.fullmatch(words):
        return None
    digits = "".join(ch for ch in words if ch.isdigit())
    if len(digits) < _LEAST_PHONE_DIGITS:
        return None
    return phone_e164(words) or phone_e164("0" + digits)


# Each way of matching


def _alive() -> ColumnElement[sa.Boolean]:
    """Not erased: only these are found by personal details."""
    return sa.and_(Referral.erased_at.is_(None))


def _by_reference(session: Session, reference: str) -> list[Referral]:
    query = sa.select(Referral).where(Referral.reference.contains(reference, autoescape=True))
    return list(session.execute(query).scalars())


def _by_email(session: Session, words: str) -> list[Referral]:
    """Referrals whose email address holds what was typed, whatever its case."""
    wanted = words.replace(" ", "").lower()
    query = sa.select(Referral).where(
        _alive(),
        Referral.contact_method == "email",
        sa.func.lower(Referral.contact_detail).contains(wanted, autoescape=True),
    )
    return list(session.execute(query).scalars())


def _by_name(session: Session, words: str) -> list[Referral]:
    """Referrals whose resident's name holds every word typed, whatever the case, accents or
    apostrophes: "sian jon" finds Siân Jones, "oneill" Zoë O'Neill. Names are folded here, not in SQL (SQLite cannot)."""
    wanted = _name_key(words).split()
    names = session.execute(
        sa.select(Referral.id, Referral.contact_name).where(
            _alive(), Referral.contact_name.is_not(None)
        )
    )
    ids = [row.id for row in names if all(w in _name_key(row.contact_name or "") for w in wanted)]
    return _by_ids(session, ids)


def _name_key(name: str) -> str:
    """A name as compared: folded, without apostrophes ("O'Neill" is "oneill")."""
    plain = name.lower() if name.isascii() else folded(name)  # most names need no folding
    return plain.replace("'", "")


def _by_ids(session: Session, ids: list[int]) -> list[Referral]:
    if not ids:
        return []
    query = sa.select(Referral).where(Referral.id.in_(ids))
    return list(session.execute(query).scalars())


def _digits_of(column: sa.Column[sa.String]) -> ColumnElement[Any]:
    """The column with the usual separators taken out (SQLite has no regexp_replace)."""
    expression: ColumnElement[Any] = sa.func.coalesce(column, "")
    for separator in _NOT_DIGITS:
        expression = sa.func.replace(expression, separator, "")
    return expression


def same_phone(
    session: Session, number: str, *conditions: ColumnElement[sa.Boolean]
) -> list[Referral]:
    """Referrals whose phone number is this one (E.164), however it was stored: the digits
    after +44 narrow it in SQL, the phonenumbers library decides."""
    national = number.removeprefix("+44")
    query = sa.select(Referral).where(
        _alive(), _digits_of(Referral.contact_detail).endswith(national), *conditions
    )
    rows = session.execute(query).scalars()
    return [r for r in rows if phone_e164(r.contact_detail or "") == number]


def _same_email(
    session: Session, address: str, *conditions: ColumnElement[sa.Boolean]
) -> list[Referral]:
    query = sa.select(Referral).where(
        _alive(), sa.func.lower(sa.func.trim(Referral.contact_detail)) == address, *conditions
    )
    return list(session.execute(query).scalars())


# Likely duplicates


@dataclass(frozen=True)
class Duplicate:
    """Another referral with the same phone number or email address, near in time."""

    referral: Referral
    same_by: SameBy


def likely_duplicates(
    session: Session, referral: Referral, leave_out: Iterable[int] = ()
) -> list[Duplicate]:
    """Other referrals, not erased, with the same phone number or email address made within
    30 days either side of this one, the nearest in time first; those in leave_out (already
    linked) left out."""
    if referral.erased_at is not None or not referral.contact_detail:
        return []
    near = (
        Referral.id != referral.id,
        Referral.id.not_in(list(leave_out)),
        Referral.created_at.between(
            referral.created_at - DUPLICATE_WINDOW, referral.created_at + DUPLICATE_WINDOW
        ),
    )
    detail = referral.contact_detail
    number = phone_e164(detail)
    address = email_address(detail)
    if number:
        found = [Duplicate(r, "phone") for r in same_phone(session, number, *near)]
    elif address:
        found = [Duplicate(r, "email") for r in _same_email(session, address, *near)]
    else:
        return []
    return sorted(found, key=lambda d: abs(d.referral.created_at - referral.created_at))
