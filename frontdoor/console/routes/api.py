"""The JSON API: everything the console does, for a bearer token (or the console's own pages).
Each route reads the request, calls the workflow and returns its view."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.params import Depends as Dependency
from fastapi.responses import PlainTextResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from frontdoor import prsb
from frontdoor.console import caseload_schemas as case
from frontdoor.console import schemas, security, workflow
from frontdoor.console import search_schemas as joins
from frontdoor.console.deps import (
    BEARER,
    LOGGED_IN,
    MANAGER,
    NotLoggedIn,
    desk,
    settings_of,
    store,
)
from frontdoor.console.resident_post import Post
from frontdoor.console.routes.shared import WEEKS, download
from frontdoor.console.workflow import Actor, Desk, caseload, joining

router = APIRouter(prefix="/api", tags=["console"])
PASSWORD_FORM = Depends()
Reference = Path(..., min_length=1, max_length=16, description="The referral's reference")
FlagId = Path(..., alias="id", ge=1, le=schemas.FLAG_ID_MAX, description="The risk flag's id")
Responses = dict[int | str, dict[str, Any]]
ERRORS: Responses = {
    400: {"model": schemas.Message, "description": "Not allowed in the referral's state"},
    401: {"model": schemas.Message, "description": "No valid token or login"},
    403: {"model": schemas.Message, "description": "Not allowed for this person"},
    404: {"model": schemas.Message, "description": "No such referral"},
    409: {"model": schemas.Message, "description": "Someone else got there first"},
}
RASA_ERRORS: Responses = {
    **ERRORS,
    502: {"model": schemas.Message, "description": "Rasa not reachable"},
}
Detail = schemas.ReferralDetail
Input = TypeVar("Input", bound=BaseModel)
Output = TypeVar("Output")


@router.post("/login/access-token", response_model=schemas.Token, responses=ERRORS)
def access_token(
    request: Request, form: OAuth2PasswordRequestForm = PASSWORD_FORM
) -> schemas.Token:
    """Swap an email and password for a bearer token."""
    settings = settings_of(request)
    with store(request) as session:
        try:
            worker = security.authenticate(session, settings, form.username, form.password)
        except security.LoginRefused as refused:
            error = str(refused)
        else:
            token, expires = security.issue_api_token(session, settings, worker)
            return schemas.Token(access_token=token, expires_at=expires.isoformat() + "Z")
    raise NotLoggedIn(error)


@router.post("/logout", response_model=schemas.Message, responses=ERRORS)
def logout(
    request: Request, actor: Actor = LOGGED_IN, bearer: str | None = BEARER
) -> schemas.Message:
    """Revoke the bearer token used for this call."""
    if bearer:
        with store(request) as session:
            security.revoke_api_token(session, settings_of(request), bearer)
    return schemas.Message(detail="logged out")


@router.get("/me", response_model=schemas.Me, responses=ERRORS)
def me(actor: Actor = LOGGED_IN) -> schemas.Me:
    return schemas.Me(name=actor.name, email=actor.email, role=actor.role)


@router.get("/referrals", response_model=list[joins.SearchHit], responses=ERRORS)
def referrals(
    request: Request,
    actor: Actor = LOGGED_IN,
    status: schemas.QueueStatus = "new",
    level: int | None = Query(None, ge=1, le=3),
    channel: str | None = Query(None, max_length=40),
    town: str | None = Query(None, max_length=80),
    mine: bool = False,
    search: str = Query("", max_length=joins.SEARCH_LENGTH, description=joins.SEARCH_DESCRIPTION),
) -> list[schemas.QueueItem]:
    """The queue: crisis and urgent first, then oldest first, with each one's wait; or, with
    `search`, the referrals it finds, an exact reference first, then the newest."""
    query = schemas.QueueQuery(status=status, level=level, channel=channel, town=town, mine=mine)
    with desk(request, actor) as at:
        if search.strip():
            return list(joining.search(at, search))
        return workflow.queue(at, query)


@router.get(
    "/referrals/{reference}/conversation", response_model=schemas.Conversation, responses=ERRORS
)
def conversation(
    request: Request,
    reference: str = Reference,
    after: int = Query(0, ge=0, description="Only messages after this one (for polling)"),
    actor: Actor = LOGGED_IN,
) -> schemas.Conversation:
    """The whole conversation from Rasa's tracker store, or what is new since `after`."""
    with desk(request, actor) as at:
        return workflow.conversation(at, reference, after)


