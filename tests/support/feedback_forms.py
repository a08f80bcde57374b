"""Builds the `view.state.values` Slack sends when the feedback form is submitted."""

from __future__ import annotations

from typing import Any

from bot.rituals.feedback.ids import FeedbackIds


def feedback_form_values(
    *,
    text: str,
    account: str | None = None,
    area: str | None = None,
    source: str = "call",
    importance: str = "important",
    link: str | None = None,
    on_behalf_of: str = "U1",
) -> dict[str, dict[str, Any]]:
    def option(value: str | None) -> dict[str, Any] | None:
        return {"value": value, "text": {"type": "plain_text", "text": value}} if value else None

    return {
        FeedbackIds.TEXT_BLOCK.value: {
            FeedbackIds.TEXT_INPUT.value: {"type": "plain_text_input", "value": text}
        },
        FeedbackIds.ACCOUNT_BLOCK.value: {
            FeedbackIds.ACCOUNT_SELECT.value: {
                "type": "external_select",
                "selected_option": option(account),
            }
        },
        FeedbackIds.AREA_BLOCK.value: {
            FeedbackIds.AREA_SELECT.value: {
                "type": "static_select",
                "selected_option": option(area),
            }
        },
        FeedbackIds.SOURCE_BLOCK.value: {
            FeedbackIds.SOURCE_SELECT.value: {
                "type": "static_select",
                "selected_option": option(source),
            }
        },
        FeedbackIds.IMPORTANCE_BLOCK.value: {
            FeedbackIds.IMPORTANCE_SELECT.value: {
                "type": "static_select",
                "selected_option": option(importance),
            }
        },
        FeedbackIds.LINK_BLOCK.value: {
            FeedbackIds.LINK_INPUT.value: {"type": "url_text_input", "value": link}
        },
        FeedbackIds.ON_BEHALF_BLOCK.value: {
            FeedbackIds.ON_BEHALF_SELECT.value: {
                "type": "users_select",
                "selected_user": on_behalf_of,
            }
        },
    }


def item_action_extra(value: str) -> dict[str, Any]:
    """The parts of a static_select block action that differ from a button's."""
    return {
        "type": "static_select",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }
