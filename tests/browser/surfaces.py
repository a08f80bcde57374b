"""opsbot's real Block Kit surfaces, as JSON for the page's renderer tests.

Built by calling the rituals' own builders (the same ones the app posts with), so a block or
element type opsbot starts to use shows up here, and the renderer test fails on its raw-JSON
fallback until blockkit.js learns it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.home.blocks import build_home_view
from bot.rituals.buddies import blocks as buddy_blocks
from bot.rituals.buddies.domain import CallStatus
from bot.rituals.buddies.forms import ModalMetadata
from bot.rituals.buddies.views import CallView
from bot.rituals.feedback.blocks import build_feedback_modal
from bot.rituals.feedback.blocks.settings import build_settings_modal as feedback_settings
from bot.rituals.feedback.domain import FeedbackDraft, Source
from bot.rituals.feedback.domain.settings import FeedbackSettings
from bot.rituals.feedback.forms import FeedbackModalMetadata
from bot.rituals.installed import INSTALLED
from bot.rituals.releases.blocks.composer import build_composer
from bot.rituals.releases.blocks.settings import build_settings_modal as release_settings
from bot.rituals.releases.domain import ReleaseDraft
from bot.rituals.releases.forms import ComposerMetadata
from bot.rituals.releases.options import ReleaseOptions
from bot.rituals.reporting.blocks import build_comment_modal, build_survey_blocks
from bot.rituals.triage.blocks import IntakeMetadata, build_intake_modal, build_ticket_blocks
from bot.rituals.triage.blocks.modals import build_settings_modal as triage_settings
from bot.rituals.triage.domain import Severity, TicketDraft
from bot.rituals.triage.domain.settings import TriageSettings
from tests.test_triage_domain import ticket

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _call() -> CallView:
    return CallView(
        call_id=42,
        rep_user_id="UJESS",
        buddy_user_id="UPRIYA",
        owner_user_id="UPRIYA",
        account_name="Acme <&> Co",
        topic="Renewal",
        link="https://meet.example.com/abc",
        starts_at=NOW + timedelta(days=1),
        status=CallStatus.ASKED,
        outcome=None,
        created_at=NOW - timedelta(days=3),
    )


def real_surfaces() -> dict[str, dict[str, Any]]:
    """name -> {"kind": "modal" | "message" | "home", "blocks": [...], "view": {...}?}."""
    templates = ReleaseOptions().templates()
    views = {
        "feedback modal": build_feedback_modal(
            areas=["Billing", "Reporting"],
            metadata=FeedbackModalMetadata(channel_id="CFEEDBACK"),
            submitter="UJESS",
            draft=FeedbackDraft(text="Export is slow", area="Billing", source=Source.SLACK),
        ),
        "feedback settings": feedback_settings(
            FeedbackSettings(
                areas=["Billing"], capture_emoji="bulb", area_owners={"Billing": ["UPRIYA"]}
            )
        ),
        "triage intake": build_intake_modal(
            draft=TicketDraft(title="Export broken", description="It fails <b>bold</b>"),
            metadata=IntakeMetadata(source="slash", channel_id="CTRIAGE"),
        ),
        "triage settings": triage_settings(
            current=TriageSettings(
                channel_id="CTRIAGE", sla_days=7, tracker=None, webhook_secret=None
            )
        ),
        "buddy call": buddy_blocks.build_call_modal(
            time_zone="Europe/London", metadata=ModalMetadata("CBUDDIES")
        ),
        "buddy takeaway": buddy_blocks.build_takeaway_modal(
            _call(), areas=["Billing"], user_id="UPRIYA", channel_id="CBUDDIES"
        ),
        "release composer": build_composer(
            templates=templates,
            draft=ReleaseDraft(title="Faster exports", version="2.4", tier=2),
            metadata=ComposerMetadata(channel_id="CRELEASES"),
        ),
        "release settings": release_settings(
            templates=templates, tier=1, managers=["UDANA"], ack_group=""
        ),
        "survey comment": build_comment_modal(survey_id=1),
        "home": build_home_view(display_name="Dana", is_admin=True, rituals=INSTALLED),
    }
    messages = {
        "triage ticket": build_ticket_blocks(
            ticket=ticket(7, Severity.HIGH, 2), now=NOW, sla_days=7
        ),
        "buddy offer": buddy_blocks.build_offer(_call(), time_zone="Europe/London"),
        "survey": build_survey_blocks(survey_id=1, closes_at=NOW + timedelta(days=2)),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, view in views.items():
        data = view.to_dict()
        out[name] = {"kind": data["type"], "view": data, "blocks": data["blocks"]}
    for name, blocks in messages.items():
        out[name] = {"kind": "message", "blocks": [b.to_dict() for b in blocks]}
    return out
