"""The HTTP every tracker client shares: one httpx client with explicit timeouts, and one way
to send a request and turn its failures into errors a person understands."""

from __future__ import annotations

from typing import Any

import httpx

from bot.integrations.tracker_types import TrackerAuthError, TrackerError, TrackerUnavailable


def send(http: httpx.Client, name: str, request: httpx.Request) -> dict[str, Any]:
    """Sends one request and classifies the failure modes every tracker shares."""
    try:
        response = http.send(request)
    except httpx.TimeoutException as error:
        raise TrackerUnavailable(f"{name} did not answer in time; try again later") from error
    except httpx.TransportError as error:
        raise TrackerUnavailable(f"{name} could not be reached; try again later") from error
    if response.status_code in {401, 403}:
        raise TrackerAuthError(
            f"{name} refused opsbot's credentials (HTTP {response.status_code}); "
            "ask an admin to update the tracker token"
        )
    if response.status_code == 429 or response.status_code >= 500:
        raise TrackerUnavailable(
            f"{name} is unavailable (HTTP {response.status_code}); try again later"
        )
    if response.status_code >= 400:
        raise TrackerError(
            f"{name} rejected the new issue (HTTP {response.status_code}); "
            "check the tracker project in the triage settings"
        )
    try:
        data = response.json()
    except ValueError as error:
        raise TrackerError(f"{name} answered with something that is not JSON") from error
    if not isinstance(data, dict):
        raise TrackerError(f"{name} answered with an unexpected body")
    return data


def make_http_client() -> httpx.Client:
    """The one httpx client for trackers: explicit timeouts, no redirects to surprise hosts."""
    return httpx.Client(
        timeout=httpx.Timeout(10.0, connect=3.0),
        follow_redirects=False,
        headers={"User-Agent": "opsbot"},
    )
