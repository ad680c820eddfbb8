"""The console's JSON API with a bearer token: queue, claim, read, reply, close, audit, report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from console_helpers import PASSWORD, add_events, add_referral, expire_all, token_for

from frontdoor.console.security import refusal
from frontdoor.settings import get_settings
from frontdoor.store.casework import LinkWorker
from frontdoor.store.db import session_scope
from frontdoor.store.models import Gap, RiskEvent, utcnow

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"


def test_every_api_route_needs_a_token(client) -> None:
    reference = add_referral(client.app.state.database_url)
    for route in client.app.routes:
        path = getattr(route, "path", "")
        if not path.startswith("/api/") or path in ("/api/login/access-token",):
            continue
        if path.startswith(("/api/docs", "/api/openapi")):
            continue
        for method in route.methods - {"HEAD"}:
            url = path.replace("{reference}", reference)
            response = client.request(method, url, json={})
            assert response.status_code == 401, (method, url, response.text)
            assert reference not in response.text
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/referrals", headers=bad).status_code == 401


def test_token_login_and_me(client) -> None:
    headers = token_for(client, SAM)
    assert client.get("/api/me", headers=headers).json() == {
        "name": "Sam Jones",
        "email": SAM,
        "role": "link_worker",
    }
    assert client.post("/api/logout", headers=headers).status_code == 200
    assert client.get("/api/me", headers=headers).status_code == 401


def test_lockout_after_repeated_failed_logins(client) -> None:
    refused = str(refusal(get_settings()))
    assert "locked" in refused
    for _ in range(5):
        wrong = client.post("/api/login/access-token", data={"username": SAM, "password": "nope"})
        assert wrong.status_code == 401
        assert wrong.json()["detail"] == refused
    locked = client.post("/api/login/access-token", data={"username": SAM, "password": PASSWORD})
    assert locked.status_code == 401
    assert locked.json()["detail"] == refused
    with session_scope(client.app.state.database_url) as session:
        sam = session.execute(sa.select(LinkWorker).where(LinkWorker.email == SAM)).scalar_one()
        sam.locked_until = utcnow() - timedelta(seconds=1)
    assert token_for(client, SAM)  # the lock runs out


def test_a_right_password_before_the_limit_starts_the_count_again(client) -> None:
    for _ in range(4):
        client.post("/api/login/access-token", data={"username": SAM, "password": "nope"})
    assert token_for(client, SAM)
    for _ in range(4):
        client.post("/api/login/access-token", data={"username": SAM, "password": "nope"})
    assert token_for(client, SAM)


def test_unknown_email_is_refused_like_a_wrong_password(client) -> None:
    response = client.post(
        "/api/login/access-token", data={"username": "who@example.org", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert response.json()["detail"] == str(refusal(get_settings()))


def test_expired_token_is_refused(client) -> None:
    headers = token_for(client, SAM)
    expire_all(client.app.state.database_url, "console_api_tokens", timedelta(minutes=1))
    assert client.get("/api/me", headers=headers).status_code == 401


def test_queue_order_filters_and_wait(client) -> None:
    url = client.app.state.database_url
    routine = add_referral(url, created_at=utcnow() - timedelta(days=5))
    crisis = add_referral(url, "crisis", channel="socketio", town="Louth", risk="self_harm")
    headers = token_for(client, SAM)
    rows = client.get("/api/referrals", headers=headers).json()
    assert [r["reference"] for r in rows] == [crisis, routine]
    assert rows[1]["overdue"] is True and rows[1]["promise"].startswith("overdue by")
    assert rows[0]["overdue"] is False and rows[0]["promise"].startswith("due in")
    louth = client.get("/api/referrals", headers=headers, params={"town": "Louth"}).json()
    assert [r["reference"] for r in louth] == [crisis]
    web = client.get("/api/referrals", headers=headers, params={"channel": "socketio"}).json()
    assert [r["reference"] for r in web] == [crisis]
    assert client.get("/api/referrals", headers=headers, params={"level": 1}).json() == []
    assert client.get("/api/referrals", headers=headers, params={"status": "x"}).status_code == 422


def test_claim_conflict_then_reply_hand_back_and_close(client, rasa) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, conversation_id="resident-web-1", channel="socketio")
    sam, alex = token_for(client, SAM), token_for(client, ALEX)

    claimed = client.post(f"/api/referrals/{reference}/claim", headers=sam)
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == SAM
    late = client.post(f"/api/referrals/{reference}/claim", headers=alex)
    assert late.status_code == 409
    assert late.json()["detail"] == f"{reference} has already been claimed by Sam Jones"

    not_yet = client.post(f"/api/referrals/{reference}/reply", headers=sam, json={"text": "Hi"})
    assert not_yet.status_code == 400 and "take over" in not_yet.json()["detail"]
    assert client.post(f"/api/referrals/{reference}/take-over", headers=alex).status_code == 409

    held = client.post(f"/api/referrals/{reference}/take-over", headers=sam)
    assert held.json()["chat_held_by"] == SAM
    replied = client.post(
        f"/api/referrals/{reference}/reply", headers=sam, json={"text": "  Hello Margaret  "}
    )
    assert replied.status_code == 200
    assert replied.json()["status"] == "in_progress"
    assert replied.json()["first_contact_at"] is not None
    back = client.post(f"/api/referrals/{reference}/hand-back", headers=sam)
    assert back.json()["chat_held_by"] is None
    assert rasa.calls == [
        ("take_over", "resident-web-1", "Sam"),
        ("reply", "resident-web-1", "Hello Margaret"),
        ("hand_back", "resident-web-1", ""),
    ]

    closed = client.post(
        f"/api/referrals/{reference}/close",
        headers=sam,
        json={"outcome": "connected_to_group", "groups_joined": ["Boston Lunch Club"]},
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed"
    assert body["outcome"]["groups_joined"] == ["Boston Lunch Club"]
    assert body["outcome"]["snomed_code"] == "871731000000106"
    assert [h["status"] for h in body["history"]] == ["new", "claimed", "in_progress", "closed"]


def test_rasa_down_is_a_bad_gateway_and_nothing_changes(client, rasa) -> None:
    reference = add_referral(client.app.state.database_url)
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    rasa.fail = True
    response = client.post(f"/api/referrals/{reference}/take-over", headers=sam)
    assert response.status_code == 502
    assert client.get(f"/api/referrals/{reference}", headers=sam).json()["chat_held_by"] is None


def test_rasa_down_during_reply_or_hand_back_keeps_the_chat_held(client, rasa) -> None:
    reference = add_referral(client.app.state.database_url)
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    assert client.post(f"/api/referrals/{reference}/take-over", headers=sam).status_code == 200
    rasa.fail = True
    sent = client.post(f"/api/referrals/{reference}/reply", headers=sam, json={"text": "Hello"})
    assert sent.status_code == 502
    assert client.post(f"/api/referrals/{reference}/hand-back", headers=sam).status_code == 502
    body = client.get(f"/api/referrals/{reference}", headers=sam).json()
    assert (body["chat_held_by"], body["first_contact_at"]) == (SAM, None)
    rasa.fail = False
    assert client.post(f"/api/referrals/{reference}/hand-back", headers=sam).status_code == 200
    assert client.get(f"/api/referrals/{reference}", headers=sam).json()["chat_held_by"] is None


def test_release_and_manager_reassign(client) -> None:
    reference = add_referral(client.app.state.database_url)
    sam, alex, pat = token_for(client, SAM), token_for(client, ALEX), token_for(client, PAT)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    assert client.post(f"/api/referrals/{reference}/release", headers=alex).status_code == 409
    denied = client.post(f"/api/referrals/{reference}/reassign", headers=sam, json={"email": ALEX})
    assert denied.status_code == 403
    moved = client.post(f"/api/referrals/{reference}/reassign", headers=pat, json={"email": ALEX})
    assert moved.json()["claimed_by"] == ALEX
    released = client.post(f"/api/referrals/{reference}/release", headers=alex)
    assert (released.json()["status"], released.json()["claimed_by"]) == ("new", None)


def test_read_a_referral_with_its_conversation_notes_and_history(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, conversation_id="resident-chat-7", risk="self_harm")
    add_events(
        url,
        "resident-chat-7",
        [
            ("user", {"text": "hello"}),
            ("action", {"name": "utter_greet"}),
            ("bot", {"text": "Hello!", "data": {"buttons": [{"title": "Find a group"}]}}),
            ("pause", {}),
            ("action", {"name": "action_link_worker_message"}),
            ("bot", {"text": "Sam (link worker): Hello Margaret"}),
            ("user", {"text": "<script>alert(1)</script>"}),
        ],
    )
    add_events(url, "someone-else", [("user", {"text": "not this one"})])
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    client.post(f"/api/referrals/{reference}/notes", headers=sam, json={"text": "Rang, no answer"})

    detail = client.get(f"/api/referrals/{reference}", headers=sam).json()
    assert detail["what_matters"] == {"what_matters": "seeing people", "barriers": "transport"}
    assert detail["plan"] == "Try a lunch club near home."
    assert detail["suggested_groups"] == ["Boston Lunch Club", "Tuesday Walkers"]
    assert detail["contact"]["detail"] == "07700 900123"
    assert detail["risk"] == "self_harm"
    assert detail["notes"][0]["text"] == "Rang, no answer"
    assert detail["notes"][0]["author"] == "Sam Jones"

    chat = client.get(f"/api/referrals/{reference}/conversation", headers=sam).json()
    lines = [(m["who"], m["text"]) for m in chat["messages"]]
    assert lines == [
        ("resident", "hello"),
        ("assistant", "Hello!"),
        ("system", "A link worker took over the chat."),
        ("link_worker", "Sam (link worker): Hello Margaret"),
        ("resident", "<script>alert(1)</script>"),
    ]
    assert chat["messages"][1]["buttons"] == ["Find a group"]
    last_but_one = chat["messages"][-2]["id"]
    newer = client.get(
        f"/api/referrals/{reference}/conversation",
        headers=sam,
        params={"after": last_but_one},
    ).json()
    assert [m["text"] for m in newer["messages"]] == ["<script>alert(1)</script>"]


def test_audit_is_kept_and_shown_to_managers_only(client) -> None:
    reference = add_referral(client.app.state.database_url)
    sam, pat = token_for(client, SAM), token_for(client, PAT)
    client.get(f"/api/referrals/{reference}", headers=sam)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    assert client.get("/api/audit", headers=sam).status_code == 403
    trail = client.get("/api/audit", headers=pat, params={"reference": reference}).json()
    assert [(e["actor"], e["action"]) for e in trail] == [(SAM, "claim"), (SAM, "view")]


def test_report_figures_and_csv(client) -> None:
    url = client.app.state.database_url
    first = add_referral(url, "crisis", channel="socketio", town="Louth")
    add_referral(url, level=2, town="Boston")
    add_referral(url, created_at=utcnow() - timedelta(weeks=30))  # outside the period
    with session_scope(url) as session:
        session.add(Gap(need="=HYPERLINK(1)", area="Louth"))
        session.add(Gap(need="gardening", area="Louth"))
        session.add(Gap(need="gardening", area="Boston"))
        session.add(RiskEvent(conversation_id="c", channel="rest", category="self_harm"))
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{first}/claim", headers=sam)
    client.post(f"/api/referrals/{first}/contact", headers=sam, json={"how": "phone"})
    client.post(f"/api/referrals/{first}/close", headers=sam, json={"outcome": "declined"})

    figures = client.get("/api/report", headers=sam).json()
    assert figures["total"] == 2
    assert figures["by_level"] == {"level 2": 1, "level 3": 1}
    assert figures["by_channel"] == {"rest": 1, "socketio": 1}
    assert figures["by_town"] == {"Boston": 1, "Louth": 1}
    assert figures["outcomes"] == {"Declined": 1}
    assert figures["crisis_referrals"] == 1
    assert figures["risk_events"] == {"self_harm": 1}
    assert figures["contacted"] == 1 and figures["contacted_within_promise"] == 1
    assert figures["unmet_needs"] == {"gardening": 2, "=HYPERLINK(1)": 1}
    assert sum(figures["by_week"].values()) == 2 and len(figures["by_week"]) >= 12

    csv = client.get("/api/report.csv", headers=sam)
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0] == "section,item,value"
    assert "referrals,total,2" in lines
    assert "crisis,crisis referrals,1" in lines
    assert "unmet needs,'=HYPERLINK(1),1" in lines  # not a formula in a spreadsheet


def test_api_validates_bodies(client) -> None:
    reference = add_referral(client.app.state.database_url)
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    bad = client.post(f"/api/referrals/{reference}/close", headers=sam, json={"outcome": "x"})
    assert bad.status_code == 422
    code = client.post(
        f"/api/referrals/{reference}/close",
        headers=sam,
        json={"outcome": "declined", "snomed_code": "abc"},
    )
    assert code.status_code == 400 and "SNOMED" in code.json()["detail"]
    assert client.get("/api/referrals/FD-NOPE99", headers=sam).status_code == 404


def test_openapi_document_and_directory_api(client) -> None:
    document = client.get("/api/openapi.json").json()
    assert "/api/referrals/{reference}/claim" in document["paths"]
    assert "OAuth2PasswordBearer" in document["components"]["securitySchemes"]
    assert not any(re.match(r"^/(login|referrals|report)", p) for p in document["paths"])
    assert client.get("/oruk/services").status_code == 200


@pytest.mark.parametrize("path", ["/", "/referrals/FD-AAAAAA", "/report", "/audit"])
def test_pages_send_strangers_to_the_login_page(client, path: str) -> None:
    add_referral(client.app.state.database_url)
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