# One referral: each route below runs one workflow step on it.


def _referral_route(
    method: Literal["GET", "POST"],
    path: str,
    run: Callable[[Desk, str], Output],
    answer: object = Detail,
    responses: Responses = ERRORS,
) -> None:
    """A route on /api/referrals/{reference}/<path> that runs a step taking no input."""

    def endpoint(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN) -> Output:
        with desk(request, actor) as at:
            return run(at, reference)

    _add(method, path, endpoint, run, answer, responses)


def _step_route(
    path: str,
    model: type[Input],
    run: Callable[[Desk, str, Input], Output],
    responses: Responses = ERRORS,
    dependencies: tuple[Dependency, ...] = (),
    answer: object = Detail,
) -> None:
    """A POST route on /api/referrals/{reference}/<path> whose JSON body is the step's input."""

    def endpoint(
        request: Request, body: Input, reference: str = Reference, actor: Actor = LOGGED_IN
    ) -> Output:
        with desk(request, actor) as at:
            return run(at, reference, body)

    endpoint.__annotations__["body"] = model  # FastAPI reads the body's model from here
    _add("POST", path, endpoint, run, answer, responses, dependencies)


def _add(
    method: str,
    path: str,
    endpoint: Callable[..., object],
    run: Callable[..., object],
    answer: object,
    responses: Responses,
    dependencies: tuple[Dependency, ...] = (),
) -> None:
    router.add_api_route(
        "/referrals/{reference}" + (f"/{path}" if path else ""),
        endpoint,
        methods=[method],
        response_model=answer,
        responses=responses,
        name=path.replace("-", "_") or "referral",
        description=inspect.getdoc(run) or "",
        dependencies=list(dependencies),
    )


_referral_route("GET", "", workflow.view)
_referral_route("GET", "risk-flags", workflow.risk_flags, list[schemas.RiskFlag])
_referral_route("POST", "claim", workflow.claim)
_referral_route("POST", "release", workflow.release)
_referral_route("POST", "take-over", workflow.take_over, responses=RASA_ERRORS)
_referral_route("POST", "hand-back", workflow.hand_back, responses=RASA_ERRORS)
_step_route("reassign", schemas.ReassignIn, workflow.reassign, dependencies=(MANAGER,))
_step_route("contact", schemas.ContactIn, workflow.record_contact)
_step_route("reply", schemas.ReplyIn, workflow.reply, RASA_ERRORS)
_step_route("notes", schemas.NoteIn, workflow.add_note)
_step_route(
    "close",
    schemas.CloseIn,
    workflow.close,
    {**ERRORS, 502: {"model": schemas.Message, "description": "The questions could not be sent"}},
)
# The contact log and follow-up tasks (the caseload)
_referral_route("GET", "case", caseload.case_record, case.CaseRecord)
_step_route("contacts", case.ContactLogIn, caseload.log_contact, answer=case.CaseRecord)
_step_route("tasks", case.TaskIn, caseload.add_task, answer=case.CaseRecord)
_step_route("task-done", case.TaskDoneIn, caseload.complete_task, answer=case.CaseRecord)
# Likely duplicates and linked referrals (any link worker may link or unlink)
_referral_route("GET", "links", joining.related, joins.Joins)
_step_route("links", joins.LinkIn, joining.link, answer=joins.Joins)
_step_route("unlink", joins.LinkIn, joining.unlink, answer=joins.Joins)


@router.post(
    "/referrals/{reference}/risk-flags/{id}/review", response_model=Detail, responses=ERRORS
)
def review_risk_flag(
    request: Request,
    body: schemas.RiskReviewIn,
    reference: str = Reference,
    flag_id: int = FlagId,
    actor: Actor = LOGGED_IN,
) -> Detail:
    """Confirm a safety flag, or clear it as a false alarm, with an optional note.

    Only the link worker who holds the referral, or a manager. Clearing the last uncleared
    flag of the conversation takes a crisis referral back to urgent, without its risk;
    confirming a flag again makes it crisis again.
    """
    with desk(request, actor) as at:
        return workflow.review_risk_flag(at, reference, flag_id, body)


