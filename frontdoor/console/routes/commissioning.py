"""The commissioners' report: the page with its charts, the CSV and the one-page PDF for a
board meeting, for a month, a quarter or a year (?period=2026-11, 2026-Q4 or 2026)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from frontdoor.commissioning import CommissionersReport, build_commissioners_report
from frontdoor.console import commissioning_view as view
from frontdoor.console.deps import LOGGED_IN, desk
from frontdoor.console.report_charts import Interval, bar_chart, column_chart, interval_chart
from frontdoor.console.report_pdf import report_pdf
from frontdoor.console.routes.pages import error_page, render
from frontdoor.console.workflow import Actor
from frontdoor.store.caseload import local_today

router = APIRouter(include_in_schema=False)
PERIOD = Query("", max_length=10, description="2026-11, 2026-Q4 or 2026; this month if empty")
PATH = "/report/commissioners"


def _report(request: Request, actor: Actor, code: str) -> CommissionersReport | Response:
    """The period's report, or the error page for a period that is not one."""
    try:
        period = view.chosen_period(code, local_today())
    except ValueError:
        return error_page(request, 400, "Choose a month, a quarter or a year from the list.")
    with desk(request, actor) as at:
        return build_commissioners_report(at.session, period)


def charts(report: CommissionersReport) -> dict[str, Markup]:
    """Every chart on the page, by name."""
    parts = view.slices(report)
    return {
        "by_period": column_chart(
            "by-period",
            "Conversations and referrals, " + ("by quarter" if len(parts) == 4 else "by month"),
            [(p.period.short_label, p.period.label) for p in parts],
            {
                "Conversations": [p.conversations for p in parts],
                "Referrals": [p.referrals for p in parts],
            },
        ),
        "level": bar_chart(
            "by-level", "Conversations by level reached", report.conversations_by_level,
            "conversations",
        ),
        "channel": bar_chart(
            "by-channel", "Conversations by channel",
            view.labelled_channels(report.conversations_by_channel), "conversations",
        ),
        "town": bar_chart(
            "by-town", "Conversations by town (top 10)", report.conversations_by_town,
            "conversations",
        ),
        "outcomes": bar_chart(
            "outcomes", "How referrals ended", view.labelled_outcomes(report.outcomes),
            "referrals",
        ),
        "wellbeing": interval_chart(
            "wellbeing", "Wellbeing change, end minus start (mean and 95% CI)",
            [
                Interval(view.CHART_NAMES[c.measure], c.mean, c.low, c.high)
                for c in report.wellbeing
                if c.mean is not None
            ],
        ),
        "needs": bar_chart("needs", "Unmet needs (top 10)", report.unmet_needs, "searches"),
    }  # fmt: skip


@router.get(PATH, response_class=HTMLResponse)
def commissioners_page(
    request: Request, period: str = PERIOD, actor: Actor = LOGGED_IN
) -> Response:
    found = _report(request, actor, period)
    if isinstance(found, Response):
        return found
    return render(
        request,
        "commissioners.html",
        actor=actor,
        report=found,
        headlines=view.headlines(found),
        choices=view.period_choices(local_today(), found.period),
        charts=charts(found),
        contact_rows=view.contact_rows(found),
        slices=view.slices(found),
        view=view,
    )


@router.get(PATH + ".csv")
def commissioners_csv(request: Request, period: str = PERIOD, actor: Actor = LOGGED_IN) -> Response:
    found = _report(request, actor, period)
    if isinstance(found, Response):
        return found
    return _file(view.commissioners_csv(found).encode(), "text/csv", found, "csv")


@router.get(PATH + ".pdf")
def commissioners_pdf(request: Request, period: str = PERIOD, actor: Actor = LOGGED_IN) -> Response:
    found = _report(request, actor, period)
    if isinstance(found, Response):
        return found
    return _file(report_pdf(found), "application/pdf", found, "pdf")


def _file(content: bytes, media_type: str, report: CommissionersReport, ending: str) -> Response:
    name = f"frontdoor-commissioners-{report.period.code}.{ending}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
