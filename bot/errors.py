"""Domain errors that reach people. The one `@app.error` handler turns them into messages."""

from __future__ import annotations


class UserFacingError(Exception):
    """Something the person can fix or understand; `str(error)` is shown to them as is."""


class NotAdminError(UserFacingError):
    def __init__(self, what: str = "change settings") -> None:
        super().__init__(f"Only workspace admins can {what}. Ask an admin, or see `/ops help`.")
