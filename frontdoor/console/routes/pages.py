"""The console's pages: log in, the queue, a referral, the audit trail and the report. Each page
reads the request, calls the workflow and renders what it returns."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from frontdoor.console import schemas, security, workflow
from frontdoor.console.caseload_schemas import ContactLogIn, TaskDoneIn, TaskIn
from frontdoor.console.deps import LOGGED_IN, MANAGER, desk, settings_of, store
from frontdoor.console.local_time import local_text
from frontdoor.console.routes.shared import WEEKS, download
from frontdoor.console.search_schemas import FOUND_BY_LABELS, SAME_BY_LABELS, SEARCH_LENGTH, LinkIn
from frontdoor.console.workflow import Actor, Desk, WorkflowError, caseload, joining
from frontdoor.console.workflow.views import channel_label
from frontdoor.console.workflow.wellbeing import closing_fields
from frontdoor.store import link_worker as work
from frontdoor.store.casework import OUTCOME_LABELS
from frontdoor.store.risk_flags import category_label

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
LOGIN_CSRF_COOKIE = "frontdoor_login_csrf"
AUDIT_LINES = 500
Reference = PathParam(..., min_length=1, max_length=16)
Input = TypeVar("Input", bound=BaseModel)
FormFields = Mapping[str, str]
DONE = {
    "claim": "You have claimed this referral.",
    "release": "The referral is back in the queue.",
    "reassign": "The referral has been reassigned.",
    "contact": "First contact recorded.",
    "take-over": "You are now talking to the resident. The assistant is quiet.",
    "reply": "Your message has been sent.",
    "hand-back": "The assistant is answering the resident again.",
    "note": "Note added.",
    "close": "The referral is closed.",
    "confirm-risk": "Risk flag confirmed.",
    "clear-risk": "Risk flag cleared.",
    "log-contact": "Contact logged.",
    "add-task": "Task added.",
    "task-done": "Task marked as done.",
    "send-groups-sms": "The groups have been sent by text, and the contact logged.",
    "send-groups-email": "The groups have been sent by email, and the contact logged.",
    "link": "The referrals are linked.",
    "unlink": "The referrals are no longer linked.",
}
# The steps done from the conversation panel: the page comes back with the panel in view.
IN_CONVERSATION = {"take-over", "reply", "hand-back"}
STATUS_LABELS = {
    "new": "New",
    "claimed": "Claimed",
    "in_progress": "In progress",
    "closed": "Closed",
}
QUEUE_STATUSES = [
    ("new", "New"),
    ("claimed", "Claimed"),
    ("in_progress", "In progress"),
    ("open", "All open"),
    ("closed", "Closed"),
    ("all", "All"),
]


def relabelled(figures: dict[str, int], label: Callable[[str], str]) -> dict[str, int]:
    """A report's figures with each item in words."""
    return {label(k): v for k, v in figures.items()}


def channel_labels(figures: dict[str, int]) -> dict[str, int]:
    return relabelled(figures, channel_label)


def risk_labels(figures: dict[str, int]) -> dict[str, int]:
    return relabelled(figures, category_label)


def capitalised(figures: dict[str, int]) -> dict[str, int]:
    return relabelled(figures, str.capitalize)


templates.env.filters["channel_label"] = channel_label
templates.env.filters["channel_labels"] = channel_labels
templates.env.filters["risk_label"] = category_label
templates.env.filters["risk_labels"] = risk_labels
templates.env.filters["capitalised"] = capitalised
templates.env.filters["when"] = local_text


def render(
    request: Request, name: str, status: int = 200, actor: Actor | None = None, **context: Any
) -> Response:
    return templates.TemplateResponse(
        name,
        {
            "request": request,
            "actor": actor,
            "status_labels": STATUS_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "contact_labels": schemas.CONTACT_LABELS,
            **context,
        },
        status_code=status,
    )


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status=status, message=message)


def _secure_cookies(request: Request) -> bool:
    """Cookies go over HTTPS only when the console is served over HTTPS."""
    settings = settings_of(request)
    return settings.console_secure_cookies or settings.console_https


