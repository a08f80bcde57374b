"""Input that changes nothing: NUL bytes, absurd numbers and overlong ids get a clear answer,
never "the database is down", and nothing half-written stays."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DataError

from bot.rituals.feedback.blocks.modals import build_account_options
from bot.rituals.feedback.domain import (
    ACCOUNT_NAME_LIMIT,
    AccountInvalid,
    AccountsFileInvalid,
    account_from_form,
    parse_accounts_csv,
)
from bot.slack.error_handler import DATABASE_DOWN, INVALID_INPUT, message_for
from bot.wiring import Container
from tests.support.driver import SlackDriver
from tests.support.fake_slack import FakeSlackApi
from tests.test_feedback_slack import _items


def test_a_nul_byte_in_feedback_is_dropped_and_the_item_is_stored(
    slack: SlackDriver, fake_slack: FakeSlackApi, container: Container
) -> None:
    slack.command("/feedback", "[Acme] export\x00 to CSV is slow")

    answer = fake_slack.wait_for_response()[0][1]
    assert [i.text for i in _items(container)] == ["export to CSV is slow"]
    assert DATABASE_DOWN not in str(answer)


@pytest.mark.parametrize("arr", ["1e30", "-5", "inf", "nan", "2000000000000"])
def test_an_absurd_arr_is_refused_inline(arr: str) -> None:
    with pytest.raises(AccountInvalid) as refused:
        account_from_form(name="Acme", external_id=None, segment=None, arr=arr, owner_user_id=None)

    assert refused.value.field_name == "arr"


def test_an_overlong_external_id_or_name_is_refused_not_cut() -> None:
    with pytest.raises(AccountInvalid) as too_long_id:
        account_from_form(
            name="Acme", external_id="x" * 5000, segment=None, arr=None, owner_user_id=None
        )
    with pytest.raises(AccountInvalid) as too_long_name:
        account_from_form(
            name="A" * 200, external_id=None, segment=None, arr=None, owner_user_id=None
        )
    with pytest.raises(AccountsFileInvalid, match="line 2"):
        parse_accounts_csv("name,arr\nAcme,-5\n")

    assert too_long_id.value.field_name == "external_id"
    assert too_long_name.value.field_name == "name"


def test_every_allowed_account_name_survives_the_type_ahead_round_trip() -> None:
    longest = "A" * ACCOUNT_NAME_LIMIT

    known = build_account_options([longest], longest)
    new = build_account_options([], longest)

    assert [o.value for o in known] == [longest]
    assert new[-1].value is not None
    assert new[-1].value.removeprefix("new:") == longest


def test_input_the_database_refuses_is_reported_as_invalid_input_not_an_outage() -> None:
    refused = DataError("INSERT ...", {}, Exception("value too long for type varchar(128)"))

    assert message_for(refused) == INVALID_INPUT
