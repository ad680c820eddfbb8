"""Logins that cannot be raced or told apart, passwords people cannot guess, NUL bytes, notes
only by the claimant, expired logins cleared, HSTS and the API's docs page."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from console_helpers import PASSWORD, FakeRasa, add_referral, add_worker, log_in, token_for
from fastapi.testclient import TestClient

from frontdoor.cli import main
from frontdoor.console import security
from frontdoor.console.app import DOCS_CSP, HSTS, SWAGGER_JS, create_app
from frontdoor.console.nul_guard import NUL_MESSAGE, body_has_nul
from frontdoor.settings import get_settings
from frontdoor.store import link_worker as work
from frontdoor.store.casework import ApiToken, AuditEvent, LoginSession
from frontdoor.store.db import session_scope
from frontdoor.store.models import utcnow

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"


# Passwords


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short one", "at least 12 characters"),
        ("password1234", "most common"),
        ("Sunshine2024!!", "most common"),
        ("football1234football1234", "most common"),
        ("monkeymonkeymonkey", "most common"),
        ("zzzzzzzzzzzzzzzz", "too simple"),
        ("1234567890123", "too simple"),
        ("mnbvcxzlkjhgfdsa", "too simple"),
        ("sam.jones is my password", "email address or the person's name"),
        ("SAMJONES-for-the-win", "email address or the person's name"),
        ("walking with jones 42", "email address or the person's name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, why: str) -> None:
    problem = security.password_problem(password, "sam.jones@example.org", "Sam Jones")
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    "password", ["heron marmalade lantern quay", "a long enough password", "Tq7#vL9!pZ2@"]
)
def test_good_passwords_pass(password: str) -> None:
    assert security.password_problem(password, "sam.jones@example.org", "Sam Jones") is None


def test_the_common_list_is_the_committed_file() -> None:
    common = security.common_passwords()
    assert len(common) > 19000 and "password" in common and "iloveyou" in common


def test_add_link_worker_refuses_a_common_or_personal_password(
    sqlite_url: str, monkeypatch, capsys
) -> None:
    args = ["add-link-worker", "--name", "Robin Hood", "--email", "robin.hood@example.org"]
    for password in ("qwerty123456", "robinhood1234!"):
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        assert main([*args, "--password-stdin"]) == 2
    assert "most common" in capsys.readouterr().err
    with session_scope(sqlite_url) as session:
        assert work.worker_by_email(session, "robin.hood@example.org") is None


# Lockout


def try_login(url: str, email: str, password: str) -> str:
    with session_scope(url) as session:
        try:
            security.authenticate(session, get_settings(), email, password)
        except security.LoginRefused as refused:
            return str(refused)
    return "in"


def test_parallel_wrong_passwords_check_no_more_than_the_limit(store_url: str) -> None:
    add_worker(store_url, "Sam Jones", SAM)
    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda n=n: answers.append(try_login(store_url, SAM, f"no {n}")))
        for n in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    limit = get_settings().console_max_failed_logins
    assert answers == [str(security.refusal(get_settings()))] * 20
    with session_scope(store_url) as session:
        actions = session.execute(sa.select(AuditEvent.action)).scalars().all()
        sam = work.worker_by_email(session, SAM)
        assert sam.locked_until is not None and sam.locked_until > utcnow()
    assert actions.count("login_failed") == limit
    assert actions.count("login_locked") == 20 - limit
    assert try_login(store_url, SAM, PASSWORD) != "in"


def test_a_lock_that_ran_out_starts_the_count_again(sqlite_url: str) -> None:
    add_worker(sqlite_url, "Sam Jones", SAM)
    for _ in range(5):
        try_login(sqlite_url, SAM, "wrong")
    with session_scope(sqlite_url) as session:
        work.worker_by_email(session, SAM).locked_until = utcnow() - timedelta(seconds=1)
    for _ in range(4):
        try_login(sqlite_url, SAM, "wrong")
    assert try_login(sqlite_url, SAM, PASSWORD) == "in"
    with session_scope(sqlite_url) as session:
        sam = work.worker_by_email(session, SAM)
        assert (sam.failed_logins, sam.locked_until) == (0, None)


def test_a_try_past_the_limit_locks_even_if_the_last_allowed_one_never_ended(
    sqlite_url: str,
) -> None:
    add_worker(sqlite_url, "Sam Jones", SAM)
    with session_scope(sqlite_url) as session:
        work.worker_by_email(session, SAM).failed_logins = 5  # counted, then the server died
    assert try_login(sqlite_url, SAM, PASSWORD) != "in"
    with session_scope(sqlite_url) as session:
        sam = work.worker_by_email(session, SAM)
        assert sam.locked_until > utcnow()
        sam.locked_until = utcnow() - timedelta(seconds=1)
    assert try_login(sqlite_url, SAM, PASSWORD) == "in"  # never locked for good


def test_an_inactive_account_is_refused_like_no_account(sqlite_url: str) -> None:
    add_worker(sqlite_url, "Sam Jones", SAM)
    with session_scope(sqlite_url) as session:
        work.worker_by_email(session, SAM).active = False
    assert try_login(sqlite_url, SAM, PASSWORD) == try_login(sqlite_url, "x@example.org", "y")


# Expired logins


def test_logins_purge_expired_sessions_and_spent_tokens(client) -> None:
    url = client.app.state.database_url
    log_in(client, SAM)
    headers = token_for(client, SAM)
    client.post("/api/logout", headers=headers)
    with session_scope(url) as session:
        session.execute(sa.update(LoginSession).values(expires_at=utcnow() - timedelta(1)))
    token_for(client, ALEX)
    with session_scope(url) as session:
        assert session.execute(sa.select(sa.func.count(LoginSession.id))).scalar_one() == 0
        [left] = session.execute(sa.select(ApiToken)).scalars().all()
        assert left.link_worker.email == ALEX and left.revoked_at is None


def test_purge_sessions_command(console_store: str, capsys) -> None:
    with session_scope(console_store) as session:
        sam = work.worker_by_email(session, SAM)
        security.start_session(session, get_settings(), sam)
        security.issue_api_token(session, get_settings(), sam)
        session.execute(sa.update(LoginSession).values(expires_at=utcnow() - timedelta(1)))
        session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(1)))
    assert main(["purge-sessions"]) == 0
    assert "removed 2 expired or revoked" in capsys.readouterr().out
    with session_scope(console_store) as session:
        assert session.execute(sa.select(sa.func.count(LoginSession.id))).scalar_one() == 0
        assert session.execute(sa.select(sa.func.count(ApiToken.id))).scalar_one() == 0


# Notes


def test_notes_only_by_the_claimant_or_a_manager(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    sam, alex, pat = token_for(client, SAM), token_for(client, ALEX), token_for(client, PAT)
    note = {"text": "Rang, no answer"}
    unclaimed = client.post(f"/api/referrals/{reference}/notes", headers=alex, json=note)
    assert unclaimed.status_code == 400 and "claim" in unclaimed.json()["detail"]
    client.post(f"/api/referrals/{reference}/claim", headers=sam)
    other = client.post(f"/api/referrals/{reference}/notes", headers=alex, json=note)
    assert other.status_code == 409
    assert other.json()["detail"].endswith("only they or a manager can add notes")
    for headers in (sam, pat):
        assert client.post(
            f"/api/referrals/{reference}/notes", headers=headers, json=note
        ).is_success
    authors = [
        n["author"] for n in client.get(f"/api/referrals/{reference}", headers=pat).json()["notes"]
    ]
    assert authors == ["Sam Jones", "Pat Manager"]


def test_the_note_form_is_shown_only_to_those_who_may_use_it(client) -> None:
    url = client.app.state.database_url
    reference = add_referral(url)
    client.post(f"/api/referrals/{reference}/claim", headers=token_for(client, SAM))
    csrf = log_in(client, ALEX)
    page = client.get(f"/referrals/{reference}")
    assert 'id="note-text"' not in page.text
    assert "Only Sam Jones, who claimed this referral, or a manager can add notes." in page.text
    refused = client.post(
        f"/referrals/{reference}/note", data={"text": "Mine now", "csrf_token": csrf}
    )
    assert refused.status_code == 409 and "Mine now" not in refused.text
    client.cookies.clear()
    log_in(client, SAM)
    assert 'id="note-text"' in client.get(f"/referrals/{reference}").text


def test_the_store_refuses_notes_on_another_workers_claim(sqlite_url: str) -> None:
    add_worker(sqlite_url, "Sam Jones", SAM)
    add_worker(sqlite_url, "Alex Smith", ALEX)
    reference = add_referral(sqlite_url)
    with session_scope(sqlite_url) as session:
        referral = work.referral_by_reference(session, reference)
        sam, alex = work.worker_by_email(session, SAM), work.worker_by_email(session, ALEX)
        work.claim(session, referral, sam)
        with pytest.raises(work.Conflict, match="claimed by Sam Jones"):
            work.add_note(session, referral, alex, "a note")
        assert work.add_note(session, referral, sam, "a note").text == "a note"


# NUL bytes


@pytest.mark.parametrize(
    ("body", "kind", "nul"),
    [
        (b"text=a%00b", "application/x-www-form-urlencoded", True),
        (b"text=a%2500b", "application/x-www-form-urlencoded", False),
        (b'{"text": "a\\u0000"}', "application/json", True),
        (b'{"text": ["ok", {"deep": "\\u0000"}]}', "application/json", True),
        (b'{"text": "a\\\\u0000"}', "application/json", False),  # a backslash, typed
        (b"text=a\x00", "text/plain", True),
        (b"not json", "", False),
        (b"[" * 100000, "application/json", False),
    ],
)
def test_body_has_nul(body: bytes, kind: str, nul: bool) -> None:
    assert body_has_nul(body, kind) is nul


def test_a_nul_byte_gets_a_kind_400_page_or_message(client) -> None:
    reference = add_referral(client.app.state.database_url)
    csrf = log_in(client, SAM)
    page = client.post(
        f"/referrals/{reference}/note",
        data={"text": "hello\x00", "csrf_token": csrf},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 400 and "Sorry, this did not work" in page.text
    assert "hidden character" in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    api = client.get(f"/api/referrals/{reference}%00", headers=token_for(client, SAM))
    assert (api.status_code, api.json()) == (400, {"detail": NUL_MESSAGE})
    assert client.get("/static/console.css%00").status_code == 400
    assert client.get("/static/console.css").status_code == 200
    ok = client.post(f"/referrals/{reference}/claim", data={"csrf_token": csrf})
    assert ok.status_code == 200  # after the redirect: forms without NUL pass untouched


# HSTS, cookies and /api/docs


def app_with(url: str, **changes) -> TestClient:
    settings = get_settings().copy(update=changes)
    return TestClient(create_app(url, settings=settings, rasa=FakeRasa()))


def test_hsts_when_the_console_is_on_https(console_store: str) -> None:
    assert "strict-transport-security" not in app_with(console_store).get("/login").headers
    for client in (
        app_with(console_store, console_https=True),
        TestClient(create_app(console_store, settings=get_settings()), base_url="https://t"),
    ):
        assert client.get("/login").headers["strict-transport-security"] == HSTS
        assert client.get("/oruk/").headers["strict-transport-security"] == HSTS


def test_cookies_are_https_only_when_the_console_is_on_https(console_store: str) -> None:
    client = app_with(console_store, console_https=True)
    page = client.get("/login")
    assert "secure" in page.headers["set-cookie"].lower()


def test_api_docs_are_off_by_default(console_store: str) -> None:
    client = app_with(console_store)
    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 200


def test_api_docs_when_enabled_load_only_the_pinned_checked_script(console_store: str) -> None:
    page = app_with(console_store, console_api_docs=True).get("/api/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == DOCS_CSP
    assert f"script-src 'self' {SWAGGER_JS};" in DOCS_CSP and "unsafe" not in DOCS_CSP
    assert f'<script src="{SWAGGER_JS}" integrity="sha384-' in page.text
    assert '<script src="/static/api-docs.js"></script>' in page.text
    assert "/api/docs" not in app_with(console_store).get("/api/openapi.json").text
