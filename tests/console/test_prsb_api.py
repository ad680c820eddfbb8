"""The PRSB social prescribing record through the console's API: managers only, one referral
or all of them since a day, each export kept in the audit trail, every record sound."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from console_helpers import add_referral, token_for
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frontdoor.prsb_check import check_all, problems
from frontdoor.store.models import SNOMED_DECLINED, utcnow

SAM, PAT = "sam@example.org", "pat@example.org"
BACK = "message_back_to_gp_and_referrer"


def section_of(record: dict[str, Any], name: str) -> dict[str, Any]:
    """One section of the message back, its elements by name."""
    section = next(s for s in record[BACK]["sections"] if s["name"] == name)
    return {e["name"]: e for e in section["elements"]}


def closed(client: TestClient, reference: str, outcome: str, body: dict[str, Any]) -> None:
    """Sam claims the referral and closes it through the API."""
    sam = token_for(client, SAM)
    assert client.post(f"/api/referrals/{reference}/claim", headers=sam).status_code == 200
    answer = client.post(
        f"/api/referrals/{reference}/close", headers=sam, json={"outcome": outcome, **body}
    )
    assert answer.status_code == 200, answer.text


def test_a_manager_reads_one_referrals_record_and_the_export_is_audited(
    app: FastAPI, client: TestClient
) -> None:
    reference = add_referral(app.state.database_url, "urgent", level=2, town="Louth")
    closed(
        client,
        reference,
        "connected_to_group",
        {"groups_joined": ["Louth Community Choir"], "wellbeing": {"happy": 8, "isolated": 1}},
    )
    pat = token_for(client, PAT)
    answer = client.get(f"/api/referrals/{reference.lower()}/prsb", headers=pat)
    assert answer.status_code == 200, answer.text
    record = answer.json()
    assert record["reference"] == reference and problems(record) == []
    assert record[BACK]["codes"][1]["code"] == "connected_to_group"
    signposts = section_of(record, "Signpost details")["Signpost details record entry"]
    assert signposts["value"] == [
        {"Signpost to": {"Service": {"Free text": "Louth Community Choir"}}}
    ]
    entries = section_of(record, "Assessments")["Assessments record entry"]["value"]
    end = next(e for e in entries if e["Assessment type"].startswith("Wellbeing at the end"))
    parts = end["Structured assessment"]["Subscale result"]
    assert {"Subscale score": {"Free text": "Happy yesterday (0 to 10)"}, "Value": 8} in parts
    trail = client.get("/api/audit", headers=pat, params={"reference": reference}).json()
    assert (PAT, "export_prsb") in [(e["actor"], e["action"]) for e in trail]


def test_the_whole_export_since_a_day(app: FastAPI, client: TestClient) -> None:
    url = app.state.database_url
    old = add_referral(url, created_at=utcnow() - timedelta(days=60))
    new = add_referral(url, "crisis", level=3)
    declined = add_referral(url, level=1)
    closed(client, declined, "declined", {})
    pat = token_for(client, PAT)
    everything = client.get("/api/export/prsb", headers=pat).json()
    assert [r["reference"] for r in everything] == [old, new, declined]
    assert check_all(everything) == {}
    since = (date.today() - timedelta(days=7)).isoformat()
    recent = client.get("/api/export/prsb", headers=pat, params={"since": since}).json()
    assert [r["reference"] for r in recent] == [new, declined]
    assert recent[1][BACK]["codes"][0] == {
        "system": "http://snomed.info/sct",
        "code": SNOMED_DECLINED,
        "display": "Social prescribing declined",
    }
    assert recent[0][BACK]["absent"] == "not yet known"


def test_only_managers_may_export(app: FastAPI, client: TestClient) -> None:
    reference = add_referral(app.state.database_url)
    sam = token_for(client, SAM)
    for path in (f"/api/referrals/{reference}/prsb", "/api/export/prsb"):
        assert client.get(path, headers=sam).status_code == 403
        assert client.get(path).status_code == 401
    pat = token_for(client, PAT)
    assert client.get("/api/referrals/FD-NOSUCH/prsb", headers=pat).status_code == 404
    bad_day = client.get("/api/export/prsb", headers=pat, params={"since": "last week"})
    assert bad_day.status_code == 422