def _local(target: str | None) -> str:
    """Only ever redirect within the console after logging in."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


# Logging in and out


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = Query("/", max_length=500)) -> Response:
    return _login_form(request, _local(next))


def _login_form(request: Request, target: str, error: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status, next=target, error=error, login_csrf=token)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(request),
        path="/login",
    )
    return response


@router.post("/login")
def login(
    request: Request,
    email: str = Form("", max_length=200),
    password: str = Form("", max_length=500),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    settings = settings_of(request)
    if not security.csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf_token):
        return _login_form(request, _local(next), "The form had expired. Please try again.", 400)
    with store(request) as session:
        try:
            worker = security.authenticate(session, settings, email, password)
        except security.LoginRefused as refused:
            return _login_form(request, _local(next), str(refused), 401)
        started = security.start_session(session, settings, worker)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        security.SESSION_COOKIE,
        started.token,
        max_age=settings.console_session_minutes * 60,
        httponly=True,
        samesite="strict",
        secure=_secure_cookies(request),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, actor: Actor = LOGGED_IN) -> Response:
    with store(request) as session:
        security.end_session(
            session, settings_of(request), request.cookies.get(security.SESSION_COOKIE)
        )
        work.audit(session, actor.worker(session), "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE)
    return response


# The queue


def _queue_options(choices: schemas.QueueChoices) -> dict[str, list[tuple[str, str]]]:
    """The queue's filters as (value, words) choices."""
    anything = [("", "Any")]
    return {
        "status": QUEUE_STATUSES,
        "level": anything + [(level, f"Level {level}") for level in ("1", "2", "3")],
        "channel": anything + [(c, channel_label(c)) for c in choices.channels],
        "town": anything + [(t, t) for t in choices.towns],
    }


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    actor: Actor = LOGGED_IN,
    status: str = Query("new", max_length=20),
    level: str = Query("", max_length=2),
    channel: str = Query("", max_length=40),
    town: str = Query("", max_length=80),
    mine: str = Query("", max_length=5),
    search: str = Query("", max_length=SEARCH_LENGTH),
) -> Response:
    asked = {"status": status, "level": level or None, "channel": channel, "town": town}
    problem = ""
    try:
        query = workflow.parse(schemas.QueueQuery, {**asked, "mine": bool(mine)})
    except WorkflowError as unknown:
        problem = unknown.sentence + " Showing new referrals instead."
        query = schemas.QueueQuery(mine=bool(mine))
    with desk(request, actor) as at:
        rows = joining.search(at, search) if search.strip() else workflow.queue(at, query)
        options = _queue_options(workflow.queue_choices(at))
    return render(
        request,
        "queue.html",
        actor=actor,
        rows=rows,
        options=options,
        query=query,
        error=problem,
        search=" ".join(search.split()),
        found_by_labels=FOUND_BY_LABELS,
    )


# One referral


@dataclass(frozen=True)
class Refusal:
    """Why a button or form on the referral page was refused, and what was typed into it."""

    error: WorkflowError
    action: str
    fields: FormFields

    def typed(self, action: str, name: str) -> str:
        """What the person typed into this field of the refused form, to show them again."""
        return self.fields.get(name, "") if action == self.action else ""


def _nothing_typed(action: str, name: str) -> str:
    return ""


def _referral_page(
    request: Request, actor: Actor, reference: str, refusal: Refusal | None = None
) -> Response:
    with desk(request, actor) as at:
        referral = workflow.view(at, reference)
        case = caseload.case_record(at, reference, audited=False)
        joins = joining.related(at, reference, audited=False)
        chat = workflow.conversation(at, reference)
        workers = workflow.link_workers(at) if actor.is_manager else []
    return render(
        request,
        "referral.html",
        status=refusal.error.status if refusal else 200,
        actor=actor,
        r=referral,
        case=case,
        joins=joins,
        same_by_labels=SAME_BY_LABELS,
        chat=chat,
        workers=workers,
        done=DONE.get(request.query_params.get("done", ""), ""),
        error=refusal.error.sentence if refusal else "",
        refused_action=refusal.action if refusal else "",
        typed=refusal.typed if refusal else _nothing_typed,
        mine=referral.claimed_by == actor.email,
        holding=referral.chat_held_by == actor.email,
    )


@router.get("/referrals/{reference}", response_class=HTMLResponse)
def referral_page(
    request: Request, reference: str = Reference, actor: Actor = LOGGED_IN
) -> Response:
    return _referral_page(request, actor, reference)


