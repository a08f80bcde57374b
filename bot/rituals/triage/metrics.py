"""The triage ritual's Prometheus metrics, created on the app's registry when the ritual is built
(names unchanged since they lived in bot/metrics.py)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class TriageMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.webhooks = Counter(
            "opsbot_triage_webhooks_total",
            "Helpdesk ticket webhooks, by result (created, updated, deleted, rejected, invalid)",
            ["result"],
            registry=registry,
        )
        self.decisions = Counter(
            "opsbot_triage_decisions_total",
            "Triage clicks by outcome and result (won, lost to someone faster, failed)",
            ["outcome", "result"],
            registry=registry,
        )
