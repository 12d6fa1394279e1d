"""What every benchmark process does: set Django up when run on its own, and time a step at its best."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

REPEAT = 2  # best of two: the first pass also warms the database cache


def django_setup() -> None:
    """Set Django up for a benchmark run as a script (the harness and the tests have done it already)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def best_of(function: Callable[[], object], repeat: int = REPEAT) -> tuple[float, object]:
    """The shortest of `repeat` runs in seconds, and the last run's value (the first run also warms the caches)."""
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value
