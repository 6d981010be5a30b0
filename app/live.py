"""The run the app shows: one community (or a with/without pair), stepped a week at a time.

Holds the models, their shared layout and the first error any of them raised. Nothing here
knows about the browser: the page calls :meth:`LiveRun.step` and reads the models, so the same
object is exercised by the tests and by the frame-time benchmark.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass

from app.layout import Layout, model_layout
from app.settings import DRAW_LIMIT, Settings
from app.side_by_side import paired_configs
from sim.config import validate_config
from sim.model import CommunityModel
from sim.schema import ConfigError


@dataclass
class Panel:
    role: str  # "run", or "with" / "without" in side-by-side mode
    model: CommunityModel


class LiveRun:
    """Models built from :class:`Settings`; ``error`` holds the message of anything that failed."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.panels: list[Panel] = []
        self.layout: Layout | None = None
        self.error: str | None = None
        self.steps = int(settings.values["steps"])
        self.lock = threading.RLock()  # held while stepping and while drawing
        try:
            if settings.compare:
                with_cfg, without_cfg = paired_configs(settings, settings.compare)
                self.panels = [Panel("with", self._build(with_cfg)), Panel("without", self._build(without_cfg))]
            else:
                self.panels = [Panel("run", self._build(settings.config()))]
        except ConfigError as error:
            self.panels, self.error = [], str(error)
        except Exception as error:  # the model refused to start: show why, keep the app alive
            self.panels, self.error = [], _describe(error)
        if self.panels and self.drawable:
            self.layout = model_layout(self.panels[0].model)  # the pair shares one community

    @staticmethod
    def _build(cfg: dict) -> CommunityModel:
        return CommunityModel(validate_config(cfg))

    @property
    def n_residents(self) -> int:
        return int(self.settings.values["community.n_residents"])

    @property
    def drawable(self) -> bool:
        return self.n_residents <= DRAW_LIMIT

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
            except Exception as error:
                self.error = _describe(error)
                return False
        return True


def _describe(error: Exception) -> str:
    """One line for the page, with the place in the code it came from."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return f"{type(error).__name__}: {error}{where}"
