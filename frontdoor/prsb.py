"""The national record of each referral: the PRSB Social Prescribing Information Standard v1.1
(Professional Record Standards Body, January 2023; owned by NHS England from 1 January 2026,
Open Government Licence v3.0), its two messages "Referral to social prescribing service" and
"Message back to GP and referrer", as JSON.

Where the structure comes from (docs/prsb.md lists every source and what each one settles):
- the standard's v1.1 JSON model, "Social-Prescribing_simplified-v1.1.json" (PRSB's own copy is
  https://dzffzywis6qj0.cloudfront.net/prsb-assets/23-Social%20Prescribing%20Information%20Standard/
  Social-Prescribing_simplified-v1.1.json; the copy read in full is
  AgileHealthInformatics/prsb-datamodel-pipeline examples/inputs/SocialPrescribing.json, whose
  start is the same text). Every section and element name below, its path inside its section
  and its "mro" (M mandatory, R required if held, no status where the model gives none) is
  copied from that model;
- which of the standard's nineteen sections each of the two messages carries is our reading of
  the model's own implementation guidance: PRSB publishes the two messages as separate models
  that could not be read (docs/prsb.md says which sections rest on which guidance);
- the SNOMED CT codes, each with the term its source gives: 871731000000106 "Referral to social
  prescribing service" (UoM-Data-Science-Platforms/gm-sde, the social prescribing referral code
  set; NHS England's coding as quoted by https://www.socialrx.co.uk/blogs/blog/
  social-prescribing-snomed-codes-why-important); 871711000000103 "Social prescribing declined"
  (Social Rx, as above); 306098008 "Self-referral" and 3457005 "Patient referral"
  (hi-dinanti/ancthesis-implementationguide input/fsh/valuesets/ServiceRequestCodes.fsh; HL7 UK
  Care Connect's source of referral in yorkshire-and-humber-care-record/fhir-ig; the UK edition
  on https://tx-dev.fhir.org/snomed/83821000000107-20230412/?id=3457005). Each is shown by its
  preferred term, never the fully specified name, as FHIR asks.

The standard has no element for a social prescribing outcome or its code: the outcome is told in
words in the Clinical summary, and each message's SNOMED CT codes (what NHS England asks GP
records to be coded with) travel beside its sections under "codes". NHS England's social
prescribing outcome refset is "available on request", so an outcome with no verified concept
carries our own coded outcome and no SNOMED CT code: never a guessed one. An element the
standard makes mandatory that we do not hold is exported as absent with a reason, never invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from frontdoor.contact import phone_for_display
from frontdoor.store.caseload import CONTACT_WAY_WORDS
from frontdoor.store.casework import OUTCOME_LABELS, LinkWorker, Outcome, ReferralWork
from frontdoor.store.link_worker import audit
from frontdoor.store.models import (
    SNOMED_DECLINED,
    SNOMED_REFERRAL,
    CaseContact,
    Referral,
    WellbeingScore,
)
from frontdoor.wellbeing import LABELS, ONS4, UCLA3, UCLA_CHOICES, ucla_total

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
CONCEPTS: Final = {  # every SNOMED CT concept the export may carry, with the term its source gives
    SNOMED_REFERRAL: "Referral to social prescribing service",
    SNOMED_DECLINED: "Social prescribing declined",
    SNOMED_SELF_REFERRAL: "Self-referral",
    SNOMED_PATIENT_REFERRAL: "Patient referral",
}
OUTCOME_CONCEPTS: Final[dict[str, str | None]] = {  # None: no verified concept, none sent
    "connected_to_group": None,
    "referred_elsewhere": SNOMED_PATIENT_REFERRAL,
    "declined": SNOMED_DECLINED,
    "could_not_contact": None,
}
CHANNELS: Final = {"socketio": "web chat", "sms": "text message", "rest": "the assistant's API"}
SERVICE: Final = "The council's community support (social prescribing) service"
LINK_WORKER_ROLES: Final = {
    "link_worker": "Social prescribing link worker",
    "manager": "Social prescribing service manager",
}
SELF_REFERRAL: Final = "Self referral"  # the model's own national code for the referral method

# M mandatory, R required if held (both from the model); None where the model gives no status.
Mro = Literal["M", "R", "O"] | None
Absence = Literal["not collected", "erased", "not applicable", "not yet known"]
ABSENCES: Final[dict[Absence, str]] = {
    "not collected": "The service does not ask for or hold this.",
    "erased": "Deleted at the person's request.",
    "not applicable": "Does not apply to this referral.",
    "not yet known": "Not recorded yet.",
}

# The standard's sections that the messages carry, in the model's order; each with the model's
# status and the elements we export, each named by its path inside the section (" / " between
# levels) with the model's status. A group is exported whole where the model makes the group
# mandatory and none of its parts. Elements the model lists that we neither hold nor must send
# are left out, as its guidance asks ("fields that could be left blank should not be included").
Section = tuple[str, Mro, tuple[tuple[str, Mro], ...]]
Spec = tuple[Section, ...]
ENTRY: Final = "Referral details record entry / "
SECTIONS: Final[dict[str, Section]] = {
    s[0]: s
    for s in (
        (
            "Person demographics",
            "M",
            (
                ("Person name / Person first name", "M"),
                ("Person name / Person family name", "M"),
                ("Person name / Person full name", "R"),
                ("Date of birth", "M"),
                ("Gender", "R"),
                ("Ethnicity", "R"),
                ("NHS number", "R"),
                ("Person's address", "R"),
                ("Person's contact details / Preferred contact method", "R"),
                ("Person's contact details / Person's telephone number details", "R"),
                ("Person's contact details / Person's email address details", "R"),
                ("Person's contact details / Other contact information", "R"),
            ),
        ),
        (
            "GP practice",
            "M",
            (
                ("GP practice record entry / GP practice details", "R"),
                ("GP practice record entry / GP practice identifier", "M"),
            ),
        ),
        ("About me", "R", (("What is most important to me / What is most important to me", "R"),)),
        ("Consent", "R", (("Consent for information sharing", "R"),)),
        (
            "Referral details",
            "M",
            (
                (ENTRY + "Date", "R"),
                (ENTRY + "Referrer details / Name", "M"),
                (ENTRY + "Referrer details / Role", "R"),
                (ENTRY + "Referrer details / Service", "M"),
                (ENTRY + "Referrer details / Organisation", "M"),
                (ENTRY + "Referrer details / Contact details", "M"),
                (ENTRY + "Referral method", "R"),
                (ENTRY + "Reason for referral / Free text", "R"),
                (ENTRY + "Referral to", "M"),
            ),
        ),
        (
            "Contacts with professionals",
            "R",
            (("Contacts with professionals record entry", "R"),),
        ),
        ("Clinical Summary", "R", (("Clinical summary", "R"),)),
        ("Signpost details", "R", (("Signpost details record entry", "R"),)),
        ("Assessments", None, (("Assessments record entry", "R"),)),
        ("Risks", "M", (("Risks record entry / Risk", "M"),)),
        (
            "Plan and requested actions",
            "R",
            (
                ("Plan and requested actions record entry / Actions for professionals", "R"),
                (
                    "Plan and requested actions record entry / Actions for person or their carer",
                    "R",
                ),
            ),
        ),
    )
}
# Which sections each message carries: our reading (docs/prsb.md), in the model's order.
REFERRAL_SPEC: Final[Spec] = tuple(
    SECTIONS[name]
    for name in (
        "Person demographics",
        "GP practice",
        "About me",
        "Consent",
        "Referral details",
        "Assessments",
        "Risks",
        "Plan and requested actions",
    )
)
MESSAGE_BACK_SPEC: Final[Spec] = tuple(
    SECTIONS[name]
    for name in (
        "Person demographics",
        "GP practice",
        "Consent",
        "Referral details",
        "Contacts with professionals",
        "Clinical Summary",
        "Signpost details",
        "Assessments",
        "Risks",
        "Plan and requested actions",
    )
)
MESSAGES: Final = {
    "referral_to_social_prescribing_service": REFERRAL_SPEC,
    "message_back_to_gp_and_referrer": MESSAGE_BACK_SPEC,
}

Element = dict[str, Any]
Values = dict[str, Element]  # an element's path -> the element
Coding = dict[str, str]


def snomed(code: str) -> Coding:
    return {"system": SNOMED, "code": code, "display": CONCEPTS.get(code, "")}


def given(value: Any, *codings: Coding) -> Element:
    """An element we hold, with its codes if it is coded."""
    element: Element = {"value": value}
    if codings:
        element["coding"] = list(codings)
    return element


def absent(reason: Absence, why: str | None = None) -> Element:
    return {"absent": reason, "why": why or ABSENCES[reason]}


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


@dataclass
class Held:
    """What the store holds about the referrals being exported, read in a few queries."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    workers: dict[int, LinkWorker] = field(default_factory=dict)
    work: dict[int, ReferralWork] = field(default_factory=dict)
    contacts: dict[int, list[CaseContact]] = field(default_factory=dict)
    wellbeing: dict[tuple[int, str], WellbeingScore] = field(default_factory=dict)


