"""The triage builders and rules are split into packages (`blocks/`, `domain/`); the seam's import
guard finds files named `blocks.py` and `domain/*.py`, so this holds `blocks/*.py` to the same
rule: no database, HTTP, Bolt, scheduler, service, queries or models imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_seam import _imports

TRIAGE = Path(__file__).resolve().parent.parent / "bot" / "rituals" / "triage"
PURE = sorted([*TRIAGE.glob("blocks/*.py"), *TRIAGE.glob("domain/*.py")])
FORBIDDEN = ("sqlalchemy", "httpx", "slack_bolt", "apscheduler")


def test_the_pure_packages_are_found() -> None:
    assert {p.parent.name for p in PURE} == {"blocks", "domain"}
    assert len(PURE) >= 10


@pytest.mark.parametrize("path", PURE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_triage_builders_and_rules_import_no_database_http_or_service(path: Path) -> None:
    bad = {
        name
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
        or name.endswith((".service", ".queries", ".models", ".ticket_store", ".rows"))
    }

    assert bad == set()
