"""Accounts: how names match, the CSV import format and the account editor's checks."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from bot.rituals.feedback.domain.values import (
    ACCOUNT_NAME_LIMIT,
    ARR_MAX,
    EXTERNAL_ID_LIMIT,
    SEGMENT_LIMIT,
)


def account_key(name: str) -> str:
    """Accounts are matched ignoring case and spacing: "ACME  corp" is "Acme Corp"."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class AccountRecord:
    name: str
    external_id: str | None = None
    segment: str | None = None
    arr: int | None = None
    owner_user_id: str | None = None


class AccountsFileInvalid(Exception):
    pass


def parse_accounts_csv(content: str) -> list[AccountRecord]:
    """Reads `name,external_id,segment,arr,owner` (header required, only `name` mandatory).
    ARR accepts `120000`, `120,000` or `$120k`; owner is a Slack user id."""
    reader = csv.DictReader(io.StringIO(content))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if "name" not in header:
        raise AccountsFileInvalid("the first line must be a header with at least a `name` column")
    records: list[AccountRecord] = []
    for line_number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        name = " ".join(row.get("name", "").split())
        if not name:
            raise AccountsFileInvalid(f"line {line_number}: the account has no name")
        if len(name) > ACCOUNT_NAME_LIMIT:
            raise AccountsFileInvalid(
                f"line {line_number}: the name is longer than {ACCOUNT_NAME_LIMIT} characters"
            )
        for column, limit in (("external_id", EXTERNAL_ID_LIMIT), ("segment", SEGMENT_LIMIT)):
            if len(row.get(column, "")) > limit:
                raise AccountsFileInvalid(
                    f"line {line_number}: {column} is longer than {limit} characters"
                )
        records.append(
            AccountRecord(
                name=name,
                external_id=row.get("external_id") or None,
                segment=row.get("segment") or None,
                arr=_parse_arr(row.get("arr", ""), line_number),
                owner_user_id=row.get("owner") or row.get("owner_user_id") or None,
            )
        )
    return records


def _parse_arr(value: str, line_number: int) -> int | None:
    cleaned = value.replace(",", "").replace("$", "").replace("€", "").strip().lower()
    if not cleaned:
        return None
    multiplier = 1
    if cleaned[-1] in {"k", "m"}:
        multiplier = 1000 if cleaned[-1] == "k" else 1_000_000
        cleaned = cleaned[:-1]
    try:
        amount = float(cleaned) * multiplier
    except ValueError:
        raise AccountsFileInvalid(f"line {line_number}: ARR {value!r} is not a number") from None
    if not math.isfinite(amount) or not 0 <= amount <= ARR_MAX:
        raise AccountsFileInvalid(
            f"line {line_number}: ARR {value!r} must be between 0 and {ARR_MAX:,}"
        )
    return round(amount)


class AccountInvalid(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def account_from_form(
    *,
    name: str,
    external_id: str | None,
    segment: str | None,
    arr: str | None,
    owner_user_id: str | None,
) -> AccountRecord:
    """Checks the account editor's fields (name required, ARR a number like 120k)."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise AccountInvalid("name", "Give the account a name.")
    if len(clean_name) > ACCOUNT_NAME_LIMIT:
        raise AccountInvalid("name", f"Keep the name under {ACCOUNT_NAME_LIMIT} characters.")
    try:
        parsed_arr = _parse_arr(arr or "", 0)
    except AccountsFileInvalid:
        raise AccountInvalid(
            "arr", f"ARR must be a number from 0 to {ARR_MAX:,}, like 120000 or 120k."
        ) from None
    if len((external_id or "").strip()) > EXTERNAL_ID_LIMIT:
        raise AccountInvalid(
            "external_id", f"Keep the external id under {EXTERNAL_ID_LIMIT} characters."
        )
    if len((segment or "").strip()) > SEGMENT_LIMIT:
        raise AccountInvalid("segment", f"Keep the segment under {SEGMENT_LIMIT} characters.")
    return AccountRecord(
        name=clean_name,
        external_id=(external_id or "").strip() or None,
        segment=(segment or "").strip() or None,
        arr=parsed_arr,
        owner_user_id=owner_user_id,
    )
