"""Pulse survey listeners: a rating click, the comment button and the comment modal. Thin:
ack, parse, one service call, answer privately (the survey lives in the person's DM). Clicks
ack at once and do their work on the after-ack pool; the modal's submission checks the survey
before it acks, because a closed survey is an inline error in the modal itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import UserFacingError
from bot.rituals.reporting.blocks import (
    CommentMetadata,
    answer_text,
    build_comment_modal,
    question_of,
)
from bot.rituals.reporting.domain import parse_rating
from bot.rituals.reporting.ids import ReportingIds
from bot.rituals.reporting.service import ReportingService
from bot.slack.listen import AfterAck

RATING_ACTION = re.compile(
    rf"^({re.escape(ReportingIds.RELEVANCE.value)}|{re.escape(ReportingIds.SUPPORT.value)})-\d$"
)


def register(
    app: App, *, service: ReportingService, clock: Callable[[], datetime], after_ack: AfterAck
) -> None:
    @app.action(RATING_ACTION)
    def on_rating(
        ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient
    ) -> None:
        action = body["actions"][0]

        def record() -> None:
            # A refused answer (closed survey, not invited, forged rating) is a reply in the
            # DM, as the person's own answers are.
            try:
                click = parse_rating(str(action.get("value", "")))
                result = service.answer(
                    team_id=context.team_id or "",
                    survey_id=click.survey_id,
                    user_id=body["user"]["id"],
                    question=question_of(str(action["action_id"]).rsplit("-", 1)[0]),
                    rating=click.rating,
                    now=clock(),
                )
            except UserFacingError as error:
                respond(text=str(error), response_type="ephemeral", replace_original=False)
                return
            respond(text=answer_text(result), response_type="ephemeral", replace_original=False)

        after_ack.ack_then(ack, body, client, record, name="pulse-rating")

    @app.action(ReportingIds.COMMENT_BUTTON.value)
    def on_comment_button(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        value = str(body["actions"][0].get("value", ""))
        survey_id = int(value) if value.isdigit() else 0

        def open_comment() -> None:
            try:
                service.require_open(
                    team_id=context.team_id or "",
                    survey_id=survey_id,
                    user_id=body["user"]["id"],
                    now=clock(),
                )
            except UserFacingError as error:
                respond(text=str(error), response_type="ephemeral", replace_original=False)
                return
            view = build_comment_modal(survey_id=survey_id)
            client.views_open(trigger_id=body["trigger_id"], view=view.to_dict())

        after_ack.ack_then(
            ack, body, client, open_comment, trigger_bound=True, name="pulse-comment"
        )

    @app.view(ReportingIds.COMMENT_MODAL.value)
    def on_comment(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        metadata = CommentMetadata.from_json(view.get("private_metadata", ""))
        field = ReportingIds.COMMENT_INPUT.value
        text = view["state"]["values"].get(field, {}).get(field, {}).get("value")
        try:
            service.comment(
                team_id=context.team_id or "",
                survey_id=metadata.survey_id,
                user_id=body["user"]["id"],
                text=text,
                now=clock(),
            )
        except UserFacingError as error:
            ack(response_action="errors", errors={field: str(error)[:150]})
            return
        ack()
