"""Find and join up through the JSON API and the pages: one search by name, phone, email or
reference; a likely duplicate shown on the referral; linking and unlinking by any link worker,
each kept in the audit trail."""

from __future__ import annotations

import re

from console_helpers import log_in, token_for
from fastapi.testclient import TestClient
from search_helpers import add_resident

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"


def search(client: TestClient, headers: dict[str, str], text: str) -> dict[str, list[str]]:
    answer = client.get("/api/referrals", params={"search": text}, headers=headers)
    assert answer.status_code == 200, answer.text
    return {hit["reference"]: hit["found_by"] for hit in answer.json()}


def test_one_search_finds_by_name_phone_email_or_reference(client) -> None:
    url = client.app.state.database_url
    sian = add_resident(url, "Siân Jones", "+447700900123")
    ruth = add_resident(url, "Ruth Hale", "Ruth.Hale@example.org")
    sam = token_for(client, SAM)
    assert search(client, sam, "sian") == {sian: ["name"]}
    assert search(client, sam, "7700 900 123") == {sian: ["phone"]}
    assert search(client, sam, "07700 900123") == {sian: ["phone"]}
    assert search(client, sam, "RUTH.HALE@example.ORG") == {ruth: ["email"]}
    assert search(client, sam, ruth.lower()) == {ruth: ["reference"]}
    assert ruth in search(client, sam, ruth[:6])  # FD- and three of six characters
    hit = client.get("/api/referrals", params={"search": "hale"}, headers=sam).json()[0]
    assert (hit["contact_name"], hit["status"], hit["contact_by"]) == ("Ruth Hale", "new", "Email")


def test_the_search_looks_at_every_status_the_queue_at_one(client) -> None:
    url = client.app.state.database_url
    reference = add_resident(url, "Siân Jones", "07700 900123")
    sam = token_for(client, SAM)
    assert client.post(f"/api/referrals/{reference}/claim", headers=sam).status_code == 200
    queue = client.get("/api/referrals", headers=sam).json()
    assert queue == []  # status new by default: claimed is not there
    assert search(client, sam, "jones") == {reference: ["name"]}
    claimed = client.get("/api/referrals", params={"status": "claimed"}, headers=sam).json()
    assert [(r["reference"], r["found_by"]) for r in claimed] == [(reference, [])]


def test_a_search_is_audited_without_its_words(client) -> None:
    url = client.app.state.database_url
    add_resident(url, "Siân Jones", "07700 900123")
    search(client, token_for(client, SAM), "Siân")
    trail = client.get("/api/audit", headers=token_for(client, PAT)).json()
    searches = [line for line in trail if line["action"] == "search"]
    assert [(s["actor"], s["detail"], s["reference"]) for s in searches] == [(SAM, "1 found", None)]
    assert "Siân" not in str(trail)


def test_a_search_too_long_is_refused(client) -> None:
    answer = client.get(
        "/api/referrals", params={"search": "x" * 101}, headers=token_for(client, SAM)
    )
    assert answer.status_code == 422


def test_a_likely_duplicate_is_shown_and_any_link_worker_links_it(client) -> None:
    url = client.app.state.database_url
    first = add_resident(url, "Margaret Oyelaran", "07700 900123", days_ago=10)
    again = add_resident(url, "Maggie Oyelaran", "+447700900123", days_ago=7)
    alex = token_for(client, ALEX)  # no manager, and neither referral is Alex's
    joins = client.get(f"/api/referrals/{again}/links", headers=alex).json()
    assert joins["linked"] == []
    (duplicate,) = joins["duplicates"]
    assert duplicate["text"] == f"Possible duplicate of {first}, 3 days earlier"
    assert (duplicate["reference"], duplicate["same_by"], duplicate["days_apart"]) == (
        first,
        "phone",
        -3,
    )
    other_side = client.get(f"/api/referrals/{first}/links", headers=alex).json()
    assert other_side["duplicates"][0]["text"] == f"Possible duplicate of {again}, 3 days later"

    linked = client.post(f"/api/referrals/{again}/links", json={"reference": first}, headers=alex)
    assert linked.status_code == 200, linked.text
    assert linked.json()["duplicates"] == []
    assert [(ln["reference"], ln["linked_by"]) for ln in linked.json()["linked"]] == [
        (first, "Alex Smith")
    ]
    other_side = client.get(f"/api/referrals/{first}/links", headers=alex).json()
    assert [ln["reference"] for ln in other_side["linked"]] == [again]
    assert other_side["linked"][0]["contact_name"] == "Maggie Oyelaran"

    again_linked = client.post(
        f"/api/referrals/{first}/links", json={"reference": again}, headers=alex
    )
    assert again_linked.status_code == 409
    itself = client.post(f"/api/referrals/{first}/links", json={"reference": first}, headers=alex)
    assert itself.status_code == 400
    nowhere = client.post(
        f"/api/referrals/{first}/links", json={"reference": "FD-ZZZZZZ"}, headers=alex
    )
    assert nowhere.status_code == 404

    unlinked = client.post(
        f"/api/referrals/{first}/unlink", json={"reference": again}, headers=alex
    )
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["linked"] == []
    assert [d["reference"] for d in unlinked.json()["duplicates"]] == [again]
    trail = client.get("/api/audit", params={"reference": again}, headers=token_for(client, PAT))
    actions = [(a["actor"], a["action"], a["detail"]) for a in trail.json()]
    assert (ALEX, "link", f"with {first}") in actions
    assert (ALEX, "unlink", f"with {first}") in actions


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_pages_search_show_a_duplicate_and_link_it(client) -> None:
    url = client.app.state.database_url
    first = add_resident(url, "Zoë O’Neill", "zoe@example.org", days_ago=3)
    again = add_resident(url, "Zoe ONeill", "ZOE@example.org", days_ago=1)
    csrf = log_in(client, SAM)
    page = client.get("/", params={"search": "ZOE"})
    assert page.status_code == 200
    assert "2 referrals found for" in page.text and "Found by" in page.text
    assert first in page.text and again in page.text
    nothing = client.get("/", params={"search": "nobody at all"})
    assert "No referral matches" in nothing.text

    shown = client.get(f"/referrals/{again}")
    assert f"Possible duplicate of {first}, 2 days earlier" in shown.text
    done = client.post(f"/referrals/{again}/link", data={"csrf_token": csrf, "reference": first})
    assert done.status_code == 200 and "The referrals are linked." in done.text
    assert "Possible duplicate" not in done.text and f"Unlink {first}" in done.text
    assert f"Unlink {again}" in client.get(f"/referrals/{first}").text
    refused = client.post(f"/referrals/{again}/link", data={"csrf_token": csrf, "reference": first})
    assert refused.status_code == 409 and "already linked" in refused.text
    undone = client.post(
        f"/referrals/{again}/unlink", data={"csrf_token": csrf, "reference": first}
    )
    assert "The referrals are no longer linked." in undone.text
    assert f"Possible duplicate of {first}" in undone.text
