"""Attacks on the link worker console (issue #9, items 7 and 9), against the real app served by
uvicorn over a fresh store: lockout races, telling accounts apart by answer or timing, weak
passwords, NUL bytes on every route, notes on another's claim, expired logins, HSTS, /api/docs.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from starlette.routing import Mount, Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "console"))
from console_helpers import PASSWORD, FakeRasa, add_referral, add_worker  # noqa: E402

from frontdoor.console.app import SWAGGER_JS, create_app  # noqa: E402
from frontdoor.console.security import password_problem  # noqa: E402
from frontdoor.runner import free_port  # noqa: E402
from frontdoor.settings import Settings, get_settings  # noqa: E402
from frontdoor.store.db import engine_for  # noqa: E402
from frontdoor.store.models import utcnow  # noqa: E402

SAM, ALEX, PAT = "sam@example.org", "alex@example.org", "pat@example.org"
TOKEN_URL = "/api/login/access-token"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own
        pass


@contextmanager
def served(app) -> Iterator[httpx.Client]:
    """The app on a free loopback port, and a client for it; stopped afterwards."""
    port = free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the console did not start"
        time.sleep(0.05)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits)
    try:
        yield client
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)


def console_app(url: str, **changes) -> object:
    settings: Settings = get_settings().copy(update=changes)
    return create_app(url, settings=settings, rasa=FakeRasa())


def with_people(url: str) -> str:
    add_worker(url, "Sam Jones", SAM)
    add_worker(url, "Alex Smith", ALEX)
    add_worker(url, "Pat Manager", PAT, "manager")
    return url


@pytest.fixture()
def store(store_url: str) -> str:
    """A fresh store with two link workers and a manager, on SQLite and on PostgreSQL."""
    return with_people(store_url)


@pytest.fixture()
def sqlite_store(sqlite_url: str) -> str:
    """A fresh SQLite store with two link workers and a manager."""
    return with_people(sqlite_url)


@pytest.fixture()
def http(store: str) -> Iterator[httpx.Client]:
    with served(console_app(store)) as client:
        yield client


@pytest.fixture()
def sqlite_http(sqlite_store: str) -> Iterator[httpx.Client]:
    with served(console_app(sqlite_store)) as client:
        yield client


def held_all(results: list[bool]) -> None:
    assert results and all(results), f"{results.count(False)} of {len(results)} did not hold"


def token_login(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return http.post(TOKEN_URL, data={"username": email, "password": password})


def bearer(http: httpx.Client, email: str) -> dict[str, str]:
    answer = token_login(http, email)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def page_login(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    """Log in through the login page as a browser would (cookies kept by the client)."""
    form = http.get("/login")
    csrf = CSRF.search(form.text).group(1)
    data = {"email": email, "password": password, "csrf_token": csrf, "next": "/"}
    return http.post("/login", data=data)


def page_csrf(http: httpx.Client, email: str) -> str:
    """Logged in through the page; the CSRF token the console's forms carry."""
    assert page_login(http, email).status_code == 303
    return CSRF.search(http.get("/").text).group(1)


def audit_count(url: str, email: str, action: str) -> int:
    query = sa.text("SELECT count(*) FROM audit_events WHERE actor = :who AND action = :what")
    with engine_for(url).connect() as connection:
        return connection.execute(query, {"who": email, "what": action}).scalar_one()


# Item 7: lockout races, and who has an account


def test_parallel_wrong_passwords_lock_the_account(http: httpx.Client, store: str, probes) -> None:
    """40 parallel wrong passwords lock the account"""
    limit = get_settings().console_max_failed_logins

    def wrong(number: int) -> httpx.Response:
        return token_login(http, SAM, f"wrong guess number {number}")

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(wrong, range(40)))
    results = [probes.attempt(a.status_code == 401) for a in answers]
    checked = audit_count(store, SAM, "login_failed")
    results.append(probes.attempt(checked == limit))  # no more passwords were tried than that
    results.append(probes.attempt(token_login(http, SAM).status_code == 401))
    held_all(results)


