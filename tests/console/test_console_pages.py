"""The console's pages as a browser without JavaScript sees them: login, queue, referral, report."""

from __future__ import annotations

import html
import re

from console_helpers import PASSWORD, add_referral, expire_all, log_in

from frontdoor.console.security import SESSION_COOKIE, refusal
from frontdoor.settings import get_settings

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_login_needs_the_form_token_and_sets_a_strict_http_only_cookie(client) -> None:
    page = client.get("/login")
    assert '<label for="email">Email address</label>' in page.text
    forged = client.post(
        "/login", data={"email": SAM, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 400 and "expired" in forged.text
    log_in(client, SAM)
    cookie = next(c for c in client.cookies.jar if c.name == SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite", "").lower() == "strict"


def test_wrong_password_shows_an_error_and_no_session(client) -> None:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": SAM, "password": "wrong", "csrf_token": csrf})
    assert response.status_code == 401
    assert html.escape(str(refusal(get_settings()))) in response.text
    assert SESSION_COOKIE not in client.cookies


def test_login_only_redirects_within_the_console(client) -> None:
    page = client.get("/login", params={"next": "//evil.example.org/"})
    assert 'name="next" value="/"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"email": SAM, "password": PASSWORD, "csrf_token": csrf, "next": "https://evil/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_session_expires(client) -> None:
    log_in(client, SAM)
    assert client.get("/", follow_redirects=False).status_code == 200
    expire_all(client.app.state.database_url, "console_sessions")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_forms_need_the_csrf_token(client) -> None:
    reference = add_referral(client.app.state.database_url)
    csrf = log_in(client, SAM)
    refused = client.post(f"/referrals/{reference}/claim", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    api = client.post(f"/api/referrals/{reference}/claim")
    assert api.status_code == 403  # a cookie alone is not enough for the API either
    ok = client.post(f"/api/referrals/{reference}/claim", headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200


def test_resident_text_is_shown_escaped(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url, summary=SCRIPT, contact_name=SCRIPT, town=SCRIPT)
    log_in(client, SAM)
    for page in (client.get("/"), client.get(f"/referrals/{reference}")):
        assert page.status_code == 200
        assert SCRIPT not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_queue_page_shows_crisis_first_and_filters(client) -> None:
    url = client.app.state.database_url
    routine = add_referral(url, town="Boston")
    crisis = add_referral(url, "crisis", town="Louth")
    log_in(client, SAM)
    page = client.get("/").text
    assert page.index(crisis) < page.index(routine)
    assert "2 referrals" in page
    louth = client.get("/", params={"town": "Louth"}).text
    assert crisis in louth and routine not in louth


def test_channels_are_named_as_people_say_them(client) -> None:
    url = client.app.state.database_url
    web = add_referral(url, channel="socketio")
    add_referral(url, channel="sms")
    log_in(client, SAM)
    queue = client.get("/").text
    assert "<td>web chat</td>" in queue and "<td>SMS</td>" in queue and ">socketio<" not in queue
    assert '<option value="socketio">web chat</option>' in queue
    assert "<dd>web chat</dd>" in client.get(f"/referrals/{web}").text


def test_what_matters_reads_as_words_not_code(client) -> None:
    answers = {"what_matters": "seeing people", "barriers": ["transport", "cost"], "town": None}
    reference = add_referral(client.app.state.database_url, what_matters=answers)
    log_in(client, SAM)
    page = client.get(f"/referrals/{reference}").text
    assert '<dd class="user-text">transport, cost</dd>' in page
    assert "None" not in page and "[&#39;" not in page


def test_claim_take_over_reply_hand_back_and_close_through_the_pages(client, rasa) -> None:
    reference = add_referral(client.app.state.database_url, conversation_id="web-9")
    csrf = log_in(client, SAM)
    form = {"csrf_token": csrf}
    page = client.post(f"/referrals/{reference}/claim", data=form)
    assert "You have claimed this referral." in page.text
    page = client.post(f"/referrals/{reference}/take-over", data=form)
    assert 'label for="reply-text"' in page.text
    page = client.post(f"/referrals/{reference}/reply", data={**form, "text": "Hello"})
    assert "Your message has been sent." in page.text
    page = client.post(f"/referrals/{reference}/hand-back", data=form)
    assert "The assistant is answering the resident again." in page.text
    page = client.post(
        f"/referrals/{reference}/close",
        data={**form, "outcome": "referred_elsewhere", "groups_joined": "Choir\n\nWalkers"},
    )
    assert "The referral is closed." in page.text
    assert "Choir, Walkers" in page.text
    assert [c[0] for c in rasa.calls] == ["take_over", "reply", "hand_back"]


def test_claimed_by_someone_else_is_told_on_the_page(client) -> None:
    reference = add_referral(client.app.state.database_url)
    other = client.__class__(client.app)
    alex_csrf = log_in(other, ALEX)
    other.post(f"/referrals/{reference}/claim", data={"csrf_token": alex_csrf})
    csrf = log_in(client, SAM)
    page = client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    assert page.status_code == 409
    assert "already been claimed by Alex Smith" in page.text


def test_audit_page_for_managers_only(client) -> None:
    reference = add_referral(client.app.state.database_url)
    log_in(client, SAM)
    client.get(f"/referrals/{reference}")
    assert client.get("/audit").status_code == 403
    manager = client.__class__(client.app)
    log_in(manager, PAT)
    page = manager.get("/audit")
    assert page.status_code == 200
    assert re.search(
        rf"{SAM}</td><td>view</td>\s*<td><a href=\"/referrals/{reference}\"", page.text
    )


def test_report_page_has_charts_and_a_csv_download(client) -> None:
    add_referral(client.app.state.database_url, "crisis")
    log_in(client, SAM)
    page = client.get("/report").text
    assert page.count('<svg role="img"') >= 4
    assert "Crisis referrals</dt><dd>1</dd>" in page
    csv = client.get("/report.csv")
    assert csv.status_code == 200 and "crisis,crisis referrals,1" in csv.text


def test_logout_ends_the_session(client) -> None:
    csrf = log_in(client, SAM)
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_chat_page_is_served_with_the_rasa_address_allowed(client) -> None:
    page = client.get("/chat/")
    assert page.status_code == 200
    assert "socket.io.min.js" in page.text
    assert "http://127.0.0.1:" in page.headers["content-security-policy"]


def test_a_refused_form_comes_back_as_it_was_typed(client, rasa) -> None:
    reference = add_referral(client.app.state.database_url)
    csrf = log_in(client, SAM)
    for step in ("claim", "take-over"):
        client.post(f"/referrals/{reference}/{step}", data={"csrf_token": csrf})
    rasa.fail = True
    words = {"csrf_token": csrf, "text": "Shall I ring you at 10?"}
    page = client.post(f"/referrals/{reference}/reply", data=words)
    assert page.status_code == 502 and "could not be reached" in page.text
    assert 'aria-describedby="reply-hint">Shall I ring you at 10?</textarea>' in page.text
    assert 'maxlength="5000" required></textarea>' in page.text  # not in the note form too
    rasa.fail = False
    closing = {"outcome": "declined", "note": "Moved", "groups_joined": "A"}
    page = client.post(f"/referrals/{reference}/close", data={"csrf_token": csrf, **closing})
    assert page.status_code == 400 and "Hand the conversation back" in page.text
    assert 'name="outcome" value="declined" required checked>' in page.text
    assert page.text.count(" checked>") == 1
    assert 'rows="2">Moved</textarea>' in page.text and 'rows="2">A</textarea>' in page.text


def test_contact_methods_are_checked_on_the_page_as_in_the_api(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    csrf = log_in(client, SAM)
    client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    page = client.post(f"/referrals/{reference}/contact", data={"csrf_token": csrf, "how": "fax"})
    assert page.status_code == 422
    assert "Please check how you reached the resident: unexpected value" in page.text
    api = client.post(
        f"/api/referrals/{reference}/contact", headers={"X-CSRF-Token": csrf}, json={"how": "fax"}
    )
    assert api.status_code == 422
    assert '<option value="chat">Web chat</option>' in page.text
    page = client.post(f"/referrals/{reference}/contact", data={"csrf_token": csrf, "how": "chat"})
    assert page.status_code == 200 and "First contact recorded." in page.text
    assert "Claimed, " in page.text and "contacted by chat" in page.text


def test_an_unknown_queue_filter_is_said_and_the_new_referrals_shown(client) -> None:
    reference = add_referral(client.app.state.database_url)
    log_in(client, SAM)
    page = client.get("/", params={"status": "lost", "level": "7"})
    assert page.status_code == 200 and reference in page.text
    assert "Showing new referrals instead." in page.text
    assert '<option value="new" selected>New</option>' in page.text
