"""The national record of each referral: the PRSB Social Prescribing Information Standard v1.1
(Professional Record Standards Body, January 2023; owned by NHS England from 1 January 2026,
Open Government Licence v3.0), its two messages "Referral to social prescribing service" and
"Message back to GP and referrer", as JSON.

Where the structure comes from:
- https://theprsb.org/standards/social-prescribing-standard/ (v1.1, the two messages, the
  viewer, Excel and JSON models, the Minimum Viable Information Standard);
- the v1.1 JSON model, https://dzffzywis6qj0.cloudfront.net/prsb-assets/
  23-Social%20Prescribing%20Information%20Standard/Social-Prescribing_simplified-v1.1.json:
  sections and elements with "mro" (M mandatory, R required if held, O optional); its first
  section, "Person demographics" (M, 1..1), holds the person's name, date of birth and address
  as mandatory, with NHS number, gender and ethnicity;
- the SNOMED CT codes: 871731000000106 "Referral to social prescribing service" and
  871711000000103 "Social prescribing declined" (NHS England's coding guidance, as quoted at
  https://www.transformationpartnersinhealthandcare.nhs.uk/our-work/personalised_care/
  arrs-roles/social-prescribing/faqs/ and https://www.socialrx.co.uk/blogs/blog/
  social-prescribing-snomed-codes-why-important); 306098008 "Self-referral" (HL7 UK Care
  Connect source of referral, yorkshire-and-humber-care-record/fhir-ig
  fsh-tank/input/fsh/CareConnect-fsh/Codes/CodesSourceOfReferral.fsh); 3457005 "Patient
  referral" (https://tx-dev.fhir.org/snomed/83821000000107-20230412/?id=3457005).

The section names past the first, and the element names, follow PRSB's common headings as far
as they could be read (docs/prsb.md says which were read and which are our best reading).
NHS England's social prescribing outcome refset is "available on request", so an outcome with
no verified SNOMED CT concept carries our own coded outcome and no SNOMED CT code: never a
guessed one. An element the standard names that we do not hold is exported as absent, with
a reason from ABSENCES, never invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.contact import phone_for_display
from frontdoor.store.caseload import ContactTotals, contact_totals
from frontdoor.store.casework import OUTCOME_LABELS, LinkWorker, Outcome, ReferralWork
from frontdoor.store.link_worker import audit
from frontdoor.store.models import (
    SNOMED_DECLINED,
    SNOMED_REFERRAL,
    Referral,
    WellbeingScore,
)
from frontdoor.wellbeing import ONS4, UCLA3, UCLA_CHOICES, ucla_total

STANDARD: Final = {
    "name": "PRSB Social Prescribing Information Standard",
    "version": "1.1",
    "publisher": "Professional Record Standards Body; NHS England from 1 January 2026",
    "licence": "Open Government Licence v3.0",
    "source": "https://theprsb.org/standards/social-prescribing-standard/",
}
SNOMED: Final = "http://snomed.info/sct"
OUTCOME_SYSTEM: Final = "urn:frontdoor:outcome"  # our own four outcomes (store/casework.py)
SNOMED_SELF_REFERRAL: Final = "306098008"
SNOMED_PATIENT_REFERRAL: Final = "3457005"
CONCEPTS: Final = {  # every SNOMED CT concept the export may carry, with its display
    SNOMED_REFERRAL: "Referral to social prescribing service (procedure)",
    SNOMED_DECLINED: "Social prescribing declined (situation)",
    SNOMED_SELF_REFERRAL: "Self-referral (procedure)",
    SNOMED_PATIENT_REFERRAL: "Patient referral (procedure)",
}
OUTCOME_CONCEPTS: Final[dict[str, str | None]] = {  # None: no verified concept, none sent
    "connected_to_group": None,
    "referred_elsewhere": SNOMED_PATIENT_REFERRAL,
    "declined": SNOMED_DECLINED,
    "could_not_contact": None,
}
CHANNELS: Final = {"socketio": "web chat", "sms": "text message", "rest": "the assistant's API"}
SERVICE: Final = "The council's community support (social prescribing) service"

Mro = Literal["M", "R", "O"]
Absence = Literal["not collected", "erased", "not applicable", "not yet known"]
ABSENCES: Final[dict[Absence, str]] = {
    "not collected": "The service does not ask for or hold this.",
    "erased": "Deleted at the person's request.",
    "not applicable": "Does not apply to this referral.",
    "not yet known": "Not recorded yet.",
}

# The two messages: each section's name and status, and each element's name and status.
Spec = tuple[tuple[str, Mro, tuple[tuple[str, Mro], ...]], ...]
DEMOGRAPHICS: Final = (
    "Person demographics",
    "M",
    (
        ("Person name", "M"),
        ("Date of birth", "M"),
        ("Address", "M"),
        ("NHS number", "R"),
        ("Gender", "R"),
        ("Ethnicity", "R"),
        ("Contact details", "R"),
        ("Preferred contact method", "R"),
        ("Preferred contact times", "O"),
    ),
)
REFERRAL_SPEC: Final[Spec] = (
    DEMOGRAPHICS,
    ("GP practice", "R", (("GP practice details", "R"),)),
    (
        "Referral details",
        "M",
        (
            ("Referral date", "M"),
            ("Referral type", "M"),
            ("Reason for referral", "M"),
            ("Service referred to", "M"),
            ("Referral priority", "R"),
            ("Source of referral", "R"),
            ("Referral reference", "R"),
        ),
    ),
    (
        "Referrer details",
        "M",
        (("Referrer name", "M"), ("Referrer role", "R"), ("Referrer organisation", "R")),
    ),
    ("Consent", "M", (("Consent to referral", "M"),)),
    ("What matters to me", "R", (("What matters to me", "R"),)),
    ("Safety alerts", "R", (("Risk", "R"),)),
    (
        "Outcome measures",
        "R",
        (("ONS4 personal wellbeing at start", "R"), ("UCLA loneliness scale at start", "R")),
    ),
)
MESSAGE_BACK_SPEC: Final[Spec] = (
    DEMOGRAPHICS,
    (
        "Referral details",
        "M",
        (("Referral date", "M"), ("Referral type", "M"), ("Referral reference", "R")),
    ),
    (
        "Social prescribing outcome",
        "M",
        (
            ("Outcome", "M"),
            ("Social prescribing code", "M"),
            ("Date of outcome", "M"),
            ("Community groups and services", "R"),
            ("Date of first contact", "R"),
            ("Number of contacts", "R"),
            ("Time spent with the person", "O"),
        ),
    ),
    (
        "Outcome measures",
        "R",
        (
            ("ONS4 personal wellbeing at start", "R"),
            ("ONS4 personal wellbeing at end", "R"),
            ("UCLA loneliness scale at start", "R"),
            ("UCLA loneliness scale at end", "R"),
        ),
    ),
    (
        "Person completing record",
        "M",
        (("Name", "M"), ("Role", "M"), ("Organisation", "R"), ("Date completed", "M")),
    ),
    ("Distribution list", "R", (("GP", "R"), ("Referrer", "R"))),
)
MESSAGES: Final = {
    "referral_to_social_prescribing_service": REFERRAL_SPEC,
    "message_back_to_gp_and_referrer": MESSAGE_BACK_SPEC,
}

Element = dict[str, Any]
Values = dict[str, Element]  # an element's name -> the element


def snomed(code: str) -> dict[str, str]:
    return {"system": SNOMED, "code": code, "display": CONCEPTS.get(code, "")}


def given(value: Any, *codings: dict[str, str]) -> Element:
    """An element we hold, with its codes if it is coded."""
    element: Element = {"value": value}
    if codings:
        element["coding"] = list(codings)
    return element


def absent(reason: Absence) -> Element:
    return {"absent": reason, "why": ABSENCES[reason]}


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


@dataclass
class Held:
    """What the store holds about the referrals being exported, read in a few queries."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    workers: dict[int, LinkWorker] = field(default_factory=dict)
    work: dict[int, ReferralWork] = field(default_factory=dict)
    contacts: dict[int, ContactTotals] = field(default_factory=dict)
    wellbeing: dict[tuple[int, str], WellbeingScore] = field(default_factory=dict)