def refused_alike(http: httpx.Client, email: str, password: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    answer = token_login(http, email, password)
    return time.perf_counter() - started, answer.status_code, answer.text


def page_refusal(http: httpx.Client, email: str) -> tuple[int, str]:
    """The login page's answer, without the form's fresh CSRF token."""
    answer = page_login(http, email, "not the password at all")
    return answer.status_code, CSRF.sub("", answer.text)


def test_unknown_and_known_emails_get_the_same_answer(
    sqlite_http: httpx.Client, sqlite_store: str, probes
) -> None:
    """Unknown, wrong-password and locked emails: the same answer and timing"""
    http = sqlite_http
    for number in range(get_settings().console_max_failed_logins):
        token_login(http, ALEX, f"wrong guess number {number}")
    kinds: dict[str, Callable[[], tuple[float, int, str]]] = {
        "no account": lambda: refused_alike(http, "nobody@example.org", PASSWORD),
        "wrong password": lambda: refused_alike(http, SAM, "not the password at all"),
        "locked": lambda: refused_alike(http, ALEX, PASSWORD),
    }
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    answers: list[tuple[int, str]] = []
    for _ in range(9):
        for kind, attempt in kinds.items():
            seconds, status, body = attempt()
            times[kind].append(seconds)
            answers.append((status, body))
            reset = sa.text("UPDATE link_workers SET failed_logins = 0 WHERE email = :e")
            with engine_for(sqlite_store).begin() as connection:
                connection.execute(reset, {"e": SAM})  # Sam stays unlocked
    results = [probes.attempt(a == answers[0] and a[0] == 401) for a in answers]
    pages = [page_refusal(http, email) for email in ("nobody@example.org", SAM, ALEX)]
    results += [probes.attempt(p == pages[0] and p[0] == 401) for p in pages]
    medians = {kind: statistics.median(seconds) for kind, seconds in times.items()}
    print(
        "\nlogin refusal, median seconds: "
        + ", ".join(f"{kind} {median:.3f}" for kind, median in medians.items())
    )
    results.append(probes.attempt(max(medians.values()) < 3 * min(medians.values())))
    held_all(results)


def test_common_and_personal_passwords_are_refused(sqlite_url: str, probes) -> None:
    """Common passwords, and ones holding the email, are refused"""
    weak = [
        "password1234",
        "Password1234!",
        "qwerty123456",
        "iloveyou2024!",
        "Liverpool1892",
        "123456789012",
        "aaaaaaaaaaaaaaaa",
        "passwordpassword",
        "abcdefghijklmnop",
        "sam.jones likes walking",
        "SamJones2024!!",
        "walking with jones",
    ]
    results = [
        probes.attempt(password_problem(p, "sam.jones@example.org", "Sam Jones") is not None)
        for p in weak
    ]
    for password in ("password1234", "sam.jones.2024"):
        added = subprocess.run(
            [sys.executable, "-m", "frontdoor.cli", "add-link-worker", "--name", "Sam Jones"]
            + ["--email", "sam.jones@example.org", "--password-stdin"],
            input=password + "\n",
            env={**os.environ, "DATABASE_URL": sqlite_url},
            capture_output=True,
            text=True,
        )
        results.append(probes.attempt(added.returncode == 2 and "added" not in added.stdout))
    assert password_problem("heron marmalade lantern quay", "sam.jones@example.org") is None
    held_all(results)


# Item 9: NUL bytes, notes on another's claim, expired logins, HSTS, /api/docs

FIELDS = ["email", "password", "next", "text", "note", "how", "outcome", "snomed_code"]
FIELDS += ["groups_joined", "flag", "username", "decision", "weeks", "reference"]
QUERY = "&".join(f"{name}=a%00" for name in ("next", "status", "town", "reference", "weeks"))


def nul_requests(app, reference: str) -> Iterator[tuple[str, str, dict]]:
    """A NUL in every place each route reads: path, query, form body and JSON body."""
    for route in app.routes:
        if isinstance(route, Mount):
            for tail in ("/x%00", "/%00.css", "/index.html%00", "/?search=%00"):
                yield "GET", route.path + tail, {}
            continue
        if not isinstance(route, Route):
            continue
        plain = route.path.replace("{reference}", reference).replace("{id}", "1")
        plain = plain.replace("{action}", "note")
        with_nul = route.path.replace("{reference}", "FD%00").replace("{id}", "1%00")
        with_nul = with_nul.replace("{action}", "note%00")
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            yield method, with_nul if "{" in route.path else plain + "%00", {}
            yield method, f"{plain}?{QUERY}", {}
            if method != "GET":
                form = {name: "a\x00" for name in FIELDS}
                yield method, plain, {"data": form}
                yield method, plain, {"json": {name: "a\x00" for name in FIELDS}}


def test_nul_bytes_on_every_route_are_refused_kindly(store: str, probes) -> None:
    """A NUL byte on every route gives 4xx, not 500"""
    app = console_app(store)
    reference = add_referral(store)
    results = []
    with served(app) as http:
        csrf = page_csrf(http, PAT)
        token = bearer(http, PAT)
        for method, url, body in nul_requests(app, reference):
            for headers in ({"X-CSRF-Token": csrf}, token):
                answer = http.request(method, url, headers=headers, **body)
                results.append(probes.attempt(400 <= answer.status_code < 500))
                assert answer.status_code < 500, (method, url, body, answer.text[:200])
    held_all(results)


def notes_of(http: httpx.Client, headers: dict, reference: str) -> list[dict]:
    return http.get(f"/api/referrals/{reference}", headers=headers).json()["notes"]


def test_notes_on_another_workers_claim_are_refused(
    sqlite_http: httpx.Client, sqlite_store: str, probes
) -> None:
    """Notes on another link worker's claim are refused"""
    http = sqlite_http
    claimed, unclaimed = add_referral(sqlite_store), add_referral(sqlite_store)
    sam, alex = bearer(http, SAM), bearer(http, ALEX)
    assert http.post(f"/api/referrals/{claimed}/claim", headers=sam).status_code == 200
    results = []
    for reference in (claimed, unclaimed):
        note = {"text": "Alex was here"}
        answer = http.post(f"/api/referrals/{reference}/notes", headers=alex, json=note)
        results.append(probes.attempt(400 <= answer.status_code < 500))
    csrf = page_csrf(http, ALEX)
    form = {"text": "Alex was here too", "csrf_token": csrf}
    answer = http.post(f"/referrals/{claimed}/note", data=form)
    results.append(probes.attempt(400 <= answer.status_code < 500))
    written = notes_of(http, sam, claimed) + notes_of(http, sam, unclaimed)
    results.append(probes.attempt(not any("Alex" in n["text"] for n in written)))
    mine = http.post(f"/api/referrals/{claimed}/notes", headers=sam, json={"text": "Rang"})
    managers = http.post(
        f"/api/referrals/{claimed}/notes", headers=bearer(http, PAT), json={"text": "Checked"}
    )
    assert (mine.status_code, managers.status_code) == (200, 200)
    held_all(results)


def expired_rows(url: str) -> dict[str, int]:
    now = utcnow()
    with engine_for(url).connect() as connection:
        return {
            table: connection.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE expires_at <= :now"), {"now": now}
            ).scalar_one()
            for table in ("console_sessions", "console_api_tokens")
        }


