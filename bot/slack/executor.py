"""A listener executor that carries context variables (request id, team id) into its threads.

Bolt runs listeners on an executor; a plain `ThreadPoolExecutor` starts each task with an empty
context, so log lines from listeners would lose the request id.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class ContextCopyingExecutor(ThreadPoolExecutor):
    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        context = contextvars.copy_context()
        call: Callable[..., Any] = context.run
        return super().submit(call, fn, *args, **kwargs)
