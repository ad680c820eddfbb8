"""The console's pages: log in, the queue, a referral, the audit trail and the report."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from frontdoor.console import security, service
from frontdoor.console.deps import LOGGED_IN, MANAGER, Actor, rasa_of, settings_of, store
from frontdoor.console.rasa_client import RasaError
from frontdoor.console.report import build_report, report_csv
from frontdoor.console.routes.api import clean
from frontdoor.store import link_worker as work
from frontdoor.store.casework import OUTCOME_LABELS
from frontdoor.store.models import REFERRAL_STATUSES
from frontdoor.store.risk_flags import category_label

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
CHANNEL_LABELS = {"socketio": "web chat", "sms": "SMS", "rest": "REST API", "cmdline": "terminal"}


def channel_label(channel: str | None) -> str:
    """How a Rasa channel name reads to people: 'socketio' is the web chat."""
    return CHANNEL_LABELS.get(channel or "", channel or "unknown")


def channel_labels(figures: dict[str, int]) -> dict[str, int]:
    return {channel_label(k): v for k, v in figures.items()}


templates.env.filters["channel_label"] = channel_label
templates.env.filters["channel_labels"] = channel_labels
templates.env.filters["risk_label"] = category_label
LOGIN_CSRF_COOKIE = "frontdoor_login_csrf"
Reference = PathParam(..., min_length=1, max_length=16)
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
}
STATUS_LABELS = {
    "new": "New",
    "claimed": "Claimed",
    "in_progress": "In progress",
    "closed": "Closed",
}


def render(
    request: Request, name: str, status: int = 200, actor: Actor | None = None, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        name,
        {
            "request": request,
            "actor": actor,
            "status_labels": STATUS_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            **context,
        },
        status_code=status,
    )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
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
            error = str(refused)
        else:
            error = ""
            started = security.start_session(session, settings, worker)
    if error:
        return _login_form(request, _local(next), error, 401)
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


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    actor: Actor = LOGGED_IN,
    status: str = Query("new", max_length=20),
    level: str = Query("", max_length=2),
    channel: str = Query("", max_length=40),
    town: str = Query("", max_length=80),
    mine: str = Query("", max_length=5),
) -> Response:
    if status not in (*REFERRAL_STATUSES, "open", "all"):
        status = "new"
    wanted = work.QueueFilter(
        status=status,
        level=int(level) if level in ("1", "2", "3") else None,
        channel=clean(channel) or None,
        town=clean(town) or None,
        claimed_by=actor.email if mine else None,
    )
    with store(request) as session:
        rows = service.queue_rows(session, wanted)
        choices = work.queue_choices(session)
    return render(
        request,
        "queue.html",
        actor=actor,
        rows=rows,
        choices=choices,
        wanted=wanted,
        mine=bool(mine),
        level=level,
    )


# One referral


def _referral_page(
    request: Request, actor: Actor, reference: str, error: str = "", status: int = 200
) -> Response:
    database_url = request.app.state.database_url
    with store(request) as session:
        referral = service.view(session, actor, reference)
        chat = service.conversation(session, database_url, actor, reference)
        workers = (
            [{"name": w.name, "email": w.email} for w in work.list_workers(session)]
            if actor.is_manager
            else []
        )
    done = DONE.get(request.query_params.get("done", ""), "")
    return render(
        request,
        "referral.html",
        status=status,
        actor=actor,
        r=referral,
        chat=chat,
        workers=workers,
        done=done,
        error=error,
        mine=referral["claimed_by"] == actor.email,
        holding=referral["chat_held_by"] == actor.email,
    )


@router.get("/referrals/{reference}", response_class=HTMLResponse)
def referral_page(
    request: Request, reference: str = Reference, actor: Actor = LOGGED_IN
) -> Response:
    return _referral_page(request, actor, reference)


async def _act(request: Request, actor: Actor, reference: str, action: str) -> Response:
    """Run one of the referral's buttons, then show the referral again."""
    form = await request.form()
    field = lambda name: clean(str(form.get(name) or ""))  # noqa: E731
    try:
        with store(request) as session:
            _do(session, request, actor, reference, action, form, field)
    except (work.WorkError, RasaError) as problem:
        status = 409 if isinstance(problem, work.Conflict) else 400
        if isinstance(problem, RasaError):
            status = 502
        return _referral_page(request, actor, reference, _sentence(str(problem)), status)
    query = urlencode({"done": action})
    return RedirectResponse(f"/referrals/{reference}?{query}", status_code=303)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _do(session, request, actor, reference, action, form, field) -> None:
    rasa = rasa_of(request)
    if action == "claim":
        service.claim(session, actor, reference)
    elif action == "release":
        service.release(session, actor, reference)
    elif action == "reassign":
        if not actor.is_manager:
            raise work.WorkError("only a manager can reassign a referral")
        service.reassign(session, actor, reference, field("email"))
    elif action == "contact":
        referral = service.find(session, reference)
        how = field("how") if field("how") in ("phone", "text", "email", "in_person") else "phone"
        work.record_contact(session, referral, actor.worker(session), how, field("note")[:1000])
    elif action == "take-over":
        service.take_over(session, rasa, actor, reference)
    elif action == "reply":
        service.reply(session, rasa, actor, reference, field("text")[:1000])
    elif action == "hand-back":
        service.hand_back(session, rasa, actor, reference)
    elif action == "note":
        referral = service.find(session, reference)
        work.add_note(session, referral, actor.worker(session), field("text")[:5000])
    elif action == "close":
        groups = [clean(g)[:200] for g in field("groups_joined").splitlines() if clean(g)]
        service.close(
            session,
            actor,
            reference,
            field("outcome"),
            groups[:20],
            field("snomed_code")[:18],
            field("note")[:5000],
        )
    elif action in ("confirm-risk", "clear-risk"):
        decision = action.removesuffix("-risk")
        service.review_risk_flag(
            session, actor, reference, _flag_id(field("flag")), decision, field("note")[:1000]
        )


def _flag_id(value: str) -> int:
    """The risk flag a form names, as a number the database can hold."""
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**31:
        raise service.NotFound("There is no such risk flag.")
    return int(value)


@router.post("/referrals/{reference}/{action}")
async def referral_action(
    request: Request,
    reference: str = Reference,
    action: str = PathParam(..., regex="^(" + "|".join(DONE) + ")$"),
    actor: Actor = LOGGED_IN,
) -> Response:
    return await _act(request, actor, reference, action)


# Managers: the audit trail


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    reference: str = Query("", max_length=16),
    actor: Actor = MANAGER,
) -> Response:
    with store(request) as session:
        events = work.audit_trail(session, clean(reference) or None, 500)
        rows = [
            {
                "at": e.at.strftime("%d %b %Y %H:%M"),
                "actor": e.actor,
                "action": e.action.replace("_", " "),
                "reference": e.reference,
                "detail": e.detail,
            }
            for e in events
        ]
    return render(request, "audit.html", actor=actor, rows=rows, reference=clean(reference))


# The report


@router.get("/report", response_class=HTMLResponse)
def report_page(
    request: Request, weeks: int = Query(12, ge=1, le=260), actor: Actor = LOGGED_IN
) -> Response:
    with store(request) as session:
        figures = build_report(session, weeks)
    return render(request, "report.html", actor=actor, report=figures, weeks=weeks)


@router.get("/report.csv")
def report_download(
    request: Request, weeks: int = Query(12, ge=1, le=260), actor: Actor = LOGGED_IN
) -> Response:
    with store(request) as session:
        text = report_csv(build_report(session, weeks))
    return PlainTextResponse(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="frontdoor-report.csv"'},
    )
