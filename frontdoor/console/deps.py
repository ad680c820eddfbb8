"""What every route needs: the store, the settings, the Rasa client and the person asking."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from frontdoor.console import security
from frontdoor.console.rasa_client import RasaClient
from frontdoor.settings import Settings
from frontdoor.store.casework import LinkWorker
from frontdoor.store.db import session_scope

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/login/access-token", auto_error=False)
BEARER = Depends(oauth2)


class NotLoggedIn(Exception):
    """No valid login session or token: pages send people to the login page, the API says 401."""


class Forbidden(Exception):
    """Logged in, but not allowed: a missing CSRF token, or a manager's page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Actor:
    """The logged-in person, detached from any database session."""

    id: int
    name: str
    email: str
    role: str
    csrf_token: str  # empty for API tokens, which are not sent by browsers on their own
    via: str  # "session" or "token"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def worker(self, session: Session) -> LinkWorker:
        return session.get(LinkWorker, self.id)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def rasa_of(request: Request) -> RasaClient:
    return request.app.state.rasa


@contextmanager
def store(request: Request) -> Iterator[Session]:
    """A session on the app's store, committed before the response is sent."""
    with session_scope(request.app.state.database_url) as session:
        yield session


def _actor(worker: LinkWorker, csrf: str, via: str) -> Actor:
    return Actor(worker.id, worker.name, worker.email, worker.role, csrf, via)


async def current_actor(request: Request, bearer: str | None = BEARER) -> Actor:
    """The person behind a bearer token or a login cookie; unsafe cookie requests need CSRF."""
    settings = settings_of(request)
    with store(request) as session:
        if bearer:
            worker = security.worker_for_token(session, settings, bearer)
            if worker is None:
                raise NotLoggedIn()
            return _actor(worker, "", "token")
        login = security.session_for(
            session, settings, request.cookies.get(security.SESSION_COOKIE)
        )
        if login is None:
            raise NotLoggedIn()
        actor = _actor(login.link_worker, login.csrf_token, "session")
    if request.method not in SAFE_METHODS:
        given = request.headers.get(security.CSRF_HEADER)
        if not given and "form" in request.headers.get("content-type", ""):
            given = str((await request.form()).get(security.CSRF_FIELD) or "")
        if not security.csrf_ok(actor.csrf_token, given):
            raise Forbidden("The form had expired. Please try again.")
    return actor


LOGGED_IN = Depends(current_actor)


def manager(actor: Actor = LOGGED_IN) -> Actor:
    if not actor.is_manager:
        raise Forbidden("Only managers can see this.")
    return actor


MANAGER = Depends(manager)
