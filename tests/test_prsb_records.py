"""The PRSB social prescribing record (frontdoor/prsb.py): every record of a realistic year of
referrals passes the checker on SQLite and PostgreSQL; a closed referral's message back carries
its outcome's codes; an erased referral exports nothing personal; the checker finds a missing
mandatory field and an unknown code; `frontdoor export prsb` writes the records."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from prsb_sample import Sample, generate
from store_helpers import referral_draft

from frontdoor.cli import main
from frontdoor.prsb import ENTRY, MESSAGES, OUTCOME_SYSTEM, SNOMED, export
from frontdoor.prsb_check import check_all, problems
from frontdoor.store.casework import OUTCOME_LABELS, OUTCOMES
from frontdoor.store.db import session_scope
from frontdoor.store.link_worker import claim, close, create_link_worker
from frontdoor.store.models import SNOMED_DECLINED, SNOMED_REFERRAL, utcnow
from frontdoor.store.referrals import create_referral

REFERRAL = "referral_to_social_prescribing_service"
BACK = "message_back_to_gp_and_referrer"
TO = ENTRY + "Referral to"
Record = dict[str, Any]


def element(record: Record, message: str, section: str, name: str) -> dict[str, Any]:
    """One element (named by its path in its section) of one of the record's two messages."""
    for found in record[message]["sections"]:
        if found["name"] == section:
            return next(e for e in found["elements"] if e["name"] == name)
    raise KeyError(f"{message} has no section {section}")


def sample_records(url: str) -> tuple[Sample, dict[str, Record]]:
    with session_scope(url) as session:
        sample = generate(session)
    with session_scope(url) as session:
        return sample, {r["reference"]: r for r in export(session)}


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sample, dict[str, Record]]:
    """The sample year on SQLite, made once for the tests that only read it."""
    from frontdoor.store.db import init_db

    url = f"sqlite:///{tmp_path_factory.mktemp('prsb')}/store.db"
    init_db(url)
    return sample_records(url)


def test_every_record_of_a_year_passes_the_check(store_url: str) -> None:
    sample, records = sample_records(store_url)
    assert len(records) == 72
    assert check_all(list(records.values())) == {}
    assert set(sample.by_fate) == {"open", "claimed", *OUTCOMES}
    assert {r["status"] for r in records.values()} == {"new", "claimed", "closed"}
    erased_fates = {f for f, refs in sample.by_fate.items() if set(refs) & set(sample.erased)}
    assert erased_fates == set(sample.by_fate)  # erased ones in every state
    assert {r["urgency"] for r in records.values()} == {"routine", "urgent", "crisis"}
    services = {element(r, REFERRAL, "Referral details", TO)["value"]["Service"]["Free text"][-7:]
                for r in records.values()}  # fmt: skip
    assert services == {"level 1", "level 2", "level 3"}
    for record in records.values():
        said = element(record, REFERRAL, "Risks", "Risks record entry / Risk")["value"]
        assert ("flagged: self harm" in said["Free text"]) == (record["urgency"] == "crisis")


def test_the_standards_mandatory_sections_and_elements_are_all_mapped() -> None:
    """The model's mandatory sections, and its mandatory elements within the sections we send,
    as the v1.1 JSON model gives them (docs/prsb.md), are in both messages as mandatory."""
    mandatory = {
        "Person demographics": [
            "Person name / Person first name",
            "Person name / Person family name",
            "Date of birth",
        ],
        "GP practice": ["GP practice record entry / GP practice identifier"],
        "Referral details": [
            f"Referral details record entry / {name}"
            for name in (
                "Referrer details / Name",
                "Referrer details / Service",
                "Referrer details / Organisation",
                "Referrer details / Contact details",
                "Referral to",
            )
        ],
        "Risks": ["Risks record entry / Risk"],
    }
    for spec in MESSAGES.values():
        sections = {name: (mro, dict(elements)) for name, mro, elements in spec}
        for section, elements in mandatory.items():
            assert sections[section][0] == "M"
            assert all(sections[section][1][e] == "M" for e in elements), section
        marked = {(s, e) for s, (_, es) in sections.items() for e, m in es.items() if m == "M"}
        assert marked == {(s, e) for s, es in mandatory.items() for e in es}


def test_the_referral_carries_the_referral_code(year: tuple[Sample, dict[str, Record]]) -> None:
    _, records = year
    for record in records.values():
        assert record[REFERRAL]["codes"] == [
            {
                "system": SNOMED,
                "code": SNOMED_REFERRAL,
                "display": "Referral to social prescribing service",
            }
        ]
        method = element(record, REFERRAL, "Referral details", ENTRY + "Referral method")
        assert method["value"] == "Self referral"
        assert method["coding"] == [
            {"system": SNOMED, "code": "306098008", "display": "Self-referral"}
        ]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_closed_referrals_message_back_carries_its_outcome_code(
    year: tuple[Sample, dict[str, Record]], outcome: str
) -> None:
    sample, records = year
    for reference in sample.by_fate[outcome]:
        record = records[reference]
        codes = record[BACK]["codes"]
        expected = SNOMED_DECLINED if outcome == "declined" else SNOMED_REFERRAL
        assert codes[0]["code"] == expected
        assert codes[1] == {
            "system": OUTCOME_SYSTEM,
            "code": outcome,
            "display": OUTCOME_LABELS[outcome],
        }
        extra = {"referred_elsewhere": ["3457005"]}.get(outcome, [])
        assert [c["code"] for c in codes[2:]] == extra
        said = element(record, BACK, "Clinical Summary", "Clinical summary")["value"]
        assert said.startswith(f"Outcome: {OUTCOME_LABELS[outcome]}.")
        assert "Closed by Sam Jones, " in said or "Closed by Alex Smith, " in said


