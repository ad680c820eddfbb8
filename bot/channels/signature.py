"""Checking that a webhook really came from Twilio (X-Twilio-Signature)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol
from urllib.parse import parse_qs

from sanic.request import Request
from twilio.request_validator import RequestValidator


class SignatureCheck(Protocol):
    """What is used of twilio's RequestValidator, typed (twilio's code has no annotations)."""

    def validate(self, uri: str, params: dict[str, str], signature: str) -> bool: ...

    def compute_signature(self, uri: str, params: dict[str, str]) -> str: ...


# twilio's RequestValidator(auth_token), as the typed SignatureCheck.
validator_for: Callable[[str], SignatureCheck] = RequestValidator


def called_url(request: Request, public_base_url: str = "") -> str:
    """The URL Twilio called: the public base URL if set, else the one the request arrived at.

    Behind a proxy that does not rewrite the URL, X-Forwarded-Proto and X-Forwarded-Host say
    what the resident's carrier, and so Twilio, used.
    """
    path = request.path + (f"?{request.query_string}" if request.query_string else "")
    if public_base_url:
        return public_base_url.rstrip("/") + path
    scheme = _first(request.headers.get("x-forwarded-proto")) or request.scheme
    host = _first(request.headers.get("x-forwarded-host")) or request.headers.get("host", "")
    return f"{scheme}://{host}{path}"


def _first(header: str | None) -> str:
    """The first value of a header that proxies may have made a list."""
    return (header or "").split(",")[0].strip()


def form_params(request: Request) -> dict[str, str]:
    """The posted form fields, one value each, empty ones too (Twilio signs them all)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qs((request.body or b"").decode("utf-8"), keep_blank_values=True)
    else:
        fields = dict(request.form or {})
    return {key: values[0] for key, values in fields.items() if values}


def is_signed(request: Request, auth_token: str, public_base_url: str = "") -> bool:
    """True only for a request signed with our auth token; nothing is trusted without one."""
    signature = request.headers.get("x-twilio-signature", "")
    if not auth_token or not signature:
        return False
    validator = validator_for(auth_token)
    return validator.validate(called_url(request, public_base_url), form_params(request), signature)


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The signature Twilio would send (for tests and the fake Twilio)."""
    return validator_for(auth_token).compute_signature(url, params)
