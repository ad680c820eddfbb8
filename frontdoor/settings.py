"""Settings from the environment, or from .env at the project root (python-dotenv)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    """Everything an operator can set; see .env.example for each one."""

    database_url: str
    rasa_port: int
    actions_port: int
    console_port: int
    rasa_api_token: str
    rasa_url: str
    privacy_notice_url: str
    team_phone: str
    routine_contact_promise: str
    urgent_contact_promise: str


def default_database_url() -> str:
    """A SQLite file at the project root."""
    return f"sqlite:///{PROJECT_ROOT / 'frontdoor.db'}"


def get_settings() -> Settings:
    """Read the settings afresh (real environment variables win over .env)."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    env = os.environ.get
    rasa_port = int(env("RASA_PORT", "5005"))
    return Settings(
        database_url=env("DATABASE_URL") or default_database_url(),
        rasa_port=rasa_port,
        actions_port=int(env("ACTIONS_PORT", "5055")),
        console_port=int(env("CONSOLE_PORT", "8000")),
        rasa_api_token=env("RASA_API_TOKEN", "change-me-local-only"),
        rasa_url=env("RASA_URL") or f"http://127.0.0.1:{rasa_port}",
        privacy_notice_url=env("PRIVACY_NOTICE_URL", "www.example.org/privacy"),
        team_phone=env("TEAM_PHONE", "01632 960000"),
        routine_contact_promise=env("ROUTINE_CONTACT_PROMISE", "2 working days"),
        urgent_contact_promise=env("URGENT_CONTACT_PROMISE", "today"),
    )
