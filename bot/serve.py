"""Start the Rasa server with the settings, keeping its API token out of the process list.

python -m bot.serve --model models/frontdoor.tar.gz

`rasa run --auth-token ...` shows the token to anyone who can run `ps`; this reads it from the
environment (RASA_API_TOKEN) and hands Rasa's own command line the arguments in-process, where
the process list never sees them. Cross-origin calls are allowed only from the web chat's
pages (CHAT_ORIGINS), not from any site.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from frontdoor.settings import Settings, get_settings


def rasa_arguments(settings: Settings, model: Path) -> list[str]:
    """What `rasa run` is given: the model, the API behind the token, loopback, our files."""
    return [
        "run",
        "--model",
        str(model),
        "--enable-api",
        "--auth-token",
        settings.rasa_api_token,
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

    sys.argv = ["rasa", *rasa_arguments(get_settings(), args.model)]
    rasa_main()


if __name__ == "__main__":
    main()
