"""Rasa's REST channel with the length cap (bot/channels/limits.py)."""

from __future__ import annotations

from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.limits import OnNewMessage, limited


class LimitedRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender", "message"}, as Rasa's, with long messages cut."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(limited(on_new_message))
