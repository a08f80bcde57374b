"""The call modal's state read into a draft, and the small metadata the buddy modals carry."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, time
from typing import Any

from bot.rituals.buddies.domain import CallDraft
from bot.rituals.buddies.ids import BuddyIds
from bot.rituals.feedback.ids import NEW_ACCOUNT_PREFIX

State = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class ModalMetadata:
    """Where the answer goes (the channel of `/buddy call`) and, for takeaways, the call."""

    channel_id: str | None = None
    call_id: int | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None})

    @classmethod
    def from_json(cls, raw: str) -> ModalMetadata:
        data = json.loads(raw) if raw else {}
        call_id = data.get("call_id")
        return cls(channel_id=data.get("channel_id"), call_id=int(call_id) if call_id else None)


def _element(state: State, block: BuddyIds, action: BuddyIds) -> dict[str, Any]:
    return state.get(block.value, {}).get(action.value, {})


def read_call_form(state: State) -> CallDraft:
    option = (
        _element(state, BuddyIds.ACCOUNT_BLOCK, BuddyIds.ACCOUNT_SELECT).get("selected_option")
        or {}
    )
    account = option.get("value")
    if isinstance(account, str) and account.startswith(NEW_ACCOUNT_PREFIX):
        account = account.removeprefix(NEW_ACCOUNT_PREFIX)
    raw_day = _element(state, BuddyIds.DAY_BLOCK, BuddyIds.DAY_INPUT).get("selected_date")
    raw_time = _element(state, BuddyIds.TIME_BLOCK, BuddyIds.TIME_INPUT).get("selected_time")
    return CallDraft(
        account_name=str(account) if account else None,
        day=_day(raw_day),
        at=_time(raw_time),
        topic=str(_element(state, BuddyIds.TOPIC_BLOCK, BuddyIds.TOPIC_INPUT).get("value") or ""),
        link=_element(state, BuddyIds.LINK_BLOCK, BuddyIds.LINK_INPUT).get("value"),
    )


def _day(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _time(raw: Any) -> time | None:
    try:
        return time.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
