"""Support triage: tickets in from Slack and helpdesks, a weekly thread to clear them, a summary."""