def held_for(session: Session, referrals: Sequence[Referral]) -> Held:
    ids = [r.id for r in referrals]
    held = Held(contacts=contact_totals(session, ids))
    for outcome in session.scalars(sa.select(Outcome).where(Outcome.referral_id.in_(ids))):
        held.outcomes[outcome.referral_id] = outcome
    held.workers = {w.id: w for w in session.scalars(sa.select(LinkWorker))}
    for row in session.scalars(sa.select(ReferralWork).where(ReferralWork.referral_id.in_(ids))):
        held.work[row.referral_id] = row
    scores = sa.select(WellbeingScore).where(WellbeingScore.referral_id.in_(ids))
    for score in session.scalars(scores.order_by(WellbeingScore.recorded_at, WellbeingScore.id)):
        held.wellbeing[(int(score.referral_id), score.stage)] = score  # the latest of each stage
    return held


# Person demographics: nothing at all once the person's details were erased.


def demographics(referral: Referral) -> Values:
    if referral.erased_at is not None:
        return {name: absent("erased") for name, _ in DEMOGRAPHICS[2]}
    method = referral.contact_method
    return {
        "Person name": _held(referral.contact_name),
        "Date of birth": absent("not collected"),
        "Address": given({"town": referral.town}) if referral.town else absent("not collected"),
        "NHS number": absent("not collected"),
        "Gender": absent("not collected"),
        "Ethnicity": absent("not collected"),
        "Contact details": (
            given({"method": method, "detail": _shown(method, referral.contact_detail)})
            if referral.contact_detail
            else absent("not collected")
        ),
        "Preferred contact method": _held(method),
        "Preferred contact times": _held(referral.contact_time),
    }


