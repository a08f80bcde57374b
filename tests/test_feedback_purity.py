"""The feedback ritual's pure layers stay pure and its files stay small. `tests/test_seam.py`
guards files named domain.py and blocks.py and the domain/ package; feedback's builders are a
package (blocks/), and its forms and ids are read by them, so they are guarded here too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FEEDBACK = Path(__file__).resolve().parent.parent / "bot" / "rituals" / "feedback"
PURE = sorted(
    [
        *FEEDBACK.glob("domain/*.py"),
        *FEEDBACK.glob("blocks/*.py"),
        FEEDBACK / "forms.py",
        FEEDBACK / "ids.py",
    ]
)
FORBIDDEN_ROOTS = {"sqlalchemy", "httpx", "slack_bolt", "apscheduler"}
FORBIDDEN_SUFFIXES = (".service", ".queries", ".models", ".store", ".flows", ".listeners")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(FEEDBACK)))
def test_feedback_domain_blocks_forms_and_ids_import_no_database_http_or_service(
    path: Path,
) -> None:
    bad = {
        name
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN_ROOTS
        or name.endswith(FORBIDDEN_SUFFIXES)
        or ".flows." in name
    }

    assert bad == set()


def test_the_purity_guard_covers_the_builder_package() -> None:
    assert {"common.py", "modals.py", "messages.py", "digest.py", "home.py", "settings.py"} <= {
        p.name for p in PURE if p.parent.name == "blocks"
    }


@pytest.mark.parametrize(
    "path", sorted(FEEDBACK.rglob("*.py")), ids=lambda p: str(p.relative_to(FEEDBACK))
)
def test_no_feedback_source_file_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
