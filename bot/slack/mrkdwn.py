"""The one way user- and customer-supplied text enters Slack mrkdwn.

Anything a person or a helpdesk typed (feedback, ticket titles, account names, release notes,
call topics) goes through `escape` before it is put in a mrkdwn text object: `&`, `<` and `>`
become entities, so stored text can never @channel a channel, mention someone, or plant a
disguised `<https://evil|docs>` link. A URL becomes a link only through `link`, which accepts
http(s) URLs with a host and nothing that could break out of the `<url|label>` syntax.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
MAX_URL = 2000


def escape(text: str) -> str:
    """Text safe to embed in mrkdwn: control characters escaped, formatting left to Slack."""
    return text.translate(_ESCAPES)


def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link (http or https, a host, no spaces, `|`, `<` or `>`)."""
    if not url:
        return None
    candidate = url.strip()
    if len(candidate) > MAX_URL or any(ch in candidate for ch in " \t\r\n|<>\"'"):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return candidate


def link(url: str | None, label: str) -> str:
    """`<url|label>` with the label escaped, or just the escaped label when the URL is unsafe."""
    safe = safe_url(url)
    shown = escape(label).replace("|", "¦")
    return f"<{safe}|{shown}>" if safe else shown
