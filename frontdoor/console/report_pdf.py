"""The commissioners' report as one A4 page for a board meeting (reportlab): the headline
figures, conversations and referrals over the period, time to first contact against the
promise, wellbeing change with its confidence intervals, outcomes and unmet needs. Whatever
the figures, it stays one page: the page's content is shrunk to fit its frame."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from frontdoor.commissioning import CommissionersReport
from frontdoor.console import commissioning_view as view

MARGIN = 14 * mm
WIDTH, HEIGHT = A4
INNER = WIDTH - 2 * MARGIN
BRAND = colors.HexColor("#00563f")
SECOND = colors.HexColor("#8a3b00")
LIGHT = colors.HexColor("#f3f2f1")
TOP_ROWS = 5
STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
CELL = ParagraphStyle("cell", parent=SMALL, fontSize=8.5, leading=10.5)
FIGURE = ParagraphStyle("figure", parent=CELL, fontSize=15, leading=18, fontName="Helvetica-Bold")
HEADING = ParagraphStyle("heading", parent=STYLES["Heading3"], fontSize=10.5, spaceBefore=6)


def report_pdf(report: CommissionersReport, made_on: date | None = None) -> bytes:
    """The report as a one-page PDF."""
    out = io.BytesIO()
    title = f"Community support service: report to commissioners, {report.period.label}"
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="Frontdoor",
        subject="Social prescribing service figures, no names or contact details",
    )
    content = _content(report, title, made_on or date.today())
    page = KeepInFrame(INNER, HEIGHT - 2 * MARGIN - 6, content, mode="shrink")
    document.build([page])
    return out.getvalue()


def _content(report: CommissionersReport, title: str, made_on: date) -> list[Flowable]:
    return [
        Paragraph(title, STYLES["Heading2"]),
        Paragraph(
            f"{view.dates_text(report.period)}. Made on {made_on.day} {made_on:%B %Y}. "
            "No names or contact details are included.",
            SMALL,
        ),
        Spacer(1, 4),
        _headlines(report),
        Paragraph("Conversations and referrals", HEADING),
        _by_period(report),
        _side_by_side(
            [Paragraph("Time to first contact against the promise", HEADING), _contact(report)],
            [Paragraph("Wellbeing change, end minus start", HEADING), _wellbeing(report)],
        ),
        _side_by_side(
            [
                Paragraph("How referrals ended", HEADING),
                _pairs(view.labelled_outcomes(report.outcomes), "Referrals"),
                Paragraph("Conversations by level", HEADING),
                _pairs(report.conversations_by_level, "Conversations"),
            ],
            [
                Paragraph("Unmet needs (most asked for)", HEADING),
                _pairs(report.unmet_needs, "Searches"),
                Paragraph("Conversations by channel", HEADING),
                _pairs(view.labelled_channels(report.conversations_by_channel), "Conversations"),
            ],
        ),
        Spacer(1, 4),
        Paragraph(_method(), SMALL),
    ]


def _grid(rows: Sequence[Sequence[object]], widths: Sequence[float], head: bool) -> Table:
    table = Table(list(map(list, rows)), colWidths=list(widths))
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
    if head:
        commands += [("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
    table.setStyle(TableStyle(commands))
    return table


def _headlines(report: CommissionersReport) -> Table:
    cells = [
        [Paragraph(h.label, CELL), Paragraph(h.value, FIGURE), Paragraph(h.detail, SMALL)]
        for h in view.headlines(report)
    ]
    rows = [cells[:4], cells[4:]]
    table = Table(rows, colWidths=[INNER / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 2, colors.white),
                ("INNERGRID", (0, 0), (-1, -1), 2, colors.white),
            ]
        )
    )
    return table


def _by_period(report: CommissionersReport) -> Drawing:
    parts = view.slices(report)
    drawing = Drawing(INNER, 120)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 18, INNER - 160, 95
    chart.data = [[p.conversations for p in parts], [p.referrals for p in parts]]
    chart.categoryAxis.categoryNames = [p.period.short_label for p in parts]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BRAND
    chart.bars[1].fillColor = SECOND
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    legend = Legend()
    legend.x, legend.y = INNER - 115, 100
    legend.fontSize = 8
    legend.colorNamePairs = [(BRAND, "Conversations"), (SECOND, "Referrals")]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _contact(report: CommissionersReport) -> Table:
    rows: list[list[object]] = [["", "Contacted", "In promise", "Median", "90%"]]
    for name, figures in view.contact_rows(report):
        rows.append(
            [
                Paragraph(name, CELL),
                str(figures.contacted),
                view.share_text(figures.within_promise, figures.contacted),
                view.hours_text(figures.median_hours),
                view.hours_text(figures.p90_hours),
            ]
        )
    return _grid(rows, [70, 42, 42, 48, 48], head=True)


def _wellbeing(report: CommissionersReport) -> Table:
    rows: list[list[object]] = [["Measure", "People", "Mean", "95% CI"]]
    for change in report.wellbeing:
        interval = (
            f"{view.signed(change.low)} to {view.signed(change.high)}"
            if change.low is not None
            else ""
        )
        mean = view.signed(change.mean) if change.mean is not None else "none"
        rows.append([Paragraph(change.label, CELL), str(change.n), mean, interval])
    return _grid(rows, [112, 34, 34, 70], head=True)


def _pairs(figures: dict[str, int], unit: str) -> Table:
    shown = list(figures.items())[:TOP_ROWS] or [("None in this period", 0)]
    rows: list[list[object]] = [["", unit]]
    rows += [[Paragraph(name, CELL), str(value)] for name, value in shown]
    return _grid(rows, [190, 60], head=True)


def _side_by_side(left: list[Flowable], right: list[Flowable]) -> Table:
    table = Table([[left, right]], colWidths=[INNER / 2, INNER / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _method() -> str:
    return (
        "Conversations are chats in which a resident wrote during the period. Referrals, "
        "suggestions and first contact count referrals made in the period; outcomes count "
        "referrals closed in it. The promise: urgent and crisis referrals contacted the same "
        "day, routine ones within 2 working days. Wellbeing change is the end score minus the "
        "start score for each person who answered both (ONS4: 0 to 10, higher is better, "
        "except anxiety; UCLA-3 loneliness: 3 to 9, lower is better), with a t-based 95% "
        "confidence interval."
    )
