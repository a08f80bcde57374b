"""Checking what the composer holds against its tier's template, field by field, so Slack can
show every error inline at once (pure: no Slack, database or HTTP)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.rituals.releases.domain.values import (
    PAST_TOLERANCE,
    SECTION_MAX,
    SECTION_TITLES,
    TITLE_MAX,
    VERSION_MAX,
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    Section,
    TierTemplate,
)
from bot.slack.mrkdwn import safe_url


def validate_draft(
    draft: ReleaseDraft, templates: Mapping[int, TierTemplate], *, now: datetime
) -> ReleaseDraft:
    """Trims and checks a draft against its tier's template; raises `ReleaseInvalid` naming
    every bad field at once."""
    errors: dict[ReleaseField, str] = {}
    cleaned = replace(
        draft,
        title=" ".join(draft.title.split()),
        version=draft.version.strip(),
        whats_new=draft.whats_new.strip(),
        why_it_matters=draft.why_it_matters.strip(),
        who_it_is_for=draft.who_it_is_for.strip(),
        docs_url=draft.docs_url.strip(),
        channel_ids=tuple(dict.fromkeys(c for c in draft.channel_ids if c)),
        feedback_ids=tuple(dict.fromkeys(draft.feedback_ids)),
    )
    if not cleaned.title:
        errors[ReleaseField.TITLE] = "Give the release a title."
    elif len(cleaned.title) > TITLE_MAX:
        errors[ReleaseField.TITLE] = f"Keep the title under {TITLE_MAX} characters."
    if len(cleaned.version) > VERSION_MAX:
        errors[ReleaseField.VERSION] = f"Keep the version under {VERSION_MAX} characters."
    template = templates.get(cleaned.tier) if cleaned.tier is not None else None
    if template is None:
        errors[ReleaseField.TIER] = "Pick a launch tier."
    required = template.sections if template else (Section.WHATS_NEW,)
    for section in required:
        if not cleaned.section(section):
            tier = f"tier {template.tier}" if template else "every release"
            errors[ReleaseField(section.value)] = (
                f"{SECTION_TITLES[section]} is required for {tier}."
            )
    for section in Section:
        if len(cleaned.section(section)) > SECTION_MAX:
            errors[ReleaseField(section.value)] = (
                f"Keep {SECTION_TITLES[section]} under {SECTION_MAX} characters."
            )
    if cleaned.docs_url and safe_url(cleaned.docs_url) is None:
        errors[ReleaseField.DOCS] = "The docs link must be a web address (https://…)."
    if not cleaned.channel_ids:
        errors[ReleaseField.CHANNELS] = (
            "Pick at least one channel to announce in (this tier has no default channels)."
        )
    if cleaned.publish_at is not None and cleaned.publish_at < now - PAST_TOLERANCE:
        errors[ReleaseField.PUBLISH_AT] = "That time is in the past: pick a later one."
    if errors:
        raise ReleaseInvalid(errors)
    return cleaned


def local_publish_time(date_text: str, time_text: str, zone: str) -> datetime:
    """The author's date and time picker values in their own zone, as aware UTC."""
    naive = datetime.fromisoformat(f"{date_text}T{time_text}")
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
