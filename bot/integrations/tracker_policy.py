"""Where a workspace's tracker token may be sent.

A stored tracker token goes only to the vendor's documented API hosts (Jira Cloud sites on
atlassian.net, api.linear.app, api.github.com) over https, or to hosts the operator allows
(`OPSBOT_TRACKER_ALLOWED_HOSTS`, e.g. a GitHub Enterprise or self-hosted Jira; an entry written
`http://host` also allows plain http to that host, for local stand-ins). Private, loopback and
link-local addresses are refused unless allowed, so a workspace admin cannot point the bot (and
its token) at the operator's internal network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.integrations.tracker_types import TrackerConfig, TrackerError, TrackerKind

VENDOR_HOSTS: dict[TrackerKind, tuple[str, ...]] = {
    TrackerKind.JIRA: (".atlassian.net",),
    TrackerKind.LINEAR: ("api.linear.app",),
    TrackerKind.GITHUB: ("api.github.com",),
}
DEFAULT_URLS = {
    TrackerKind.LINEAR: "https://api.linear.app",
    TrackerKind.GITHUB: "https://api.github.com",
}

Resolver = Callable[[str], Sequence[str]]


def resolve(host: str) -> list[str]:
    """The addresses a host name resolves to (empty when it does not resolve)."""
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, 443)]
    except OSError:
        return []


def _is_internal(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved


@dataclass(frozen=True)
class TrackerPolicy:
    allowed: frozenset[str] = frozenset()  # host names the operator allows
    allowed_insecure: frozenset[str] = frozenset()  # hosts allowed over plain http
    resolver: Resolver = resolve

    @classmethod
    def from_setting(cls, entries: Iterable[str], resolver: Resolver = resolve) -> TrackerPolicy:
        allowed: set[str] = set()
        insecure: set[str] = set()
        for entry in entries:
            entry = entry.strip().lower()
            if not entry:
                continue
            if entry.startswith("http://"):
                host = urlsplit(entry).hostname or ""
                insecure.add(host)
                allowed.add(host)
            else:
                allowed.add(urlsplit(entry).hostname or entry if "://" in entry else entry)
        return cls(frozenset(allowed), frozenset(insecure), resolver)

    def problem(self, kind: TrackerKind, url: str) -> str | None:
        """Why a token of this tracker kind must not be sent to `url`, or None when it may."""
        target = url.strip() or DEFAULT_URLS.get(kind, "")
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        if not host:
            return "A web address starting with https://."
        operator_allowed = host in self.allowed
        if parts.scheme != "https" and not (
            parts.scheme == "http" and host in self.allowed_insecure
        ):
            return "The tracker must be reached over https://."
        if not operator_allowed:
            vendor = VENDOR_HOSTS[kind]
            if not any(host == v.lstrip(".") or host.endswith(v) for v in vendor):
                names = " or ".join(v.lstrip(".") for v in vendor)
                return (
                    f"opsbot only sends tracker tokens to {names}; ask your opsbot operator to "
                    "allow another host (OPSBOT_TRACKER_ALLOWED_HOSTS)."
                )
            if _is_internal(host) or any(_is_internal(a) for a in self.resolver(host)):
                return "That address is on a private network; opsbot will not send a token there."
        return None

    def approved(self, config: TrackerConfig) -> TrackerConfig:
        """The config, when its token may go where it points; else a TrackerError."""
        problem = self.problem(config.kind, config.base_url)
        if problem:
            raise TrackerError(f"The tracker is not allowed: {problem}")
        return config
