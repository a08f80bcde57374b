"""The buddy ritual's own Prometheus metrics, on the app's registry (`deps.metrics.registry`)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class BuddyMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.pairs = Counter(
            "opsbot_buddy_pairs_total",
            "Rep/PM pairs made, and how many repeated a recent pair",
            ["kind"],
            registry=registry,
        )
        self.pairing_seconds = Histogram(
            "opsbot_buddy_pairing_seconds",
            "Time to compute one cycle's optimal assignment",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
            registry=registry,
        )
        self.calls = Counter(
            "opsbot_buddy_calls_total",
            "Customer calls by event (shared, claimed, declined, offered, outcome:<x>)",
            ["event"],
            registry=registry,
        )
        self.reminders = Counter(
            "opsbot_buddy_reminders_total",
            "Reminders and call messages handed to the outbox, by kind",
            ["kind"],
            registry=registry,
        )
        self.takeaways = Counter(
            "opsbot_buddy_takeaways_total",
            "Feedback items captured from buddy calls",
            registry=registry,
        )
