"""The ops report's charts as PNG bytes: matplotlib's object API on the Agg canvas (headless:
no display, no browser, and no pyplot global state, so it is safe in any thread); each figure
is dropped once saved, so memory stays flat."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.stats.service import WeeklySeries

BAR_COLOUR = "#4a90d9"
LINE_COLOUR = "#d9534f"
DPI = 100


@dataclass(frozen=True)
class Chart:
    filename: str
    title: str
    png: bytes


def _days(values: Sequence[float | None]) -> list[float]:
    """Seconds → days; a week with nothing to measure is a gap in the line (NaN), not zero."""
    return [float("nan") if v is None else v / 86400 for v in values]


def _bars_and_line(
    *,
    title: str,
    labels: list[str],
    counts: Sequence[int],
    count_label: str,
    durations: Sequence[float | None],
    duration_label: str,
) -> bytes:
    figure = Figure(figsize=(8, 3.6), dpi=DPI)
    FigureCanvasAgg(figure)
    bars = figure.add_subplot(1, 1, 1)
    positions = list(range(len(labels)))
    bars.bar(positions, list(counts), color=BAR_COLOUR, label=count_label)
    bars.set_ylabel(count_label)
    bars.set_xticks(positions, labels, rotation=45, ha="right", fontsize=8)
    line = bars.twinx()
    line.plot(positions, _days(durations), color=LINE_COLOUR, marker="o", label=duration_label)
    line.set_ylabel(duration_label)
    line.set_ylim(bottom=0)
    bars.set_title(title)
    handles = bars.get_legend_handles_labels()[0] + line.get_legend_handles_labels()[0]
    figure.legend(handles=handles, loc="upper left", fontsize=8)
    figure.subplots_adjust(left=0.08, right=0.9, top=0.88, bottom=0.22)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _calls_against_target(labels: list[str], joined: Sequence[int], target: float) -> bytes:
    figure = Figure(figsize=(8, 3.6), dpi=DPI)
    FigureCanvasAgg(figure)
    bars = figure.add_subplot(1, 1, 1)
    positions = list(range(len(labels)))
    bars.bar(positions, list(joined), color=BAR_COLOUR, label="calls joined")
    bars.axhline(
        target, color=LINE_COLOUR, linestyle="--", label=f"target pace ({target:.1f}/week)"
    )
    bars.set_ylabel("buddy calls joined")
    bars.set_xticks(positions, labels, rotation=45, ha="right", fontsize=8)
    bars.set_title("Buddy calls joined against the PMs' target, by week")
    bars.legend(loc="upper left", fontsize=8)
    figure.subplots_adjust(left=0.08, right=0.95, top=0.88, bottom=0.22)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def render_charts(series: WeeklySeries) -> list[Chart]:
    """Weekly series over the last quarter: feedback in with its time to insight, tickets in
    with their time to triage, and buddy calls joined against the target when buddies is
    installed."""
    labels = [f"{week.start:%b} {week.start.day}" for week in series.weeks]
    charts = [
        Chart(
            "feedback-and-time-to-insight.png",
            "Feedback in and time to insight, by week",
            _bars_and_line(
                title="Feedback in and time to insight (median, days)",
                labels=labels,
                counts=series.feedback_in,
                count_label="feedback captured",
                durations=series.review_median,
                duration_label="capture → reviewed (days)",
            ),
        ),
        Chart(
            "tickets-and-time-to-triage.png",
            "Tickets in and time to triage, by week",
            _bars_and_line(
                title="Tickets in and time to triage (median, days)",
                labels=labels,
                counts=series.tickets_in,
                count_label="tickets in",
                durations=series.triage_median,
                duration_label="created → decided (days)",
            ),
        ),
    ]
    if series.calls_joined is not None and series.calls_target_per_week is not None:
        charts.append(
            Chart(
                "buddy-calls-against-target.png",
                "Buddy calls joined against target, by week",
                _calls_against_target(labels, series.calls_joined, series.calls_target_per_week),
            )
        )
    return charts