def expire_everything(url: str) -> None:
    past = utcnow() - timedelta(minutes=1)
    with engine_for(url).begin() as connection:
        for table in ("console_sessions", "console_api_tokens"):
            connection.execute(sa.text(f"UPDATE {table} SET expires_at = :t"), {"t": past})


def test_expired_logins_are_purged(sqlite_http: httpx.Client, sqlite_store: str, probes) -> None:
    """Expired console logins and tokens are purged"""
    http = sqlite_http
    for _ in range(3):
        page_login(http, SAM)
        bearer(http, SAM)
    expire_everything(sqlite_store)
    page_login(http, SAM)
    bearer(http, SAM)
    results = [probes.attempt(count == 0) for count in expired_rows(sqlite_store).values()]
    page_login(http, ALEX)
    bearer(http, ALEX)
    expire_everything(sqlite_store)
    purged = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "purge-sessions"],
        env={**os.environ, "DATABASE_URL": sqlite_store},
        capture_output=True,
        text=True,
    )
    assert purged.returncode == 0, purged.stderr
    results += [probes.attempt(count == 0) for count in expired_rows(sqlite_store).values()]
    held_all(results)


HSTS_PATHS = ["/login", "/", "/api/openapi.json", "/static/console.css", "/chat/", "/oruk/"]
HSTS_PATHS += ["/health", "/no-such-page"]


def has_hsts(answer: httpx.Response) -> bool:
    found = re.search(r"max-age=(\d+)", answer.headers.get("strict-transport-security", ""))
    return bool(found) and int(found.group(1)) >= 31536000


def test_hsts_is_sent_when_served_over_https(sqlite_store: str, probes) -> None:
    """HSTS is sent when the console is served over HTTPS"""
    results = []
    with served(console_app(sqlite_store, console_https=True)) as http:
        results += [probes.attempt(has_hsts(http.get(path))) for path in HSTS_PATHS]
    with served(console_app(sqlite_store)) as http:
        proxied = {"X-Forwarded-Proto": "https"}  # an HTTPS proxy on the same machine
        results += [probes.attempt(has_hsts(http.get(p, headers=proxied))) for p in HSTS_PATHS]
        assert not any(has_hsts(http.get(path)) for path in HSTS_PATHS)  # plain HTTP: none
    held_all(results)


def sources(policy: str, directive: str) -> set[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == directive:
            return set(words[1:])
    return set()


def test_api_docs_are_off_unless_enabled_and_then_pinned(sqlite_store: str, probes) -> None:
    """/api/docs off by default; when on, pinned scripts with SRI under a CSP"""
    results = []
    with served(console_app(sqlite_store)) as http:
        results.append(probes.attempt(http.get("/api/docs").status_code == 404))
        assert http.get("/api/openapi.json").status_code == 200
    with served(console_app(sqlite_store, console_api_docs=True)) as http:
        page = http.get("/api/docs")
        policy = page.headers.get("content-security-policy", "")
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        external = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]
        results.append(probes.attempt(page.status_code == 200 and "'unsafe-inline'" not in policy))
        results.append(probes.attempt(sources(policy, "script-src") == {"'self'", SWAGGER_JS}))
        results.append(probes.attempt(all(not body.strip() for _, body in scripts)))
        for (attrs, _), src in zip(scripts, external, strict=True):
            pinned = src.startswith("/") or ('integrity="sha384-' in attrs and src == SWAGGER_JS)
            results.append(probes.attempt(pinned))
        links = re.findall(r"<link[^>]*>", page.text)
        results += [probes.attempt('integrity="sha384-' in link) for link in links if "//" in link]
        results.append(probes.attempt("frame-ancestors 'none'" in policy))
    held_all(results)
