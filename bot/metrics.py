"""Prometheus metrics, one registry per running app so tests and benchmarks do not share counts."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "opsbot_slack_requests_total",
            "Requests from Slack by kind (command, block_actions, event, ...) and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "opsbot_ack_seconds",
            "Time from receiving a Slack request to answering it (the ack)",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.slack_api_calls = Counter(
            "opsbot_slack_api_calls_total",
            "Slack Web API calls by method and outcome (ok, error, ratelimited, failed)",
            ["method", "outcome"],
            registry=self.registry,
        )
        self.slack_api_ratelimited = Counter(
            "opsbot_slack_api_ratelimited_total",
            "Slack Web API calls answered 429",
            ["method"],
            registry=self.registry,
        )
        self.errors = Counter(
            "opsbot_errors_total",
            "Errors caught by the app's error handler, by exception type",
            ["where", "error"],
            registry=self.registry,
        )
        self.duplicate_events = Counter(
            "opsbot_duplicate_events_total",
            "Slack event deliveries dropped because their event_id was already handled",
            registry=self.registry,
        )
        self.after_ack_shed = Counter(
            "opsbot_after_ack_shed_total",
            "Work after an ack turned away because the after-ack pool was full (person told)",
            registry=self.registry,
        )
        self.after_ack_seconds = Histogram(
            "opsbot_after_ack_seconds",
            "How long work after an ack ran (Web API calls, database)",
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0),
            registry=self.registry,
        )

        self.deliveries = Counter(
            "opsbot_deliveries_total",
            "Outbox delivery attempts by ritual and outcome (sent, failed, retried, ratelimited)",
            ["ritual", "outcome"],
            registry=self.registry,
        )
        self.scheduler_lateness = Histogram(
            "opsbot_scheduler_lateness_seconds",
            "How late a scheduled ritual job started after its planned time",
            ["ritual"],
            buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 3600.0),
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