def test_connected_people_name_their_groups_and_scores_before_and_after(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    ends = 0
    for reference in sample.by_fate["connected_to_group"]:
        record = records[reference]
        groups = element(record, BACK, "Signpost details", "Signpost details record entry")
        named = [g["Signpost to"]["Service"]["Free text"] for g in groups["value"]]
        assert named and all(isinstance(g, str) and g for g in named)
        contacts = element(
            record, BACK, "Contacts with professionals", "Contacts with professionals record entry"
        )["value"]
        assert contacts and all(
            c["Seen by"]["Name"] in ("Sam Jones", "Alex Smith") for c in contacts
        )
        assert "Talked it over" not in json.dumps(record)  # the link workers' notes stay here
        assessed = element(record, BACK, "Assessments", "Assessments record entry")
        for entry in assessed.get("value", []):
            if entry["Assessment type"].startswith("Wellbeing at the end"):
                ends += 1
                assert entry["Comment"].endswith("recorded by link_worker.")
    assert ends > 0


def test_a_referral_still_open_has_no_message_back_yet(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    for reference in sample.by_fate["open"] + sample.by_fate["claimed"]:
        assert records[reference][BACK]["absent"] == "not yet known"


def test_an_erased_referral_exports_no_personal_details(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    assert sample.erased
    for reference in sample.erased:
        record = records[reference]
        text = json.dumps(record)
        for words in sample.personal[reference]:
            assert words not in text
        assert "07700" not in text and "@example.org" not in text and "grandchildren" not in text
        assert record["erased"] is True
        messages = [m for m in (REFERRAL, BACK) if "sections" in record[m]]
        for message in messages:
            person = next(
                s for s in record[message]["sections"] if s["name"].startswith("Person d")
            )
            assert {e["absent"] for e in person["elements"]} == {"erased"}
        for name, section in (
            (ENTRY + "Reason for referral / Free text", "Referral details"),
            (ENTRY + "Referrer details / Contact details", "Referral details"),
            ("What is most important to me / What is most important to me", "About me"),
        ):
            assert element(record, REFERRAL, section, name)["absent"] == "erased"


def test_the_checker_finds_a_missing_mandatory_field_and_unknown_codes(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    record = copy.deepcopy(records[sample.by_fate["declined"][0]])
    person = record[REFERRAL]["sections"][0]
    first = "Person name / Person first name"
    person["elements"] = [e for e in person["elements"] if e["name"] != first]
    date_of_birth = next(e for e in person["elements"] if e["name"] == "Date of birth")
    date_of_birth.pop("absent")
    gp = record[BACK]["sections"][1]
    gp["mro"] = "R"
    codes = record[BACK]["codes"]
    codes[1]["code"] = "cured"
    codes[0]["display"] = "Declined"
    record[REFERRAL]["codes"][0]["code"] = "999999999"
    found = problems(record)
    assert any(p.endswith(f"Person demographics / {first}: missing") for p in found)
    assert any("Date of birth: mandatory and missing" in p for p in found)
    assert any("GP practice: marked 'R', the standard says 'M'" in p for p in found)
    assert any("unknown outcome code 'cured'" in p for p in found)
    assert any("shown as 'Declined'" in p for p in found)
    assert any("unknown SNOMED CT code '999999999'" in p for p in found)


def test_a_code_a_link_worker_typed_that_we_do_not_know_is_found(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as session:
        worker = create_link_worker(session, "Sam Jones", "sam@example.org", "link_worker", "x")
        referral = create_referral(session, referral_draft("conv-code"))
        claim(session, referral, worker)
        close(session, referral, worker, "referred_elsewhere", snomed_code="1234567")
    with session_scope(sqlite_url) as session:
        found = check_all(export(session))
    assert list(found.values()) == [[f"{BACK}: codes: unknown SNOMED CT code '1234567'"]]


def test_the_command_writes_the_records(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with session_scope(sqlite_url) as session:
        old = create_referral(session, referral_draft("conv-old"))
        old.created_at = utcnow() - timedelta(days=40)
        new = create_referral(session, referral_draft("conv-new"))
        references = (old.reference, new.reference)
    out = tmp_path / "prsb.json"
    assert main(["export", "prsb", "-o", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert capsys.readouterr().out == f"wrote 2 referrals to {out}\n"
    assert [r["reference"] for r in written] == list(references)
    assert check_all(written) == {}
    since = (date.today() - timedelta(days=10)).isoformat()
    assert main(["export", "prsb", "--since", since]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [r["reference"] for r in printed] == [references[1]]
    assert main(["export", "prsb", "--reference", references[0].lower()]) == 0
    assert [r["reference"] for r in json.loads(capsys.readouterr().out)] == [references[0]]
    assert main(["export", "prsb", "--reference", "FD-NOSUCH"]) == 2
    assert "there is no referral FD-NOSUCH" in capsys.readouterr().err
