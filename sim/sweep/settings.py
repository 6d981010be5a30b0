"""The ``sweep:`` section of the ``sim`` command's config (``sim/conf/sim.yaml``): how a multirun job
turns its config into runs. Validated like the model parameters (:func:`sim.schema.build`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.schema import build, param
from sim.provenance import setting


@dataclass
class SweepSettings:
    replications: int = param(1, lo=1, doc="runs per parameter point, each with its own seed", source=setting("runs per point"))
    design: str | None = param(None, doc="design file (CSV or Parquet) from `python -m analysis design`", source=setting("input file"))
    chunk: int | None = param(None, lo=0, doc="chunk of design rows this job runs (null: every row)", source=setting("part of the design this job runs"))
    chunk_size: int = param(50, lo=1, doc="design rows per chunk", source=setting("rows per chunk"))
    common_seeds: bool = param(False, doc="same seeds at every parameter point (common random numbers)", source=setting("seeding scheme"))

    @property
    def single_run(self) -> bool:
        """One run per job, seeded with ``seed`` itself (a plain multirun)."""
        return self.design is None and self.replications == 1


def read_settings(raw: Mapping | None) -> SweepSettings:
    return build(SweepSettings, raw or {}, "sweep")
