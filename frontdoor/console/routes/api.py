"""The JSON API: everything the console does, for a bearer token (or the console's own pages)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import OAuth2PasswordRequestForm

from frontdoor.console import schemas, security, service
from frontdoor.console.deps import (
    BEARER,
    LOGGED_IN,
    MANAGER,
    Actor,
    NotLoggedIn,
    settings_of,
    store,
)
from frontdoor.console.deps import rasa_of as rasa
from frontdoor.console.report import build_report, report_csv
from frontdoor.store import link_worker as work

router = APIRouter(prefix="/api", tags=["console"])
PASSWORD_FORM = Depends()
Reference = Path(..., min_length=1, max_length=16, description="The referral's reference")
FlagId = Path(..., alias="id", ge=1, le=2**31 - 1, description="The risk flag's id")
ERRORS = {
    400: {"model": schemas.Message, "description": "Not allowed in the referral's state"},
    401: {"model": schemas.Message, "description": "No valid token or login"},
    403: {"model": schemas.Message, "description": "Not allowed for this person"},
    404: {"model": schemas.Message, "description": "No such referral"},
    409: {"model": schemas.Message, "description": "Someone else got there first"},
}
RASA_ERRORS = {**ERRORS, 502: {"model": schemas.Message, "description": "Rasa not reachable"}}


def clean(text: str | None) -> str:
    """Text fit to store: no NUL characters (PostgreSQL refuses them), no outer spaces."""
    return (text or "").replace("\x00", "").strip()


@router.post("/login/access-token", response_model=schemas.Token, responses=ERRORS)
def access_token(request: Request, form: OAuth2PasswordRequestForm = PASSWORD_FORM) -> dict:
    """Swap an email and password for a bearer token."""
    settings = settings_of(request)
    with store(request) as session:
        try:
            worker = security.authenticate(session, settings, form.username, form.password)
        except security.LoginRefused as refused:
            error = str(refused)
        else:
            token, expires = security.issue_api_token(session, settings, worker)
            return {"access_token": token, "expires_at": expires.isoformat() + "Z"}
    raise NotLoggedIn(error)


@router.post("/logout", response_model=schemas.Message, responses=ERRORS)
def logout(request: Request, actor: Actor = LOGGED_IN, bearer: str | None = BEARER) -> dict:
    """Revoke the bearer token used for this call."""
    if bearer:
        with store(request) as session:
            security.revoke_api_token(session, settings_of(request), bearer)
    return {"detail": "logged out"}


@router.get("/me", response_model=schemas.Me, responses=ERRORS)
def me(actor: Actor = LOGGED_IN) -> dict:
    return {"name": actor.name, "email": actor.email, "role": actor.role}


@router.get("/referrals", response_model=list[schemas.QueueItem], responses=ERRORS)
def referrals(
    request: Request,
    actor: Actor = LOGGED_IN,
    status: str = Query("new", regex="^(new|claimed|in_progress|closed|open|all)$"),
    level: int | None = Query(None, ge=1, le=3),
    channel: str | None = Query(None, max_length=40),
    town: str | None = Query(None, max_length=80),
    mine: bool = False,
) -> list[dict]:
    """The queue: crisis and urgent first, then oldest first, with each one's wait."""
    wanted = work.QueueFilter(
        status=status,
        level=level,
        channel=clean(channel) or None,
        town=clean(town) or None,
        claimed_by=actor.email if mine else None,
    )
    with store(request) as session:
        return service.queue_rows(session, wanted)


@router.get("/referrals/{reference}", response_model=schemas.ReferralDetail, responses=ERRORS)
def referral(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN):
    with store(request) as session:
        return service.view(session, actor, reference)


@router.get(
    "/referrals/{reference}/conversation", response_model=schemas.Conversation, responses=ERRORS
)
def conversation(
    request: Request,
    reference: str = Reference,
    after: int = Query(0, ge=0, description="Only messages after this one (for polling)"),
    actor: Actor = LOGGED_IN,
) -> dict:
    """The whole conversation from Rasa's tracker store, or what is new since `after`."""
    with store(request) as session:
        return service.conversation(
            session, request.app.state.database_url, actor, reference, after
        )


def _detail(request: Request, actor: Actor, reference: str) -> dict:
    with store(request) as session:
        return service.detail(session, service.find(session, reference))


