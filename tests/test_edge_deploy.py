"""The Docker files, checked without a Docker engine (CI has none): structure, not a build.

What these prove and what they do not is listed in README "Production": that compose builds
one image and reuses it, that web replicas publish no host port and sit behind the proxy, that
secrets and the venv stay out of the build context, and that the runtime image installs the
package (not the source tree, not the dev tools). Building and running the image is not tested.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.support.process import REPO


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "docker-compose.yml").read_text()))


def _ignored_allow_list() -> list[str]:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_compose_builds_one_image_and_every_opsbot_service_reuses_it() -> None:
    services = _compose()["services"]

    builders = [name for name, service in services.items() if "build" in service]
    opsbot = {name for name, service in services.items() if service.get("image") == "opsbot:local"}

    assert builders == ["migrate"]
    assert opsbot == {"migrate", "web", "scheduler"}
    assert all(services[name].get("pull_policy") == "never" for name in opsbot - {"migrate"})


def test_web_replicas_publish_no_host_port_and_the_proxy_finds_all_of_them() -> None:
    services = _compose()["services"]
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text()

    assert "ports" not in services["web"]
    assert services["web"]["expose"] == ["3000"]
    assert services["web"]["command"] == ["serve", "--no-scheduler"]
    assert "80:80" in services["proxy"]["ports"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    assert re.search(r"dynamic a \{\s*name web\s*port 3000", caddyfile)


def test_one_scheduler_and_migrations_before_anything_serves() -> None:
    services = _compose()["services"]

    assert services["scheduler"]["command"] == ["scheduler"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert services[name]["environment"]["OPSBOT_AUTO_MIGRATE"] == "false"


def test_the_build_context_is_an_allow_list_without_secrets_or_the_venv() -> None:
    rules = _ignored_allow_list()
    allowed = {rule.removeprefix("!").rstrip("/") for rule in rules if rule.startswith("!")}
    copied = {
        part.rstrip("/")
        for line in (REPO / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from=" not in line
        for part in line.split()[1:-1]
    }

    assert rules[0] == "*"
    assert not allowed & {".env", ".venv", ".git", "opsbot.db", "tests"}
    assert copied <= allowed


def test_the_runtime_image_holds_the_installed_package_only() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    runtime = dockerfile.split("AS runtime", 1)[1]

    assert "pip install --progress-bar off -c constraints.txt .\n" in dockerfile
    assert "[dev]" not in dockerfile
    assert [line for line in runtime.splitlines() if line.startswith("COPY")] == [
        "COPY --from=build /opt/venv /opt/venv"
    ]
