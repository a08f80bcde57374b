"""opsbot: a self-hosted Slack bot that runs the recurring rituals of product operations."""
