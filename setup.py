"""Ships the Alembic migrations and the default settings inside the installed package.

They live at the top of the repository (`migrations/`, `config/defaults.toml`), where
developers and `alembic.ini` expect them, but a non-editable install (`pip install .`, the
Docker image) has no source tree: without this, `opsbot db upgrade` fails with "Path doesn't
exist: .../site-packages/migrations". The wheel gets them as `bot/migrations/` and
`bot/defaults.toml`; bot/db.py and bot/config.py use those when they are there.
Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the source tree
        target = Path(self.build_lib) / "bot"
        shutil.rmtree(target / "migrations", ignore_errors=True)  # no stale revisions
        shutil.copytree(
            HERE / "migrations",
            target / "migrations",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            dirs_exist_ok=True,
        )
        shutil.copy2(HERE / "config" / "defaults.toml", target / "defaults.toml")


setup(cmdclass={"build_py": BuildPyWithMigrations})
