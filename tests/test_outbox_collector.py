"""Composing and enqueueing a big thread pause Python's garbage collector only while they run."""

from __future__ import annotations

import gc

import pytest

from bot.outbox.bulk import collector_paused


def _compose_that_fails(seen: list[bool]) -> None:
    with collector_paused():
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
        with collector_paused():
            pass
        still_off = not gc.isenabled()
    finally:
        gc.enable()

    assert still_off