@router.post(
    "/referrals/{reference}/claim", response_model=schemas.ReferralDetail, responses=ERRORS
)
def claim(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN):
    """Take a new referral; if someone else claimed it first, 409."""
    with store(request) as session:
        service.claim(session, actor, reference)
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/release", response_model=schemas.ReferralDetail, responses=ERRORS
)
def release(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN):
    """Put the referral back in the queue."""
    with store(request) as session:
        service.release(session, actor, reference)
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/reassign", response_model=schemas.ReferralDetail, responses=ERRORS
)
def reassign(
    request: Request,
    body: schemas.ReassignIn,
    reference: str = Reference,
    actor: Actor = MANAGER,
):
    """Managers only: give the referral to another link worker."""
    with store(request) as session:
        service.reassign(session, actor, reference, clean(body.email))
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/contact", response_model=schemas.ReferralDetail, responses=ERRORS
)
def contact(
    request: Request,
    body: schemas.ContactIn,
    reference: str = Reference,
    actor: Actor = LOGGED_IN,
):
    """Record that you reached the resident (the first time starts the clock's end)."""
    with store(request) as session:
        referral = service.find(session, reference)
        work.record_contact(session, referral, actor.worker(session), body.how, clean(body.note))
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/take-over",
    response_model=schemas.ReferralDetail,
    responses=RASA_ERRORS,
)
def take_over(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN):
    """Hold the resident's chat: the assistant goes quiet and says who has joined."""
    with store(request) as session:
        service.take_over(session, rasa(request), actor, reference)
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/reply", response_model=schemas.ReferralDetail, responses=RASA_ERRORS
)
def reply(
    request: Request,
    body: schemas.ReplyIn,
    reference: str = Reference,
    actor: Actor = LOGGED_IN,
):
    """Write to the resident on their own channel (web chat or SMS)."""
    with store(request) as session:
        service.reply(session, rasa(request), actor, reference, clean(body.text))
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/hand-back",
    response_model=schemas.ReferralDetail,
    responses=RASA_ERRORS,
)
def hand_back(request: Request, reference: str = Reference, actor: Actor = LOGGED_IN):
    """Give the conversation back to the assistant."""
    with store(request) as session:
        service.hand_back(session, rasa(request), actor, reference)
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/notes", response_model=schemas.ReferralDetail, responses=ERRORS
)
def note(
    request: Request,
    body: schemas.NoteIn,
    reference: str = Reference,
    actor: Actor = LOGGED_IN,
):
    with store(request) as session:
        referral = service.find(session, reference)
        work.add_note(session, referral, actor.worker(session), clean(body.text))
    return _detail(request, actor, reference)


@router.post(
    "/referrals/{reference}/close", response_model=schemas.ReferralDetail, responses=ERRORS
)
def close(
    request: Request,
    body: schemas.CloseIn,
    reference: str = Reference,
    actor: Actor = LOGGED_IN,
):
    """Close with an outcome, the groups joined and the SNOMED CT code for the record."""
    groups = [clean(g)[:200] for g in body.groups_joined]
    with store(request) as session:
        service.close(
            session,
            actor,
            reference,
            body.outcome,
            groups,
            clean(body.snomed_code),
            clean(body.note),
        )
    return _detail(request, actor, reference)


@router.get(
    "/referrals/{reference}/risk-flags", response_model=list[schemas.RiskFlag], responses=ERRORS
)
def risk_flags(
    request: Request, reference: str = Reference, actor: Actor = LOGGED_IN
) -> list[dict]:
    """The safety flags of the referral's conversation, newest first, cleared ones included."""
    with store(request) as session:
        return service.risk_flags(session, actor, reference)


@router.post(
    "/referrals/{reference}/risk-flags/{id}/review",
    response_model=schemas.ReferralDetail,
    responses=ERRORS,
)
def review_risk_flag(
    request: Request,
    body: schemas.RiskReviewIn,
    reference: str = Reference,
    flag_id: int = FlagId,
    actor: Actor = LOGGED_IN,
):
    """Confirm a safety flag, or clear it as a false alarm, with an optional note.

    Only the link worker who holds the referral, or a manager. Clearing the last uncleared
    flag of the conversation takes a crisis referral back to urgent, without its risk;
    confirming a flag again makes it crisis again.
    """
    with store(request) as session:
        service.review_risk_flag(
            session, actor, reference, flag_id, body.decision, clean(body.note)
        )
    return _detail(request, actor, reference)


@router.get("/link-workers", response_model=list[schemas.LinkWorkerOut], responses=ERRORS)
def link_workers(request: Request, actor: Actor = LOGGED_IN) -> list[dict]:
    with store(request) as session:
        return [
            {"name": w.name, "email": w.email, "role": w.role} for w in work.list_workers(session)
        ]


@router.get("/audit", response_model=list[schemas.AuditLine], responses=ERRORS)
def audit(
    request: Request,
    reference: str | None = Query(None, max_length=16),
    limit: int = Query(200, ge=1, le=1000),
    actor: Actor = MANAGER,
) -> list[dict]:
    """Managers only: who viewed or changed which referral, newest first."""
    with store(request) as session:
        return [
            {
                "at": e.at.isoformat(timespec="seconds") + "Z",
                "actor": e.actor,
                "action": e.action,
                "reference": e.reference,
                "detail": e.detail,
            }
            for e in work.audit_trail(session, clean(reference) or None, limit)
        ]


@router.get("/report", response_model=schemas.ReportOut, responses=ERRORS)
def report(
    request: Request,
    weeks: int = Query(12, ge=1, le=260),
    actor: Actor = LOGGED_IN,
) -> dict:
    """The service's figures for the last `weeks` weeks."""
    with store(request) as session:
        return build_report(session, weeks).as_dict()


@router.get(
    "/report.csv",
    response_class=PlainTextResponse,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
)
def report_as_csv(
    request: Request,
    weeks: int = Query(12, ge=1, le=260),
    actor: Actor = LOGGED_IN,
) -> PlainTextResponse:
    with store(request) as session:
        text = report_csv(build_report(session, weeks))
    return PlainTextResponse(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="frontdoor-report.csv"'},
    )
