"""Triage builders and the thread's composition: valid Block Kit, within limits, one click per
ticket, the order and the counts people read."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.rituals.triage.blocks import (
    IntakeMetadata,
    WontFixMetadata,
    build_home_section,
    build_intake_modal,
    build_parent_blocks,
    build_summary_pages,
    build_ticket_blocks,
    ticket_block_dicts,
)
from bot.rituals.triage.domain import (
    CreatedIssue,
    Outcome,
    Severity,
    TicketDraft,
    TicketStatus,
    count_thread,
    summarise,
)
from bot.rituals.triage.ids import TriageIds
from bot.rituals.triage.runner import compose_posts
from bot.rituals.triage.service import ThreadPlan
from tests.test_triage_domain import ticket

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _dicts(blocks: list) -> list[dict]:  # type: ignore[type-arg]
    return [block.to_dict() for block in blocks]


def _action_ids(blocks: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_an_open_ticket_offers_every_outcome_and_an_owner_picker() -> None:
    blocks = _dicts(build_ticket_blocks(ticket=ticket(7, Severity.HIGH, 2), now=NOW, sla_days=7))

    assert _action_ids(blocks) == [
        TriageIds.BUG,
        TriageIds.FEATURE,
        TriageIds.KNOWN,
        TriageIds.NEEDS_INFO,
        TriageIds.WONT_FIX,
        TriageIds.OWNER,
    ]
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {e.get("value") for e in buttons if e["type"] == "button"} == {"7"}


def test_an_overdue_ticket_is_flagged_with_its_age() -> None:
    text = json.dumps(
        _dicts(build_ticket_blocks(ticket=ticket(1, Severity.LOW, 20), now=NOW, sla_days=7))
    )

    assert "past the 7-day SLA" in text
    assert "2-4 weeks" in text


def test_a_triaged_bug_shows_the_issue_link_who_and_no_outcome_buttons() -> None:
    done = replace(
        ticket(3, Severity.NORMAL, 1),
        status=TicketStatus.TRIAGED,
        outcome=Outcome.BUG,
        decided_by="U9",
        decided_at=NOW,
        tracker_key="OPS-4",
        tracker_url="https://acme.atlassian.net/browse/OPS-4",
    )

    blocks = _dicts(build_ticket_blocks(ticket=done, now=NOW, sla_days=7))
    text = json.dumps(blocks)

    assert "<https://acme.atlassian.net/browse/OPS-4|OPS-4>" in text
    assert "<@U9>" in text
    assert _action_ids(blocks) == [TriageIds.OWNER]
    assert "SLA" not in text


def test_oversized_ticket_text_is_cut_to_block_kit_limits() -> None:
    huge = replace(ticket(1, Severity.NORMAL, 1), title="t" * 300, description="d" * 10_000)

    blocks = _dicts(build_ticket_blocks(ticket=huge, now=NOW, sla_days=7))

    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


def test_the_intake_modal_is_prefilled_and_carries_its_source() -> None:
    view = build_intake_modal(
        draft=TicketDraft(title="Export broken", description="It fails", link="https://x/1"),
        metadata=IntakeMetadata(source="shortcut", channel_id="C9"),
    ).to_dict()

    assert view["callback_id"] == TriageIds.MODAL
    assert IntakeMetadata.from_json(view["private_metadata"]) == IntakeMetadata("shortcut", "C9")
    initial = {
        b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if "element" in b
    }
    assert initial[TriageIds.TITLE_BLOCK] == "Export broken"
    assert initial[TriageIds.LINK_BLOCK] == "https://x/1"


def test_wont_fix_metadata_round_trips() -> None:
    metadata = WontFixMetadata(ticket_id=5, channel_id="C1", ts="1.2")

    assert WontFixMetadata.from_json(metadata.to_json()) == metadata


def test_the_parent_shows_counts_and_sla_flags_and_a_close_button() -> None:
    tickets = [ticket(1, Severity.URGENT, 1), ticket(2, Severity.LOW, 12)]
    counts = count_thread(tickets, shown_before={2}, now=NOW, sla_days=7)

    blocks = _dicts(build_parent_blocks(counts=counts, session_id=42, started_at=NOW, sla_days=7))
    text = json.dumps(blocks, ensure_ascii=False)

    assert "*2* tickets to triage: *1* new, *1* carried over" in text
    assert "*1* past the 7-day SLA" in text
    assert _action_ids(blocks) == [TriageIds.CLOSE]


def test_compose_posts_the_parent_then_one_reply_per_ticket_in_triage_order() -> None:
    tickets = [
        ticket(1, Severity.LOW, 3),
        ticket(2, Severity.URGENT, 1),
        ticket(3, Severity.URGENT, 4),
    ]
    plan = ThreadPlan(
        session_id=1,
        tickets=[tickets[2], tickets[1], tickets[0]],
        counts=count_thread(tickets, shown_before=set(), now=NOW, sla_days=7),
        sla_days=7,
        started_at=NOW,
    )

    posts = compose_posts(plan)

    assert [(p.part, p.reply_to_part) for p in posts] == [
        ("parent", None),
        ("ticket:3", "parent"),
        ("ticket:2", "parent"),
        ("ticket:1", "parent"),
    ]
    assert all(len(p.blocks) <= 50 for p in posts)


def test_a_long_list_of_created_issues_is_paginated_over_several_messages() -> None:
    issues = [
        CreatedIssue(
            i, "A rather long bug title that takes room " * 3, f"OPS-{i}", f"https://j/{i}"
        )
        for i in range(1, 1201)
    ]
    summary = summarise(
        decided=[(Outcome.BUG, timedelta(hours=1))] * 1200,
        left=0,
        left_overdue=0,
        created_issues=issues,
    )

    pages = build_summary_pages(summary=summary, closed_by="U1")

    assert len(pages) > 1
    assert all(len(page) <= 50 for page in pages)
    text = json.dumps([_dicts(page) for page in pages])
    assert all(f"|OPS-{i}>" in text for i in (1, 600, 1200))
    assert all(
        len(b["text"]["text"]) <= 3000
        for page in pages
        for b in _dicts(page)
        if b["type"] == "section"
    )


def test_home_section_lists_my_tickets_and_the_outcome_of_those_i_sent() -> None:
    mine = ticket(1, Severity.HIGH, 2)
    sent = replace(ticket(2, Severity.LOW, 3), status=TicketStatus.TRIAGED, outcome=Outcome.KNOWN)

    text = json.dumps(_dicts(build_home_section(owned=[mine], reported=[sent], now=NOW)))

    assert "Assigned to you" in text
    assert "ticket 1: waiting (this week)" in text
    assert "ticket 2: Known issue" in text
    assert build_home_section(owned=[], reported=[], now=NOW) == []


def test_the_fast_thread_rendering_matches_the_validated_builder() -> None:
    variants = [
        ticket(1, Severity.URGENT, 30),
        replace(ticket(2, Severity.LOW, 1), owner_user_id="UDEV", description="d" * 900),
        replace(
            ticket(3, Severity.HIGH, 2), link="ZD-77", reporter_user_id=None, helpdesk="zendesk"
        ),
        replace(ticket(4, Severity.NORMAL, 1), status=TicketStatus.TRIAGED, outcome=Outcome.KNOWN),
    ]

    for variant in variants:
        fast = ticket_block_dicts(ticket=variant, now=NOW, sla_days=7)
        assert fast == _dicts(build_ticket_blocks(ticket=variant, now=NOW, sla_days=7))
