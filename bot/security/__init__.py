"""Secrets at rest: one encryption box for every secret opsbot stores."""
