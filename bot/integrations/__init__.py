"""Clients for services opsbot talks to over HTTP, each around an injected `httpx.Client`."""
