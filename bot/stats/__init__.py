"""Stats that measure product ops itself, each an SQL aggregation over the rituals' own data."""
