"""Every feedback capture path and interaction, end to end through the real Flask + Bolt app,
asserting on what Slack received (the Web API stand-in) and what is stored."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text

from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft, Status
from bot.rituals.feedback.forms import FeedbackModalMetadata, ItemModalMetadata
from bot.rituals.feedback.ids import FeedbackIds
from bot.rituals.feedback.models import FeedbackAccount, FeedbackItem
from bot.wiring import Container
from tests.support.clock import FakeClock
from tests.support.driver import SlackDriver, all_text, body_json
from tests.support.fake_slack import TEAM_ID, FakeSlackApi
from tests.support.feedback_forms import feedback_form_values, item_action_extra
from tests.support.people import known_person, reviewer
from tests.support.waiting import eventually

MESSAGE_TS = "1700000000.000100"


def _items(container: Container) -> list[FeedbackItem]:
    with container.sessions() as session:
        return list(session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)))


def _count(container: Container, model: type) -> int:
    with container.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _capture(container: Container, clock: FakeClock, text_: str, **kwargs: object) -> int:
    result = container.services.feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text=text_, **kwargs),  # type: ignore[arg-type]
        submitted_by="U1",
        now=clock(),
    )
    return result.item.item_id


# ---- /feedback -------------------------------------------------------------------------------


def test_feedback_without_text_opens_the_form(slack: SlackDriver, fake_slack: FakeSlackApi) -> None:
    response = slack.command("/feedback", "")

    assert response.status_code == 200
    view = fake_slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == FeedbackIds.MODAL.value
    assert "Reporting" in all_text(view["blocks"])


def test_quick_capture_reads_account_and_area_hints_and_answers_privately(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    slack.command("/feedback", "[Acme] export to CSV is slow #reporting")

    answer = fake_slack.wait_for_response()[0][1]
    items = _items(container)
    assert [(i.text, i.area, i.submitted_by) for i in items] == [
        ("export to CSV is slow", "Reporting", "U1")
    ]
    assert answer["response_type"] == "ephemeral"
    assert FeedbackIds.ADD_DETAILS.value in all_text(answer["blocks"])
    assert "Acme" in all_text(answer["blocks"])
    assert fake_slack.calls_to("chat.postMessage") == []


def test_add_details_opens_the_form_prefilled_and_edits_that_item(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    item_id = _capture(container, clock, "SSO please")
    slack.send(slack.requests.block_action(FeedbackIds.ADD_DETAILS.value, str(item_id)))
    view = fake_slack.wait_for("views.open")[0].params["view"]

    response = slack.send(
        slack.requests.view_submission(
            FeedbackIds.MODAL.value,
            feedback_form_values(text="SSO with Okta please", account="Globex", area="Billing"),
            private_metadata=view["private_metadata"],
        )
    )

    edited = eventually(lambda: _items(container), lambda i: i[0].text != "SSO please")
    assert response.status_code == 200
    assert "SSO please" in all_text(view["blocks"])
    assert [(i.id, i.text, i.area) for i in edited] == [
        (item_id, "SSO with Okta please", "Billing")
    ]


def test_slack_connect_channel_gets_nothing_the_person_gets_a_dm(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    fake_slack.add_channel("CEXT", is_ext_shared=True)

    slack.command("/feedback", "they want an audit log", channel_id="CEXT")

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.channel == "U1"
    assert fake_slack.responses == []
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert len(_items(container)) == 1


def test_feedback_help_lists_the_capture_paths(slack: SlackDriver) -> None:
    answer = body_json(slack.command("/feedback", "help"))

    assert "Capture as feedback" in all_text(answer["blocks"])


# ---- the form --------------------------------------------------------------------------------


def test_form_submission_stores_the_item_and_confirms_privately(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    response = slack.send(
        slack.requests.view_submission(
            FeedbackIds.MODAL.value,
            feedback_form_values(
                text="Bulk edit for dashboards",
                account="new:Initech",
                area="Reporting",
                source="interview",
                importance="blocker",
                link="https://calls.example.com/42",
                on_behalf_of="U7",
            ),
            private_metadata=FeedbackModalMetadata(channel_id="C1").to_json(),
        )
    )

    assert response.status_code == 200
    ephemeral = fake_slack.wait_for("chat.postEphemeral")[0]
    item = _items(container)[0]
    assert ephemeral.params["user"] == "U1"
    assert (item.source, item.importance, item.on_behalf_of, item.link) == (
        "interview",
        "blocker",
        "U7",
        "https://calls.example.com/42",
    )
    assert container.services.feedback.get_item(team_id=TEAM_ID, item_id=item.id).account_name == (
        "Initech"
    )


@pytest.mark.parametrize(
    ("values", "block"),
    [
        (feedback_form_values(text="   \n  "), FeedbackIds.TEXT_BLOCK),
        (feedback_form_values(text="ok", link="javascript:alert(1)"), FeedbackIds.LINK_BLOCK),
        (feedback_form_values(text="ok", area="Teleportation"), FeedbackIds.AREA_BLOCK),
    ],
    ids=["blank-text", "bad-url", "unknown-area"],
)
def test_bad_form_input_gets_an_inline_error_and_stores_nothing(
    slack: SlackDriver, container: Container, values: dict, block: FeedbackIds
) -> None:
    response = slack.send(slack.requests.view_submission(FeedbackIds.MODAL.value, values))

    answer = body_json(response)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [block.value]
    assert _count(container, FeedbackItem) == 0


def test_text_at_the_input_limit_round_trips_through_the_form(
    slack: SlackDriver, container: Container
) -> None:
    long_text = ("Le client veut l'export — «CSV» 📈 " * 100)[:2999] + "!"

    slack.send(
        slack.requests.view_submission(
            FeedbackIds.MODAL.value, feedback_form_values(text=long_text)
        )
    )

    stored = eventually(lambda: _items(container), bool)  # stored after the ack
    assert [len(i.text) for i in stored] == [3000]
    assert stored[0].text == long_text


def test_double_clicked_submit_stores_one_item(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    submission = slack.requests.view_submission(
        FeedbackIds.MODAL.value, feedback_form_values(text="Calendar sync")
    )

    first = slack.send(submission)
    second = slack.send(submission)

    confirmations = fake_slack.wait_for("chat.postMessage", 2)  # DMs, after the ack
    assert (first.status_code, second.status_code) == (200, 200)
    assert _count(container, FeedbackItem) == 1
    already = sorted("already captured" in c.params["text"].lower() for c in confirmations)
    assert already == [False, True]


def test_account_type_ahead_offers_known_accounts_and_a_new_one(
    slack: SlackDriver, container: Container, clock: FakeClock
) -> None:
    container.services.feedback.import_accounts(
        team_id=TEAM_ID,
        records=[AccountRecord("Initech"), AccountRecord("Initrode"), AccountRecord("Acme")],
        now=clock(),
    )

    answer = body_json(
        slack.send(slack.requests.block_suggestion(FeedbackIds.ACCOUNT_SELECT.value, "init"))
    )

    labels = [o["text"]["text"] for o in answer["options"]]
    assert labels == ["Initech", "Initrode", "+ New account: init"]


@pytest.fixture
def requesters_table_gone(container: Container) -> Iterator[None]:
    """The database failing halfway through a capture (after the item row was written)."""
    with container.engine.begin() as connection:
        connection.execute(text("ALTER TABLE feedback_requesters RENAME TO requesters_away"))
    yield
    with container.engine.begin() as connection:
        connection.execute(text("ALTER TABLE requesters_away RENAME TO feedback_requesters"))


def test_capture_while_the_database_fails_tells_the_person_and_keeps_nothing(
    slack: SlackDriver,
    fake_slack: FakeSlackApi,
    container: Container,
    requesters_table_gone: None,
) -> None:
    slack.command("/feedback", "[Acme] they need SAML")

    message = fake_slack.wait_for("chat.postEphemeral")[0]
    assert "nothing was saved" in message.params["text"]
    assert (_count(container, FeedbackItem), _count(container, FeedbackAccount)) == (0, 0)


# ---- message shortcut and reaction capture ---------------------------------------------------


def test_message_shortcut_opens_the_form_prefilled_with_text_author_and_permalink(
    slack: SlackDriver, fake_slack: FakeSlackApi
) -> None:
    slack.send(
        slack.requests.message_shortcut(
            FeedbackIds.MESSAGE_SHORTCUT.value,
            text="Customer says the mobile app logs them out",
            author_id="U2",
            message_ts=MESSAGE_TS,
        )
    )

    opened = fake_slack.wait_for("views.open")[0].params["view"]
    updated = fake_slack.wait_for("views.update")[0].params["view"]
    metadata = FeedbackModalMetadata.from_json(updated["private_metadata"])
    assert "mobile app logs them out" in all_text(opened["blocks"])
    assert '"initial_user": "U2"' in all_text(opened["blocks"])
    assert metadata.permalink == "https://acme.slack.com/archives/C1/p1700000000000100"


def test_same_message_captured_twice_through_the_shortcut_is_one_item(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    metadata = FeedbackModalMetadata(channel_id="C1", message_ts=MESSAGE_TS).to_json()
    for _ in range(2):
        slack.send(
            slack.requests.view_submission(
                FeedbackIds.MODAL.value,
                feedback_form_values(text="Logs out on mobile"),
                private_metadata=metadata,
            )
        )

    confirmations = fake_slack.wait_for("chat.postEphemeral", 2)
    assert _count(container, FeedbackItem) == 1
    already = sorted("already captured" in c.params["text"].lower() for c in confirmations)
    assert already == [False, True]


def _reaction(user: str, reaction: str = "bulb", channel: str = "C1") -> dict:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": MESSAGE_TS},
        "item_user": "U2",
    }


def test_capture_emoji_stores_the_message_once_crediting_the_first_reactor(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    fake_slack.messages[("C1", MESSAGE_TS)] = {
        "type": "message",
        "user": "U2",
        "text": "We'd pay more for SSO",
        "ts": MESSAGE_TS,
    }
    first = slack.requests.event(_reaction("U5"), event_id="Ev1")

    slack.send(first)
    fake_slack.wait_for("chat.postEphemeral")
    slack.send(slack.requests.event(_reaction("U5"), event_id="Ev1", retry_num=1))
    slack.send(slack.requests.event(_reaction("U6"), event_id="Ev2"))
    slack.send(slack.requests.event(_reaction("U6", reaction="eyes"), event_id="Ev3"))

    history = fake_slack.wait_for("conversations.history")[0]
    items = _items(container)
    assert [(i.text, i.submitted_by, i.source) for i in items] == [
        ("We'd pay more for SSO", "U5", "slack")
    ]
    assert items[0].permalink == "https://acme.slack.com/archives/C1/p1700000000000100"
    assert (history.params["latest"], str(history.params["limit"])) == (MESSAGE_TS, "1")
    assert len(fake_slack.calls_to("conversations.history")) == 1


def test_capture_emoji_in_a_channel_the_bot_cannot_read_tells_the_reactor_how_to_invite_it(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    fake_slack.error("conversations.history", "not_in_channel")

    slack.send(slack.requests.event(_reaction("U5", channel="CPRIV")))

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.channel == "U5"
    assert "/invite @opsbot" in dm.params["text"]
    assert _count(container, FeedbackItem) == 0


def test_workspace_capture_emoji_setting_replaces_the_default(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    container.services.workspaces.set_setting(
        team_id=TEAM_ID, key="feedback", value={"capture_emoji": "memo"}, user_id="UA", now=clock()
    )
    fake_slack.messages[("C1", MESSAGE_TS)] = {"user": "U2", "text": "Need SCIM", "ts": MESSAGE_TS}

    slack.send(slack.requests.event(_reaction("U5", reaction="bulb")))
    slack.send(slack.requests.event(_reaction("U5", reaction="memo")))

    fake_slack.wait_for("chat.postEphemeral")
    assert [i.text for i in _items(container)] == ["Need SCIM"]


# ---- duplicates ------------------------------------------------------------------------------


def test_similar_items_are_offered_and_plus_one_merges_into_the_existing_item(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    existing = _capture(
        container, clock, "Export to CSV is slow for large reports", account_name="Acme"
    )
    slack.command("/feedback", "[Globex] CSV export is very slow on big reports")
    answer = fake_slack.wait_for_response()[0][1]
    new_id = max(i.id for i in _items(container))

    slack.send(slack.requests.block_action(FeedbackIds.PLUS_ONE.value, f"{new_id}:{existing}"))

    replaced = fake_slack.wait_for_response(2)[1][1]
    target = container.services.feedback.get_item(team_id=TEAM_ID, item_id=existing)
    merged = container.services.feedback.get_item(team_id=TEAM_ID, item_id=new_id)
    assert f"{new_id}:{existing}" in all_text(answer["blocks"])
    assert replaced["replace_original"] is True
    assert (target.request_count, merged.merged_into_id) == (2, existing)


def test_keep_separate_leaves_both_items(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    first = _capture(container, clock, "Export to CSV is slow")
    second = _capture(container, clock, "CSV export slow")

    slack.send(slack.requests.block_action(FeedbackIds.KEEP_SEPARATE.value, str(second)))

    note = fake_slack.wait_for_response()[0][1]
    assert f"#{second}" in all_text(note["blocks"])
    assert [i.merged_into_id for i in _items(container)] == [None, None]
    assert first != second


# ---- lifecycle -------------------------------------------------------------------------------


def test_shipping_from_the_digest_tells_submitter_and_account_owner_privately(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    reviewer(container, "U1")
    container.services.feedback.import_accounts(
        team_id=TEAM_ID, records=[AccountRecord("Acme", owner_user_id="UOWNER")], now=clock()
    )
    item_id = _capture(container, clock, "Dark mode", account_name="Acme")

    slack.send(
        slack.requests.block_action(
            FeedbackIds.ITEM_ACTION.value,
            channel_id="CDIGEST",
            extra=item_action_extra(f"{item_id}:shipped"),
        )
    )

    dms = fake_slack.wait_for("chat.postMessage", 2)
    assert sorted(d.channel for d in dms) == ["U1", "UOWNER"]
    assert all("Shipped" in all_text(d.params["blocks"]) for d in dms)
    assert _items(container)[0].status == Status.SHIPPED.value
    assert "shipped" in fake_slack.wait_for_response()[0][1]["text"]


def test_planned_asks_for_a_link_and_refuses_to_save_without_one(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    reviewer(container, "U1")
    item_id = _capture(container, clock, "Gantt view")
    slack.send(
        slack.requests.block_action(
            FeedbackIds.ITEM_ACTION.value, extra=item_action_extra(f"{item_id}:planned")
        )
    )
    modal = fake_slack.wait_for("views.open")[0].params["view"]

    def submit(link: str | None) -> dict:
        values = {
            FeedbackIds.STATUS_LINK_BLOCK.value: {
                FeedbackIds.STATUS_LINK_INPUT.value: {"type": "url_text_input", "value": link}
            }
        }
        response = slack.send(
            slack.requests.view_submission(
                FeedbackIds.STATUS_MODAL.value, values, private_metadata=modal["private_metadata"]
            )
        )
        return body_json(response) if response.get_data() else {}

    refused = submit(None)
    accepted = submit("https://tracker.example.com/PROJ-9")

    item = _items(container)[0]
    assert modal["callback_id"] == FeedbackIds.STATUS_MODAL.value
    assert refused["errors"] == {
        FeedbackIds.STATUS_LINK_BLOCK.value: refused["errors"][FeedbackIds.STATUS_LINK_BLOCK.value]
    }
    assert accepted == {}
    assert (item.status, item.status_link) == ("planned", "https://tracker.example.com/PROJ-9")
    assert item.reviewed_at is not None


def test_declining_tells_requesters_why(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    reviewer(container, "U1")
    item_id = _capture(container, clock, "Fax integration")
    metadata = ItemModalMetadata(item_id=item_id, status="declined").to_json()
    values = {
        FeedbackIds.STATUS_REASON_BLOCK.value: {
            FeedbackIds.STATUS_REASON_INPUT.value: {
                "type": "plain_text_input",
                "value": "Nobody else uses fax",
            }
        }
    }

    slack.send(
        slack.requests.view_submission(
            FeedbackIds.STATUS_MODAL.value, values, private_metadata=metadata
        )
    )

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.channel == "U1"
    assert "Nobody else uses fax" in all_text(dm.params["blocks"])


def test_merge_modal_merges_into_the_item_number_given(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    target = _capture(container, clock, "Slack alerts for reports", account_name="Acme")
    source = _capture(container, clock, "Notify in Slack", account_name="Globex")
    metadata = ItemModalMetadata(item_id=source).to_json()

    def submit(typed: str) -> dict:
        values = {
            FeedbackIds.MERGE_TARGET_BLOCK.value: {
                FeedbackIds.MERGE_TARGET_INPUT.value: {"type": "plain_text_input", "value": typed}
            }
        }
        response = slack.send(
            slack.requests.view_submission(
                FeedbackIds.MERGE_MODAL.value, values, private_metadata=metadata
            )
        )
        return body_json(response) if response.get_data() else {}

    unknown = submit("#999")
    merged = submit(f"#{target}")

    assert FeedbackIds.MERGE_TARGET_BLOCK.value in unknown["errors"]
    assert merged == {}
    assert container.services.feedback.get_item(team_id=TEAM_ID, item_id=target).request_count == 2


# ---- App Home, export, accounts --------------------------------------------------------------


def test_app_home_shows_my_feedback_and_what_awaits_review_for_admins(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    fake_slack.add_user("U1", name="Ada", is_admin=True)
    item_id = _capture(container, clock, "Offline mode for the mobile app")

    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    view = fake_slack.wait_for("views.publish")[0].params["view"]
    text_ = all_text(view["blocks"])
    assert "My recent feedback" in text_
    assert "Offline mode for the mobile app" in text_
    assert f"{item_id}:reviewed" in text_


def test_status_change_from_app_home_republishes_it(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    reviewer(container, "U1")
    item_id = _capture(container, clock, "Offline mode")

    slack.send(
        slack.requests.block_action(
            FeedbackIds.ITEM_ACTION.value,
            channel_id=None,
            view={"id": "VHOME", "type": "home"},
            extra=item_action_extra(f"{item_id}:reviewed"),
        )
    )

    fake_slack.wait_for("views.publish")
    assert _items(container)[0].status == "reviewed"


def test_feedback_export_uploads_a_csv_privately(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    _capture(container, clock, 'Quotes "and", commas', account_name="Acme")

    slack.command("/feedback", "export")

    complete = fake_slack.wait_for("files.completeUploadExternal")[0]
    rows = list(csv.DictReader(io.StringIO(fake_slack.uploads[0].decode("utf-8"))))
    assert complete.params["channel_id"] == "DU1"
    assert [(r["text"], r["account"]) for r in rows] == [('Quotes "and", commas', "Acme")]


def test_admin_edits_an_account_from_slack(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "UADMIN", is_admin=True)
    values = {
        FeedbackIds.ACCOUNT_NAME_BLOCK.value: {
            FeedbackIds.ACCOUNT_NAME_INPUT.value: {"type": "plain_text_input", "value": "Acme"}
        },
        FeedbackIds.ACCOUNT_ARR_BLOCK.value: {
            FeedbackIds.ACCOUNT_ARR_INPUT.value: {"type": "plain_text_input", "value": "$250k"}
        },
        FeedbackIds.ACCOUNT_OWNER_BLOCK.value: {
            FeedbackIds.ACCOUNT_OWNER_SELECT.value: {"type": "users_select", "selected_user": "U3"}
        },
    }

    slack.command("/feedback", "edit account Acme", user_id="UADMIN")
    fake_slack.wait_for("views.open")
    slack.send(
        slack.requests.view_submission(FeedbackIds.ACCOUNT_MODAL.value, values, user_id="UADMIN")
    )

    account = container.services.feedback.get_account(team_id=TEAM_ID, name="acme")
    assert account == AccountRecord("Acme", arr=250_000, owner_user_id="U3")


def test_non_admin_cannot_edit_accounts(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    known_person(container, fake_slack, "U1", is_admin=False)

    slack.command("/feedback", "edit account Acme")

    told = fake_slack.wait_for("chat.postEphemeral")[0]
    assert "Only workspace admins can edit accounts" in told.params["text"]
    assert fake_slack.calls_to("views.open") == []


def test_capture_emoji_in_a_slack_connect_channel_confirms_by_dm_only(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    fake_slack.add_channel("CEXT", is_ext_shared=True)
    fake_slack.messages[("CEXT", MESSAGE_TS)] = {
        "user": "UCUST",
        "text": "Need SOC 2 report",
        "ts": MESSAGE_TS,
    }

    slack.send(slack.requests.event(_reaction("U5", channel="CEXT")))

    dm = fake_slack.wait_for("chat.postMessage")[0]
    assert dm.channel == "U5"
    assert fake_slack.calls_to("chat.postEphemeral") == []
    assert [i.message_channel for i in _items(container)] == ["CEXT"]


def test_app_home_hides_the_review_queue_from_people_who_do_not_review(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    fake_slack.add_user("U9", name="Sam")
    _capture(container, clock, "Offline mode for the mobile app")

    slack.event({"type": "app_home_opened", "user": "U9", "tab": "home"})

    text_ = all_text(fake_slack.wait_for("views.publish")[0].params["view"]["blocks"])
    assert "My recent feedback" in text_
    assert "Waiting for review in your areas" not in text_


def test_someone_who_is_not_a_reviewer_cannot_change_a_status_and_nothing_changes(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    item_id = _capture(container, clock, "Dark mode")
    metadata = ItemModalMetadata(item_id=item_id, status="reviewed").to_json()

    answer = slack.send(
        slack.requests.view_submission(
            FeedbackIds.STATUS_MODAL.value, {}, private_metadata=metadata, user_id="UPLAIN"
        )
    )

    assert "Only reviewers" in answer.get_data(as_text=True)
    assert [i.status for i in _items(container)] == ["new"]


def test_a_plain_members_export_holds_only_their_own_submissions(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container, clock: FakeClock
) -> None:
    _capture(container, clock, "Mine")
    container.services.feedback.capture(
        team_id=TEAM_ID,
        draft=FeedbackDraft(text="From a private channel, someone else's"),
        submitted_by="UOTHER",
        now=clock(),
    )
    known_person(container, fake_slack, "UADMIN", is_admin=True)

    slack.command("/feedback", "export")
    fake_slack.wait_for("files.completeUploadExternal")
    slack.command("/feedback", "export", user_id="UADMIN")
    fake_slack.wait_for("files.completeUploadExternal", count=2)

    mine, everything = (
        [r["text"] for r in csv.DictReader(io.StringIO(upload.decode("utf-8")))]
        for upload in fake_slack.uploads[:2]
    )
    assert mine == ["Mine"]
    assert sorted(everything) == ["From a private channel, someone else's", "Mine"]
