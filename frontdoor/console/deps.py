"""What every route needs: the store, the settings, the Rasa client and the person asking."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from frontdoor.console import security
from frontdoor.console.workflow import Actor, ChatRelay, Desk
from frontdoor.settings import Settings
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


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def rasa_of(request: Request) -> ChatRelay:
    rasa: ChatRelay = request.app.state.rasa
    return rasa


def database_url_of(request: Request) -> str:
    url: str = request.app.state.database_url
    return url


@contextmanager
def store(request: Request) -> Iterator[Session]:
    """A session on the app's store, committed before the response is sent."""
    with session_scope(database_url_of(request)) as session:
        yield session


@contextmanager
def desk(request: Request, actor: Actor) -> Iterator[Desk]:
    """The workflow's desk for this request, committed before the response is sent."""
    with store(request) as session:
        yield Desk(session, actor, rasa_of(request), database_url_of(request), settings_of(request))


async def current_actor(request: Request, bearer: str | None = BEARER) -> Actor:
    """The person behind a bearer token or a login cookie; unsafe cookie requests need CSRF."""
    settings = settings_of(request)
    with store(request) as session:
        if bearer:
            worker = security.worker_for_token(session, settings, bearer)
            if worker is None:
                raise NotLoggedIn()
            return Actor.of(worker, "token")
        login = security.session_for(
            session, settings, request.cookies.get(security.SESSION_COOKIE)
        )
        if login is None:
            raise NotLoggedIn()
        actor = Actor.of(login.link_worker, "session", login.csrf_token)
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
