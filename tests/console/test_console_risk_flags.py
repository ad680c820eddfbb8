"""Safety flags in the console: shown on the referral, confirmed or cleared on the page or the API."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from console_helpers import add_referral, log_in, referral_row, token_for

from frontdoor.console import schemas
from frontdoor.store.casework import AuditEvent
from frontdoor.store.db import session_scope
from frontdoor.store.models import RiskEvent
from frontdoor.store.referrals import record_risk

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"
WORDS = 'I took all my tablets <script>alert("x")</script>'


def add_flag(
    url: str,
    conversation_id: str,
    category: str = "danger_now",
    source: str | None = "both",
    words: str | None = WORDS,
    at: datetime | None = None,
) -> int:
    with session_scope(url) as session:
        record_risk(session, conversation_id, "sms", category, source=source, words=words)
        session.flush()
        flag = session.execute(sa.select(RiskEvent).order_by(RiskEvent.id.desc())).scalars().first()
        if at is not None:
            flag.created_at = at
        return flag.id


def flag_status(url: str, flag_id: int) -> tuple[str, str | None, str | None]:
    with session_scope(url) as session:
        flag = session.get(RiskEvent, flag_id)
        return flag.status, flag.reviewed_by, flag.review_note


def crisis_with_flag(url: str, conversation_id: str = "sms-1") -> tuple[str, int]:
    reference = add_referral(url, "crisis", conversation_id=conversation_id, risk="danger_now")
    return reference, add_flag(url, conversation_id)


def form(csrf: str, flag_id: int, note: str = "") -> dict[str, str]:
    return {"csrf_token": csrf, "flag": str(flag_id), "note": note}


def test_the_referral_page_shows_each_flag_in_words(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, "crisis", conversation_id="sms-1", risk="danger_now")
    add_flag(url, "sms-1", "self_harm", "lexicon", "end it all", datetime(2025, 1, 6, 9, 15))
    add_flag(url, "sms-1", "danger_now", "both", WORDS, datetime(2025, 1, 6, 9, 30))
    add_flag(url, "sms-1", "suicide", None, None, datetime(2025, 1, 5, 8))  # an older row
    add_flag(url, "someone-else", "medical", "model", "chest pain")
    log_in(client, SAM)
    page = client.get(f"/referrals/{reference}").text
    table = page[page.index('<table class="risk-flags">') : page.index("</table>")]
    rows = re.findall(r"<tr class=\"flag-(\w+)\" id=\"flag-\d+\">(.*?)</tr>", table, re.S)
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for _, row in rows
    ]
    assert cells == [
        [
            "Mon 6 Jan 2025 09:30",  # UK time, with the year: not this year
            "Danger now (overdose taken or in a dangerous place)",
            "Both",
            "I took all my tablets &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
            "Open",
            "Not reviewed yet",
        ],
        [
            "Mon 6 Jan 2025 09:15",
            "Self-harm or suicide",
            "Word list",
            "end it all",
            "Open",
            "Not reviewed yet",
        ],
        ["Sun 5 Jan 2025 08:00", "suicide", "Not recorded", "Not kept", "Open", "Not reviewed yet"],
    ]
    assert "chest pain" not in page and WORDS not in page
    assert "Risk: Danger now (overdose taken or in a dangerous place)" in page
    assert 'action="/referrals/' + reference + '/confirm-risk"' not in page  # nobody holds it


def test_the_holder_clears_and_confirms_through_the_page(client) -> None:
    url = client.app.state.database_url
    reference, flag = crisis_with_flag(url)
    csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    page = client.get(f"/referrals/{reference}").text
    assert f'<input type="hidden" name="flag" value="{flag}">' in page
    assert page.count('<input type="hidden" name="csrf_token"') >= 3
    assert '<label for="clear-risk-note-' + str(flag) + '">Clear with a note (optional)' in page

    cleared = client.post(
        f"/referrals/{reference}/clear-risk", data=form(csrf, flag, "Quoting a film")
    )
    assert cleared.status_code == 200
    assert "Risk flag cleared." in cleared.text
    assert flag_status(url, flag) == ("cleared", SAM, "Quoting a film")
    assert (referral_row(url, reference).urgency, referral_row(url, reference).risk) == (
        "urgent",
        None,
    )
    assert "tag-risk" not in cleared.text and "Every safety flag has been cleared." in cleared.text
    assert "Quoting a film" in cleared.text
    queue = client.get("/", params={"status": "open"}).text
    assert reference in queue and "tag-risk" not in queue

    confirmed = client.post(f"/referrals/{reference}/confirm-risk", data=form(csrf, flag))
    assert "Risk flag confirmed." in confirmed.text
    assert flag_status(url, flag) == ("confirmed", SAM, None)
    assert referral_row(url, reference).urgency == "crisis"
    assert "Risk: Danger now" in client.get("/", params={"status": "open"}).text


def test_the_page_forms_need_the_csrf_token(client) -> None:
    url = client.app.state.database_url
    reference, flag = crisis_with_flag(url)
    csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    for token in ("forged", ""):
        refused = client.post(f"/referrals/{reference}/clear-risk", data=form(token, flag))
        assert refused.status_code == 403
        assert "The form had expired" in refused.text
    assert flag_status(url, flag) == ("open", None, None)
    assert referral_row(url, reference).urgency == "crisis"


def test_someone_who_does_not_hold_the_referral_cannot_review(client) -> None:
    url = client.app.state.database_url
    reference, flag = crisis_with_flag(url)
    sam_csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": sam_csrf})
    alex = client.__class__(client.app)
    alex_csrf = log_in(alex, ALEX)

    page = alex.get(f"/referrals/{reference}").text
    assert "/clear-risk" not in page and "/confirm-risk" not in page
    refused = alex.post(f"/referrals/{reference}/clear-risk", data=form(alex_csrf, flag))
    assert refused.status_code == 409
    assert "is claimed by Sam Jones" in refused.text
    api = alex.post(
        f"/api/referrals/{reference}/risk-flags/{flag}/review",
        headers=token_for(alex, ALEX),
        json={"decision": "clear"},
    )
    assert api.status_code == 409 and api.json()["detail"] == f"{reference} is claimed by Sam Jones"
    assert flag_status(url, flag) == ("open", None, None)
    assert referral_row(url, reference).urgency == "crisis"

    manager = client.__class__(client.app)
    done = manager.post(
        f"/api/referrals/{reference}/risk-flags/{flag}/review",
        headers=token_for(manager, PAT),
        json={"decision": "confirm"},
    )
    assert done.status_code == 200 and flag_status(url, flag)[:2] == ("confirmed", PAT)


def test_api_lists_and_reviews_flags_in_the_documented_shapes(client) -> None:
    url = client.app.state.database_url
    reference, flag = crisis_with_flag(url)
    older = add_flag(url, "sms-1", "self_harm", "model", "end it", datetime(2020, 1, 1))
    other = add_flag(url, "someone-else", "medical")
    sam = token_for(client, SAM)
    client.post(f"/api/referrals/{reference}/claim", headers=sam)

    listed = client.get(f"/api/referrals/{reference}/risk-flags", headers=sam)
    assert listed.status_code == 200
    flags = [schemas.RiskFlag.parse_obj(item) for item in listed.json()]
    assert [f.dict() for f in flags] == listed.json()  # nothing lost or added on the way
    assert [(f.id, f.category, f.source_label, f.words, f.status) for f in flags] == [
        (flag, "danger_now", "Both", WORDS, "open"),
        (older, "self_harm", "Risk model", "end it", "open"),
    ]

    body = schemas.RiskReviewIn(decision="clear", note="Talking about a book")
    first = client.post(
        f"/api/referrals/{reference}/risk-flags/{flag}/review", headers=sam, json=body.dict()
    )
    assert first.status_code == 200, first.text
    detail = schemas.ReferralDetail.parse_obj(first.json())
    assert detail.dict() == first.json()
    assert (detail.urgency, detail.risk, detail.uncleared_flags) == (
        "crisis",
        "danger_now",
        ["self_harm"],
    )

    last = client.post(
        f"/api/referrals/{reference}/risk-flags/{older}/review",
        headers=sam,
        json={"decision": "clear"},
    ).json()
    assert (last["urgency"], last["risk"], last["uncleared_flags"]) == ("urgent", None, [])
    assert [(f["id"], f["status"], f["reviewed_by"]) for f in last["risk_flags"]] == [
        (flag, "cleared", SAM),
        (older, "cleared", SAM),
    ]
    assert last["risk_flags"][0]["review_note"] == "Talking about a book"
    assert [h["note"] for h in last["history"][-2:]] == [
        f"Risk flag {older} (Self-harm or suicide) cleared",
        "Urgency crisis to urgent: every risk flag was cleared",
    ]
    queue = client.get("/api/referrals", headers=sam, params={"status": "open"}).json()
    assert [(q["reference"], q["urgency"], q["risk"], q["uncleared_flags"]) for q in queue] == [
        (reference, "urgent", None, [])
    ]

    again = client.post(
        f"/api/referrals/{reference}/risk-flags/{flag}/review",
        headers=sam,
        json={"decision": "clear"},
    )
    assert again.status_code == 400 and "already been cleared" in again.json()["detail"]
    missing = client.post(
        f"/api/referrals/{reference}/risk-flags/{other}/review",
        headers=sam,
        json={"decision": "confirm"},
    )
    assert missing.status_code == 404 and missing.json()["detail"].endswith(f"risk flag {other}.")
    for bad in ({"decision": "ignore"}, {"decision": "clear", "note": "x" * 1001}, {}):
        response = client.post(
            f"/api/referrals/{reference}/risk-flags/{flag}/review", headers=sam, json=bad
        )
        assert response.status_code == 422, bad

    with session_scope(url) as session:
        actions = session.execute(
            sa.select(AuditEvent.action).where(AuditEvent.reference == reference)
        ).scalars()
        assert [a for a in actions if a.startswith(("risk", "urgency", "view_risk"))] == [
            "view_risk_flags",
            "risk_clear",
            "risk_clear",
            "urgency",
        ]


def test_queue_tags_an_uncleared_flag_even_without_a_referral_risk(client) -> None:
    url = client.app.state.database_url
    flagged = add_referral(url, conversation_id="web-1")
    quiet = add_referral(url, conversation_id="web-2")
    add_flag(url, "web-1", "domestic_abuse")
    cleared = add_flag(url, "web-2", "harm_to_others")
    with session_scope(url) as session:
        session.get(RiskEvent, cleared).status = "cleared"
    log_in(client, SAM)
    rows = dict(
        re.findall(
            r'<a href="/referrals/(FD-\w+)">.*?</th>\s*<td>.*?</td>\s*<td>(.*?)</td>',
            client.get("/").text,
        )
    )
    assert "Risk: Domestic abuse" in rows[flagged]
    assert "tag-risk" not in rows[quiet]


def test_openapi_documents_the_risk_flag_routes(client) -> None:
    document = client.get("/api/openapi.json").json()
    listed = document["paths"]["/api/referrals/{reference}/risk-flags"]["get"]
    reviewed = document["paths"]["/api/referrals/{reference}/risk-flags/{id}/review"]["post"]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/RiskFlag"
    }
    body = reviewed["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/RiskReviewIn"}
    decision = document["components"]["schemas"]["RiskReviewIn"]["properties"]["decision"]
    assert decision["enum"] == ["confirm", "clear"]
    assert {"401", "403", "404", "409"} <= set(reviewed["responses"])
