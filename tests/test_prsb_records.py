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
from frontdoor.prsb import OUTCOME_SYSTEM, SNOMED, export
from frontdoor.prsb_check import check_all, problems
from frontdoor.store.casework import OUTCOMES
from frontdoor.store.db import session_scope
from frontdoor.store.link_worker import claim, close, create_link_worker
from frontdoor.store.models import SNOMED_DECLINED, SNOMED_REFERRAL, utcnow
from frontdoor.store.referrals import create_referral

REFERRAL = "referral_to_social_prescribing_service"
BACK = "message_back_to_gp_and_referrer"
Record = dict[str, Any]


def element(record: Record, message: str, section: str, name: str) -> dict[str, Any]:
    """One element of one section of one of the record's two messages."""
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
    priorities = {element(r, REFERRAL, "Referral details", "Referral priority")["value"]
                  for r in records.values()}  # fmt: skip
    assert priorities == {"routine", "urgent", "crisis"}
    services = {element(r, REFERRAL, "Referral details", "Service referred to")["value"][-7:]
                for r in records.values()}  # fmt: skip
    assert services == {"level 1", "level 2", "level 3"}


def test_the_referral_carries_the_referral_code(year: tuple[Sample, dict[str, Record]]) -> None:
    _, records = year
    for record in records.values():
        coded = element(record, REFERRAL, "Referral details", "Referral type")
        assert coded["coding"] == [
            {
                "system": SNOMED,
                "code": SNOMED_REFERRAL,
                "display": "Referral to social prescribing service (procedure)",
            }
        ]


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_closed_referrals_message_back_carries_its_outcome_code(
    year: tuple[Sample, dict[str, Record]], outcome: str
) -> None:
    sample, records = year
    for reference in sample.by_fate[outcome]:
        record = records[reference]
        coded = element(record, BACK, "Social prescribing outcome", "Outcome")
        assert coded["coding"][0] == {
            "system": OUTCOME_SYSTEM,
            "code": outcome,
            "display": coded["value"],
        }
        code = element(record, BACK, "Social prescribing outcome", "Social prescribing code")
        expected = SNOMED_DECLINED if outcome == "declined" else SNOMED_REFERRAL
        assert code["coding"][0]["code"] == expected
        if outcome == "declined":
            assert coded["coding"][1]["code"] == SNOMED_DECLINED
        assert element(record, BACK, "Social prescribing outcome", "Date of outcome")["value"]
        completed_by = element(record, BACK, "Person completing record", "Name")["value"]
        assert completed_by in ("Sam Jones", "Alex Smith")


def test_connected_people_name_their_groups_and_scores_before_and_after(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    ends = 0
    for reference in sample.by_fate["connected_to_group"]:
        record = records[reference]
        groups = element(
            record, BACK, "Social prescribing outcome", "Community groups and services"
        )
        assert groups["value"] and all(isinstance(g, str) for g in groups["value"])
        assert element(record, BACK, "Social prescribing outcome", "Number of contacts")["value"]
        end = element(record, BACK, "Outcome measures", "ONS4 personal wellbeing at end")
        if "value" in end:
            ends += 1
            assert end["value"]["recorded_by"] == "link_worker"
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
        for name, section in (("Reason for referral", "Referral details"),
                              ("What matters to me", "What matters to me")):  # fmt: skip
            assert element(record, REFERRAL, section, name)["absent"] == "erased"


def test_the_checker_finds_a_missing_mandatory_field_and_unknown_codes(
    year: tuple[Sample, dict[str, Record]],
) -> None:
    sample, records = year
    record = copy.deepcopy(records[sample.by_fate["declined"][0]])
    person = record[REFERRAL]["sections"][0]
    person["elements"] = [e for e in person["elements"] if e["name"] != "Person name"]
    date_of_birth = next(e for e in person["elements"] if e["name"] == "Date of birth")
    date_of_birth.pop("absent")
    coded = element(record, BACK, "Social prescribing outcome", "Outcome")
    coded["coding"][0]["code"] = "cured"
    coded["coding"][1]["display"] = "Declined"
    code = element(record, BACK, "Social prescribing outcome", "Social prescribing code")
    code["coding"][0]["code"] = "999999999"
    found = problems(record)
    assert any(p.endswith("Person demographics / Person name: missing") for p in found)
    assert any("Date of birth: mandatory and missing" in p for p in found)
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
    assert list(found.values()) == [
        [
            f"{BACK}: Social prescribing outcome / Social prescribing code: "
            "unknown SNOMED CT code '1234567'"
        ]
    ]


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
