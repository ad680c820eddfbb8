"""Settings from the environment, or from .env at the project root (python-dotenv)."""

from __future__ import annotations

import hashlib
import hmac
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
    max_message_chars: int = 2000  # longer messages are cut before the assistant reads them
    actions_host: str = "127.0.0.1"  # the action server answers only on loopback by default
    actions_timeout_seconds: int = 20  # Rasa gives up on an action call after this (Rasa: 300)
    actions_token: str = ""  # the secret the Rasa server sends the action server
    adult_safeguarding_phone: str = "01632 960001"  # the council's adult safeguarding line
    public_rasa_url: str = "http://127.0.0.1:5005"  # where residents' browsers reach Rasa
    console_secret_key: str = "dev-only-console-secret"  # keys the console's token hashes
    console_session_minutes: int = 480  # a console login lasts a working day
    console_token_minutes: int = 480  # an API token lasts as long
    console_secure_cookies: bool = False  # True behind HTTPS
    console_max_failed_logins: int = 5  # then the account is locked for a while
    console_lockout_minutes: int = 15
    console_https: bool = False  # served over HTTPS (or behind an HTTPS proxy): send HSTS
    console_api_docs: bool = False  # the API's Swagger page at /api/docs (scripts from a CDN)
    twilio_account_sid: str = ""  # SMS over Twilio; empty means the SMS channel refuses all
    twilio_auth_token: str = ""  # checks every webhook's X-Twilio-Signature
    twilio_number: str = ""  # the council's number, in E.164 (+44...)
    twilio_api_base_url: str = "https://api.twilio.com"  # tests point it at a fake
    sms_public_base_url: str = ""  # the https address Twilio calls, when behind a proxy
    sms_rate_limit: int = 30  # texts one number can send in the window before we pause
    sms_rate_window_minutes: int = 60
    sms_id_secret: str = ""  # keys SMS conversation ids, so a phone number is never one
    webchat_secret: str = ""  # signs web chat session keys, so only the holder rejoins one
    rest_channel_enabled: bool = True  # Rasa's REST channel; production turns it off
    rasa_host: str = "127.0.0.1"  # where the Rasa server listens (0.0.0.0 behind a proxy)
    chat_origins: tuple[str, ...] = ()  # the only sites whose pages may call Rasa (CORS)
    retention_months: int = 24  # conversations and closed referrals older than this are erased
    outbox_dir: str = str(PROJECT_ROOT / "var" / "outbox")  # messages held while the store is down
    outbox_retry_seconds: float = 15.0  # how often held messages are tried again


def default_database_url() -> str:
    """A SQLite file at the project root."""
    return f"sqlite:///{PROJECT_ROOT / 'frontdoor.db'}"


def derived_secret(key: str, purpose: str) -> str:
    """A secret for one purpose, derived from another the operator set (HMAC-SHA256)."""
    return hmac.new(f"frontdoor:{key}".encode(), purpose.encode(), hashlib.sha256).hexdigest()


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
        max_message_chars=int(env("MAX_MESSAGE_CHARS") or "2000"),
        actions_host=env("ACTIONS_HOST") or "127.0.0.1",
        actions_timeout_seconds=int(env("ACTIONS_TIMEOUT_SECONDS") or "20"),
        actions_token=env("ACTIONS_TOKEN") or derived_secret(env("RASA_API_TOKEN", ""), "actions"),
        adult_safeguarding_phone=env("ADULT_SAFEGUARDING_PHONE") or "01632 960001",
        public_rasa_url=env("PUBLIC_RASA_URL") or f"http://127.0.0.1:{rasa_port}",
        console_secret_key=env("CONSOLE_SECRET_KEY") or "dev-only-console-secret",
        console_session_minutes=int(env("CONSOLE_SESSION_MINUTES", "480")),
        console_token_minutes=int(env("CONSOLE_TOKEN_MINUTES", "480")),
        console_secure_cookies=env("CONSOLE_SECURE_COOKIES", "false").lower() in ("1", "true"),
        console_max_failed_logins=int(env("CONSOLE_MAX_FAILED_LOGINS", "5")),
        console_lockout_minutes=int(env("CONSOLE_LOCKOUT_MINUTES", "15")),
        console_https=env("CONSOLE_HTTPS", "false").lower() in ("1", "true"),
        console_api_docs=env("CONSOLE_API_DOCS", "false").lower() in ("1", "true"),
        twilio_account_sid=env("TWILIO_ACCOUNT_SID", ""),
        twilio_auth_token=env("TWILIO_AUTH_TOKEN", ""),
        twilio_number=env("TWILIO_NUMBER", ""),
        twilio_api_base_url=env("TWILIO_API_BASE_URL") or "https://api.twilio.com",
        sms_public_base_url=(env("SMS_PUBLIC_BASE_URL") or "").rstrip("/"),
        sms_rate_limit=int(env("SMS_RATE_LIMIT", "30")),
        sms_rate_window_minutes=int(env("SMS_RATE_WINDOW_MINUTES", "60")),
        sms_id_secret=env("SMS_ID_SECRET")
        or derived_secret(env("RASA_API_TOKEN", "change-me-local-only"), "sms-conversation-ids"),
        webchat_secret=env("WEBCHAT_SECRET")
        or derived_secret(env("RASA_API_TOKEN", "change-me-local-only"), "webchat-sessions"),
        rest_channel_enabled=is_on(env("REST_CHANNEL_ENABLED") or "true"),
        rasa_host=env("RASA_HOST") or "127.0.0.1",
        chat_origins=origins(env("CHAT_ORIGINS"), int(env("CONSOLE_PORT", "8000"))),
        retention_months=int(env("RETENTION_MONTHS") or "24"),
        outbox_dir=env("OUTBOX_DIR") or str(PROJECT_ROOT / "var" / "outbox"),
        outbox_retry_seconds=float(env("OUTBOX_RETRY_SECONDS") or "15"),
    )


def origins(value: str | None, console_port: int) -> tuple[str, ...]:
    """CHAT_ORIGINS (comma or space separated), else the console's own, which serves the chat."""
    given = tuple(o.rstrip("/") for o in (value or "").replace(",", " ").split() if o)
    return given or (f"http://127.0.0.1:{console_port}", f"http://localhost:{console_port}")


def is_on(value: str) -> bool:
    """A yes/no setting: only 1, true, yes or on mean yes (a typo means no)."""
    return value.strip().lower() in ("1", "true", "yes", "on")
