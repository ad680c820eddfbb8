"""Passwords (argon2), login sessions and API tokens (random, kept hashed), CSRF, lockout."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from frontdoor.settings import Settings
from frontdoor.store.console import ApiToken, LinkWorker, LoginSession
from frontdoor.store.link_worker import audit, worker_by_email
from frontdoor.store.models import utcnow

SESSION_COOKIE = "frontdoor_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not good enough, if it is not."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password needs at least {MIN_PASSWORD_LENGTH} characters"
    return None


def token_hash(settings: Settings, token: str) -> str:
    """Tokens are kept as a keyed hash, so a copy of the database cannot log in."""
    key = settings.console_secret_key.encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


class LoginRefused(Exception):
    """Wrong email or password, or the account is locked; the message is safe to show."""


def authenticate(session: Session, settings: Settings, email: str, password: str) -> LinkWorker:
    """The link worker with this email and password; count failures and lock after too many."""
    worker = worker_by_email(session, email)
    now = utcnow()
    if worker is None or not worker.active:
        verify_password(_DUMMY_HASH, password)
        raise LoginRefused("The email or password is wrong.")
    if worker.locked_until and worker.locked_until > now:
        audit(session, worker, "login_locked")
        raise LoginRefused(
            "This account is locked after too many wrong passwords. "
            f"Try again after {settings.console_lockout_minutes} minutes, or ask a manager."
        )
    if not verify_password(worker.password_hash, password):
        worker.failed_logins = (worker.failed_logins or 0) + 1
        if worker.failed_logins >= settings.console_max_failed_logins:
            worker.locked_until = now + timedelta(minutes=settings.console_lockout_minutes)
            worker.failed_logins = 0
        audit(session, worker, "login_failed")
        raise LoginRefused("The email or password is wrong.")
    worker.failed_logins = 0
    worker.locked_until = None
    if _hasher.check_needs_rehash(worker.password_hash):
        worker.password_hash = hash_password(password)
    return worker


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


def start_session(session: Session, settings: Settings, worker: LinkWorker) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(minutes=settings.console_session_minutes)
    session.add(
        LoginSession(
            token_hash=token_hash(settings, token),
            csrf_token=csrf,
            link_worker_id=worker.id,
            expires_at=expires,
        )
    )
    audit(session, worker, "login")
    return NewSession(token, csrf, expires)


def session_for(session: Session, settings: Settings, token: str | None) -> LoginSession | None:
    """The live login session for a cookie, if there is one."""
    if not token:
        return None
    query = sa.select(LoginSession).where(LoginSession.token_hash == token_hash(settings, token))
    found = session.execute(query).scalar_one_or_none()
    if found is None or found.expires_at <= utcnow() or not found.link_worker.active:
        return None
    return found


def end_session(session: Session, settings: Settings, token: str | None) -> None:
    if token:
        session.execute(
            sa.delete(LoginSession).where(LoginSession.token_hash == token_hash(settings, token))
        )


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given)


def issue_api_token(
    session: Session, settings: Settings, worker: LinkWorker, label: str = "api"
) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(minutes=settings.console_token_minutes)
    session.add(
        ApiToken(
            token_hash=token_hash(settings, token),
            label=label,
            link_worker_id=worker.id,
            expires_at=expires,
        )
    )
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
