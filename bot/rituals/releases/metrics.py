"""The releases ritual's own metrics, registered on the shared Prometheus registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class ReleaseMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.drafts = Counter(
            "opsbot_release_drafts_total",
            "Release drafts saved from the composer",
            registry=registry,
        )
        self.published = Counter(
            "opsbot_releases_published_total",
            "Releases published, by tier",
            ["tier"],
            registry=registry,
        )
        self.posts_enqueued = Counter(
            "opsbot_release_posts_enqueued_total",
            "Release messages enqueued in the outbox (each made once)",
            registry=registry,
        )
        self.loops_closed = Counter(
            "opsbot_release_feedback_closed_total",
            "Feedback items marked shipped by a release",
            registry=registry,
        )
        self.corrections = Counter(
            "opsbot_release_corrections_total", "Published releases corrected", registry=registry
        )
        self.acknowledged = Counter(
            "opsbot_release_acknowledgements_total",
            "Acknowledgements of tier-1 releases",
            registry=registry,
        )
        self.reminders = Counter(
            "opsbot_release_ack_reminders_total",
            "Acknowledgement reminders enqueued",
            registry=registry,
        )
        self.imports = Counter(
            "opsbot_release_github_imports_total",
            "GitHub release imports by outcome (ok, not_found, rate_limited, unreachable)",
            ["outcome"],
            registry=registry,
        )
