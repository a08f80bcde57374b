"""The weekly thread's runner pauses Python's garbage collector only while it composes."""

from __future__ import annotations

import gc

import pytest

from bot.rituals.triage.runner import _collector_paused


def _compose_that_fails(seen: list[bool]) -> None:
    with _collector_paused():
        seen.append(gc.isenabled())
        raise RuntimeError("the database went away")


def test_the_collector_is_paused_while_composing_and_back_on_after_a_failure() -> None:
    seen: list[bool] = []

    with pytest.raises(RuntimeError):
        _compose_that_fails(seen)

    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_that_was_off_before_stays_off() -> None:
    gc.disable()
    try:
        with _collector_paused():
            pass
        still_off = not gc.isenabled()
    finally:
        gc.enable()

    assert still_off
