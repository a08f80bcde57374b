"""The feedback section of `/ops settings` through the real Bolt app (button → views.push, submit
→ saved per workspace, inline errors, admins only), and captured text reaching the digest and the
App Home only escaped."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.rituals.feedback.domain import FeedbackDraft, SourceMessage
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.jobs import FeedbackDigestRunner
from bot.rituals.feedback.models import FeedbackItem
from bot.scheduling.ids import ScheduleIds
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.people import known_person

OWNER = FeedbackIds.SETTINGS_OWNER_BLOCK.value


def _values(
    areas: str, emoji: str, owners: dict[str, list[str]] | None = None
) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {
        FeedbackIds.SETTINGS_AREAS_BLOCK.value: {
            FeedbackIds.SETTINGS_AREAS_INPUT.value: {"type": "plain_text_input", "value": areas}
        },
        FeedbackIds.SETTINGS_EMOJI_BLOCK.value: {
            FeedbackIds.SETTINGS_EMOJI_INPUT.value: {"type": "plain_text_input", "value": emoji}
        },
    }
    for area, users in (owners or {}).items():
        values[f"{OWNER}:{area}"] = {
            FeedbackIds.SETTINGS_OWNER_SELECT.value: {
                "type": "multi_users_select",
                "selected_users": users,
            }
        }
    return values


def _submit(slack: SlackDriver, values: dict[str, dict[str, Any]], user_id: str = "UADMIN") -> Any:
    return slack.send(
        slack.requests.view_submission(FeedbackIds.SETTINGS_MODAL.value, values, user_id=user_id)
    )


def _section_button(slack: SlackDriver, user_id: str) -> Any:
    return slack.send(
        slack.requests.block_action(
            f"{ScheduleIds.SECTION_BUTTON.value}:feedback",
            "feedback",
            user_id=user_id,
            channel_id=None,
            view={"id": "VOPS", "type": "modal", "callback_id": ScheduleIds.MODAL.value},
        )
    )


def test_the_ops_settings_button_pushes_the_feedback_settings_modal_with_current_values(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)

    response = _section_button(slack, "UADMIN")

    assert response.status_code == 200
    view = fake_slack.wait_for("views.push")[0].params["view"]
    assert view["callback_id"] == FeedbackIds.SETTINGS_MODAL.value
    areas = next(b for b in view["blocks"] if b["block_id"] == "feedback-settings-areas")
    assert areas["element"]["initial_value"].splitlines() == [
        "Onboarding",
        "Reporting",
        "Integrations",
        "Billing",
        "Mobile",
    ]
    owner_blocks = [b["block_id"] for b in view["blocks"] if b["block_id"].startswith(OWNER)]
    assert owner_blocks == [f"{OWNER}:Onboarding", f"{OWNER}:Reporting", *owner_blocks[2:]]
    assert len(owner_blocks) == 5
    assert fake_slack.calls_to("views.open") == []


def test_an_admin_saves_areas_emoji_and_owners_for_the_workspace(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    values = _values(
        "Reporting\n  Payments \n\n#Mobile apps",
        ":star:",
        owners={"Reporting": ["UPM"], "Onboarding": ["UGONE"]},
    )

    response = _submit(slack, values)

    assert response.status_code == 200
    assert response.get_data(as_text=True) == ""
    stored = container.services.feedback.settings(team_id=TEAM_ID)
    assert stored.areas == ["Reporting", "Payments", "Mobile apps"]
    assert stored.capture_emoji == "star"
    assert stored.area_owners == {"Reporting": ["UPM"]}
    assert container.services.feedback.is_reviewer(team_id=TEAM_ID, user_id="UPM")
    slack.command("/feedback", "", user_id="UADMIN")
    form = fake_slack.wait_for("views.open")[0].params["view"]
    assert "Payments" in all_text(form["blocks"])
    assert "Onboarding" not in all_text(form["blocks"])


def test_bad_settings_get_inline_errors_and_nothing_is_saved(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)

    response = _submit(slack, _values("Reporting\nreporting", "not an emoji!"))

    answer = body_json(response)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"feedback-settings-areas", "feedback-settings-emoji"}
    assert "reporting" in answer["errors"]["feedback-settings-areas"].lower()
    stored = container.services.feedback.settings(team_id=TEAM_ID)
    assert (stored.capture_emoji, "Onboarding" in stored.areas) == ("bulb", True)


def test_someone_who_is_not_an_admin_can_neither_open_nor_save_feedback_settings(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UPLAIN", is_admin=False)

    _section_button(slack, "UPLAIN")
    response = _submit(slack, _values("Only this", "star"), user_id="UPLAIN")

    told = fake_slack.wait_for("chat.postMessage")[0].params
    assert "Only workspace admins" in told["text"]
    assert fake_slack.calls_to("views.push") == []
    assert "Only workspace admins can change feedback settings" in response.get_data(as_text=True)
    stored = container.services.feedback.settings(team_id=TEAM_ID)
    assert (stored.areas[0], stored.capture_emoji) == ("Onboarding", "bulb")


def test_a_saved_capture_emoji_is_the_one_that_captures(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    _submit(slack, _values("Reporting", "star"))
    ts = "1700000000.000200"
    for channel, text in (("COLD", "Old emoji: not captured"), ("CNEW", "Please add SSO")):
        fake_slack.messages[(channel, ts)] = {
            "type": "message",
            "user": "U2",
            "text": text,
            "ts": ts,
        }

    for channel, reaction in (("COLD", "bulb"), ("CNEW", "star")):
        slack.event(
            {
                "type": "reaction_added",
                "user": "U5",
                "reaction": reaction,
                "item": {"type": "message", "channel": channel, "ts": ts},
            },
            event_id=f"Ev-{reaction}",
        )

    fake_slack.wait_for("chat.postEphemeral")
    read = [call.params["channel"] for call in fake_slack.calls_to("conversations.history")]
    assert read == ["CNEW"]
    assert _stored(container) == ["Please add SSO"]


def _stored(container: Container) -> list[str]:
    with container.sessions() as session:
        return list(session.scalars(select(FeedbackItem.text).order_by(FeedbackItem.id)))


# ---- escaping --------------------------------------------------------------------------------

HOSTILE = "Customer says <!channel> read <https://evil.example|docs> & more"
ESCAPED = "Customer says &lt;!channel&gt; read &lt;https://evil.example|docs&gt; &amp; more"


def _capture_hostile(container: Container, clock: FakeClock) -> None:
    feedback = container.services.feedback
    feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text=HOSTILE, account_name="<@U0BOSS> Corp"),
        submitted_by="U1",
        now=clock(),
    )
    feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="Linked from a forged permalink"),
        submitted_by="U1",
        now=clock(),
        source_message=SourceMessage("C1", "1.000", "javascript:alert(1)"),
    )


def test_captured_text_is_escaped_in_the_digest_and_unsafe_links_are_not_linked(
    container: Container, clock: FakeClock
) -> None:
    _capture_hostile(container, clock)

    posts = FeedbackDigestRunner(container.services.feedback).compose(
        team_id=TEAM_ID, channel_id="CDIGEST", period="2026-W47", options={}, now=clock()
    )

    text = all_text(posts[0].blocks)
    assert ESCAPED in text
    assert "<!channel>" not in text
    assert "<https://evil.example" not in text
    assert "&lt;@U0BOSS&gt; Corp" in text
    assert "javascript:" not in text
    assert "#2 Linked from a forged permalink" in text


def test_captured_text_is_escaped_in_the_app_home(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    known_person(container, fake_slack, "U1", name="Ada", is_admin=True)
    _capture_hostile(container, clock)

    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    text = all_text(fake_slack.wait_for("views.publish")[0].params["view"]["blocks"])
    assert ESCAPED in text
    assert "<!channel>" not in text
    assert "<https://evil.example" not in text
    assert "javascript:" not in text
