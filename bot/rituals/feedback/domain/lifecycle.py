"""The lifecycle rules: which status changes are allowed and what each needs, and the item menu's
choices (a status or "merge into…")."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.rituals.feedback.domain.capture import is_valid_url
from bot.rituals.feedback.domain.values import Status

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.REVIEWED, Status.PLANNED, Status.SHIPPED, Status.DECLINED}),
    Status.REVIEWED: frozenset({Status.NEW, Status.PLANNED, Status.SHIPPED, Status.DECLINED}),
    Status.PLANNED: frozenset({Status.REVIEWED, Status.SHIPPED, Status.DECLINED}),
    Status.SHIPPED: frozenset({Status.PLANNED}),
    Status.DECLINED: frozenset({Status.REVIEWED, Status.PLANNED}),
}


class StatusChangeInvalid(UserFacingError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


@dataclass(frozen=True)
class StatusRequest:
    status: Status
    link: str | None = None
    reason: str | None = None


def check_status_change(current: Status, request: StatusRequest) -> StatusRequest:
    """Planned needs a roadmap or tracker link; declined needs a reason; shipped and declined are
    ends that can only be reopened deliberately. Returns the cleaned request."""
    if request.status == current:
        return request
    if request.status not in _ALLOWED[current]:
        raise StatusChangeInvalid(
            "status", f"An item that is {current.value} cannot become {request.status.value}."
        )
    link = (request.link or "").strip() or None
    reason = (request.reason or "").strip() or None
    if request.status is Status.PLANNED and (link is None or not is_valid_url(link)):
        raise StatusChangeInvalid(
            "link", "Planned items need a roadmap or tracker link (https://…)."
        )
    if request.status is Status.DECLINED and reason is None:
        raise StatusChangeInvalid("reason", "Say why it is declined; the requesters will read it.")
    return StatusRequest(request.status, link, reason)


def needs_details(status: Status) -> bool:
    """Statuses that ask for a link or a reason before they can be set."""
    return status in {Status.PLANNED, Status.DECLINED}


MERGE_CHOICE = "merge"


@dataclass(frozen=True)
class ItemAction:
    """A choice in an item's menu (digest, App Home): a new status, or "merge into…"."""

    item_id: int
    choice: Status | None  # None: merge

    def encode(self) -> str:
        return f"{self.item_id}:{self.choice.value if self.choice else MERGE_CHOICE}"

    @classmethod
    def decode(cls, value: str) -> ItemAction:
        item, _, choice = value.partition(":")
        return cls(int(item), None if choice == MERGE_CHOICE else Status(choice))


class ItemNotFound(UserFacingError):
    """No such item in this workspace (or it was merged away)."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"There is no feedback item #{item_id} (it may have been merged).")
        self.item_id = item_id
