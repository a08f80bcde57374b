"""Workspaces, the people in them and their per-workspace settings."""
