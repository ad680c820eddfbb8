"""The views across referrals: the queue, the link workers, the audit trail and the report."""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.console import schemas
from frontdoor.console.report import build_report, report_csv
from frontdoor.console.workflow import views
from frontdoor.console.workflow.desk import Desk, WorkflowError, step
from frontdoor.store import link_worker as work

REPORT_FILE = "frontdoor-report.csv"


@dataclass(frozen=True)
class Download:
    """A file for the browser to save."""

    filename: str
    media_type: str
    text: str


@step
def queue(desk: Desk, query: schemas.QueueQuery) -> list[schemas.QueueItem]:
    """The queue: crisis and urgent first, then oldest first, with each one's wait."""
    wanted = work.QueueFilter(
        status=query.status,
        level=query.level,
        channel=query.channel,
        town=query.town,
        claimed_by=desk.actor.email if query.mine else None,
    )
    return views.queue(desk.session, wanted)


@step
def queue_choices(desk: Desk) -> schemas.QueueChoices:
    """The channels and towns referrals have, to filter the queue by."""
    choices = work.queue_choices(desk.session)
    return schemas.QueueChoices(channels=choices["channels"], towns=choices["towns"])


@step
def link_workers(desk: Desk) -> list[schemas.LinkWorkerOut]:
    """Everyone with an active account, by name."""
    return [views.link_worker(w) for w in work.list_workers(desk.session)]


@step
def audit_trail(desk: Desk, reference: str | None, limit: int) -> list[schemas.AuditLine]:
    """Managers only: who viewed or changed which referral, newest first."""
    if not desk.actor.is_manager:
        raise WorkflowError("forbidden", "Only managers can see this.")
    found = work.audit_trail(desk.session, schemas.clean_or_none(reference), limit)
    return [views.audit_line(e) for e in found]


@step
def report(desk: Desk, weeks: int) -> schemas.ReportOut:
    """The service's figures for the last `weeks` weeks."""
    return build_report(desk.session, weeks)


@step
def report_download(desk: Desk, weeks: int) -> Download:
    """The report as a CSV file, every figure a row."""
    return Download(REPORT_FILE, "text/csv", report_csv(build_report(desk.session, weeks)))
