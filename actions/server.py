"""The action server: rasa-sdk's app, on loopback, answering only the Rasa server.

`rasa run actions` listens on every interface and runs any action for anyone who posts to
/webhook, so a stranger could read a resident's details or create a referral. This server
listens on ACTIONS_HOST (127.0.0.1 unless an operator says otherwise) and refuses every
call but /health that lacks the shared secret, which the Rasa server sends as a header
(bot/endpoints.yml). Its errors never echo the request back.

    python -m actions.server
"""

from __future__ import annotations

import hmac
import logging

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from frontdoor.redact import error_summary
from frontdoor.settings import get_settings

TOKEN_HEADER = "X-Frontdoor-Actions-Token"
OPEN_PATHS = {"/health"}

logger = logging.getLogger(__name__)


def allowed(request: Request, token: str) -> bool:
    """Whether the request carries the shared secret (compared in constant time)."""
    given = request.headers.get(TOKEN_HEADER, "")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def create_app(token: str) -> Sanic:
    """rasa-sdk's app with the actions package, the secret checked before every call."""
    app = create_sdk_app("actions", cors_origins=None)

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or allowed(request, token):
            return None
        logger.warning("refused a call to %s without the actions token", request.path)
        return response.json({"error": "not allowed"}, status=401)

    app.register_middleware(require_token, "request")

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("action call failed on %s: %s", request.path, error_summary(exception))
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = get_settings()
    app = create_app(settings.actions_token)
    logger.info("action server on http://%s:%s", settings.actions_host, settings.actions_port)
    app.run(host=settings.actions_host, port=settings.actions_port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
