"""The load client of bench/ack_latency.py, in a process of its own.

Why a process: client threads in the server's interpreter share its lock, so the client's own
work would show up as server latency (and hit opsbot and the bare app differently). This
process reads one batch per line on stdin, as JSON (`url`, `requests`: signed bodies and
headers, built by the benchmark; `rate`, `concurrency`, `seed`) and answers one JSON line on
stdout: `latencies` (seconds, in the order sent) and `statuses`. EOF ends it.

Two ways to send, each worker on one keep-alive connection:

- `rate` > 0 (open loop, as Slack sends: requests arrive whatever the answers): arrivals at
  `rate` per second on average, Poisson (exponential gaps from `seed`, so both apps get the
  same pattern), up to `concurrency` in flight. A latency runs from the request's scheduled
  arrival, so a request that waited for a free worker counts that wait.
- `rate` = 0 (closed loop): `concurrency` workers send back to back, a saturation test.

    python -m bench.ack_client   # started by bench.ack_latency, not by hand
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit


def _worker(
    url: str,
    requests: list[dict[str, Any]],
    next_index: Any,
    arrivals: list[float] | None,
    out: list[tuple[int, float]],
) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.connect()  # before the first arrival: Slack's connections are warm too
        while True:
            index = next_index()
            if index is None:
                return
            request = requests[index]
            body = request["body"].encode()
            started = time.perf_counter()
            if arrivals is not None:
                if arrivals[index] > started:
                    time.sleep(arrivals[index] - started)
                started = arrivals[index]
            try:
                connection.request("POST", parts.path, body=body, headers=request["headers"])
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()  # reconnects on the next request
                status = 0
            out[index] = (status, time.perf_counter() - started)
    finally:
        connection.close()


def _arrivals(count: int, rate: float, seed: int) -> list[float]:
    """Poisson arrival times (perf_counter seconds) starting shortly from now."""
    gaps = random.Random(seed)
    at = time.perf_counter() + 0.05  # the workers' connections are opened by then
    times = []
    for _ in range(count):
        times.append(at)
        at += gaps.expovariate(rate)
    return times


def run_batch(batch: dict[str, Any]) -> dict[str, list[float] | list[int]]:
    requests: list[dict[str, Any]] = batch["requests"]
    out: list[tuple[int, float]] = [(0, 0.0)] * len(requests)
    lock = threading.Lock()
    position = iter(range(len(requests)))

    def next_index() -> int | None:
        with lock:
            return next(position, None)

    arrivals = _arrivals(len(requests), batch["rate"], batch["seed"]) if batch["rate"] else None
    workers = [
        threading.Thread(target=_worker, args=(batch["url"], requests, next_index, arrivals, out))
        for _ in range(min(batch["concurrency"], len(requests)))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"statuses": [s for s, _ in out], "latencies": [e for _, e in out]}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            return
        sys.stdout.write(json.dumps(run_batch(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