def _shown(method: str | None, detail: str) -> str:
    """A phone number as people read one; an email address as it is."""
    return detail if method == "email" else phone_for_display(detail)


def _held(value: Any) -> Element:
    return given(value) if value not in (None, "", [], {}) else absent("not collected")


def _erasable(referral: Referral, value: Any) -> Element:
    """A free-text element about the person: gone when their details were erased."""
    return absent("erased") if referral.erased_at is not None else _held(value)


# The referral


def referral_message(referral: Referral, held: Held) -> dict[str, Values]:
    return {
        "Person demographics": demographics(referral),
        "GP practice": {"GP practice details": absent("not collected")},
        "Referral details": {
            "Referral date": given(stamp(referral.created_at)),
            "Referral type": given(CONCEPTS[SNOMED_REFERRAL], snomed(SNOMED_REFERRAL)),
            "Reason for referral": _erasable(referral, referral.summary),
            "Service referred to": given(f"{SERVICE}, level {referral.level}"),
            "Referral priority": given(referral.urgency),
            "Source of referral": given(
                f"Self-referral, by {CHANNELS.get(referral.channel, referral.channel)}",
                snomed(SNOMED_SELF_REFERRAL),
            ),
            "Referral reference": given(referral.reference),
        },
        "Referrer details": {
            "Referrer name": given("The person themselves"),
            "Referrer role": given("Self-referral"),
            "Referrer organisation": absent("not applicable"),
        },
        "Consent": {"Consent to referral": consent(referral)},
        "What matters to me": {"What matters to me": _erasable(referral, referral.what_matters)},
        "Safety alerts": {"Risk": _held(referral.risk)},
        "Outcome measures": {
            "ONS4 personal wellbeing at start": ons4(held.wellbeing.get((referral.id, "start"))),
            "UCLA loneliness scale at start": ucla3(held.wellbeing.get((referral.id, "start"))),
        },
    }


def consent(referral: Referral) -> Element:
    given_to = referral.consent
    if given_to is None:
        return absent("not yet known")
    return given(
        {
            "given_at": stamp(given_to.given_at),
            "wording_version": given_to.wording_version,
            "withdrawn_at": stamp(given_to.withdrawn_at),
        }
    )


def ons4(score: WellbeingScore | None) -> Element:
    answers = _answers(score, ONS4)
    if score is None or not any(v is not None for v in answers.values()):
        return absent("not yet known")
    return given({"recorded_at": stamp(score.recorded_at), "recorded_by": score.recorded_by,
                  **answers})  # fmt: skip


def ucla3(score: WellbeingScore | None) -> Element:
    answers = _answers(score, UCLA3)
    if score is None or not any(v is not None for v in answers.values()):
        return absent("not yet known")
    words = {q: UCLA_CHOICES.get(v) if v else None for q, v in answers.items()}
    return given(
        {
            "recorded_at": stamp(score.recorded_at),
            "recorded_by": score.recorded_by,
            **answers,
            "answers_in_words": words,
            "total": ucla_total(answers),
        }
    )


def _answers(score: WellbeingScore | None, questions: Sequence[str]) -> dict[str, int | None]:
    return {q: getattr(score, q) for q in questions} if score is not None else {}


# The message back, once the referral is closed


def message_back(referral: Referral, held: Held) -> dict[str, Values] | None:
    outcome = held.outcomes.get(referral.id)
    if outcome is None:
        return None
    start = held.wellbeing.get((referral.id, "start"))
    end = held.wellbeing.get((referral.id, "end"))
    return {
        "Person demographics": demographics(referral),
        "Referral details": {
            "Referral date": given(stamp(referral.created_at)),
            "Referral type": given(CONCEPTS[SNOMED_REFERRAL], snomed(SNOMED_REFERRAL)),
            "Referral reference": given(referral.reference),
        },
        "Social prescribing outcome": outcome_section(referral, outcome, held),
        "Outcome measures": {
            "ONS4 personal wellbeing at start": ons4(start),
            "ONS4 personal wellbeing at end": ons4(end),
            "UCLA loneliness scale at start": ucla3(start),
            "UCLA loneliness scale at end": ucla3(end),
        },
        "Person completing record": completing(outcome, held),
        "Distribution list": {
            "GP": absent("not collected"),
            "Referrer": given("The person themselves"),
        },
    }


