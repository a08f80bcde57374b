"""Modal and input builders every ritual uses (pure), so each form keeps Slack's limits in one
place: titles cut to 24 characters, at most 100 blocks and 100 options, labels and hints and
placeholders cut to their maxima, `private_metadata` within 3,000 characters.

A ritual's modal metadata is a small frozen dataclass deriving from `ModalMetadata`:
`to_json()` for `private_metadata`, `from_json(view["private_metadata"])` to read it back.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any, Self

from slack_sdk.models.blocks import (
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.limits import MODAL_BLOCKS, MODAL_TITLE, OPTIONS_PER_SELECT, PRIVATE_METADATA, clip

LABEL = 2000
HINT = 2000
PLACEHOLDER = 150


class MetadataTooLargeError(ValueError):
    """A modal's metadata would not fit Slack's 3,000 characters."""


class ModalMetadata:
    """Typed `private_metadata`: derive a frozen dataclass from this."""

    def to_json(self) -> str:
        raw = json.dumps(dataclasses.asdict(self), separators=(",", ":"))  # type: ignore[call-overload]
        if len(raw) > PRIVATE_METADATA:
            raise MetadataTooLargeError(f"{type(self).__name__} is {len(raw)} characters")
        return raw

    @classmethod
    def from_json(cls, raw: str) -> Self:
        data: dict[str, Any] = json.loads(raw or "{}")
        names = {field.name for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{key: value for key, value in data.items() if key in names})


def text_input(
    *,
    block_id: str,
    action_id: str,
    label: str,
    optional: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
    initial: str | None = None,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=clip(label, LABEL),
        optional=optional,
        hint=clip(hint, HINT) if hint else None,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            max_length=max_length,
            initial_value=(initial[:max_length] if initial and max_length else initial) or None,
            placeholder=clip(placeholder, PLACEHOLDER) if placeholder else None,
        ),
    )


def select_input(
    *,
    block_id: str,
    action_id: str,
    label: str,
    options: Sequence[Option],
    selected: str | None = None,
    optional: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A static select; `selected` is the value of the option shown first, if any."""
    shown = list(options)[:OPTIONS_PER_SELECT]
    return InputBlock(
        block_id=block_id,
        label=clip(label, LABEL),
        optional=optional,
        hint=clip(hint, HINT) if hint else None,
        element=StaticSelectElement(
            action_id=action_id,
            options=shown,
            initial_option=next((o for o in shown if o.value == selected), None),
            placeholder=clip(placeholder, PLACEHOLDER) if placeholder else None,
        ),
    )


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    submit: str | None = "Save",
    close: str = "Cancel",
    metadata: ModalMetadata | str | None = None,
) -> View:
    raw = metadata.to_json() if isinstance(metadata, ModalMetadata) else metadata
    return View(
        type="modal",
        callback_id=callback_id,
        title=clip(title, MODAL_TITLE),
        submit=clip(submit, MODAL_TITLE) if submit else None,
        close=clip(close, MODAL_TITLE),
        private_metadata=raw or None,
        blocks=list(blocks)[:MODAL_BLOCKS],
    )
