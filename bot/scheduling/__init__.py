"""Ritual schedules, the one active APScheduler and the engine that turns a firing into posts."""
