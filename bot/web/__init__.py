"""HTTP serving: the Slack endpoint, health, metrics and webhooks behind a production server."""
