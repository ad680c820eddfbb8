"""Rasa's telemetry is off wherever Rasa starts: health-adjacent data stays on the machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from frontdoor.runner import service_env
from frontdoor.settings import PROJECT_ROOT, get_settings

ASK_RASA = "import rasa.telemetry as t; print(t.is_telemetry_enabled())"


def rasa_says_telemetry_enabled(env: dict[str, str]) -> str:
    """Ask Rasa itself, in a fresh process with this environment."""
    result = subprocess.run(
        [sys.executable, "-c", ASK_RASA], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_servers_started_by_the_runner_have_telemetry_off(monkeypatch) -> None:
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")  # even if the operator's shell says yes
    env = service_env(get_settings())
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert rasa_says_telemetry_enabled(env) == "False"


def test_rasa_would_report_without_the_setting() -> None:
    """The check above can fail: with the variable set to true, Rasa does report."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "true"}
    assert rasa_says_telemetry_enabled(env) == "True"


def test_every_make_target_runs_with_telemetry_off() -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "true"}
    result = subprocess.run(
        [
            "make",
            "-s",
            "--eval",
            "print-telemetry: ; @echo $$RASA_TELEMETRY_ENABLED",
            "print-telemetry",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "false"


def test_tests_and_scripts_that_load_rasa_in_process_turn_it_off() -> None:
    assert os.environ["RASA_TELEMETRY_ENABLED"] == "false"  # set by tests/conftest.py
    for script in ("scripts/nlu_eval.py",):
        source = Path(PROJECT_ROOT, script).read_text(encoding="utf-8")
        assert 'os.environ["RASA_TELEMETRY_ENABLED"] = "false"' in source, script


# Starting a Rasa process: the runner's start_rasa, Rasa's own command, or `python -m rasa`.
TELEMETRY_OFF = '"RASA_TELEMETRY_ENABLED": "false"'
LAUNCHES_RASA = re.compile(r'start_rasa\(|/ "rasa"|"-m",\s*"rasa"')


def test_every_process_that_starts_rasa_uses_the_runner_environment() -> None:
    """Anything that launches a Rasa process gets its environment from service_env, or, for
    the bare assistant the load benchmark compares with, one of its own with telemetry off."""
    launchers = [
        path
        for path in [*PROJECT_ROOT.glob("scripts/*.py"), *PROJECT_ROOT.glob("tests/**/*.py")]
        if LAUNCHES_RASA.search(path.read_text(encoding="utf-8")) and path != Path(__file__)
    ]
    assert launchers, "expected the conversation tests and the e2e tests to start Rasa"
    for path in launchers:
        source = path.read_text(encoding="utf-8")  # bare Rasa (the benchmark): its own, off
        assert "service_env" in source or TELEMETRY_OFF in source, path
