"""Feedback rules without Slack or a database: parsing, validation, lifecycle, accounts, ranking,
and the pure builders' respect for Block Kit limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.rituals.feedback.blocks import (
    build_account_options,
    build_capture_confirmation,
    build_feedback_modal,
    build_settings_modal,
    item_menu,
)
from bot.rituals.feedback.domain import (
    AccountRecord,
    AccountsFileInvalid,
    AccountTally,
    CaptureResult,
    CommandKind,
    FeedbackCommand,
    FeedbackDraft,
    FeedbackField,
    FeedbackInvalid,
    FeedbackSettings,
    Importance,
    ItemAction,
    ItemSummary,
    QuickCapture,
    SettingsField,
    SettingsInvalid,
    SimilarItem,
    Source,
    Status,
    StatusChangeInvalid,
    StatusRequest,
    Window,
    check_status_change,
    clean_draft,
    clean_settings,
    is_capture_emoji,
    parse_accounts_csv,
    parse_feedback_command,
    parse_quick_capture,
    rank_accounts,
    trend,
)
from bot.rituals.feedback.forms import FeedbackModalMetadata, ItemModalMetadata
from bot.slack.limits import MODAL_BLOCKS, OPTION_TEXT, OPTION_VALUE

AREAS = ["Reporting", "Billing", "Mobile apps"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "[Acme] export to CSV is slow #reporting",
            QuickCapture("export to CSV is slow", "Acme", "reporting"),
        ),
        ("export to CSV is slow", QuickCapture("export to CSV is slow", None, None)),
        ("[ Big Co ]  needs SSO", QuickCapture("needs SSO", "Big Co", None)),
        (
            "use #channels better #mobile-apps",
            QuickCapture("use #channels better", None, "mobile-apps"),
        ),
        ("[Acme]", QuickCapture("", "Acme", None)),
    ],
)
def test_quick_capture_hints(typed: str, expected: QuickCapture) -> None:
    assert parse_quick_capture(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", FeedbackCommand(CommandKind.FORM)),
        ("  Export ", FeedbackCommand(CommandKind.EXPORT)),
        ("export to CSV is slow", FeedbackCommand(CommandKind.CAPTURE, "export to CSV is slow")),
        ("help", FeedbackCommand(CommandKind.HELP)),
        ("edit account  Big  Co", FeedbackCommand(CommandKind.EDIT_ACCOUNT, "Big Co")),
        ("account page is slow", FeedbackCommand(CommandKind.CAPTURE, "account page is slow")),
    ],
)
def test_feedback_subcommands_are_whole_words(typed: str, expected: FeedbackCommand) -> None:
    assert parse_feedback_command(typed) == expected


def test_clean_draft_matches_areas_loosely_and_squeezes_account_names() -> None:
    cleaned = clean_draft(
        FeedbackDraft(text="  hi  ", area="mobile-apps", account_name="  Acme   Corp "), areas=AREAS
    )

    assert (cleaned.text, cleaned.area, cleaned.account_name) == ("hi", "Mobile apps", "Acme Corp")


def test_clean_draft_refuses_text_over_the_input_limit() -> None:
    with pytest.raises(FeedbackInvalid) as raised:
        clean_draft(FeedbackDraft(text="x" * 3001), areas=AREAS)

    assert list(raised.value.errors) == [FeedbackField.TEXT]


@pytest.mark.parametrize(
    "link", ["example.com", "ftp://files.example.com/a", "https://", "https://exa mple.com"]
)
def test_links_must_be_web_addresses(link: str) -> None:
    with pytest.raises(FeedbackInvalid):
        clean_draft(FeedbackDraft(text="ok", link=link), areas=AREAS)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (Status.SHIPPED, Status.NEW),
        (Status.SHIPPED, Status.DECLINED),
        (Status.DECLINED, Status.SHIPPED),
        (Status.PLANNED, Status.NEW),
    ],
)
def test_lifecycle_refuses_jumps_back_from_the_ends(current: Status, wanted: Status) -> None:
    with pytest.raises(StatusChangeInvalid):
        check_status_change(current, StatusRequest(wanted, link="https://x.io/1", reason="r"))


def test_declining_needs_a_reason() -> None:
    with pytest.raises(StatusChangeInvalid) as raised:
        check_status_change(Status.NEW, StatusRequest(Status.DECLINED, reason="   "))

    assert raised.value.field_name == "reason"


def test_item_action_values_round_trip() -> None:
    actions = [ItemAction(12, Status.PLANNED), ItemAction(7, None)]

    assert [ItemAction.decode(a.encode()) for a in actions] == actions


def test_metadata_round_trips_and_stays_small() -> None:
    metadata = FeedbackModalMetadata(
        item_id=3, channel_id="C1", message_ts="1.2", permalink="https://acme.slack.com/p1"
    )
    status = ItemModalMetadata(item_id=4, status="declined", channel_id="C2")

    assert FeedbackModalMetadata.from_json(metadata.to_json()) == metadata
    assert ItemModalMetadata.from_json(status.to_json()) == status
    assert FeedbackModalMetadata.from_json("") == FeedbackModalMetadata()


def test_capture_emoji_ignores_skin_tones_and_colons() -> None:
    assert [
        is_capture_emoji("bulb", ":bulb:"),
        is_capture_emoji("bulb::skin-tone-2", "bulb"),
        is_capture_emoji("eyes", "bulb"),
    ] == [True, True, False]


def test_accounts_csv_reads_money_and_refuses_bad_numbers() -> None:
    records = parse_accounts_csv('Name,ARR,Owner\nAcme,"1,500",U1\nGlobex,1.2m,\n')

    assert records == [
        AccountRecord("Acme", arr=1500, owner_user_id="U1"),
        AccountRecord("Globex", arr=1_200_000),
    ]
    with pytest.raises(AccountsFileInvalid, match="line 2"):
        parse_accounts_csv("name,arr\nAcme,lots\n")


def test_top_accounts_are_ranked_by_arr_weighted_items() -> None:
    ranked = rank_accounts(
        [
            AccountTally("Small", items=5, arr=10_000),
            AccountTally("Big", items=1, arr=1_000_000),
            AccountTally("Unknown", items=9, arr=None),
        ]
    )

    assert [t.name for t in ranked] == ["Big", "Small", "Unknown"]


def test_trend_compares_with_last_week() -> None:
    assert [trend(6, 3), trend(3, 6), trend(2, 0), trend(0, 0)] == [
        "+100% vs last week",
        "-50% vs last week",
        "new this week",
        "no change",
    ]


# ---- builders --------------------------------------------------------------------------------


def _summary(item_id: int, text: str) -> ItemSummary:
    return ItemSummary(
        item_id=item_id,
        text=text,
        account_name="Acme",
        area="Reporting",
        source=Source.CALL,
        importance=Importance.BLOCKER,
        link=None,
        status=Status.NEW,
        on_behalf_of="U1",
        submitted_by="U1",
        request_count=1,
        permalink=None,
        status_link=None,
        decline_reason=None,
        merged_into_id=None,
    )


def test_feedback_modal_is_valid_block_kit_with_many_areas() -> None:
    areas = [f"Area {n}" for n in range(150)]

    view = build_feedback_modal(
        areas=areas,
        metadata=FeedbackModalMetadata(channel_id="C1"),
        submitter="U1",
        draft=FeedbackDraft(text="x" * 3000, area="Area 3", source=Source.SLACK),
    ).to_dict()

    area_select = next(b for b in view["blocks"] if b["block_id"] == "feedback-area")["element"]
    assert len(view["blocks"]) <= MODAL_BLOCKS
    assert len(area_select["options"]) == 100
    assert area_select["initial_option"]["value"] == "Area 3"


def test_confirmation_offers_plus_one_per_similar_item_and_escapes_mentions() -> None:
    result = CaptureResult(
        _summary(9, "<!here> please"),
        True,
        [SimilarItem(2, "CSV slow", "Acme", 3, 0.8), SimilarItem(5, "CSV export", None, 1, 0.5)],
    )

    blocks = [b.to_dict() for b in build_capture_confirmation(result, offer_details=True)]

    text = json.dumps(blocks)
    values = [b["accessory"]["value"] for b in blocks if b.get("accessory")]
    assert values == ["9:2", "9:5"]
    assert "<!here>" not in text
    assert "feedback-keep-separate" in text


def test_account_options_stay_inside_option_limits() -> None:
    typed = "A" * 300

    options = [o.to_dict() for o in build_account_options([], typed)]

    assert len(options[0]["text"]["text"]) <= OPTION_TEXT
    assert len(options[0]["value"]) <= OPTION_VALUE


def test_item_menu_offers_every_other_status_and_merge() -> None:
    menu = item_menu(4, Status.NEW).to_dict()

    assert [o["value"] for o in menu["options"]] == [
        "4:reviewed",
        "4:planned",
        "4:shipped",
        "4:declined",
        "4:merge",
    ]


def test_last_week_ends_where_this_week_starts() -> None:
    window = Window.week_ending(datetime(2026, 11, 16, tzinfo=UTC))

    assert window.previous().end == window.start


def test_settings_are_trimmed_and_owners_kept_only_for_areas_that_remain() -> None:
    settings = clean_settings(
        areas_text=" Reporting \n\n#Billing\nMobile   apps",
        capture_emoji=":Star:",
        owners={"Reporting": ["U1", "U1"], "Gone": ["U2"], "Billing": []},
    )

    assert settings.areas == ["Reporting", "Billing", "Mobile apps"]
    assert settings.capture_emoji == "star"
    assert settings.area_owners == {"Reporting": ["U1"]}


@pytest.mark.parametrize(
    ("areas", "emoji", "bad"),
    [
        ("x" * 65, "bulb", {SettingsField.AREAS}),
        ("Mobile apps\nmobile-apps", "bulb", {SettingsField.AREAS}),
        ("Reporting", "", {SettingsField.CAPTURE_EMOJI}),
        ("Reporting", "two words", {SettingsField.CAPTURE_EMOJI}),
    ],
)
def test_bad_settings_name_the_field(areas: str, emoji: str, bad: set[SettingsField]) -> None:
    with pytest.raises(SettingsInvalid) as invalid:
        clean_settings(areas_text=areas, capture_emoji=emoji, owners={})

    assert set(invalid.value.errors) == bad


def test_the_settings_modal_has_one_owner_select_per_area_inside_block_kit_limits() -> None:
    areas = [f"Area {n}" for n in range(120)] + ["Area 1"]
    view = build_settings_modal(
        FeedbackSettings(areas=areas, capture_emoji="bulb", area_owners={"Area 1": ["U1"]})
    ).to_dict()

    block_ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(view["blocks"]) <= MODAL_BLOCKS
    assert len(block_ids) == len(set(block_ids))
    owner = next(b for b in view["blocks"] if b.get("block_id") == "feedback-settings-owner:Area 1")
    assert owner["element"]["initial_users"] == ["U1"]
