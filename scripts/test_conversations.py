"""Run the conversation tests (tests/conversations) against the real action server.

Starts the action server on a free port with a fresh SQLite store holding the sample
directory, runs `rasa test core --fail-on-prediction-errors`, and stops the server.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from frontdoor.runner import (
    BIN,
    free_port,
    prepare_store,
    service_env,
    start_actions,
    stop,
    wait_until_up,
)
from frontdoor.settings import PROJECT_ROOT, get_settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "frontdoor.tar.gz")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "conversations")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/conversations.db"
        os.environ["ACTIONS_PORT"] = str(free_port())
        settings = get_settings()
        env = service_env(settings)
        prepare_store(env)
        with open(Path(tmp) / "actions.log", "w") as log:
            actions = start_actions(settings, env, log)
            try:
                wait_until_up(f"http://127.0.0.1:{settings.actions_port}/health", 120, actions)
                result = subprocess.run(
                    [
                        str(BIN / "rasa"),
                        "test",
                        "core",
                        "--model",
                        str(args.model),
                        "--stories",
                        "tests/conversations",
                        "--endpoints",
                        "bot/endpoints.yml",
                        "--fail-on-prediction-errors",
                        "--out",
                        str(args.out),
                    ],
                    cwd=PROJECT_ROOT,
                    env=env,
                )
            finally:
                stop(actions)
        if result.returncode != 0:
            print((Path(tmp) / "actions.log").read_text()[-5000:], file=sys.stderr)
            failed = args.out / "failed_test_stories.yml"
            if failed.exists():
                print(failed.read_text(), file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
