"""Wellbeing at closing, as the console reads and shows it: the answers a link worker records,
how the questions are sent to the resident, and the start and end side by side."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SendBy = Literal["sms", "email"]
SEND_BY_LABELS: dict[SendBy, str] = {"sms": "By text message", "email": "By email"}
Direction = Literal["better", "worse", "same"]


def _ons4(description: str) -> int | None:
    return Field(default=None, ge=0, le=10, description=description)  # type: ignore[no-any-return]


def _ucla(description: str) -> int | None:
    return Field(default=None, ge=1, le=3, description=description)  # type: ignore[no-any-return]


class WellbeingIn(BaseModel):
    """The ONS4 (0 to 10) and UCLA loneliness (1 hardly ever, 2 some of the time, 3 often)
    answers; leave out, or send null for, a question not asked or not answered."""

    life_satisfied: int | None = _ons4("Satisfied with life")
    worthwhile: int | None = _ons4("Things done are worthwhile")
    happy: int | None = _ons4("Happy yesterday")
    anxious: int | None = _ons4("Anxious yesterday")
    lack_companionship: int | None = _ucla("Lacks companionship")
    left_out: int | None = _ucla("Feels left out")
    isolated: int | None = _ucla("Feels isolated")

    class Config:
        extra = "forbid"


class WellbeingLine(BaseModel):
    """One question, at the start and at the end, and the change."""

    question: str
    label: str
    start: int | None
    end: int | None
    change: int | None = Field(default=None, description="End minus start, when both are known")
    direction: Direction | None = Field(
        default=None, description="Whether the change is for the better (lower anxiety is)"
    )


class WellbeingComparison(BaseModel):
    """A referral's wellbeing answers at the start and the end, question by question."""

    lines: list[WellbeingLine]
    start_by: str | None = Field(default=None, description="Who gave the start answers")
    end_by: str | None = Field(default=None, description="Who gave the end answers")
    questions_sent_at: str | None = Field(
        default=None, description="When the questions were last sent to the resident (UTC)"
    )
