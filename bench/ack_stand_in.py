"""The Web API stand-in of bench/ack_latency.py, in a process of its own.

Slack's Web API runs on Slack's machines: the work of answering opsbot's calls after an ack
(chat.postEphemeral, conversations.history, chat.update) must not be counted as opsbot's CPU.
This process runs `tests.support.fake_slack.FakeSlackApi`, answering conversations.history in
the benchmark's channel with the message a capture-emoji event points at (`bench reaction
<n>` for ts `1700000000.<n>`), prints one JSON line (`api_url`, `response_url`) and serves
until stdin closes.

    python -m bench.ack_stand_in   # started by bench.ack_latency, not by hand
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.ack_common import ROOT
from tests.support.fake_slack import FakeSlackApi

CHANNEL = "CBENCH"


def message_text(ts: str) -> str:
    return f"bench reaction {int(ts.partition('.')[2])}"


class BenchSlackApi(FakeSlackApi):
    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        latest = str(params.get("latest") or "")
        if method == "conversations.history" and latest and params.get("channel") == CHANNEL:
            message = {"type": "message", "user": "UCUSTOMER", "text": message_text(latest)}
            return {"ok": True, "messages": [{**message, "ts": latest}]}
        return super()._default(method, params)


class StandIn:
    """The stand-in process, seen from the benchmark."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.ack_stand_in"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self._process.stdout is not None
        started = json.loads(self._process.stdout.readline())
        self.api_url: str = started["api_url"]
        self.response_url: str = started["response_url"]

    def stop(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=10)


def main() -> None:
    fake = BenchSlackApi().start()
    print(json.dumps({"api_url": fake.api_url, "response_url": fake.response_url()}), flush=True)
    sys.stdin.read()
    fake.stop()


if __name__ == "__main__":
    main()
