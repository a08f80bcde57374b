"""The one modal builder every ritual uses (pure), so each form keeps Slack's limits in one
place: title, submit and close cut to 24 characters, at most 100 blocks. Each ritual keeps its
own typed `private_metadata` (a frozen dataclass with `to_json` / `from_json`) and passes the
JSON here."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.limits import MODAL_BLOCKS, MODAL_TITLE, PRIVATE_METADATA, clip


class MetadataTooLargeError(ValueError):
    """A modal's metadata would not fit Slack's 3,000 characters."""


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    submit: str | None = "Save",
    close: str | None = "Cancel",
    metadata: str | None = None,
) -> View:
    """A modal within Slack's limits (no submit button when `submit` is None)."""
    if metadata is not None and len(metadata) > PRIVATE_METADATA:
        raise MetadataTooLargeError(f"{callback_id}: metadata is {len(metadata)} characters")
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, MODAL_TITLE),
        submit=clip(submit, MODAL_TITLE) if submit else None,
        close=clip(close, MODAL_TITLE) if close else None,
        private_metadata=metadata or None,
        blocks=list(blocks)[:MODAL_BLOCKS],
    )
