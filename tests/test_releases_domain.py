"""Release rules without Slack or a database: Markdown conversion, splitting, validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.integrations.github_releases import (
    GitHubRateLimited,
    GitHubReleaseError,
    GitHubReleaseNotFound,
    GitHubReleases,
    GitHubUnreachable,
    ReleaseRef,
)
from bot.rituals.releases.blocks import build_release_messages
from bot.rituals.releases.domain import (
    ReleaseDraft,
    ReleaseField,
    ReleaseInvalid,
    ReleaseRefused,
    ReleaseState,
    ReleaseView,
    Section,
    TierTemplate,
    check_can_decide,
    split_text,
    validate_draft,
)
from bot.rituals.releases.markdown import to_mrkdwn
from bot.rituals.releases.options import ReleaseOptions
from bot.slack.limits import MESSAGE_BLOCKS, SECTION_TEXT
from bot.slack.mrkdwn import escape, link
from tests.support.fake_github import FakeGitHub

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEMPLATES = ReleaseOptions().templates()


def test_markdown_headings_lists_links_code_and_bold_survive() -> None:
    body = (
        "## What's new\n"
        "* **Faster** CSV export\n"
        "* Nested:\n"
        "  1. first `code`\n"
        "  2. see [the docs](https://example.com/a?x=1&y=2)\n\n"
        "```\nif a < b:\n    go()\n```\n"
    )

    converted = to_mrkdwn(body)

    assert "*What's new*" in converted
    assert "• *Faster* CSV export" in converted
    assert "    1. first `code`" in converted
    assert "<https://example.com/a?x=1&y=2|the docs>" in converted
    assert "```\nif a &lt; b:\n    go()\n```" in converted


def test_markdown_escapes_user_text_so_it_cannot_ping_or_smuggle_links() -> None:
    converted = to_mrkdwn(
        "Hello <!channel> & <https://evil.example|click> [x](javascript:alert(1))"
    )

    assert "<!channel>" not in converted
    assert "&lt;!channel&gt;" in converted
    assert "&amp;" in converted
    assert "<javascript" not in converted


def test_shared_link_only_links_web_urls() -> None:
    assert link("https://example.com", "Docs") == "<https://example.com|Docs>"
    assert link("javascript:alert(1)", "Docs") == "Docs"
    assert escape("<@U1> & co") == "&lt;@U1&gt; &amp; co"


def test_split_text_never_cuts_words_links_or_drops_text() -> None:
    words = " ".join(f"word{i}" for i in range(3000))
    text = f"{words}\n<https://example.com/a|a link with spaces> end"

    pieces = split_text(text, 500)

    assert all(len(p) <= 500 for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())
    assert any("<https://example.com/a|a link with spaces>" in p for p in pieces)


def test_split_text_closes_and_reopens_a_code_block_cut_in_two() -> None:
    code = "```\n" + "\n".join(f"line {i}" for i in range(200)) + "\n```"

    pieces = split_text(code, 300)

    assert len(pieces) > 1
    assert all(p.startswith("```") and p.endswith("```") for p in pieces)


def test_long_notes_are_split_across_messages_within_block_kit_limits() -> None:
    long_notes = "\n\n".join(f"Paragraph {i} " + "detail " * 60 for i in range(600))
    view = _view(ReleaseDraft(title="Big", tier=3, whats_new=long_notes, channel_ids=("C1",)))

    messages = build_release_messages(view, TEMPLATES[3], acknowledge=False)

    assert len(messages) > 1
    assert all(len(m) <= MESSAGE_BLOCKS for m in messages)
    texts = [b.to_dict().get("text", {}).get("text", "") for m in messages for b in m]
    assert all(len(t) <= SECTION_TEXT for t in texts)
    assert all(f"Paragraph {i} " in "".join(texts) for i in range(600))


def test_validation_names_every_empty_required_section_of_the_tier() -> None:
    draft = ReleaseDraft(title="", tier=1, whats_new="", channel_ids=())

    with pytest.raises(ReleaseInvalid) as raised:
        validate_draft(draft, TEMPLATES, now=NOW)

    assert set(raised.value.errors) == {
        ReleaseField.TITLE,
        ReleaseField.WHATS_NEW,
        ReleaseField.WHY,
        ReleaseField.WHO_FOR,
        ReleaseField.CHANNELS,
    }


def test_validation_refuses_a_time_in_the_past_and_a_docs_link_that_is_not_web() -> None:
    draft = ReleaseDraft(
        title="T",
        tier=3,
        whats_new="x",
        channel_ids=("C1",),
        docs_url="ftp://x",
        publish_at=NOW - timedelta(hours=1),
    )

    with pytest.raises(ReleaseInvalid) as raised:
        validate_draft(draft, TEMPLATES, now=NOW)

    assert set(raised.value.errors) == {ReleaseField.PUBLISH_AT, ReleaseField.DOCS}


def test_only_a_release_manager_decides_and_only_once() -> None:
    with pytest.raises(ReleaseRefused):
        check_can_decide(ReleaseState.AWAITING_APPROVAL, is_manager=False, decided_by=None)
    with pytest.raises(ReleaseRefused, match="already approved"):
        check_can_decide(ReleaseState.SCHEDULED, is_manager=True, decided_by="U9")


def test_tier_templates_round_trip_as_stored_per_workspace() -> None:
    template = TierTemplate(2, "Feature", "sparkles", (Section.WHATS_NEW,), ("C1",), True, False)

    assert TierTemplate.from_json(template.to_json()) == template


@pytest.fixture
def fake_github() -> FakeGitHub:
    server = FakeGitHub().start()
    yield server
    server.stop()


def test_github_import_fetches_latest_or_a_tag_with_the_token(fake_github: FakeGitHub) -> None:
    fake_github.add_release("acme/app", "v1.0.0", body="old", latest=False)
    fake_github.add_release("acme/app", "v1.1.0", name="Spring", body="**new**")
    with httpx.Client() as http:
        client = GitHubReleases(http, api_url=fake_github.base_url, token="ghp_secret")

        latest = client.fetch(ReleaseRef.parse("acme/app"))
        tagged = client.fetch(ReleaseRef.parse("acme/app@v1.0.0"))

    assert (latest.tag, latest.name, latest.body) == ("v1.1.0", "Spring", "**new**")
    assert tagged.tag == "v1.0.0"
    assert fake_github.requests[0][0] == "/repos/acme/app/releases/latest"
    assert fake_github.requests[1][1]["authorization"] == "Bearer ghp_secret"


def test_github_errors_are_clear(fake_github: FakeGitHub) -> None:
    with httpx.Client() as http:
        client = GitHubReleases(http, api_url=fake_github.base_url)
        with pytest.raises(GitHubReleaseNotFound, match="has no release `v9`"):
            client.fetch(ReleaseRef.parse("acme/none@v9"))
        fake_github.rate_limit(403)
        with pytest.raises(GitHubRateLimited, match="rate limit"):
            client.fetch(ReleaseRef.parse("acme/app"))
        fake_github.rate_limit(429)
        with pytest.raises(GitHubRateLimited):
            client.fetch(ReleaseRef.parse("acme/app"))
        fake_github.stop()
        with pytest.raises(GitHubUnreachable, match="could not reach GitHub"):
            client.fetch(ReleaseRef.parse("acme/app"))


def test_a_bad_repository_name_is_refused_before_any_request() -> None:
    with pytest.raises(GitHubReleaseError, match="not a repository"):
        ReleaseRef.parse("not a repo")


def _view(draft: ReleaseDraft) -> ReleaseView:
    return ReleaseView(
        release_id=1,
        team_id="T1",
        author_id="U1",
        draft=draft,
        state=ReleaseState.DRAFT,
        revision=1,
        created_at=NOW,
    )
