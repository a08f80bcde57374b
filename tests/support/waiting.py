from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], accept: Callable[[T], bool], timeout: float = 5.0) -> T:
    """Returns the first value of `probe()` that `accept`s, for work done after Slack's ack."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not accept(value) and time.monotonic() < deadline:
        time.sleep(0.01)
        value = probe()
    return value
