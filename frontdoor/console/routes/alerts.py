"""The console's alerts: the page that lists them (each linking to its referral, marked seen
by whoever deals with it), the stream that pushes new ones to every page, and the unseen
count the header's badge shows."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from frontdoor.alerts import words
from frontdoor.console.alert_stream import alert_events, last_event_id
from frontdoor.console.deps import (
    BEARER,
    LOGGED_IN,
    NotLoggedIn,
    current_actor,
    database_url_of,
    store,
)
from frontdoor.console.local_time import local_time
from frontdoor.console.routes.pages import render, templates
from frontdoor.console.workflow import Actor
from frontdoor.store import alerts
from frontdoor.store.link_worker import worker_names
from frontdoor.store.models import Alert

router = APIRouter(include_in_schema=False)
SHOWN = 200  # the newest alerts on the page
SEEN = {"one": "Marked as seen.", "all": "Every alert is marked as seen."}


@dataclass(frozen=True)
class AlertRow:
    """One alert as the page shows it."""

    id: int
    at: str
    when: str
    headline: str
    text: str
    reference: str
    seen: str  # who saw it and when, in words; empty while nobody has


def _row(alert: Alert, names: dict[str, str]) -> AlertRow:
    seen = ""
    if alert.seen_at is not None:
        who = names.get(alert.seen_by or "", alert.seen_by or "someone")
        seen = f"Seen by {who}, {local_time(alert.seen_at)}"
    return AlertRow(
        id=alert.id,
        at=alert.raised_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        when=local_time(alert.raised_at),
        headline=words.headline(alert),
        text=words.detail(alert),
        reference=alert.reference,
        seen=seen,
    )


def unseen_alerts(request: Request) -> int:
    """How many alerts nobody has seen yet, for the header's badge on every page."""
    with store(request) as session:
        return alerts.unseen_count(session)


templates.env.globals["unseen_alerts"] = unseen_alerts


def _rows(session: Session) -> list[AlertRow]:
    names = worker_names(session)
    return [_row(alert, names) for alert in alerts.recent_alerts(session, SHOWN)]


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, actor: Actor = LOGGED_IN) -> Response:
    with store(request) as session:
        rows = _rows(session)
    done = SEEN.get(request.query_params.get("done", ""), "")
    return render(request, "alerts.html", actor=actor, rows=rows, done=done)


@router.post("/alerts/seen")
def mark_seen(
    request: Request,
    alert: int | None = Form(None, ge=1),
    actor: Actor = LOGGED_IN,
) -> Response:
    """Mark one alert as seen (`alert`), or every unseen one (no `alert`)."""
    with store(request) as session:
        alerts.mark_seen(session, None if alert is None else [alert], actor.email)
    done = "all" if alert is None else "one"
    return RedirectResponse(f"/alerts?done={done}", status_code=303)


@router.get("/alerts/stream")
async def alert_stream(
    request: Request, actor: Actor = LOGGED_IN, bearer: str | None = BEARER
) -> StreamingResponse:
    """New alerts and the unseen count as server-sent events, for as long as the login lasts."""

    async def still_logged_in() -> bool:
        try:
            await current_actor(request, bearer)
        except NotLoggedIn:
            return False
        return True

    after = last_event_id(request.headers.get("last-event-id"))
    return StreamingResponse(
        alert_events(database_url_of(request), after, still_logged_in),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
