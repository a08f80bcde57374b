"""Test doubles that behave like Slack from the outside: an HTTP Web API and signed requests."""
