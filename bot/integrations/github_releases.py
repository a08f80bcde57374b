"""GitHub releases over the REST API: `GET /repos/{owner}/{repo}/releases/latest` or
`/releases/tags/{tag}`, with an optional token. Errors say what went wrong in words a person
can act on: no such repository or tag, rate limited (and until when), GitHub unreachable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import quote

import httpx

from bot.errors import UserFacingError

DEFAULT_API_URL = "https://api.github.com"
TIMEOUT = httpx.Timeout(8.0, connect=3.0)
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class GitHubReleaseError(UserFacingError):
    """The release could not be fetched; the message is shown to the person as is."""


class GitHubReleaseNotFound(GitHubReleaseError):
    pass


class GitHubRateLimited(GitHubReleaseError):
    pass


class GitHubUnreachable(GitHubReleaseError):
    pass


@dataclass(frozen=True)
class ReleaseRef:
    owner: str
    repo: str
    tag: str | None = None

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.repo}" + (f"@{self.tag}" if self.tag else "")

    @classmethod
    def parse(cls, text: str) -> ReleaseRef:
        """`owner/repo` or `owner/repo@tag`; raises `GitHubReleaseError` on anything else."""
        spec = text.strip()
        spec = spec.removeprefix("https://github.com/")
        path, _, tag = spec.partition("@")
        owner, _, repo = path.strip("/").partition("/")
        if not (_NAME.match(owner) and _NAME.match(repo)) or (tag and len(tag) > 200):
            raise GitHubReleaseError(
                f"`{text.strip()[:80]}` is not a repository: use `/release import owner/repo` "
                "or `/release import owner/repo@v1.2.0`."
            )
        return cls(owner=owner, repo=repo, tag=tag.strip() or None)


@dataclass(frozen=True)
class GitHubRelease:
    tag: str
    name: str
    body: str
    url: str
    published_at: datetime | None


class ReleaseSource(Protocol):
    def fetch(self, ref: ReleaseRef) -> GitHubRelease: ...


class GitHubReleases:
    """A small client around an injected `httpx.Client`; `api_url` is `GITHUB_API_URL`."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        api_url: str = DEFAULT_API_URL,
        token: str | None = None,
        timeout: float = 8.0,
    ) -> None:
        self._http = http
        self._root = api_url.rstrip("/")
        self._token = token
        self._timeout = httpx.Timeout(timeout, connect=min(3.0, timeout))

    def fetch(self, ref: ReleaseRef) -> GitHubRelease:
        repo = f"{quote(ref.owner, safe='')}/{quote(ref.repo, safe='')}"
        which = f"tags/{quote(ref.tag, safe='')}" if ref.tag else "latest"
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._http.get(
                f"{self._root}/repos/{repo}/releases/{which}",
                headers=headers,
                timeout=self._timeout,
            )
        except httpx.HTTPError as error:
            raise GitHubUnreachable(
                f"I could not reach GitHub to fetch {ref.label} ({type(error).__name__}). "
                "Try again in a minute, or write the notes by hand."
            ) from error
        if response.status_code == 404:
            what = f"release `{ref.tag}`" if ref.tag else "published release"
            raise GitHubReleaseNotFound(
                f"GitHub has no {what} in `{ref.owner}/{ref.repo}` (or the repository is "
                "private and opsbot's GitHub token cannot see it)."
            )
        if _rate_limited(response):
            raise GitHubRateLimited(
                f"GitHub's rate limit is used up{_reset_words(response)}, so I could not fetch "
                f"{ref.label}. Try again then, or ask an admin to set GITHUB_TOKEN."
            )
        if response.status_code >= 400:
            raise GitHubUnreachable(
                f"GitHub answered {response.status_code} for {ref.label}. Try again later."
            )
        try:
            data = response.json()
        except ValueError as error:
            raise GitHubUnreachable("GitHub answered with something that is not JSON.") from error
        published = data.get("published_at")
        return GitHubRelease(
            tag=str(data.get("tag_name") or ref.tag or ""),
            name=str(data.get("name") or data.get("tag_name") or ""),
            body=str(data.get("body") or ""),
            url=str(data.get("html_url") or ""),
            published_at=datetime.fromisoformat(published.replace("Z", "+00:00"))
            if isinstance(published, str)
            else None,
        )


def _rate_limited(response: httpx.Response) -> bool:
    if response.status_code == 429:
        return True
    return response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"


def _reset_words(response: httpx.Response) -> str:
    reset = response.headers.get("x-ratelimit-reset")
    if reset and reset.isdigit():
        at = datetime.fromtimestamp(int(reset), tz=UTC)
        return f" until <!date^{int(reset)}^{{time}}|{at:%H:%M} UTC>"
    retry = response.headers.get("retry-after")
    if retry and retry.isdigit():
        return f" for {retry} s"
    return ""


def make_github_http() -> httpx.Client:
    """The httpx client for GitHub: explicit timeouts, no redirects to surprise hosts."""
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": "opsbot"})
