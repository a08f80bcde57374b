"""The triage settings an admin edits (`/triage settings`) and their validation. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.integrations.tracker_types import TrackerConfig
from bot.rituals.triage.domain.thread import CLOSE_AFTER_HOURS_MAX

TRACKER_KINDS = ("jira", "linear", "github")
SLA_DAYS_MAX = 90


@dataclass(frozen=True)
class SettingsForm:
    """What an admin typed in the triage settings modal."""

    channel_id: str | None
    sla_days: str
    tracker_kind: str | None  # None: no tracker
    tracker_project: str
    tracker_url: str
    tracker_user: str
    tracker_token: str  # empty: keep the stored token
    new_webhook_secret: bool
    close_after_hours: str = ""  # empty: only the Close triage button closes a session


def validate_settings(form: SettingsForm, *, has_token: bool) -> dict[str, str]:
    """Field name -> message for every problem; empty when the settings can be saved."""
    errors: dict[str, str] = {}
    sla = form.sla_days.strip()
    if not sla.isdigit() or not 1 <= int(sla) <= SLA_DAYS_MAX:
        errors["sla_days"] = f"A whole number of days from 1 to {SLA_DAYS_MAX}."
    close_after = form.close_after_hours.strip()
    if close_after and (
        not close_after.isdigit() or not 1 <= int(close_after) <= CLOSE_AFTER_HOURS_MAX
    ):
        errors["close_after_hours"] = (
            f"A whole number of hours from 1 to {CLOSE_AFTER_HOURS_MAX}, or empty to close "
            "only with the button."
        )
    if form.tracker_kind is None:
        return errors
    if form.tracker_kind not in TRACKER_KINDS:
        errors["tracker_kind"] = "Pick Jira Cloud, Linear or GitHub Issues."
        return errors
    project = form.tracker_project.strip()
    if form.tracker_kind == "github" and project.count("/") != 1:
        errors["tracker_project"] = "The repository as owner/name, e.g. acme/app."
    elif not project:
        hints = {"jira": "The Jira project key, e.g. OPS.", "linear": "The Linear team id."}
        errors["tracker_project"] = hints[form.tracker_kind]
    url = form.tracker_url.strip()
    if form.tracker_kind == "jira" and not url:
        errors["tracker_url"] = "Your Jira site, e.g. https://acme.atlassian.net."
    elif url and not url.startswith(("https://", "http://")):
        errors["tracker_url"] = "A web address starting with https://."
    if form.tracker_kind == "jira" and "@" not in form.tracker_user:
        errors["tracker_user"] = "The email of the Jira account the API token belongs to."
    if not form.tracker_token.strip() and not has_token:
        errors["tracker_token"] = "Paste an API token for the tracker."  # noqa: S105
    return errors


@dataclass(frozen=True)
class SavedSettings:
    settings: TriageSettings
    new_webhook_secret: str | None  # shown once to the admin who generated it


@dataclass(frozen=True)
class TriageSettings:
    channel_id: str | None
    sla_days: int
    tracker: TrackerConfig | None
    webhook_secret: str | None
    close_after_hours: int | None = None
