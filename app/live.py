"""The run the app shows: one community (or a with/without pair), stepped a week at a time.

Holds the models, their shared layout and the first error any of them raised. Nothing here
knows about the browser: the page calls :meth:`LiveRun.step` and reads the models, so the same
object is exercised by the tests and by the frame-time benchmark.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass, field

from app.history import Snapshot
from app.layout import Layout, model_layout
from app.settings import Settings
from app.side_by_side import paired_configs
from sim.config import validate_config
from sim.model import CommunityModel
from sim.schema import ConfigError

log = logging.getLogger("app.live")


@dataclass
class Panel:
    role: str  # "run", or "with" / "without" in side-by-side mode
    model: CommunityModel
    history: list[Snapshot] = field(default_factory=list)  # history[w]: what week w looked like

    def record(self) -> None:
        self.history.append(Snapshot.of(self.model))


class LiveRun:
    """Models built from :class:`Settings`; ``failure`` holds the first exception any of them raised
    (logged on the server with its traceback) and ``error`` its one-line description."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.panels: list[Panel] = []
        self.layout: Layout | None = None
        self.error: str | None = None
        self.failure: Exception | None = None
        self.steps = int(settings.values["steps"])
        self.lock = threading.RLock()  # held while stepping and while drawing
        try:
            if settings.compare:
                with_cfg, without_cfg = paired_configs(settings, settings.compare)
                self.panels = [Panel("with", self._build(with_cfg)), Panel("without", self._build(without_cfg))]
            else:
                self.panels = [Panel("run", self._build(settings.config()))]
        except Exception as error:  # the model refused to start: show why, keep the app alive
            self.panels = []
            self._fail(error, "building the community")
        for panel in self.panels:
            panel.record()
        if self.panels:
            self.layout = model_layout(self.panels[0].model)  # the pair shares one community

    @staticmethod
    def _build(cfg: dict) -> CommunityModel:
        return CommunityModel(validate_config(cfg))

    @property
    def n_residents(self) -> int:
        return int(self.settings.values["community.n_residents"])

    @property
    def week(self) -> int:
        return int(self.panels[0].model.steps) if self.panels else 0

    @property
    def finished(self) -> bool:
        return self.week >= self.steps

    @property
    def can_step(self) -> bool:
        return bool(self.panels) and self.error is None and not self.finished

    def step(self) -> bool:
        """Advance every panel one week; False (and ``error`` set) if a model raised."""
        if not self.can_step:
            return False
        with self.lock:
            try:
                for panel in self.panels:
                    panel.model.step()
                for panel in self.panels:
                    panel.record()
            except Exception as error:
                self._fail(error, f"week {self.week + 1}")
                return False
        return True

    def tables(self, week: int | None = None) -> list:
        """Each panel's weekly table (Mesa DataCollector rows), up to ``week`` (default: all)."""
        with self.lock:
            tables = [p.model.timeseries() for p in self.panels]
        return tables if week is None else [table.iloc[:week] for table in tables]

    def snapshots(self, week: int | None = None) -> list[Snapshot]:
        """What each panel looked like in ``week`` (default: the latest week)."""
        with self.lock:
            return [p.history[-1 if week is None else min(week, len(p.history) - 1)] for p in self.panels]

    def _fail(self, error: Exception, when: str) -> None:
        self.failure, self.error = error, str(error) if isinstance(error, ConfigError) else _describe(error)
        if isinstance(error, ConfigError):
            log.warning("the model refused the settings (%s): %s", when, error)
        else:
            log.error("the model raised an error (%s)", when, exc_info=error)


def _describe(error: Exception) -> str:
    """One line for the page, with the place in the code it came from."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {error}{where}"
