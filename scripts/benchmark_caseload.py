"""How long a big caseload takes to read: one link worker with many open referrals, each with
tasks and contacts logged, on a fresh SQLite store (or DATABASE_URL's, with --url).

    .venv/bin/python scripts/benchmark_caseload.py [--cases 300] [--runs 20] [--url URL]

Prints the median and slowest time of My caseload, the header's count of tasks due, one
referral's contact log and tasks, and the report (which counts the contacts)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from frontdoor.console.report import build_report
from frontdoor.store import caseload
from frontdoor.store import link_worker as work
from frontdoor.store.db import init_db, session_scope
from frontdoor.store.models import utcnow
from frontdoor.store.referrals import ReferralDraft, create_referral

EMAIL = "sam@example.org"
TASKS, CONTACTS = 5, 10


def fill(url: str, cases: int) -> str:
    """A link worker with `cases` open referrals, each with tasks and contacts; one reference."""
    today = caseload.local_today()
    with session_scope(url) as session:
        sam = work.create_link_worker(session, "Sam Jones", EMAIL, "link_worker", "not-a-hash")
        reference = ""
        for n in range(cases):
            draft = ReferralDraft(
                conversation_id=f"bench-{n}",
                channel="socketio",
                level=3,
                urgency=("routine", "urgent")[n % 2],
                contact_name="Margaret",
                contact_method="phone",
                contact_detail="07700 900123",
                contact_time="mornings",
                consent_wording="OK to share?",
                consent_wording_version="v1",
            )
            referral = create_referral(session, draft)
            referral.created_at = utcnow() - timedelta(days=3)
            work.claim(session, referral, sam)
            for minutes in range(CONTACTS):
                caseload.log_contact(session, referral, sam, "phone", minutes, "Rang")
            for days in range(TASKS):
                due = today + timedelta(days=days - 2)
                caseload.add_task(session, referral, sam, f"Task {days}", due, today=due)
            reference = referral.reference
    return reference


def timed(url: str, runs: int, read: Callable[[Session], object]) -> tuple[float, float]:
    """The median and slowest of `runs` reads, in milliseconds, each in its own session."""
    times = []
    for _ in range(runs):
        with session_scope(url) as session:
            start = time.perf_counter()
            read(session)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--url", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        init_db(url)
        reference = fill(url, options.cases)
        contacts, tasks = options.cases * CONTACTS, options.cases * TASKS
        print(f"{options.cases} open cases, {contacts} contacts, {tasks} tasks ({url[:30]}...)")

        def one_case(session: Session) -> object:
            referral = work.referral_by_reference(session, reference)
            assert referral is not None
            return caseload.contacts_for(session, referral), caseload.tasks_for(session, referral)

        reads: dict[str, Callable[[Session], object]] = {
            "My caseload": lambda session: caseload.caseload(session, EMAIL),
            "tasks due (header)": lambda session: caseload.tasks_due_count(session, EMAIL),
            "one case's log and tasks": one_case,
            "report (12 weeks)": build_report,
        }
        print_times(url, options.runs, reads)


def print_times(url: str, runs: int, reads: dict[str, Callable[[Session], object]]) -> None:
    """One line a read: its median and slowest time."""
    for name, read in reads.items():
        median, slowest = timed(url, runs, read)
        print(f"{name:26} median {median:7.1f} ms   slowest {slowest:7.1f} ms")


if __name__ == "__main__":
    main()
