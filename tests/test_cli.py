"""The frontdoor command, as an operator runs it."""

import json
import os
import subprocess
import sys

from store_helpers import referral_draft

from frontdoor.cli import SAMPLE_DIRECTORY
from frontdoor.store.db import session_scope
from frontdoor.store.referrals import create_referral


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", *args],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


def test_init_import_search_and_referrals(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert run(url, "init-db").returncode == 0
    imported = run(url, "import-directory")
    count = len(json.loads(SAMPLE_DIRECTORY.read_text()))
    assert imported.returncode == 0
    assert imported.stdout.startswith(f"new {count}, updated 0, unchanged 0, rejected 0")
    again = run(url, "import-directory")
    assert f"new 0, updated 0, unchanged {count}, rejected 0" in again.stdout
    found = run(url, "search", "walking", "--town", "Boston")
    assert found.stdout.startswith("Boston Health Walks") and "(Free, in Boston)" in found.stdout
    assert json.loads(run(url, "referrals", "--json").stdout) == []
    with session_scope(url) as session:
        ann = referral_draft(
            "c1", "rest", 3, "urgent", contact_name="Ann", contact_detail="07700 900001"
        )
        create_referral(session, ann)
    [row] = json.loads(run(url, "referrals", "--json").stdout)
    assert {
        "reference",
        "status",
        "level",
        "urgency",
        "channel",
        "conversation_id",
        "created_at",
        "summary",
        "contact",
    } <= set(row)
    assert row["contact"]["detail"] == "07700 900001"


def test_import_of_a_missing_file_fails_clearly(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    run(url, "init-db")
    result = run(url, "import-directory", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "could not read" in result.stderr


def test_rasa_header_is_a_bearer_token_rasa_can_check() -> None:
    import jwt

    from frontdoor.rasa_auth import jwt_secret

    env = {**os.environ, "RASA_API_TOKEN": "an operators secret"}
    done = subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", "rasa-header"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    name, _, value = done.stdout.strip().partition(": ")
    assert name == "Authorization" and value.startswith("Bearer ")
    claims = jwt.decode(value[7:], jwt_secret("an operators secret"), algorithms=["HS256"])
    assert claims["user"]["role"] == "admin"
    assert "an operators secret" not in done.stdout
