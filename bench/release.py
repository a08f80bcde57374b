"""Release benchmark: a tier-1 release to 50 channels with 30 linked feedback items and 500
people to acknowledge, through the real wiring, against the Web API stand-in (its own process,
one post per second per channel, 429 + Retry-After beyond). Prints:

- time to enqueue (the approval that publishes: one transaction, every post in the outbox) and
  the follow-up (500 acknowledgements asked, 30 items shipped and their people told);
- delivery by the repo's outbox sender: posts per second vs Slack's allowed rate, duplicates
  and lost posts (targets: >= 0.97 of the allowed rate, 0, 0);
- Markdown → mrkdwn of a 50 KB GitHub release body: median and spread over several runs
  (target < 50 ms).

    .venv/bin/python -m bench.release [--channels 50] [--items 30] [--people 500] [--runs 20]
                                      [--notes-kb 30]
    DATABASE_URL=postgresql://... .venv/bin/python -m bench.release   # against Postgres

No timed assertions: numbers to read.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

from bot.config import load_settings
from bot.db import upgrade_database, utcnow
from bot.rituals.feedback.domain import AccountRecord, FeedbackDraft
from bot.rituals.feedback.service import FeedbackService
from bot.rituals.releases.domain import ReleaseDraft
from bot.rituals.releases.markdown import to_mrkdwn
from bot.rituals.releases.service import PUBLISH_RITUAL, SETTING, ReleaseService
from bot.wiring import Container, build_container
from bot.workspace.roles import Grant
from bot.workspace.service import SlackUser
from tests.support.fake_slack import TEAM_ID, FakeSlackApi

GROUP = "S0CUSTOMERS"
AUTHOR, MANAGER = "UAUTHOR", "UMANAGER"


def _serve_fake(connection: Connection, people: int) -> None:
    fake = FakeSlackApi().start()
    fake.enforce_channel_rate(per_second=1.0, retry_after=1)
    fake.usergroups[GROUP] = [f"UCS{i:04d}" for i in range(people)]
    connection.send(fake.api_url)
    connection.recv()
    channel_posts = [
        (c.channel, c.params["text"])
        for c in fake.calls_to("chat.postMessage")
        if str(c.channel).startswith("C")
    ]
    attempts = len([c for c in fake.attempts_to("chat.postMessage") if str(c.channel)[:1] == "C"])
    dms = len([c for c in fake.calls_to("chat.postMessage") if str(c.channel).startswith("U")])
    connection.send((channel_posts, attempts, dms))
    fake.stop()


def github_body(size: int = 50_000) -> str:
    """A realistic GitHub release body: headings, bullets with PR links, code, bold."""
    parts = ["## What's Changed\n"]
    number = 1000
    while sum(len(p) for p in parts) < size:
        parts.append(
            f"* **reports**: export of large reports no longer times out by @dev{number % 40} "
            f"in [#{number}](https://github.com/acme/app/pull/{number})\n"
        )
        if number % 25 == 0:
            parts.append(
                f"\n### Area {number}\n\nSet `EXPORT_BATCH={number}` to tune it:\n\n"
                "```yaml\nexport:\n  batch: 500\n  timeout: 30s\n```\n\n"
            )
        number += 1
    parts.append("\n**Full Changelog**: https://github.com/acme/app/compare/v1.0...v2.0\n")
    return "".join(parts)


def seed_feedback(feedback: FeedbackService, items: int) -> list[int]:
    now = utcnow()
    ids = []
    for i in range(items):
        account = f"Account {i % 12}"
        feedback.save_account(
            team_id=TEAM_ID,
            record=AccountRecord(account, owner_user_id=f"UOWN{i % 12:02d}"),
            now=now,
        )
        result = feedback.capture(
            team_id=TEAM_ID,
            draft=FeedbackDraft(text=f"Request {i}: exports time out", account_name=account),
            submitted_by=f"USUB{i:03d}",
            now=now,
        )
        ids.append(result.item.item_id)
    return ids


def run(channels: int, items: int, people: int, notes_kb: int) -> None:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve_fake, args=(child, people))
    server.start()
    api_url = parent.recv()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_database(url)
        settings = load_settings(
            _env_file=None,
            slack_bot_token="xoxb-bench",
            slack_signing_secret="bench-signing-secret",
            slack_api_url=api_url,
            database_url=url,
        )
        container = build_container(settings)
        try:
            measure(container, channels, items, people, parent, notes_kb)
        finally:
            container.close()
    server.join(timeout=10)


def measure(
    container: Container,
    channels: int,
    items: int,
    people: int,
    parent: Connection,
    notes_kb: int,
) -> None:
    now = utcnow()
    releases = container.service(ReleaseService)
    feedback = container.service(FeedbackService)
    boss = SlackUser.from_api({"id": "UBOSS", "tz": "UTC", "is_admin": True, "profile": {}})
    container.services.workspaces.remember_person(team_id=TEAM_ID, user=boss, now=now)
    container.services.permissions.grant(
        team_id=TEAM_ID, actor="UBOSS", user_id=MANAGER, role=Grant.RELEASE_MANAGER, now=now
    )
    container.services.workspaces.set_setting(
        team_id=TEAM_ID, key=SETTING, value={"ack_group": GROUP}, user_id="bench", now=now
    )
    item_ids = seed_feedback(feedback, items)
    notes = to_mrkdwn(github_body(notes_kb * 1000))
    draft = releases.save_draft(
        team_id=TEAM_ID,
        user_id=AUTHOR,
        draft=ReleaseDraft(
            title="Spring launch",
            version="v2.0",
            tier=1,
            whats_new=notes,
            why_it_matters="Large accounts stop waiting for exports.",
            who_it_is_for="Every admin of a large workspace.",
            docs_url="https://docs.example.com/exports",
            feedback_ids=tuple(item_ids),
            channel_ids=tuple(f"C{c:04d}" for c in range(channels)),
        ),
        now=now,
    )
    releases.submit(team_id=TEAM_ID, release_id=draft.release_id, user_id=AUTHOR, now=now)

    started = time.perf_counter()
    outcome = releases.decide(
        team_id=TEAM_ID, release_id=draft.release_id, user_id=MANAGER, approve=True, now=now
    )
    enqueue_seconds = time.perf_counter() - started
    expected = outcome.enqueued

    started = time.perf_counter()
    parts = next(b.parts for b in container.rituals if b.ritual.key == "releases")
    parts.housekeeping[0](now)  # the follow-up: acknowledgements asked, feedback shipped, told
    follow_up_seconds = time.perf_counter() - started
    summary = releases.ack_summary(team_id=TEAM_ID, release_id=draft.release_id)

    started = time.perf_counter()
    container.sender.drain()
    elapsed = time.perf_counter() - started
    parent.send("report")
    sent, attempts, dms = parent.recv()
    counts = Counter(sent)
    duplicates = sum(n - 1 for n in counts.values())
    lost = expected - len(counts)
    per_channel = expected // channels
    allowed_seconds = max(per_channel - 1, 0)  # 1 post/s per channel; the first one at t=0
    fraction = allowed_seconds / elapsed if elapsed and allowed_seconds else float("nan")
    rows = container.outbox.deliveries(team_id=TEAM_ID, ritual=PUBLISH_RITUAL)

    print(
        f"tier-1 release: {channels} channels x {per_channel} messages = {expected} posts, "
        f"{items} linked feedback items, {people} people to acknowledge"
    )
    print(
        f"  time to enqueue (approve → every post in the outbox): {enqueue_seconds * 1000:.0f} ms"
    )
    print(
        f"  follow-up: {summary.total} acknowledgements asked, {items} items shipped, "
        f"{dms} DMs (people told + author): {follow_up_seconds * 1000:.0f} ms"
    )
    print(
        f"  delivery: {len(sent)} posts in {elapsed:.2f} s = {len(sent) / elapsed:.1f} posts/s; "
        f"allowed: {channels} posts/s (1 per channel per second)"
    )
    print(f"  achieved / allowed (per-channel spacing): {fraction:.3f}  (target >= 0.97)")
    print(
        f"  duplicates: {duplicates}  lost: {lost}  (targets 0, 0)  429s: {attempts - len(sent)}"
        f"  outbox rows sent: {sum(r.state == 'sent' for r in rows)}/{len(rows)}"
    )


def markdown(runs: int) -> None:
    body = github_body(50_000)
    started = time.perf_counter()
    to_mrkdwn(body)
    cold = time.perf_counter() - started
    times = []
    cpu = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        converted = to_mrkdwn(body)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    ms = [t * 1000 for t in times]
    print(
        f"markdown → mrkdwn of a {len(body) / 1000:.0f} KB body ({len(converted) / 1000:.0f} KB "
        f"out), {runs} runs: median {statistics.median(ms):.1f} ms, stdev "
        f"{statistics.stdev(ms):.1f} ms, min {min(ms):.1f}, max {max(ms):.1f}; "
        f"first (cold) {cold * 1000:.1f} ms  (target < 50 ms)"
    )
    print(
        f"  CPU time per conversion: median {statistics.median(cpu) * 1000:.1f} ms "
        f"(wall time includes waiting for a CPU on a busy machine; load average "
        f"{os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--notes-kb", type=int, default=30, help="size of the notes (30 KB: 3 messages each)"
    )
    args = parser.parse_args()
    markdown(args.runs)
    run(args.channels, args.items, args.people, args.notes_kb)


if __name__ == "__main__":
    main()
