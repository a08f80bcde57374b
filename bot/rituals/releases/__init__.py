"""Release announcements: compose in Slack, preview, approve by tier, post the full notes inline."""
