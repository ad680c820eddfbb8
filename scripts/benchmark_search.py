"""How long finding a referral takes: many referrals with names (some with accents), phone
numbers stored in several forms and email addresses, on a fresh SQLite store (or DATABASE_URL's,
with --url).

    .venv/bin/python scripts/benchmark_search.py [--referrals 20000] [--runs 20] [--url URL]

Prints the median and slowest time of a search by part of a name (folded in Python), by a
phone number, by an email address and by part of a reference, and of one referral's likely
duplicates."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from itertools import count
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_caseload import print_times  # noqa: E402 (a script beside this one)

from frontdoor.store.db import init_db, session_scope  # noqa: E402
from frontdoor.store.models import Referral, utcnow  # noqa: E402
from frontdoor.store.referrals import new_reference  # noqa: E402
from frontdoor.store.search import find_referrals, likely_duplicates  # noqa: E402

FIRST = ("Margaret", "Siân", "Zoë", "Derek", "Ayesha", "Ruth", "Bernie", "Alan", "Chloé", "Niamh")
LAST = ("Oyelaran", "Jones", "O’Neill", "Hale", "Khan", "Webb", "Pole", "Núñez", "Smith", "Lee")
PHONE_FORMS = ("07700 9{:05d}", "+4477009{:05d}", "077009{:05d}")
BATCH = 2000
YEAR = timedelta(days=365)


def fill(url: str, referrals: int) -> str:
    """`referrals` referrals over the last year; returns the reference of the last."""
    pick = random.Random(7)
    numbers = count()
    reference = ""
    used: set[str] = set()
    with session_scope(url) as session:
        for n in range(referrals):
            number = next(numbers) % 100_000
            by_email = n % 3 == 0
            first, last = pick.choice(FIRST), pick.choice(LAST)
            form = PHONE_FORMS[n % len(PHONE_FORMS)]
            reference = new_reference()
            while reference in used:
                reference = new_reference()
            used.add(reference)
            session.add(
                Referral(
                    reference=reference,
                    level=3,
                    urgency="routine",
                    status="new",
                    channel="socketio",
                    conversation_id=f"bench-{n}",
                    created_at=utcnow().replace(microsecond=0) - pick.random() * YEAR,
                    contact_name=f"{first} {last}",
                    contact_method="email" if by_email else "phone",
                    contact_detail=f"resident{n}@example.org" if by_email else form.format(number),
                )
            )
            if n % BATCH == BATCH - 1:
                session.flush()
    return reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--url", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        init_db(url)
        reference = fill(url, options.referrals)
        print(f"{options.referrals} referrals ({url[:30]}...)")

        def duplicates(session: Session) -> object:
            referral = session.query(Referral).filter_by(reference=reference).one()
            return likely_duplicates(session, referral)

        reads: dict[str, Callable[[Session], object]] = {
            "name 'sian jon'": lambda session: find_referrals(session, "sian jon"),
            "phone '7700900123'": lambda session: find_referrals(session, "7700900123"),
            "email 'RESIDENT30@'": lambda session: find_referrals(session, "RESIDENT30@"),
            "reference, in part": lambda session: find_referrals(session, reference[:6]),
            "one referral's duplicates": duplicates,
        }
        print_times(url, options.runs, reads)


if __name__ == "__main__":
    main()
