"""The feedback ritual's Prometheus metrics, created on the app's registry when the ritual is
built (names unchanged from when they lived in `bot.metrics`)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class FeedbackMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.captured = Counter(
            "opsbot_feedback_captured_total",
            "Feedback items stored, by source (call, support, slack, ...)",
            ["source"],
            registry=registry,
        )
        self.merged = Counter(
            "opsbot_feedback_merged_total",
            "Feedback items merged into another (duplicates avoided)",
            registry=registry,
        )
        self.status_changes = Counter(
            "opsbot_feedback_status_changes_total",
            "Feedback status changes, by new status",
            ["status"],
            registry=registry,
        )