def held_for(session: Session, referrals: Sequence[Referral]) -> Held:
    ids = [r.id for r in referrals]
    held = Held(workers={w.id: w for w in session.scalars(sa.select(LinkWorker))})
    for outcome in session.scalars(sa.select(Outcome).where(Outcome.referral_id.in_(ids))):
        held.outcomes[outcome.referral_id] = outcome
    for row in session.scalars(sa.select(ReferralWork).where(ReferralWork.referral_id.in_(ids))):
        held.work[row.referral_id] = row
    contacts = sa.select(CaseContact).where(CaseContact.referral_id.in_(ids))
    for contact in session.scalars(contacts.order_by(CaseContact.happened_at, CaseContact.id)):
        held.contacts.setdefault(contact.referral_id, []).append(contact)
    scores = sa.select(WellbeingScore).where(WellbeingScore.referral_id.in_(ids))
    for score in session.scalars(scores.order_by(WellbeingScore.recorded_at, WellbeingScore.id)):
        held.wellbeing[(int(score.referral_id), score.stage)] = score  # the latest of each stage
    return held


# Person demographics: nothing at all once the person's details were erased.

ONE_NAME: Final = (
    "The service holds the name as the person gave it, in one piece: see Person full name."
)


def demographics(referral: Referral) -> Values:
    if referral.erased_at is not None:
        return {name: absent("erased") for name, _ in SECTIONS["Person demographics"][2]}
    method, detail = referral.contact_method, referral.contact_detail
    phone = detail if detail and method != "email" else None
    email = detail if detail and method == "email" else None
    return {
        "Person name / Person first name": absent("not collected", ONE_NAME),
        "Person name / Person family name": absent("not collected", ONE_NAME),
        "Person name / Person full name": _held(referral.contact_name),
        "Date of birth": absent("not collected"),
        "Gender": absent("not collected"),
        "Ethnicity": absent("not collected"),
        "NHS number": absent("not collected"),
        "Person's address": (
            given({"town": referral.town})
            if referral.town
            else absent("not collected", "The service holds the town at most, never an address.")
        ),
        "Person's contact details / Preferred contact method": _held(method),
        "Person's contact details / Person's telephone number details": (
            given({"Person's telephone number": phone_for_display(phone)})
            if phone
            else absent("not collected")
        ),
        "Person's contact details / Person's email address details": (
            given({"Person's email address": email}) if email else absent("not collected")
        ),
        "Person's contact details / Other contact information": (
            given(f"Best times to contact: {referral.contact_time}")
            if referral.contact_time
            else absent("not collected")
        ),
    }


