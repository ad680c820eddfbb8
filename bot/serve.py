"""Start the Rasa server with the settings, keeping its API secret out of the process list.

python -m bot.serve --model models/frontdoor.tar.gz

Rasa's API takes only signed bearer tokens (JWT, frontdoor.rasa_auth), not its plain token in a
query string, where logs and proxies keep it. `rasa run --jwt-secret ...` would show the secret
to anyone who can run `ps`; this derives it from the environment (RASA_API_TOKEN) and hands
Rasa's own command line the arguments in-process, where the process list never sees them. Cross-origin calls are allowed only from the web chat's
pages (CHAT_ORIGINS), not from any site.

Rasa waits up to 300 s for the action server (DEFAULT_REQUEST_TIMEOUT); a resident must not
wait that long for an apology, so the wait is ACTIONS_TIMEOUT_SECONDS (default 20).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from frontdoor.rasa_auth import ALGORITHM, jwt_secret
from frontdoor.settings import Settings, get_settings


def rasa_arguments(settings: Settings, model: Path) -> list[str]:
    """What `rasa run` is given: the model, the API behind the token, loopback, our files."""
    return [
        "run",
        "--model",
        str(model),
        "--enable-api",
        "--jwt-secret",
        jwt_secret(settings.rasa_api_token),
        "--jwt-method",
        ALGORITHM,
        "--port",
        str(settings.rasa_port),
        "--interface",
        settings.rasa_host,
        "--credentials",
        "bot/credentials.yml",
        "--endpoints",
        "bot/endpoints.yml",
        "--cors",
        *settings.chat_origins,
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args(argv)
    from rasa.__main__ import main as rasa_main

    from bot.rasa_overrides import install

    settings = get_settings()
    # refuses a Rasa the overrides were not checked on
    install(settings.actions_timeout_seconds, settings.memory_release_seconds)
    sys.argv = ["rasa", *rasa_arguments(settings, args.model)]
    rasa_main()


if __name__ == "__main__":
    main()
