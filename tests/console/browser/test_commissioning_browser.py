"""The commissioners' report in headless Chromium over a generated year: axe-core clean
(WCAG 2.2 AA) for a year and a month, on a desktop and a phone; a period chosen from the
menu; every chart's figures readable as a table; the CSV and PDF download."""

from __future__ import annotations

import io
from datetime import date

import pytest
from browser_helpers import axe_violations
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_console_browser import log_in

from scripts.generate_year import generate_year

SAM = "sam@example.org"
PHONE = {"width": 375, "height": 740}


@pytest.fixture()
def year_console(console):
    generate_year(console.database_url, date(2026, 12, 1), seed=15, per_day=4.0)
    return console


@pytest.mark.parametrize("period", ["2026", "2026-03"])
def test_the_report_is_axe_clean_on_a_desktop_and_a_phone(
    page: Page, year_console, period: str
) -> None:
    log_in(page, year_console.url, SAM)
    page.goto(f"{year_console.url}/report/commissioners?period={period}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report to commissioners")
    for details in page.locator("details").all():
        details.locator("summary").click()  # the tables behind the charts are checked too
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    page.reload()
    assert axe_violations(page) == []


def test_choose_a_period_and_read_a_chart_as_a_table(page: Page, year_console) -> None:
    log_in(page, year_console.url, SAM)
    page.goto(f"{year_console.url}/report/commissioners?period=2026")
    page.get_by_label("Period", exact=True).select_option(label="April to June 2026")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{year_console.url}/report/commissioners?period=2026-Q2")
    expect(page.get_by_label("Period", exact=True)).to_have_value("2026-Q2")
    chart = page.get_by_role("img", name="Conversations and referrals, by month")
    expect(chart).to_be_visible()
    page.get_by_text("Conversations and referrals, by month as a table").click()
    rows = page.locator("#by-period table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("th")).to_have_text("April 2026")
    expect(page.get_by_role("img", name="Conversations by channel")).to_be_visible()


def test_the_downloads(page: Page, year_console) -> None:
    log_in(page, year_console.url, SAM)
    page.goto(f"{year_console.url}/report/commissioners?period=2026-Q2")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    assert csv_download.value.suggested_filename == "frontdoor-commissioners-2026-Q2.csv"
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="one-page summary").click()
    reader = PdfReader(io.BytesIO(pdf_download.value.path().read_bytes()))
    assert len(reader.pages) == 1
    assert "April to June 2026" in reader.pages[0].extract_text()
