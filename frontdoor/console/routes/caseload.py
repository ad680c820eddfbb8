"""The caseload's pages: My caseload, and choosing groups to send a resident. (The contact log
and task forms sit on the referral page, as steps of frontdoor/console/routes/pages.py.)

Included before the pages' router, so /referrals/{reference}/groups is not taken for one of
the referral page's buttons."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from frontdoor.console import caseload_schemas as case
from frontdoor.console import workflow
from frontdoor.console.deps import LOGGED_IN, desk, settings_of
from frontdoor.console.resident_post import Post
from frontdoor.console.routes.pages import render, templates
from frontdoor.console.workflow import Actor, WorkflowError
from frontdoor.console.workflow import caseload as steps

router = APIRouter(include_in_schema=False)
Reference = PathParam(..., min_length=1, max_length=16)
SEARCH = Query("", max_length=steps.SEARCH_LENGTH)


def tasks_due(request: Request, actor: Actor | None) -> int:
    """The header's count: the person's tasks due today or overdue."""
    if actor is None:
        return 0
    with desk(request, actor) as at:
        return steps.tasks_due(at)


templates.env.globals["tasks_due"] = tasks_due
templates.env.globals["contact_way_labels"] = case.CONTACT_WAY_LABELS


@router.get("/caseload", response_class=HTMLResponse)
def caseload_page(request: Request, actor: Actor = LOGGED_IN) -> Response:
    with desk(request, actor) as at:
        found = steps.caseload(at)
    return render(request, "caseload.html", actor=actor, caseload=found)


@router.get("/referrals/{reference}/groups", response_class=HTMLResponse)
def groups_page(
    request: Request, reference: str = Reference, search: str = SEARCH, actor: Actor = LOGGED_IN
) -> Response:
    return _groups_page(request, actor, reference, search)


def _groups_page(
    request: Request,
    actor: Actor,
    reference: str,
    search: str,
    refused: WorkflowError | None = None,
    typed: Mapping[str, object] | None = None,
) -> Response:
    with desk(request, actor) as at:
        referral = workflow.view(at, reference)
        choices = steps.group_choices(at, reference, search)
    return render(
        request,
        "send_groups.html",
        status=refused.status if refused else 200,
        actor=actor,
        r=referral,
        choices=choices,
        error=refused.sentence if refused else "",
        typed=typed or {},
        send_by=case.SEND_BY_LABELS,
        mine=referral.claimed_by == actor.email,
    )


@router.post("/referrals/{reference}/groups")
async def send_groups(
    request: Request, reference: str = Reference, actor: Actor = LOGGED_IN
) -> Response:
    """Send the groups ticked, then show the referral with its contact log."""
    form = await request.form()
    fields = {
        "group_ids": [v for v in form.getlist("group_ids") if isinstance(v, str)],
        "by": form.get("by") or "",
        "to": form.get("to") or "",
    }
    search = str(form.get("search") or "")
    post = Post(settings_of(request))

    def send() -> str:
        sending = workflow.parse(case.SendGroupsIn, fields)
        with desk(request, actor) as at:
            steps.send_groups(at, reference, sending, post)
        return sending.by

    try:
        by = await run_in_threadpool(send)  # texts and email take a while: not on the loop
    except WorkflowError as refused:
        return _groups_page(request, actor, reference, search, refused, fields)
    return RedirectResponse(f"/referrals/{reference}?done=send-groups-{by}", 303)
