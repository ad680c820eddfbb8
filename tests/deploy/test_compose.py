"""docker-compose.yml, the production shape: valid by the Compose Specification's own JSON
schema (as check-jsonschema ships it: `make compose-schema`), its services running the
commands the scaled run runs (frontdoor.runner.COMMANDS), its nginx filling in the template
the scaled run fills in, its settings valid, and nothing secret written in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontdoor.runner import COMMANDS
from frontdoor.scaled import MAIN_TEMPLATE, SITE_TEMPLATE, Layout, placeholders
from frontdoor.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
CHECK_JSONSCHEMA = PROJECT_ROOT / ".tmp" / "check-jsonschema" / "bin" / "check-jsonschema"
IMAGE = "frontdoor:latest"  # the image built from the Dockerfile
# Compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}, filled in from .env.
INTERPOLATION = re.compile(r"\$\{([A-Z_]+)(?:[:?-][^{}]*(?:\$\{[A-Z_]+\})?[^{}]*)?\}")
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|_KEY|_SID")
# What uvicorn reads from the environment, not one of the settings.
NOT_SETTINGS = {
    "UVICORN_HOST",
    "UVICORN_PORT",
    "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN",
}  # uvicorn's own


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def ours(services: dict[str, Any]) -> dict[str, Any]:
    """The services that run Frontdoor's own image."""
    return {name: service for name, service in services.items() if service.get("image") == IMAGE}


def check_against_the_specification(path: Path) -> subprocess.CompletedProcess[str]:
    if not CHECK_JSONSCHEMA.exists():
        pytest.fail(f"{CHECK_JSONSCHEMA} is missing: run make compose-schema (make test does)")
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_compose_file_follows_the_compose_specification() -> None:
    result = check_against_the_specification(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c: c["services"]["nginx"].update(restart_policy="always"), "restart_policy"),
        (lambda c: c["services"]["nginx"].update(ports="80:80"), "ports"),
        (lambda c: c.update(volumes=["postgres-data"]), "volumes"),
    ],
    ids=["unknown key", "string for a list", "list for a map"],
)
def test_the_check_refuses_what_the_specification_does_not_allow(tmp_path, change, named) -> None:
    """The check above can fail: a key compose does not know, a wrong type, a wrong shape."""
    broken = compose()
    change(broken)
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))
    result = check_against_the_specification(path)
    assert result.returncode == 1 and named in result.stdout, result.stdout + result.stderr


def test_each_service_runs_the_command_the_scaled_run_uses() -> None:
    services = ours(compose()["services"])
    assert set(services) == set(COMMANDS)
    for name, service in services.items():
        assert tuple(service["command"]) == COMMANDS[name], name


def test_the_replicas_share_the_lock_store_and_the_database() -> None:
    services = compose()["services"]
    for name in COMMANDS:
        environment = services[name]["environment"]
        assert environment["SHARED_STATE"] == "redis", name
        assert environment["DATABASE_URL"].startswith("postgresql://"), name
    replicas = {name: s.get("deploy", {}).get("replicas", 1) for name, s in ours(services).items()}
    assert replicas == dict(rasa=2, actions=2, console=1, migrate=1)


def test_every_setting_given_to_a_service_is_a_valid_setting() -> None:
    """A misspelt name or a value the settings refuse would only show when a container starts."""
    for name, service in ours(compose()["services"]).items():
        environment = {key: filled_in(str(value)) for key, value in service["environment"].items()}
        unknown = set(environment) - NOT_SETTINGS - {f.upper() for f in Settings.__fields__}
        assert not unknown, f"{name}: {unknown}"
        values = {
            key.lower(): value for key, value in environment.items() if key not in NOT_SETTINGS
        }
        Settings(**values)


def filled_in(value: str) -> str:
    """A value as compose would give it, with an example for each ${...} from .env."""
    return INTERPOLATION.sub("example", value)


def test_nothing_secret_is_written_in_the_file() -> None:
    """Secrets come from .env: a secret's value, or a password in an address, is only ${...}."""
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(key):
                assert INTERPOLATION.fullmatch(value), f"{name}: {key}"
            for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
                assert INTERPOLATION.fullmatch(password), f"{name}: {key}"


def test_every_long_running_service_has_a_health_check() -> None:
    services = compose()["services"]
    for name, service in services.items():
        if service.get("restart") != "no":
            assert service["healthcheck"]["test"][0] == "CMD", name


def test_nginx_fills_in_the_template_the_scaled_run_fills_in() -> None:
    nginx = compose()["services"]["nginx"]
    mounted = {volume.split(":")[0] for volume in nginx["volumes"]}
    assert f"./{SITE_TEMPLATE.relative_to(PROJECT_ROOT)}" in mounted
    site = SITE_TEMPLATE.read_text()
    needed = placeholders(site)
    given = {name for name in nginx["environment"] if name.startswith("FRONTDOOR_")}
    assert needed and needed == given
    assert all(re.match(nginx["environment"]["NGINX_ENVSUBST_FILTER"], name) for name in given)
    scaled = Layout.on_free_ports(2).nginx_values(Path("/tmp/frontdoor-nginx"))
    assert needed | placeholders(MAIN_TEMPLATE.read_text()) <= set(scaled)
    for template in (site, MAIN_TEMPLATE.read_text()):
        assert "$FRONTDOOR_" not in template  # only ${...}, which both fill in