def _held(value: Any) -> Element:
    return given(value) if value not in (None, "", [], {}) else absent("not collected")


def _erasable(referral: Referral, value: Any) -> Element:
    """A free-text element about the person: gone when their details were erased."""
    return absent("erased") if referral.erased_at is not None else _held(value)


def gp_practice() -> Values:
    return {
        "GP practice record entry / GP practice details": absent("not collected"),
        "GP practice record entry / GP practice identifier": absent(
            "not collected", "The service does not ask which GP practice the person is with."
        ),
    }


# The referral: the person referred themselves through the council's assistant.

SELF: Final = "The person referred themselves."


def referral_details(referral: Referral) -> Values:
    return {
        ENTRY + "Date": given(stamp(referral.created_at)),
        ENTRY + "Referrer details / Name": given("The person themselves"),
        ENTRY + "Referrer details / Role": absent("not applicable", SELF),
        ENTRY + "Referrer details / Service": absent("not applicable", SELF),
        ENTRY + "Referrer details / Organisation": absent("not applicable", SELF),
        ENTRY + "Referrer details / Contact details": _erasable(
            referral, _shown(referral.contact_method, referral.contact_detail)
        ),
        ENTRY + "Referral method": given(SELF_REFERRAL, snomed(SNOMED_SELF_REFERRAL)),
        ENTRY + "Reason for referral / Free text": _erasable(referral, referral.summary),
        ENTRY + "Referral to": given(
            {"Service": {"Free text": f"{SERVICE}, level {referral.level}"}}
        ),
    }