def outcome_coded(outcome: str) -> Element:
    """Our outcome, coded in our own system and in SNOMED CT where a verified concept fits."""
    label = OUTCOME_LABELS.get(outcome, outcome)
    codings = [{"system": OUTCOME_SYSTEM, "code": outcome, "display": label}]
    concept = OUTCOME_CONCEPTS.get(outcome)
    if concept is not None:
        codings.append(snomed(concept))
    return given(label, *codings)


def outcome_section(referral: Referral, outcome: Outcome, held: Held) -> Values:
    totals = held.contacts.get(referral.id)
    work = held.work.get(referral.id)
    first_contact = work.first_contact_at if work else None
    return {
        "Outcome": outcome_coded(outcome.outcome),
        "Social prescribing code": given(
            CONCEPTS.get(outcome.snomed_code, outcome.snomed_code), snomed(outcome.snomed_code)
        ),
        "Date of outcome": given(stamp(outcome.closed_at)),
        "Community groups and services": (
            given(list(outcome.groups_joined))
            if outcome.groups_joined
            else absent("not applicable")
        ),
        "Date of first contact": (
            given(stamp(first_contact)) if first_contact else absent("not yet known")
        ),
        "Number of contacts": given(totals.contacts if totals else 0),
        "Time spent with the person": given(f"{totals.minutes if totals else 0} minutes"),
    }


def completing(outcome: Outcome, held: Held) -> Values:
    worker = held.workers.get(outcome.closed_by_id)
    return {
        "Name": given(worker.name) if worker else absent("not yet known"),
        "Role": given(
            "Social prescribing link worker"
            if worker is None or worker.role == "link_worker"
            else "Social prescribing service manager"
        ),
        "Organisation": given(SERVICE),
        "Date completed": given(stamp(outcome.closed_at)),
    }


# Putting a record together


def as_sections(values: dict[str, Values], spec: Spec) -> list[dict[str, Any]]:
    """The message's sections in the standard's order, each element named and with its
    status (M, R or O)."""
    return [
        {
            "name": section,
            "mro": mro,
            "elements": [
                {"name": name, "mro": status, **values.get(section, {}).get(name, {})}
                for name, status in elements
            ],
        }
        for section, mro, elements in spec
        if section in values
    ]


def record(referral: Referral, held: Held) -> dict[str, Any]:
    """One referral as the standard's two messages (the message back once it is closed)."""
    back = message_back(referral, held)
    return {
        "standard": STANDARD,
        "reference": referral.reference,
        "status": referral.status,
        "erased": referral.erased_at is not None,
        "referral_to_social_prescribing_service": {
            "sections": as_sections(referral_message(referral, held), REFERRAL_SPEC)
        },
        "message_back_to_gp_and_referrer": (
            {"sections": as_sections(back, MESSAGE_BACK_SPEC)}
            if back is not None
            else {"absent": "not yet known", "why": "Written when the referral is closed."}
        ),
    }


def records(session: Session, referrals: Sequence[Referral]) -> list[dict[str, Any]]:
    held = held_for(session, referrals)
    return [record(referral, held) for referral in referrals]


def chosen(
    session: Session, since: datetime | None = None, reference: str | None = None
) -> list[Referral]:
    """The referrals made since a moment (UTC) or the one with this reference, oldest first."""
    query = sa.select(Referral).order_by(Referral.created_at, Referral.id)
    if since is not None:
        query = query.where(Referral.created_at >= since)
    if reference:
        query = query.where(Referral.reference == reference.strip().upper())
    return list(session.scalars(query))


def export(
    session: Session, since: datetime | None = None, reference: str | None = None
) -> list[dict[str, Any]]:
    """Every chosen referral's record, oldest first."""
    return records(session, chosen(session, since, reference))


def exported_by(
    session: Session,
    worker: LinkWorker,
    since: datetime | None = None,
    reference: str | None = None,
) -> list[dict[str, Any]]:
    """The chosen referrals' records, each export kept in the audit trail as this person's."""
    chosen_now = chosen(session, since, reference)
    for referral in chosen_now:
        audit(session, worker, "export_prsb", referral)
    return records(session, chosen_now)
