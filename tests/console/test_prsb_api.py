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


def outcome_of(record: dict[str, Any]) -> dict[str, Any]:
    section = next(s for s in record[BACK]["sections"] if s["name"] == "Social prescribing outcome")
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
    outcome = outcome_of(record)
    assert outcome["Outcome"]["coding"][0]["code"] == "connected_to_group"
    assert outcome["Community groups and services"]["value"] == ["Louth Community Choir"]
    measures = next(s for s in record[BACK]["sections"] if s["name"] == "Outcome measures")
    end = next(e for e in measures["elements"] if e["name"] == "ONS4 personal wellbeing at end")
    assert end["value"]["happy"] == 8
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
    coded = outcome_of(recent[1])["Social prescribing code"]["coding"][0]
    assert coded["code"] == SNOMED_DECLINED
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
