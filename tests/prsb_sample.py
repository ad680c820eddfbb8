"""A realistic year of made-up referrals for the PRSB export's tests, made through the store's
own steps (the assistant's referral, wellbeing answers, a link worker's claim, contacts and
closing, a resident's erasure): every level, urgency and channel, still open, declined, closed
with each outcome, and erased."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from frontdoor.store.caseload import log_contact
from frontdoor.store.casework import OUTCOMES, LinkWorker
from frontdoor.store.link_worker import claim, close, create_link_worker
from frontdoor.store.models import URGENCIES, Referral, utcnow
from frontdoor.store.referrals import ReferralDraft, create_referral, erase_personal_data
from frontdoor.store.wellbeing import record_wellbeing
from frontdoor.wellbeing import ONS4, UCLA3

NAMES = ("Margaret", "Derek", "Aisha", "Tomasz", "Joan", "Priya", "Colin", "Beth")
TOWNS = ("Boston", "Louth", "Skegness", "Lincoln", "Spalding", None)
CHANNELS = ("rest", "sms", "socketio")
GROUPS = ("Boston Lunch Club", "Tuesday Walkers", "Louth Community Choir", "Men's Shed Lincoln")
FATES = ("open", "claimed", *OUTCOMES)  # how each referral stands at the end of the year


@dataclass
class Sample:
    """What was made: references by how each one ended, and which were erased."""

    by_fate: dict[str, list[str]] = field(default_factory=dict)
    erased: list[str] = field(default_factory=list)
    personal: dict[str, list[str]] = field(default_factory=dict)  # words that must not leak

    def add(self, fate: str, referral: Referral) -> None:
        self.by_fate.setdefault(fate, []).append(referral.reference)


def team(session: Session) -> list[LinkWorker]:
    return [
        create_link_worker(session, "Sam Jones", "sam@example.org", "link_worker", "unused"),
        create_link_worker(session, "Alex Smith", "alex@example.org", "link_worker", "unused"),
        create_link_worker(session, "Pat Manager", "pat@example.org", "manager", "unused"),
    ]


def answers(rng: random.Random, better: int = 0) -> dict[str, int | None]:
    """One set of ONS4 and UCLA-3 answers, a question now and then passed on."""
    found: dict[str, int | None] = {}
    for question in ONS4:
        value = rng.randint(2, 7) + better * (1 if question != "anxious" else -1)
        found[question] = None if rng.random() < 0.1 else max(0, min(10, value))
    for question in UCLA3:
        found[question] = None if rng.random() < 0.1 else max(1, min(3, rng.randint(2, 3) - better))
    return found


def generate(session: Session, count: int = 72, seed: int = 15) -> Sample:
    """count referrals over the past year; every seventh one erased at the resident's request."""
    rng = random.Random(seed)
    workers = team(session)
    sample = Sample()
    kinds = itertools.cycle(itertools.product((1, 2, 3), URGENCIES, FATES))
    for number in range(count):
        level, urgency, fate = next(kinds)
        referral = _referral(session, rng, number, level, urgency)
        sample.personal[referral.reference] = [
            str(referral.contact_name),
            str(referral.contact_detail),
            referral.summary,
        ]
        if level > 1 and rng.random() < 0.8:
            record_wellbeing(session, referral.conversation_id, "start", "assistant", answers(rng))
        _work_on(session, rng, referral, workers[number % 2], fate)
        sample.add(fate, referral)
        if number % 7 == 3:  # 7 and the 6 fates share no factor: every fate has some
            erase_personal_data(session, referral.conversation_id)
            sample.erased.append(referral.reference)
    session.flush()
    return sample


def _referral(
    session: Session, rng: random.Random, number: int, level: int, urgency: str
) -> Referral:
    name = NAMES[number % len(NAMES)]
    method = ("phone", "text", "email")[number % 3]
    detail = (
        f"{name.lower()}{number}@example.org" if method == "email" else f"07700 900{number:03d}"
    )
    draft = ReferralDraft(
        conversation_id=f"prsb-resident-{number}",
        channel=CHANNELS[number % len(CHANNELS)],
        level=level,
        urgency=urgency,
        contact_name=f"{name} Sample{number}",
        contact_method=method,
        contact_detail=detail,
        contact_time=rng.choice(("weekday mornings", "after 5pm", None)),
        consent_wording="Is it OK to share this with a link worker?",
        consent_wording_version="v1",
        summary=f"{name} Sample{number} would like to meet people nearby.",
        what_matters={"what_matters": f"seeing my grandchildren, {name}", "barriers": "buses"},
        plan="Try a lunch club near home." if level > 1 else None,
        suggested_groups=list(rng.sample(GROUPS, 2)),
        risk="self_harm" if urgency == "crisis" else None,
        town=TOWNS[number % len(TOWNS)],
    )
    referral = create_referral(session, draft)
    referral.created_at = utcnow() - timedelta(days=360 - number * 4, hours=rng.randint(0, 8))
    return referral


def _work_on(
    session: Session, rng: random.Random, referral: Referral, worker: LinkWorker, fate: str
) -> None:
    """Claim it, reach the resident a few times and close it with its outcome, as far as its
    fate goes."""
    if fate == "open":
        return
    claim(session, referral, worker)
    if fate == "claimed" or fate == "could_not_contact":
        if fate == "could_not_contact":
            close(session, referral, worker, fate)
        return
    for visit in range(rng.randint(1, 4)):
        when = referral.created_at + timedelta(days=1 + visit * 7, hours=2)
        how = rng.choice(("phone", "in_person", "sms"))
        log_contact(session, referral, worker, how, rng.randint(10, 60), "Talked it over.", when)
    if fate != "declined" and rng.random() < 0.8:
        record_wellbeing(
            session, referral.conversation_id, "end", "link_worker", answers(rng, better=1)
        )
    joined = list(rng.sample(GROUPS, rng.randint(1, 2))) if fate == "connected_to_group" else []
    close(session, referral, worker, fate, groups_joined=joined)