def _shown(method: str | None, detail: str | None) -> str | None:
    """A phone number as people read it; an email address as it is."""
    return detail if method == "email" or not detail else phone_for_display(detail)


def referral_message(referral: Referral, held: Held) -> dict[str, Values]:
    start = held.wellbeing.get((referral.id, "start"))
    return {
        "Person demographics": demographics(referral),
        "GP practice": gp_practice(),
        "About me": {
            "What is most important to me / What is most important to me": _erasable(
                referral, referral.what_matters
            )
        },
        "Consent": {"Consent for information sharing": consent(referral)},
        "Referral details": referral_details(referral),
        "Assessments": {"Assessments record entry": assessments((start,))},
        "Risks": {"Risks record entry / Risk": risk(referral)},
        "Plan and requested actions": plan(referral),
    }


def consent(referral: Referral) -> Element:
    given_to = referral.consent
    if given_to is None:
        return absent("not yet known", "The assistant has no record of the person's consent.")
    said = f"The person agreed to share this with the service on {stamp(given_to.given_at)}"
    said += f" (wording {given_to.wording_version})."
    if given_to.withdrawn_at is not None:
        said += f" They withdrew it on {stamp(given_to.withdrawn_at)}."
    return given(said)


def risk(referral: Referral) -> Element:
    """The model makes Risks mandatory and asks that "no known risks" can be said."""
    if referral.risk:
        found = referral.risk.replace("_", " ")
        return given({"Free text": f"The assistant's safety check flagged: {found}."})
    return given({"Free text": "No known risks: the assistant's safety check found none."})


def plan(referral: Referral) -> Values:
    return {
        "Plan and requested actions record entry / Actions for professionals": absent(
            "not collected", "The service does not record actions for the GP or the referrer."
        ),
        "Plan and requested actions record entry / Actions for person or their carer": (
            _erasable(referral, referral.plan)
        ),
    }


# Assessments: ONS4 personal wellbeing and the UCLA 3-item loneliness scale.


def assessments(scores: Sequence[WellbeingScore | None]) -> Element:
    entries = [e for s in scores if s is not None for e in (ons4(s), ucla3(s)) if e]
    return given(entries) if entries else absent("not yet known")


def _answers(score: WellbeingScore, questions: Sequence[str]) -> dict[str, int | None]:
    return {q: getattr(score, q) for q in questions}


def _entry(score: WellbeingScore, name: str, result: dict[str, Any]) -> dict[str, Any]:
    """One Assessments record entry, in the model's own element names."""
    stage = "at the start" if score.stage == "start" else "at the end"
    return {
        "Assessment type": f"Wellbeing {stage} of social prescribing",
        "Structured assessment": {"Structured assessment name": {"Free text": name}, **result},
        "Comment": f"Answered on {stamp(score.recorded_at)}, recorded by {score.recorded_by}.",
    }


def ons4(score: WellbeingScore) -> dict[str, Any] | None:
    answers = _answers(score, ONS4)
    if all(v is None for v in answers.values()):
        return None
    parts = [_subscale(q, v) for q, v in answers.items() if v is not None]
    return _entry(score, "ONS4 personal wellbeing", {"Subscale result": parts})


def ucla3(score: WellbeingScore) -> dict[str, Any] | None:
    answers = _answers(score, UCLA3)
    if all(v is None for v in answers.values()):
        return None
    parts = [
        {**_subscale(q, v), "Ordinal": {"Free text": UCLA_CHOICES[v]}}
        for q, v in answers.items()
        if v is not None
    ]
    total = ucla_total(answers)
    result: dict[str, Any] = {"Subscale result": parts}
    if total is not None:
        result["Assessment result"] = {"Value": total}
    return _entry(score, "UCLA 3-item loneliness scale", result)


def _subscale(question: str, value: int) -> dict[str, Any]:
    return {"Subscale score": {"Free text": LABELS[question]}, "Value": value}


# The message back, once the referral is closed


