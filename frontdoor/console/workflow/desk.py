"""What every workflow step works with (the store, the person, the assistant), the one error a
step raises, and reading a page's form into the API's own input models."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, ParamSpec, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from frontdoor.console.rasa_client import RasaError
from frontdoor.settings import Settings, get_settings
from frontdoor.store import link_worker as work
from frontdoor.store.casework import LinkWorker
from frontdoor.store.models import Referral

ErrorKind = Literal["not_allowed", "forbidden", "not_found", "conflict", "invalid", "unavailable"]
STATUS: dict[ErrorKind, int] = {
    "not_allowed": 400,  # not in the referral's state
    "forbidden": 403,  # not for this person
    "not_found": 404,
    "conflict": 409,  # someone else got there first
    "invalid": 422,  # what was sent does not fit the input model
    "unavailable": 502,  # the assistant could not be reached
}
Via = Literal["session", "token"]
Model = TypeVar("Model", bound=BaseModel)
Params = ParamSpec("Params")
Result = TypeVar("Result")


class WorkflowError(Exception):
    """Why a step was not done. The API answers with its status and message; the pages show the
    message as a sentence, with the form as it was filled in."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    @property
    def sentence(self) -> str:
        """The message with a capital letter and a full stop, for a page."""
        text = self.message[:1].upper() + self.message[1:]
        return text if text.endswith(".") else text + "."


@dataclass(frozen=True)
class Actor:
    """The logged-in person, detached from any database session."""

    id: int
    name: str
    email: str
    role: str
    csrf_token: str  # empty for API tokens, which are not sent by browsers on their own
    via: Via

    @classmethod
    def of(cls, worker: LinkWorker, via: Via, csrf_token: str = "") -> Actor:
        return cls(worker.id, worker.name, worker.email, worker.role, csrf_token, via)

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def worker(self, session: Session) -> LinkWorker:
        worker = session.get(LinkWorker, self.id)
        if worker is None:
            raise WorkflowError("forbidden", "this account no longer exists")
        return worker


class ChatRelay(Protocol):
    """The calls to the assistant a link worker holding a resident's chat needs (RasaClient)."""

    def take_over(self, sender_id: str, first_name: str) -> object: ...

    def reply(self, sender_id: str, text: str) -> object: ...

    def hand_back(self, sender_id: str) -> object: ...


@dataclass(frozen=True)
class Desk:
    """Where a step is done: a store session (committed when the route's block ends), the
    person doing it, the assistant, the database Rasa keeps its conversations in, and the
    settings (how texts and emails to residents go)."""

    session: Session
    actor: Actor
    rasa: ChatRelay
    database_url: str
    settings: Settings = field(default_factory=get_settings)

    def worker(self) -> LinkWorker:
        return self.actor.worker(self.session)


@contextmanager
def refusals() -> Iterator[None]:
    """The store's and the assistant's refusals, as the workflow's one error."""
    try:
        yield
    except work.Conflict as conflict:
        raise WorkflowError("conflict", str(conflict)) from conflict
    except work.WorkError as refused:
        raise WorkflowError("not_allowed", str(refused)) from refused
    except RasaError as down:
        raise WorkflowError("unavailable", str(down)) from down


def step(function: Callable[Params, Result]) -> Callable[Params, Result]:
    """A workflow step: whatever the store or the assistant refuses comes out as WorkflowError."""

    @functools.wraps(function)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        with refusals():
            return function(*args, **kwargs)

    return run


def find(session: Session, reference: str) -> Referral:
    referral = work.referral_by_reference(session, reference)
    if referral is None:
        raise WorkflowError("not_found", f"There is no referral {reference}.")
    return referral


def parse(model: type[Model], fields: Mapping[str, object]) -> Model:
    """What a page's form sent, read into the input model the JSON API takes."""
    try:
        return model.parse_obj(dict(fields))
    except ValidationError as invalid:
        raise WorkflowError("invalid", _explain(model, invalid)) from invalid


def _explain(model: type[BaseModel], invalid: ValidationError) -> str:
    """Each problem in words, named as the model's field descriptions name them."""
    problems = []
    for error in invalid.errors():
        name = str(error["loc"][0])
        field = model.__fields__.get(name)
        described = field.field_info.description if field else None
        what = described[:1].lower() + described[1:] if described else name.replace("_", " ")
        problems.append(f"{what}: {error['msg']}")
    return "please check " + "; ".join(problems)
