"""`/ops`: help, settings, stats and running rituals on demand."""