def message_back(referral: Referral, held: Held) -> dict[str, Values] | None:
    outcome = held.outcomes.get(referral.id)
    if outcome is None:
        return None
    start = held.wellbeing.get((referral.id, "start"))
    end = held.wellbeing.get((referral.id, "end"))
    return {
        "Person demographics": demographics(referral),
        "GP practice": gp_practice(),
        "Consent": {"Consent for information sharing": consent(referral)},
        "Referral details": referral_details(referral),
        "Contacts with professionals": {
            "Contacts with professionals record entry": contacts(referral, held)
        },
        "Clinical Summary": {"Clinical summary": given(summary(referral, outcome, held))},
        "Signpost details": {"Signpost details record entry": signposts(outcome)},
        "Assessments": {"Assessments record entry": assessments((start, end))},
        "Risks": {"Risks record entry / Risk": risk(referral)},
        "Plan and requested actions": plan(referral),
    }


def contacts(referral: Referral, held: Held) -> Element:
    """Each contact the link workers logged: when, who and how; never what they wrote."""
    entries = [
        {
            "Date and time of contact": stamp(contact.happened_at),
            "Seen by": _professional(held.workers.get(contact.link_worker_id)),
            "Consultation method": CONTACT_WAY_WORDS.get(contact.how, contact.how),
        }
        for contact in held.contacts.get(referral.id, [])
    ]
    return given(entries) if entries else absent("not applicable", "No contact was logged.")


def _professional(worker: LinkWorker | None) -> dict[str, str]:
    if worker is None:
        return {"Role": LINK_WORKER_ROLES["link_worker"]}
    return {"Name": worker.name, "Role": LINK_WORKER_ROLES.get(worker.role, worker.role)}


def signposts(outcome: Outcome) -> Element:
    """The community groups the person was connected to."""
    groups = list(outcome.groups_joined or [])
    if not groups:
        return absent("not applicable", "The person was not connected to a group.")
    return given([{"Signpost to": {"Service": {"Free text": group}}} for group in groups])


def summary(referral: Referral, outcome: Outcome, held: Held) -> str:
    """The Clinical summary: the outcome and how it was reached, in words (the link workers'
    own notes are never sent)."""
    label = OUTCOME_LABELS.get(outcome.outcome, outcome.outcome)
    logged = held.contacts.get(referral.id, [])
    minutes = sum(c.minutes for c in logged)
    work = held.work.get(referral.id)
    lines = [f"Outcome: {label}.", f"Contacts: {len(logged)}, {minutes} minutes in all."]
    if work is not None and work.first_contact_at is not None:
        lines.append(f"First contact: {stamp(work.first_contact_at)}.")
    if outcome.groups_joined:
        lines.append(f"Groups joined: {', '.join(outcome.groups_joined)}.")
    worker = _professional(held.workers.get(outcome.closed_by_id))
    who = f"{worker['Name']}, " if "Name" in worker else ""
    lines.append(f"Closed by {who}{worker['Role'].lower()}, on {stamp(outcome.closed_at)}.")
    return " ".join(lines)


def referral_codes() -> list[Coding]:
    return [snomed(SNOMED_REFERRAL)]


def outcome_codes(outcome: Outcome) -> list[Coding]:
    """The code recorded at closing, our coded outcome and its SNOMED CT concept if verified."""
    label = OUTCOME_LABELS.get(outcome.outcome, outcome.outcome)
    codes = [snomed(outcome.snomed_code), {"system": OUTCOME_SYSTEM, "code": outcome.outcome,
                                           "display": label}]  # fmt: skip
    concept = OUTCOME_CONCEPTS.get(outcome.outcome)
    if concept is not None and concept != outcome.snomed_code:
        codes.append(snomed(concept))
    return codes


# Putting a record together


def as_sections(values: dict[str, Values], spec: Spec) -> list[dict[str, Any]]:
    """The message's sections in the standard's order, each element named by its path and
    with its status."""
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
    outcome = held.outcomes.get(referral.id)
    return {
        "standard": STANDARD,
        "reference": referral.reference,
        "status": referral.status,
        "urgency": referral.urgency,
        "level": referral.level,
        "channel": CHANNELS.get(referral.channel, referral.channel),
        "erased": referral.erased_at is not None,
        "referral_to_social_prescribing_service": {
            "sections": as_sections(referral_message(referral, held), REFERRAL_SPEC),
            "codes": referral_codes(),
        },
        "message_back_to_gp_and_referrer": (
            {
                "sections": as_sections(back, MESSAGE_BACK_SPEC),
                "codes": outcome_codes(outcome),
            }
            if back is not None and outcome is not None
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
