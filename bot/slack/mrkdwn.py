"""The one escape for user text entering Slack mrkdwn, and the one way a URL becomes a link.

Slack reads `&`, `<` and `>` as control characters (`<@U1>` pings, `<!channel>` notifies,
`<url|label>` links), so every string a person, a helpdesk or GitHub supplied goes through
`escape` before it is placed in mrkdwn; a URL becomes a link only when it is http(s).
"""

from __future__ import annotations

from urllib.parse import urlparse


def escape(text: str) -> str:
    """`&`, `<`, `>` as Slack's entities, so stored text cannot ping, link or format."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL without spaces or mrkdwn control characters."""
    parsed = urlparse(value)
    return (
        parsed.scheme in {"http", "https"}
        and bool(parsed.netloc)
        and not any(c in value for c in " <>|\n\t")
    )


def link(url: str, label: str | None = None) -> str:
    """`<url|label>` for an http(s) URL; anything else comes back as escaped plain text, so
    a `javascript:` or `slack://` address can never be clicked through the bot."""
    shown = escape(label) if label else None
    if not is_web_url(url):
        return shown if shown else escape(url)
    safe_url = url.replace("&", "&amp;")
    return f"<{safe_url}|{shown}>" if shown else f"<{safe_url}>"
