"""The rituals: one package each, split by role inside (domain, service, blocks, listeners)."""
