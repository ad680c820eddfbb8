"""Passwords (argon2), login sessions and API tokens (random, kept hashed), CSRF, lockout."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from frontdoor.settings import Settings
from frontdoor.store.casework import ApiToken, AuditEvent, LinkWorker, LoginSession
from frontdoor.store.db import rows_changed
from frontdoor.store.link_worker import audit, worker_by_email
from frontdoor.store.models import utcnow

SESSION_COOKIE = "frontdoor_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).with_name("data") / "common-passwords.txt.gz"
# Runs of keys people use as passwords, forwards and backwards.
KEY_RUNS = ("01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")

Kept = TypeVar("Kept", LoginSession, ApiToken)
_hasher = PasswordHasher()
# Checked against when the email is unknown or the account locked, so every refusal takes as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 20,000 most common passwords, lowercased (see data/NOTICE)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _core(text: str) -> str:
    """The password without the digits and symbols people add at either end."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text)


def _unit(text: str) -> str:
    """The shortest piece the text repeats ('abcabcabc' -> 'abc')."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _is_common(password: str) -> bool:
    lowered = password.lower()
    common = common_passwords()
    return any(
        candidate in common
        for candidate in {lowered, _core(lowered), _unit(lowered), _core(_unit(lowered))}
    )


def _is_too_simple(password: str) -> bool:
    lowered = password.lower()
    if len(set(lowered)) < 5:
        return True
    return any(lowered in run or lowered in run[::-1] for run in KEY_RUNS)


def _personal_words(email: str, name: str) -> set[str]:
    """The parts of an email address and a name that must not be in the password."""
    local = email.strip().lower().split("@")[0]
    pieces = [p for p in re.split(r"[\W_]+", local) if p]
    words = {local, "".join(pieces), *(p for p in pieces if len(p) >= 4)}
    words |= {p for p in re.split(r"\W+", name.lower()) if len(p) >= 4}
    return {w for w in words if len(w) >= 3}


def _is_personal(password: str, email: str, name: str) -> bool:
    lowered = password.lower()
    squashed = re.sub(r"[\W_]+", "", lowered)
    return any(w in lowered or w in squashed for w in _personal_words(email, name))


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a new password is not good enough, if it is not."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    if _is_too_simple(password):
        return "the password is too simple: the same few characters, or a run like 123456 or qwerty"
    if _is_common(password):
        return (
            "that password is one of the most common ones, which attackers try first: "
            "choose another, for example three or four unrelated words"
        )
    if _is_personal(password, email, name):
        return "the password must not contain the email address or the person's name"
    return None


def token_hash(settings: Settings, token: str) -> str:
    """Tokens are kept as a keyed hash, so a copy of the database cannot log in."""
    key = settings.console_secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


class LoginRefused(Exception):
    """Wrong email or password, or the account is locked; the message is safe to show."""


def refusal(settings: Settings) -> LoginRefused:
    """The one answer to every refused login, so it never tells which emails have accounts."""
    return LoginRefused(
        "The email or password is wrong, or the account is locked. "
        f"After {settings.console_max_failed_logins} wrong passwords in a row an account is "
        f"locked for {settings.console_lockout_minutes} minutes. If you are stuck, ask your manager."
    )


def authenticate(session: Session, settings: Settings, email: str, password: str) -> LinkWorker:
    """The link worker with this email and password; count failures and lock after too many.

    Every refusal gives the same message after one argon2 check, whether the email has no
    account, the password is wrong or the account is locked.
    """
    worker = worker_by_email(session, email)
    if worker is None or not worker.active:
        raise _refuse_unknown(session, settings, password)
    tries = _reserve_try(session, settings, worker)
    if tries is None:
        verify_password(_DUMMY_HASH, password)
        audit(session, worker, "login_locked")
        raise refusal(settings)
    if not verify_password(worker.password_hash, password):
        _failed(session, settings, worker, tries)
        raise refusal(settings)
    _succeeded(session, worker, password)
    return worker


def _refuse_unknown(session: Session, settings: Settings, password: str) -> LoginRefused:
    """No such account: the same work as a known email's refusal, so it takes as long.

    A known email's try is counted (a committed write) before argon2 runs and its outcome
    written after; here the audit line is started before and finished after.
    """
    attempt = AuditEvent(actor="anonymous", action="login_started", detail="no such account")
    session.add(attempt)
    session.commit()
    verify_password(_DUMMY_HASH, password)
    attempt.action = "login_failed"
    return refusal(settings)


def _reserve_try(session: Session, settings: Settings, worker: LinkWorker) -> int | None:
    """Count this try before its password is checked; None if the account is locked.

    One UPDATE adds it (and starts the count again once a lock has run out), so tries made in
    parallel each get their own number and no more than CONSOLE_MAX_FAILED_LOGINS passwords
    are ever checked between locks. The UPDATE holds the row (PostgreSQL) or the database
    (SQLite) until the commit, so the count read back is this try's own.
    """
    now = utcnow()
    ran_out = sa.and_(LinkWorker.locked_until.is_not(None), LinkWorker.locked_until <= now)
    # A try past the limit locks the account itself, in case the last allowed one never ends.
    over = sa.and_(
        LinkWorker.failed_logins + 1 > settings.console_max_failed_logins,
        LinkWorker.locked_until.is_(None),
    )
    until = now + timedelta(minutes=settings.console_lockout_minutes)
    session.execute(
        sa.update(LinkWorker)
        .where(LinkWorker.id == worker.id)
        .values(
            failed_logins=sa.case((ran_out, 1), else_=LinkWorker.failed_logins + 1),
            locked_until=sa.case(
                (ran_out, sa.null()), (over, until), else_=LinkWorker.locked_until
            ),
        )
        .execution_options(synchronize_session=False)
    )
    query = sa.select(LinkWorker.failed_logins, LinkWorker.locked_until)
    tries, locked_until = session.execute(query.where(LinkWorker.id == worker.id)).one()
    session.commit()  # no lock held while argon2 runs
    locked = locked_until is not None and locked_until > now
    return None if locked or tries > settings.console_max_failed_logins else tries


def _failed(session: Session, settings: Settings, worker: LinkWorker, tries: int) -> None:
    """A wrong password: the last one allowed locks the account."""
    if tries >= settings.console_max_failed_logins:
        until = utcnow() + timedelta(minutes=settings.console_lockout_minutes)
        session.execute(
            sa.update(LinkWorker)
            .where(LinkWorker.id == worker.id, LinkWorker.locked_until.is_(None))
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )
    audit(session, worker, "login_failed")


def _succeeded(session: Session, worker: LinkWorker, password: str) -> None:
    """The right password in time: the count starts again."""
    session.execute(
        sa.update(LinkWorker)
        .where(LinkWorker.id == worker.id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.refresh(worker)
    if _hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hash_password(password)


def purge_expired(session: Session) -> int:
    """Delete logins and API tokens that have run out or were revoked; how many went."""
    now = utcnow()
    gone = rows_changed(session, sa.delete(LoginSession).where(LoginSession.expires_at <= now))
    spent = sa.or_(ApiToken.expires_at <= now, ApiToken.revoked_at.is_not(None))
    revoked = rows_changed(session, sa.delete(ApiToken).where(spent))
    return gone + revoked


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


def start_session(session: Session, settings: Settings, worker: LinkWorker) -> NewSession:
    """A new browser login; logins that ran out are cleared away first."""
    login, token, expires = _keep_secret(
        session, settings, worker, LoginSession, settings.console_session_minutes
    )
    csrf = secrets.token_urlsafe(32)
    login.csrf_token = csrf
    audit(session, worker, "login")
    return NewSession(token, csrf, expires)


def _keep_secret(
    session: Session, settings: Settings, worker: LinkWorker, kind: type[Kept], minutes: int
) -> tuple[Kept, str, datetime]:
    """A new random token for the worker, kept only as its hash, and when it runs out; logins
    and tokens that ran out or were revoked are cleared away first."""
    purge_expired(session)
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(minutes=minutes)
    kept = kind(token_hash=token_hash(settings, token), link_worker=worker, expires_at=expires)
    session.add(kept)
    return kept, token, expires


def session_for(session: Session, settings: Settings, token: str | None) -> LoginSession | None:
    """The live login session for a cookie, if there is one."""
    if not token:
        return None
    query = sa.select(LoginSession).where(LoginSession.token_hash == token_hash(settings, token))
    found: LoginSession | None = session.execute(query).scalar_one_or_none()
    if found is None or found.expires_at <= utcnow() or not found.link_worker.active:
        return None
    return found


def end_session(session: Session, settings: Settings, token: str | None) -> None:
    if token:
        session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == token_hash(settings, token))
        )


def csrf_ok(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected, given)


def issue_api_token(
    session: Session, settings: Settings, worker: LinkWorker, label: str = "api"
) -> tuple[str, datetime]:
    """A new bearer token; tokens that ran out or were revoked are cleared away first."""
    issued, token, expires = _keep_secret(
        session, settings, worker, ApiToken, settings.console_token_minutes
    )
    issued.label = label
    audit(session, worker, "token_issued", detail=label)
    return token, expires


def worker_for_token(session: Session, settings: Settings, token: str | None) -> LinkWorker | None:
    if not token:
        return None
    query = sa.select(ApiToken).where(ApiToken.token_hash == token_hash(settings, token))
    found = session.execute(query).scalar_one_or_none()
    if found is None or found.revoked_at or found.expires_at <= utcnow():
        return None
    return found.link_worker if found.link_worker.active else None


def revoke_api_token(session: Session, settings: Settings, token: str) -> None:
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.token_hash == token_hash(settings, token))
        .values(revoked_at=utcnow())
    )
