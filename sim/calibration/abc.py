"""ABC-SMC with pyabc (Klinger, Rickert & Hasenauer 2018): priors, the simulator, the distance,
a SQLite history that a rerun in the same folder resumes.

Each particle is one model run seeded from the base seed and the particle's values
(:func:`particle_seed`), so a simulation is a function of its parameters. The distance is the
root mean square of the targets' z-scores, ``sqrt(mean(((s - o) / sd)^2))``; the acceptance
threshold of each generation is the ``epsilon_quantile`` quantile (default the median) of the
previous generation's distances (pyabc's ``QuantileEpsilon``), and the run stops at
``generations`` populations, a threshold at or below
``min_epsilon`` (1: within about one target sd), an acceptance rate below
``min_acceptance_rate``, or ``max_simulations`` in all.

pyabc stores every finished generation in ``history.db`` (SQLite). A run killed part-way is
resumed by rerunning the same command with ``hydra.run.dir=<its folder>``: finished generations
are kept, the interrupted one is drawn again. ``calibration.json`` records which calibration the
folder holds, so a different config is refused rather than mixed in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np
import pyabc

from sim import ray_backend
from sim.atomic import write_text
from sim.calibration.config import CalibrationPlan
from sim.calibration.targets import scaled_distance, simulated_statistics
from sim.schema import ConfigError

HISTORY, STATE = "history.db", "calibration.json"


def particle_seed(seed: int, values: dict) -> int:
    """A model seed from the base seed and the particle's values (SHA-256, 63 bits)."""
    text = json.dumps({"seed": seed, "values": {k: float(v) for k, v in sorted(values.items())}})
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


def run_statistics(plan: CalibrationPlan, values: dict, seed: int) -> dict[str, float]:
    """The targets' statistics of one run with the given parameter values and seed."""
    from sim.model import CommunityModel
    from sim.outputs import summarise

    logging.getLogger("MESA").setLevel(logging.WARNING)
    cfg = plan.config_for(values, seed)
    model = CommunityModel(cfg)
    model.run_for(cfg.steps)
    return simulated_statistics(summarise(model), model.timeseries(), plan.targets)


class Simulator:
    """pyabc's model: a particle's values -> its run's statistics."""

    def __init__(self, plan: CalibrationPlan):
        self.plan = plan

    def __call__(self, values: dict) -> dict[str, float]:
        values = {k: float(v) for k, v in values.items()}
        return run_statistics(self.plan, values, particle_seed(self.plan.seed, values))


class ScaledDistance:
    """RMS z-score of the simulated statistics against the observed ones."""

    def __init__(self, sd: dict[str, float]):
        self.sd = sd

    def __call__(self, x: dict, x0: dict) -> float:
        return scaled_distance(x, x0, self.sd)


def prior_distribution(plan: CalibrationPlan) -> pyabc.Distribution:
    rvs = {}
    for p in plan.priors:
        if p.distribution == "uniform":
            rvs[p.name] = pyabc.RV("uniform", p.low, p.width())
        else:
            a, b = (p.low - p.mean) / p.sd, (p.high - p.mean) / p.sd
            rvs[p.name] = pyabc.RV("truncnorm", a, b, p.mean, p.sd)
    return pyabc.Distribution(**rvs)


def observed(plan: CalibrationPlan) -> dict[str, float]:
    return {t.name: t.value for t in plan.targets}


def _sampler(plan: CalibrationPlan) -> pyabc.sampler.Sampler:
    n = plan.settings.n_jobs
    n = (os.cpu_count() or 1) if n == -1 else n
    if plan.settings.backend == "ray":  # proposals in batches over the cluster's workers
        ray_backend.connect()
        from ray.util.multiprocessing import Pool  # one worker per CPU of the cluster

        sampler = pyabc.sampler.MappingSampler(map_=Pool().map)
    elif n == 1:
        sampler = pyabc.sampler.SingleCoreSampler()
    else:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=n)
    sampler.show_progress = plan.settings.progress
    return sampler


def _write_state(folder: Path, data: dict) -> None:
    write_text(folder / STATE, json.dumps(data, indent=2) + "\n")


def _finished(plan: CalibrationPlan, history: pyabc.History) -> bool:
    """Whether a stored run already met a stopping rule (so a rerun adds no generation)."""
    s = plan.settings
    if history.max_t + 1 >= s.generations:
        return True
    if history.max_t < 0:
        return False
    populations = history.get_all_populations()
    last = populations[populations["t"] == history.max_t].iloc[0]
    return bool(last["epsilon"] <= s.min_epsilon or
                (s.max_simulations is not None and history.total_nr_simulations >= s.max_simulations))


def run_abc(plan: CalibrationPlan, folder: Path) -> pyabc.History:
    """Run (or resume) ABC-SMC into ``folder``; returns pyabc's history of every generation."""
    folder.mkdir(parents=True, exist_ok=True)
    abc_log = logging.getLogger("ABC")  # pyabc's: one line per generation (threshold, acceptance)
    abc_log.setLevel(logging.INFO if plan.settings.progress else logging.WARNING)
    if logging.getLogger().handlers:  # under Hydra: its handlers (console and cli.log) print them once
        for handler in list(abc_log.handlers):
            abc_log.removeHandler(handler)
    db = f"sqlite:///{folder / HISTORY}"
    abc = pyabc.ABCSMC(Simulator(plan), prior_distribution(plan),
                       ScaledDistance({t.name: t.sd for t in plan.targets}),
                       population_size=plan.settings.population_size, sampler=_sampler(plan),
                       eps=pyabc.QuantileEpsilon(alpha=plan.settings.epsilon_quantile))
    identity = plan.identity()
    if (folder / HISTORY).exists():
        stored = json.loads((folder / STATE).read_text()) if (folder / STATE).exists() else {}
        if stored.get("identity") != identity:
            raise ConfigError("hydra.run.dir", str(folder), "holds another calibration (other base config, "
                              "targets or priors); to resume rerun the same command, else choose a new folder")
        history = abc.load(db, stored["abc_id"])
    else:
        history = abc.new(db, observed(plan))
        _write_state(folder, {"identity": identity, "abc_id": history.id, "name": plan.settings.name})
    if _finished(plan, history):
        return history
    s = plan.settings
    # pyabc draws from numpy's global generator; seeded from the seed and the generations done
    np.random.seed(int(np.random.SeedSequence([plan.seed, history.max_t + 1]).generate_state(1)[0]))
    return abc.run(minimum_epsilon=s.min_epsilon, max_nr_populations=s.generations - (history.max_t + 1),
                   min_acceptance_rate=s.min_acceptance_rate,
                   max_total_nr_simulations=s.max_simulations if s.max_simulations is not None else np.inf)
