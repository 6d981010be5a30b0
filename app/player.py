"""Play as a loop of its own: the model advances in a background thread, the page only looks.

A :class:`Player` steps a :class:`~app.live.LiveRun` week after week at a chosen speed (weeks per
second) until it is paused, reaches a target week or the last week, or a model raises. It never
touches the page: the page polls :attr:`LiveRun.week` every few hundred milliseconds and draws the
latest week (:data:`FRAME_INTERVAL`), so a slow drawing drops weeks from the screen instead of
holding the model back or piling up renders, and no speed or machine load can flood the page.

:meth:`Player.pause` sets a stop flag the loop checks before every week, then waits for the week
under way to finish: when it returns the model has stopped, so the week on the screen is final.
The time that took is kept in :attr:`Player.pause_latency` (seconds) and logged with the wall
clock, so a test in the browser can time the whole way from the click to the model stopping.
"""

from __future__ import annotations

import logging
import threading
import time

from app.live import LiveRun

FRAME_INTERVAL = 0.25  # seconds between two looks of the page at a playing run
MAX_SPEED = 20  # weeks per second
log = logging.getLogger("app.player")


class Player:
    """Steps ``run`` in a daemon thread at ``speed()`` weeks per second (read before every week)."""

    def __init__(self, run: LiveRun, speed, until: int | None = None):
        self.run = run
        self.speed = speed  # a callable, so the speed slider acts while playing
        self.until = run.steps if until is None else min(int(until), run.steps)
        self.pause_latency: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="app-player", daemon=True)

    def start(self) -> Player:
        self._thread.start()
        return self

    @property
    def playing(self) -> bool:
        return self._thread.is_alive()

    @property
    def going(self) -> bool:
        """Playing and not asked to pause."""
        return self.playing and not self._stop.is_set()

    def _loop(self) -> None:
        run = self.run
        while not self._stop.is_set() and run.can_step and run.week < self.until:
            started = time.perf_counter()
            if not run.step():
                return
            wait = 1.0 / max(float(self.speed()), 0.1) - (time.perf_counter() - started)
            if wait > 0 and self._stop.wait(wait):
                return

    def pause(self, timeout: float = 10.0) -> None:
        """Stop before the next week and wait for the week under way to finish."""
        asked = time.perf_counter()
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.pause_latency = time.perf_counter() - asked
        log.info("paused at week %d (the model stopped %.0f ms after Pause; clock %.3f s)", self.run.week,
                 self.pause_latency * 1000, time.time())
