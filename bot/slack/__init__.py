"""The Slack side shared by every ritual: app factory, client, limits, manifest."""
