"""The durable delivery outbox: every scheduled post is a row before it is a Slack message."""
