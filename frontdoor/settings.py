"""Settings from the environment, or from .env at the project root (python-dotenv), read and
checked by pydantic's BaseSettings: each field from the variable of its name in capitals."""

from __future__ import annotations

import hashlib
import hmac
from datetime import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from dotenv import load_dotenv
from pydantic import BaseSettings, Field, root_validator, validator
from pydantic.fields import ModelField

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def default_database_url() -> str:
    """A SQLite file at the project root."""
    return f"sqlite:///{PROJECT_ROOT / 'frontdoor.db'}"


class Settings(BaseSettings):
    """Everything an operator can set; see .env.example for each one. An empty value means
    the default; a yes-or-no setting is yes only for 1, true, yes or on."""

    database_url: str = Field(default_factory=default_database_url)
    rasa_port: int = 5005
    actions_port: int = 5055
    console_port: int = 8000
    rasa_api_token: str = "change-me-local-only"
    rasa_url: str = ""  # default: the Rasa server on this machine, at rasa_port
    privacy_notice_url: str = "www.example.org/privacy"
    team_phone: str = "01632 960000"
    routine_contact_promise: str = "2 working days"
    urgent_contact_promise: str = "today"
    max_message_chars: int = 2000  # longer messages are cut before the assistant reads them
    actions_host: str = "127.0.0.1"  # the action server answers only on loopback by default
    actions_timeout_seconds: int = 20  # Rasa gives up on an action call after this (Rasa: 300)
    actions_token: str = ""  # the secret the Rasa server sends the action server
    adult_safeguarding_phone: str = "01632 960001"  # the council's adult safeguarding line
    public_rasa_url: str = ""  # where residents' browsers reach Rasa (default: rasa_url's)
    console_secret_key: str = "dev-only-console-secret"  # keys the console's token hashes
    console_session_minutes: int = 480  # a console login lasts a working day
    console_token_minutes: int = 480  # an API token lasts as long
    console_secure_cookies: bool = False  # True behind HTTPS
    console_max_failed_logins: int = 5  # then the account is locked for a while
    console_lockout_minutes: int = 15
    console_https: bool = False  # served over HTTPS (or behind an HTTPS proxy): send HSTS
    console_api_docs: bool = False  # the API's Swagger page at /api/docs (scripts from a CDN)
    # Alerts (frontdoor/alerts): how often the console looks for them, the working day they
    # are timed by, and the email to the team (none while smtp_host or team_email is empty).
    alert_scan_seconds: float = 30.0
    working_day_starts: time = time(9, 0)  # routine promises: alerted then on the last day
    working_day_ends: time = time(17, 0)  # urgent promises: alerted 2 hours before this
    console_public_url: str = ""  # the console's address in emails (default: this machine's)
    team_email: str = ""  # the team's shared address, where alerts are emailed
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: bool = True  # STARTTLS, and never send without it (false: plain SMTP, local only)
    smtp_user: str = ""  # both empty: no login
    smtp_password: str = ""
    smtp_from: str = "frontdoor@example.org"
    twilio_account_sid: str = ""  # SMS over Twilio; empty means the SMS channel refuses all
    twilio_auth_token: str = ""  # checks every webhook's X-Twilio-Signature
    twilio_number: str = ""  # the council's number, in E.164 (+44...)
    twilio_api_base_url: str = "https://api.twilio.com"  # tests point it at a fake
    sms_public_base_url: str = ""  # the https address Twilio calls, when behind a proxy
    sms_rate_limit: int = 30  # texts one number can send in the window before we pause
    sms_rate_window_minutes: int = 60
    sms_id_secret: str = ""  # keys SMS conversation ids, so a phone number is never one
    webchat_secret: str = ""  # signs web chat session keys, so only the holder rejoins one
    # Whether a resident has the web chat open (frontdoor/store/presence.py): each Rasa server
    # refreshes its connections this often, and one not refreshed for presence_seconds is gone.
    webchat_heartbeat_seconds: float = 20.0
    webchat_presence_seconds: float = 60.0
    wellbeing_link_secret: str = ""  # signs the wellbeing links residents are sent at closing
    rest_channel_enabled: bool = True  # Rasa's REST channel; production turns it off
    rasa_host: str = "127.0.0.1"  # where the Rasa server listens (0.0.0.0 behind a proxy)
    # The only sites whose pages may call Rasa (CORS), comma or space separated; default:
    # the console's own, which serves the chat.
    chat_origins: tuple[str, ...] = ()
    retention_months: int = 24  # conversations and closed referrals older than this are erased
    outbox_dir: str = str(PROJECT_ROOT / "var" / "outbox")  # messages held while the store is down
    outbox_retry_seconds: float = 15.0  # how often held messages are tried again
    # Where the Rasa server calls the action server (default: this machine, at actions_port).
    actions_url: str = ""
    # Where what several Rasa servers share is kept (conversation locks, the web chat's emits):
    # in this process, or in Redis when several Rasa servers share the conversations (the
    # scaled run, compose).
    shared_state: Literal["in_memory", "redis"] = "in_memory"
    redis_url: str = "redis://127.0.0.1:6379/0"  # redis://[user:password@]host:port/db
    # Conversations a Rasa server keeps in memory between turns (0: read each turn from the
    # database). A kept one is used only while the database agrees with it.
    tracker_cache_size: int = 2000
    # How often a Rasa server hands the memory it has freed back to the system (0: only once
    # the model has loaded); see bot/memory.py.
    memory_release_seconds: float = 60.0

    class Config:
        frozen = True  # one reading of the environment: read-only, and hashable

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str) -> Any:
            """A list as people write it ("a, b c"), not as JSON."""
            if field_name == "chat_origins":
                return raw_val
            return cls.json_loads(raw_val)  # type: ignore[attr-defined]

    @validator("*", pre=True)
    def _empty_means_default(cls, value: Any, field: ModelField) -> Any:  # noqa: N805
        return field.get_default() if value == "" else value

    @validator(
        "console_secure_cookies",
        "console_https",
        "console_api_docs",
        "rest_channel_enabled",
        pre=True,
    )
    def _yes_or_no(cls, value: Any) -> Any:  # noqa: N805
        return is_on(value) if isinstance(value, str) and value else value

    @validator("chat_origins", pre=True)
    def _origins(cls, value: Any) -> Any:  # noqa: N805
        return split_origins(value) if isinstance(value, str) else value

    @validator("redis_url")
    def _redis_address(cls, value: str) -> str:  # noqa: N805
        address = urlsplit(value)
        if address.scheme not in ("redis", "rediss") or not address.hostname:
            raise ValueError("must be redis://host:port/db (or rediss:// over TLS)")
        return value

    @validator("webchat_presence_seconds")
    def _longer_than_a_heartbeat(cls, value: float, values: dict[str, Any]) -> float:  # noqa: N805
        if value <= values.get("webchat_heartbeat_seconds", 0):
            raise ValueError("must be longer than WEBCHAT_HEARTBEAT_SECONDS (three times is safe)")
        return value

    @validator("sms_public_base_url")
    def _no_trailing_slash(cls, value: str) -> str:  # noqa: N805
        return value.rstrip("/")

    @root_validator(skip_on_failure=True)
    def _derived(cls, values: dict[str, Any]) -> dict[str, Any]:  # noqa: N805
        """Defaults worked out from other settings: local addresses from the ports, and each
        secret for one purpose from the Rasa API token when it is not set on its own."""
        local_rasa = f"http://127.0.0.1:{values['rasa_port']}"
        values["rasa_url"] = values["rasa_url"] or local_rasa
        values["public_rasa_url"] = values["public_rasa_url"] or local_rasa
        local_actions = f"http://127.0.0.1:{values['actions_port']}/webhook"
        values["actions_url"] = values["actions_url"] or local_actions
        for name, purpose in DERIVED_SECRETS.items():
            values[name] = values[name] or derived_secret(values["rasa_api_token"], purpose)
        console = values["console_port"]
        local_console = (f"http://127.0.0.1:{console}", f"http://localhost:{console}")
        values["chat_origins"] = values["chat_origins"] or local_console
        return values


# Secrets derived from the Rasa API token when not set: setting -> purpose.
DERIVED_SECRETS = {
    "actions_token": "actions",
    "sms_id_secret": "sms-conversation-ids",
    "webchat_secret": "webchat-sessions",
    "wellbeing_link_secret": "wellbeing-links",
}


def derived_secret(key: str, purpose: str) -> str:
    """A secret for one purpose, derived from another the operator set (HMAC-SHA256)."""
    return hmac.new(f"frontdoor:{key}".encode(), purpose.encode(), hashlib.sha256).hexdigest()


def get_settings() -> Settings:
    """Read the settings afresh (real environment variables win over .env)."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return Settings()


def split_origins(value: str) -> tuple[str, ...]:
    """CHAT_ORIGINS as people write it: comma or space separated, no trailing slashes."""
    return tuple(o.rstrip("/") for o in value.replace(",", " ").split() if o)


def is_on(value: str) -> bool:
    """A yes/no setting: only 1, true, yes or on mean yes (a typo means no)."""
    return value.strip().lower() in ("1", "true", "yes", "on")
