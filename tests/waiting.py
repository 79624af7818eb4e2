"""How a test waits: on the condition itself, never on the clock, and how it picks a random seed.

``wait_until(predicate, what=...)`` polls until the predicate holds and returns its value. It gives
up only after ``HANG_GUARD`` seconds: a guard against a hang (a test that would otherwise wait for
ever), not a check of speed. No test comes near it on any machine; when one does, something is
stuck, and the failure names what it was waiting for. Every waiting test uses this one helper (or
pytest-qt's ``qtbot.waitUntil``/``waitSignal`` with ``timeout=HANG_GUARD_MS`` for Qt's own loop).

``pick_seed(name)`` gives a seed for a test's random choices and prints it; pytest shows captured
output with a failure, and ``FAMILYPRIVACY_TEST_SEED=<seed>`` replays exactly that run.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Below pytest-timeout's 300 s (pyproject.toml), so the message names the wait rather than the test.
HANG_GUARD = float(os.environ.get("FAMILYPRIVACY_TEST_HANG_GUARD", "240"))
HANG_GUARD_MS = int(HANG_GUARD * 1000)
SEED_VARIABLE = "FAMILYPRIVACY_TEST_SEED"


class StillWaiting(AssertionError):
    """The hang guard ran out: what the test waited for never came."""


def wait_until(predicate: Callable[[], T], what: str, *, poll: float = 0.005,
               condition: threading.Condition | None = None) -> T:
    """Wait until ``predicate()`` is truthy and return its value.

    ``what`` names the awaited state for the failure message ("the laptop's third attempt").
    With ``condition``, waits on it between checks (the code under test notifies it) instead of
    polling; the predicate is then checked with the condition held. A predicate may raise to stop
    the wait early (say, because the process it waits on has died).
    """
    if condition is not None:
        with condition:
            value = condition.wait_for(predicate, timeout=HANG_GUARD)
        if value:
            return value
    else:
        give_up = time.monotonic() + HANG_GUARD
        while not (value := predicate()) and time.monotonic() < give_up:
            time.sleep(poll)
        if value:
            return value
    raise StillWaiting(f"still waiting for {what} after the {HANG_GUARD:g} s hang guard: "
                       "something is stuck (this is not a speed limit)")


def pick_seed(name: str) -> int:
    """A seed for ``name``'s random choices: $FAMILYPRIVACY_TEST_SEED if set, else a fresh one; printed."""
    given = os.environ.get(SEED_VARIABLE, "").strip()
    seed = int(given) if given else random.SystemRandom().randrange(2**32)
    print(f"seed={seed} ({name}; re-run with {SEED_VARIABLE}={seed})")
    return seed

