"""The residents' page for the wellbeing questions sent at closing: /wellbeing/{token}, no
login (the signed link is the key), one question to a fieldset, any left out, answered once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from frontdoor.console.deps import settings_of, store
from frontdoor.console.routes.pages import templates
from frontdoor.console.wellbeing_schemas import SEND_BY_LABELS
from frontdoor.console.workflow.wellbeing import LinkKind, LinkState, link_state, take_answers
from frontdoor.store.models import utcnow
from frontdoor.wellbeing import ONS4, UCLA3, UCLA_CHOICES

router = APIRouter(include_in_schema=False)
STATUS: dict[LinkKind, int] = {
    "open": 200,
    "answered": 200,
    "used": 409,  # answered before: the link takes no more
    "tampered": 404,
    "expired": 410,
}
# The questions as residents read them (the ONS4 and UCLA 3-item public-domain wording).
WORDING = {
    "life_satisfied": "Overall, how satisfied are you with your life nowadays?",
    "worthwhile": "Overall, to what extent do you feel that the things you do in your life "
    "are worthwhile?",
    "happy": "Overall, how happy did you feel yesterday?",
    "anxious": "Overall, how anxious did you feel yesterday?",
    "lack_companionship": "How often do you feel that you lack companionship?",
    "left_out": "How often do you feel left out?",
    "isolated": "How often do you feel isolated from others?",
}
ONS4_HINT = {
    "anxious": "0 means not at all anxious, 10 means completely anxious.",
}
ONS4_DEFAULT_HINT = "0 means not at all, 10 means completely."
QUESTIONS_SHOWN = {
    "ons4": [(q, WORDING[q], ONS4_HINT.get(q, ONS4_DEFAULT_HINT)) for q in ONS4],
    "ucla": [(q, WORDING[q]) for q in UCLA3],
    "ucla_choices": UCLA_CHOICES,
    "send_by": SEND_BY_LABELS,
}
# The close form's "Wellbeing now" fieldset on the referral page reads the questions here.
templates.env.globals["wellbeing_questions"] = QUESTIONS_SHOWN
TITLES: dict[LinkKind, str] = {
    "open": "How are you now?",
    "answered": "Thank you",
    "used": "You have already answered",
    "expired": "This link has run out",
    "tampered": "This link does not work",
}


def _page(request: Request, token: str, state: LinkState, status: int | None = None) -> Response:
    name = "wellbeing_form.html" if state.kind == "open" else "wellbeing_done.html"
    return templates.TemplateResponse(
        name,
        {
            "request": request,
            "token": token,
            "state": state,
            "titles": TITLES,
            "team_phone": settings_of(request).team_phone,
            **QUESTIONS_SHOWN,
        },
        status_code=status or STATUS[state.kind],
    )


@router.get("/wellbeing/{token}", response_class=HTMLResponse)
def wellbeing_questions(request: Request, token: str) -> Response:
    """The questions, or why the link does not take answers now."""
    with store(request) as session:
        state = link_state(session, settings_of(request).wellbeing_link_secret, token, utcnow())
    return _page(request, token, state)


@router.post("/wellbeing/{token}", response_class=HTMLResponse)
async def wellbeing_answers(request: Request, token: str) -> Response:
    """Keep the answers, then thank the resident; a link already used takes no more."""
    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    secret = settings_of(request).wellbeing_link_secret
    with store(request) as session:
        state = take_answers(session, secret, token, fields, utcnow())
    return _page(request, token, state, 422 if state.problem else None)
