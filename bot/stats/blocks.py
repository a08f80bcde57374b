"""Builders for the stats: `/ops stats` and the ops report's message (pure functions of a
`StatsReport`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.limits import HEADER_TEXT, MESSAGE_BLOCKS, SECTION_TEXT, cap_blocks, clip
from bot.stats.domain import (
    NO_DATA_EXPLANATION,
    PERIOD_CHOICES,
    Metric,
    StatsReport,
    format_change,
    format_value,
)


def day_label(moment: datetime) -> str:
    """`Nov 3, 2026`: how the stats and the ops report name a day."""
    return f"{moment:%b} {moment.day}, {moment:%Y}"


def window_text(report: StatsReport) -> str:
    last_day = report.window.end - timedelta(seconds=1)
    return (
        f"{day_label(report.window.start)} to {day_label(last_day)} (UTC), compared with the "
        f"{report.period.days} days before"
    )


def metric_line(metric: Metric) -> str:
    """`• *Label*: value (detail) ▲ change — reading`: every number with its trend."""
    value = format_value(metric.unit, metric.value)
    detail = f" ({metric.detail})" if metric.detail and metric.value is not None else ""
    change = format_change(metric.unit, metric.change)
    previous = (
        f" {change} vs {format_value(metric.unit, metric.previous)}"
        if change and metric.previous is not None
        else ""
    )
    return f"• *{metric.label}*: {value}{detail}{previous} — _{metric.reading()}_"


def build_stats_blocks(report: StatsReport, *, title: str | None = None) -> list[Block]:
    heading = title or f"Product ops stats: {report.period.label}"
    blocks: list[Block] = [HeaderBlock(text=clip(heading, HEADER_TEXT))]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=window_text(report))]))
    if not report.has_data:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=NO_DATA_EXPLANATION)))
        return blocks
    for group, metrics in report.by_group():
        lines = "\n".join(metric_line(metric) for metric in metrics)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clip(f"*{group.value}*\n{lines}", SECTION_TEXT))
            )
        )
    if report.not_available:
        blocks.append(DividerBlock())
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=clip(note, 2000)) for note in report.not_available
                ]
            )
        )
    return cap_blocks(blocks, MESSAGE_BLOCKS)


def stats_fallback_text(report: StatsReport) -> str:
    if not report.has_data:
        return f"Product ops stats ({report.period.label}): nothing to measure yet."
    shown = [
        f"{m.label}: {format_value(m.unit, m.value)}" for m in report.metrics if m.value is not None
    ]
    return clip(f"Product ops stats ({report.period.label}): " + "; ".join(shown), 3000)


def build_period_help(message: str) -> list[Block]:
    choices = " · ".join(f"`/ops stats {choice}`" for choice in PERIOD_CHOICES)
    return [
        SectionBlock(
            text=MarkdownTextObject(text=clip(f":thinking_face: {message}", SECTION_TEXT))
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f"{choices}\nEach number comes with its trend against the period before. "
                    "Only you can see the answer."
                )
            )
        ),
    ]
