"""The commissioners' report as the console serves it: the page with its charts, the CSV and
the one-page PDF, each with the headline figures; a period that is not one is refused."""

from __future__ import annotations

import csv
import io
import re

import pytest
from commissioning_helpers import fill_march
from console_helpers import log_in
from pypdf import PdfReader

from frontdoor.commissioning import build_commissioners_report, parse_period
from frontdoor.console.commissioning_view import headlines
from frontdoor.console.report_pdf import report_pdf
from frontdoor.store.db import session_scope
from scripts.generate_year import generate_year

SAM = "sam@example.org"
PAGE = "/report/commissioners"


@pytest.fixture()
def march_client(client, console_store: str):
    fill_march(console_store)
    log_in(client, SAM)
    return client


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_the_page_has_the_figures_and_every_chart_says_them(march_client) -> None:
    page = march_client.get(PAGE, params={"period": "2026-03"})
    assert page.status_code == 200
    text = page.text
    assert "March 2026" in text
    assert '<option value="2026-03" selected>March 2026</option>' in text
    assert re.search(r"<dt>Conversations</dt><dd>3</dd>", text)
    assert re.search(r"<dt>Referrals to a link worker</dt><dd>6</dd>", text)
    assert re.search(r"<dt>First contact within the promise</dt><dd>60%</dd>", text)
    assert "median 3.0 hours" in text and "90% within 3.1 days" in text
    assert "+3.00 (95% CI -0.44 to +6.44), 4 people" in text
    charts = re.findall(r'<svg role="img" aria-labelledby="([\w-]+)-title \1-desc"', text)
    assert set(charts) >= {"by-period", "by-level", "by-channel", "by-town", "outcomes"}
    assert (
        '<desc id="by-channel-desc">SMS: 2 conversations; Web chat: 1 conversations</desc>' in text
    )
    assert text.count("as a table</summary>") == text.count('<svg role="img"')
    assert "<script" not in text.split("<main", 1)[1]  # charts drawn on the server
    assert 'aria-current="page">Commissioners\' report</a>' in text


def test_the_csv_has_every_figure(march_client) -> None:
    response = march_client.get(PAGE + ".csv", params={"period": "2026-03"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert (
        'filename="frontdoor-commissioners-2026-03.csv"' in response.headers["content-disposition"]
    )
    rows = {(s, i): v for s, i, v in csv.reader(io.StringIO(response.text))}
    assert rows[("headline", "Conversations")] == "3"
    assert rows[("headline", "People connected to a group")] == "2"
    assert rows[("first contact: All referrals", "median hours")] == "3.00"
    assert rows[("first contact: All referrals", "90th percentile hours")] == "73.60"
    assert rows[("wellbeing change: Satisfied with life (0 to 10)", "95% CI low")] == "-0.44"
    assert rows[("suggestions", "suggested groups joined")] == "1"
    assert rows[("conversations by channel", "SMS")] == "2"
    assert rows[("unmet needs", "knitting")] == "2"
    assert rows[("month 2026-03", "referrals")] == "6"


def test_the_pdf_is_one_page_with_the_headline_figures(march_client) -> None:
    response = march_client.get(PAGE + ".pdf", params={"period": "2026-03"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages == 1
    assert "report to commissioners, March 2026" in text
    for phrase in (
        "Conversations 3",
        "Referrals to a link worker 6",
        "People connected to a group 2",
        "First contact within the promise 60%",
        "median 3.0 hours",
        "+3.00",
    ):
        assert phrase in text, phrase


def test_a_busy_year_still_fits_on_one_page(console_store: str) -> None:
    generate_year(console_store, parse_period("2026").end, seed=3, per_day=6.0)
    with session_scope(console_store) as session:
        report = build_commissioners_report(session, parse_period("2026"))
    pages, text = pdf_text(report_pdf(report))
    assert pages == 1
    for headline in headlines(report):
        assert f"{headline.label} {headline.value}" in text


def test_a_period_that_is_not_one_is_refused(march_client) -> None:
    for path in (PAGE, PAGE + ".csv", PAGE + ".pdf"):
        response = march_client.get(path, params={"period": "2026-13"})
        assert response.status_code == 400
        assert "Choose a month, a quarter or a year" in response.text


def test_the_report_needs_a_login(client) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code in (303, 401)
    assert client.get(PAGE + ".pdf", follow_redirects=False).status_code in (303, 401)
