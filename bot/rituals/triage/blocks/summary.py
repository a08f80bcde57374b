"""The closing summary (pure): outcomes, what is left, the median time to triage and the issues
created, continued on further messages when the list is long."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rituals.triage.domain import (
    SessionSummary,
    format_duration,
)
from bot.slack.limits import (
    MESSAGE_BLOCKS,
    SECTION_TEXT,
    clip,
)
from bot.slack.mrkdwn import escape, link


def summary_text(summary: SessionSummary) -> str:
    return f"Triage summary: {summary.triaged} triaged, {summary.left} left"


def build_summary_pages(*, summary: SessionSummary, closed_by: str) -> list[list[Block]]:
    """The summary; the list of created issues continues on further messages when long."""
    outcomes = "\n".join(f"• {o.label}: *{n}*" for o, n in summary.outcomes.items())
    median = (
        format_duration(summary.median_time_to_triage)
        if summary.median_time_to_triage is not None
        else "n/a"
    )
    left = f"*{summary.left}* still untriaged (they carry over to next week)"
    if summary.left_overdue:
        left += f", :warning: {summary.left_overdue} past the SLA"
    first: list[Block] = [
        HeaderBlock(text=":checkered_flag: Triage summary"),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    f"*{summary.triaged}* tickets triaged, closed by <@{closed_by}>.\n{outcomes}",
                    SECTION_TEXT,
                )
            )
        ),
        SectionBlock(text=MarkdownTextObject(text=left)),
        ContextBlock(elements=[MarkdownTextObject(text=f"Median time to triage: {median}")]),
    ]
    lines = [
        clip(f"• {link(issue.url, issue.key)} {escape(issue.title)}", 300)
        for issue in summary.created_issues
    ]
    if not lines:
        return [first]
    sections = _pack(lines, SECTION_TEXT - 40)
    pages: list[list[Block]] = [first]
    room = MESSAGE_BLOCKS - len(first) - 1
    for index, chunk in enumerate(sections):
        label = "*Issues created*\n" if index == 0 else ""
        block = SectionBlock(text=MarkdownTextObject(text=label + chunk))
        if room > 0:
            if index == 0:
                pages[-1].append(DividerBlock())
            pages[-1].append(block)
            room -= 1
        else:
            pages.append([block])
            room = MESSAGE_BLOCKS - 1
    return pages


def _pack(lines: list[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks
