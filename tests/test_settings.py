"""Settings from the environment (frontdoor/settings.py): defaults, derived values, bad values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontdoor.settings import derived_secret, get_settings


def test_an_empty_value_means_the_default(monkeypatch) -> None:
    for name in ("MAX_MESSAGE_CHARS", "RASA_PORT", "REST_CHANNEL_ENABLED", "CHAT_ORIGINS"):
        monkeypatch.setenv(name, "")
    # the chat's origins follow the console's address (a running assistant's test sets them)
    monkeypatch.delenv("CONSOLE_PORT", raising=False)
    settings = get_settings()
    assert settings.max_message_chars == 2000 and settings.rasa_port == 5005
    assert settings.rest_channel_enabled is True
    assert settings.chat_origins == ("http://127.0.0.1:8000", "http://localhost:8000")


def test_addresses_follow_the_ports_unless_set(monkeypatch) -> None:
    monkeypatch.setenv("RASA_PORT", "5010")
    monkeypatch.delenv("RASA_URL", raising=False)
    monkeypatch.delenv("PUBLIC_RASA_URL", raising=False)
    settings = get_settings()
    assert settings.rasa_url == settings.public_rasa_url == "http://127.0.0.1:5010"
    monkeypatch.setenv("PUBLIC_RASA_URL", "https://chat.example.org")
    assert get_settings().public_rasa_url == "https://chat.example.org"


def test_origins_as_people_write_them(monkeypatch) -> None:
    monkeypatch.setenv("CHAT_ORIGINS", "https://www.example.org/, https://help.example.org")
    assert get_settings().chat_origins == ("https://www.example.org", "https://help.example.org")


def test_a_yes_or_no_setting_is_yes_only_when_it_says_so(monkeypatch) -> None:
    for value, on in (("true", True), ("1", True), ("on", True), ("flase", False), ("0", False)):
        monkeypatch.setenv("CONSOLE_HTTPS", value)
        assert get_settings().console_https is on, value


def test_secrets_for_one_purpose_come_from_the_api_token_unless_set(monkeypatch) -> None:
    monkeypatch.setenv("RASA_API_TOKEN", "operator-token")
    monkeypatch.delenv("WEBCHAT_SECRET", raising=False)
    assert get_settings().webchat_secret == derived_secret("operator-token", "webchat-sessions")
    monkeypatch.setenv("WEBCHAT_SECRET", "its-own")
    assert get_settings().webchat_secret == "its-own"


def test_a_value_that_is_not_a_number_stops_the_service_with_its_name(monkeypatch) -> None:
    monkeypatch.setenv("SMS_RATE_LIMIT", "thirty")
    with pytest.raises(ValidationError, match="sms_rate_limit"):
        get_settings()


def test_settings_cannot_be_changed_once_read() -> None:
    settings = get_settings()
    with pytest.raises(TypeError):
        settings.rasa_port = 1  # type: ignore[misc]
    assert hash(settings) == hash(get_settings())


def test_the_lock_store_is_in_memory_unless_replicas_share_it_in_redis(monkeypatch) -> None:
    monkeypatch.delenv("SHARED_STATE", raising=False)
    assert get_settings().shared_state == "in_memory"
    monkeypatch.setenv("SHARED_STATE", "redis")
    monkeypatch.setenv("REDIS_URL", "rediss://locks.example.org:6380/2")
    settings = get_settings()
    assert (settings.shared_state, settings.redis_url) == (
        "redis",
        "rediss://locks.example.org:6380/2",
    )
    for name, value in (("SHARED_STATE", "memcached"), ("REDIS_URL", "http://127.0.0.1:6379")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ValidationError, match=name.lower()):
            get_settings()
        monkeypatch.delenv(name)


def test_the_action_server_address_follows_its_port_unless_set(monkeypatch) -> None:
    monkeypatch.setenv("ACTIONS_PORT", "5070")
    monkeypatch.delenv("ACTIONS_URL", raising=False)
    assert get_settings().actions_url == "http://127.0.0.1:5070/webhook"
    monkeypatch.setenv("ACTIONS_URL", "http://nginx:5055/webhook")
    assert get_settings().actions_url == "http://nginx:5055/webhook"