class PageStep(Protocol):
    """What a button or form on the referral page does with what it sent."""

    def __call__(self, at: Desk, reference: str, form: FormFields) -> object: ...


@dataclass(frozen=True)
class Button:
    """A button that sends nothing but itself."""

    run: Callable[[Desk, str], object]

    def __call__(self, at: Desk, reference: str, form: FormFields) -> object:
        return self.run(at, reference)


@dataclass(frozen=True)
class Filled(Generic[Input]):
    """A form, read into the input model the JSON API takes for the same step."""

    model: type[Input]
    run: Callable[[Desk, str, Input], object]
    read: Callable[[FormFields], Mapping[str, object]] = dict

    def __call__(self, at: Desk, reference: str, form: FormFields) -> object:
        return self.run(at, reference, workflow.parse(self.model, self.read(form)))


@dataclass(frozen=True)
class RiskReview:
    """The confirm or clear form beside a safety flag."""

    decision: schemas.RiskDecision

    def __call__(self, at: Desk, reference: str, form: FormFields) -> object:
        review = workflow.parse(schemas.RiskReviewIn, {**form, "decision": self.decision})
        flag = workflow.flag_id(form.get("flag", ""))
        return workflow.review_risk_flag(at, reference, flag, review)


def _closing(form: FormFields) -> Mapping[str, object]:
    """The close form: the groups joined are typed one a line; the wellbeing answers now, or
    how to send the questions."""
    groups = [line for line in form.get("groups_joined", "").splitlines() if line.strip()]
    return {**form, "groups_joined": groups, **closing_fields(form)}


STEPS: dict[str, PageStep] = {
    "claim": Button(workflow.claim),
    "release": Button(workflow.release),
    "reassign": Filled(schemas.ReassignIn, workflow.reassign),
    "contact": Filled(schemas.ContactIn, workflow.record_contact),
    "take-over": Button(workflow.take_over),
    "reply": Filled(schemas.ReplyIn, workflow.reply),
    "hand-back": Button(workflow.hand_back),
    "note": Filled(schemas.NoteIn, workflow.add_note),
    "close": Filled(schemas.CloseIn, workflow.close, _closing),
    "confirm-risk": RiskReview("confirm"),
    "clear-risk": RiskReview("clear"),
    "log-contact": Filled(ContactLogIn, caseload.log_contact),
    "add-task": Filled(TaskIn, caseload.add_task),
    "task-done": Filled(TaskDoneIn, caseload.complete_task),
    "link": Filled(LinkIn, joining.link),
    "unlink": Filled(LinkIn, joining.unlink),
}


@router.post("/referrals/{reference}/{action}")
async def referral_action(
    request: Request,
    reference: str = Reference,
    action: str = PathParam(..., regex="^(" + "|".join(STEPS) + ")$"),
    actor: Actor = LOGGED_IN,
) -> Response:
    """Run one of the referral's buttons or forms, then show the referral again."""
    form = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
    try:
        with desk(request, actor) as at:
            STEPS[action](at, reference, form)
    except WorkflowError as refused:
        return _referral_page(request, actor, reference, Refusal(refused, action, form))
    query = urlencode({"done": action})
    place = "#conversation" if action in IN_CONVERSATION else ""
    return RedirectResponse(f"/referrals/{reference}?{query}{place}", status_code=303)


# Managers: the audit trail


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    reference: str = Query("", max_length=16),
    actor: Actor = MANAGER,
) -> Response:
    with desk(request, actor) as at:
        rows = workflow.audit_trail(at, reference, AUDIT_LINES)
    return render(request, "audit.html", actor=actor, rows=rows, reference=schemas.clean(reference))


# The report


@router.get("/report", response_class=HTMLResponse)
def report_page(request: Request, weeks: int = WEEKS, actor: Actor = LOGGED_IN) -> Response:
    with desk(request, actor) as at:
        figures = workflow.report(at, weeks)
    return render(request, "report.html", actor=actor, report=figures, weeks=weeks)


@router.get("/report.csv")
def report_download(request: Request, weeks: int = WEEKS, actor: Actor = LOGGED_IN) -> Response:
    with desk(request, actor) as at:
        return download(workflow.report_download(at, weeks))