# Across referrals


@router.get("/link-workers", response_model=list[schemas.LinkWorkerOut], responses=ERRORS)
def link_workers(request: Request, actor: Actor = LOGGED_IN) -> list[schemas.LinkWorkerOut]:
    with desk(request, actor) as at:
        return workflow.link_workers(at)


@router.get("/audit", response_model=list[schemas.AuditLine], responses=ERRORS)
def audit(
    request: Request,
    reference: str | None = Query(None, max_length=16),
    limit: int = Query(200, ge=1, le=1000),
    actor: Actor = MANAGER,
) -> list[schemas.AuditLine]:
    """Managers only: who viewed or changed which referral, newest first."""
    with desk(request, actor) as at:
        return workflow.audit_trail(at, reference, limit)


@router.get("/referrals/{reference}/prsb", responses=ERRORS)
def prsb_record(
    request: Request, reference: str = Reference, actor: Actor = MANAGER
) -> dict[str, Any]:
    """Managers only: the referral as the PRSB social prescribing record (docs/prsb.md)."""
    with desk(request, actor) as at:
        found = prsb.exported_by(at.session, at.worker(), reference=reference)
    if not found:
        raise workflow.WorkflowError("not_found", f"There is no referral {reference}.")
    return found[0]


SINCE = Query(None, description="Referrals made on or after this day (YYYY-MM-DD)")


@router.get("/export/prsb", responses=ERRORS)
def prsb_export(
    request: Request,
    since: date | None = SINCE,
    actor: Actor = MANAGER,
) -> list[dict[str, Any]]:
    """Managers only: every referral as the PRSB social prescribing record, oldest first."""
    start = datetime.combine(since, time()) if since else None
    with desk(request, actor) as at:
        return prsb.exported_by(at.session, at.worker(), since=start)


@router.get("/report", response_model=schemas.ReportOut, responses=ERRORS)
def report(request: Request, weeks: int = WEEKS, actor: Actor = LOGGED_IN) -> schemas.ReportOut:
    """The service's figures for the last `weeks` weeks."""
    with desk(request, actor) as at:
        return workflow.report(at, weeks)


@router.get(
    "/report.csv",
    response_class=PlainTextResponse,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
def report_as_csv(
    request: Request, weeks: int = WEEKS, actor: Actor = LOGGED_IN
) -> PlainTextResponse:
    """The same figures as a CSV file: section, item, value."""
    with desk(request, actor) as at:
        return download(workflow.report_download(at, weeks))


# A link worker's own caseload, and groups for a resident


@router.get("/caseload", response_model=case.Caseload, responses=ERRORS)
def my_caseload(request: Request, actor: Actor = LOGGED_IN) -> case.Caseload:
    """Your open referrals, the next step of each and its due day; tasks due today or overdue
    counted."""
    with desk(request, actor) as at:
        return caseload.caseload(at)


@router.get("/referrals/{reference}/groups", response_model=case.GroupChoices, responses=ERRORS)
def group_choices(
    request: Request,
    reference: str = Reference,
    search: str = Query("", max_length=caseload.SEARCH_LENGTH, description="Words to look for"),
    actor: Actor = LOGGED_IN,
) -> case.GroupChoices:
    """The groups the assistant suggested, and what a directory search finds near the
    resident's town."""
    with desk(request, actor) as at:
        return caseload.group_choices(at, reference, search)


@router.post(
    "/referrals/{reference}/groups/send",
    response_model=case.GroupsSent,
    responses={
        **ERRORS,
        422: {"model": schemas.Message, "description": "No such group, or not a number or address"},
        502: {"model": schemas.Message, "description": "Twilio or the mail server not reached"},
    },
)
def send_groups(
    request: Request, body: case.SendGroupsIn, reference: str = Reference, actor: Actor = LOGGED_IN
) -> case.GroupsSent:
    """Send the resident the groups chosen, by text (GSM-7) or email, to their own number or
    address unless another is given; logged as a contact. Only whoever claimed the referral,
    or a manager."""
    with desk(request, actor) as at:
        return caseload.send_groups(at, reference, body, Post(settings_of(request)))
