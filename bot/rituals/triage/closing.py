"""Publishing a closed session: the parent message shows it closed, the summary goes in the
thread. Shared by the Close triage button and the job that closes sessions by themselves."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.rituals.triage.blocks import (
    build_parent_blocks,
    build_summary_pages,
    parent_text,
    summary_text,
)
from bot.rituals.triage.service import ClosedSession


def publish_closed_session(client: WebClient, closed: ClosedSession, parent_ts: str) -> None:
    blocks = build_parent_blocks(
        counts=closed.counts,
        session_id=closed.session_id,
        started_at=closed.started_at,
        sla_days=closed.sla_days,
        closed_by=closed.closed_by,
        closed_at=closed.closed_at,
    )
    client.chat_update(
        channel=closed.channel_id,
        ts=parent_ts,
        text=parent_text(closed.counts),
        blocks=[b.to_dict() for b in blocks],
    )
    for page in build_summary_pages(summary=closed.summary, closed_by=closed.closed_by):
        client.chat_postMessage(
            channel=closed.channel_id,
            thread_ts=parent_ts,
            text=summary_text(closed.summary),
            blocks=[b.to_dict() for b in page],
        )
