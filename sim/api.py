"""The simulator from Python (a notebook, a script): what the ``sim`` command does, in process.

    import sim
    run = sim.run("scenario=chengdu_six_steps", steps=104)        # one community
    run.timeseries, run.meetings, run.summary                    # DataFrames and a dict
    exp = sim.experiment("gulou_small", "experiment.n_jobs=1")    # a social-lab experiment
    exp.effects                                                  # estimates beside the truth
    cmp = sim.compare_arms("scenario=baseline,empowerment_training", replications=10)
    sw = sim.sweep_grid({"deliberation.facilitation": [0.2, 0.8]}, replications=3)

Every function takes the command line's overrides, as strings (``"steps=52"``,
``"interventions=[empowerment_training]"``) and/or as keywords (``steps=52``,
``community={"n_residents": 300}``, which becomes ``community.n_residents=300``), and composes
them exactly as the ``sim`` command does: the same names are checked first
(:func:`sim.cli.precheck_arguments`), Hydra composes the command's config ``sim`` from
:data:`sim.cli.CONF` with the overrides, and the command's rules for null, ``{}`` and ``~``
apply (:func:`sim.cli.composed`). The same config and seed give the same results as the command.
Bad input raises :class:`sim.schema.ConfigError` with the one-line message the command prints.
(``compare_arms`` and ``sweep_grid`` are not called ``compare`` and ``sweep``: those names are
the modules :mod:`sim.compare` and :mod:`sim.sweep`.)
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import pandas as pd

from sim.schema import ConfigError

__all__ = ["Comparison", "ExperimentResult", "Run", "SweepResult", "compare_arms", "compose", "experiment", "run",
           "sweep_grid"]

_PLAIN = re.compile(r"[\w./\-+:@]+")  # an override value Hydra reads as written


def _value(value: Any) -> str:
    """A Python value as Hydra's override grammar writes it (``None`` -> ``null``, a list -> ``[a,b]``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{_value(v)}" for k, v in value.items()) + "}"
    text = str(value)
    if _PLAIN.fullmatch(text):
        return text
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """``community={"n_residents": 300}`` -> ``[("community.n_residents", 300)]``; an empty mapping stays ``{}``."""
    if isinstance(value, Mapping) and value:
        return [pair for key, item in value.items() for pair in _flatten(f"{prefix}.{key}", item)]
    return [(prefix, value)]


def overrides_of(overrides: Sequence[str], values: Mapping[str, Any]) -> list[str]:
    """The command-line overrides of positional strings and keyword values, in that order."""
    for item in overrides:
        if not isinstance(item, str):
            raise ConfigError("override", item, "overrides are 'key=value' strings; values go as keywords")
    return [*overrides, *(f"{key}={_value(v)}" for name, value in values.items() for key, v in _flatten(name, value))]


def _bad_input(message: str, overrides: Sequence[str]) -> ConfigError:
    """A ConfigError whose message is exactly ``message`` (the line the command prints)."""
    error = ConfigError("overrides", " ".join(overrides), message)
    error.args = (message,)
    return error


@dataclass
class Composition:
    """A config composed as the ``sim`` command composes it."""

    raw: dict  # the model's keys (validated by sim.config.validate_config)
    overrides: list[str]
    choices: dict[str, Any]  # config-group choices, e.g. {"scenario": "baseline"}
    sweep: dict = field(default_factory=dict)
    experiment: dict | None = None
    calibrate: dict | None = None
    calibration: str | None = None
    validate: dict | None = None

    @property
    def scenario(self) -> str | None:
        return self.choices.get("scenario")

    def refuse_other_commands(self, allowed: str) -> None:
        """Refuse what another function (or only the command) runs: an experiment, a calibration."""
        if self.experiment is not None and allowed != "experiment":
            raise ConfigError("experiment", self.experiment.get("name"), "an experiment runs with sim.experiment(NAME)")
        if self.calibrate is not None:
            raise ConfigError("calibrate", self.calibrate.get("name"), "a calibration runs from the command: "
                                                                       "sim calibrate=NAME")
        if self.calibration is not None:
            raise ConfigError("calibration", self.calibration, "runs over a posterior run from the command: "
                                                               "sim scenario=X calibration=<folder>")
        if self.validate is not None:
            raise ConfigError("validate", self.validate.get("name"), "the validation suite runs from the command: "
                                                                     "sim validate=NAME")


def compose(*overrides: str, **values: Any) -> Composition:
    """Compose the ``sim`` command's config with these overrides (see the module docstring)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf, open_dict
    from omegaconf.errors import OmegaConfBaseException

    from sim.cli import precheck_arguments
    from sim.conf import CONF
    from sim.failures import describe_failure
    from sim.overrides import composed

    args = overrides_of(overrides, values)
    precheck_arguments(args)
    try:
        with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
            cfg = hydra_compose(config_name="sim", overrides=args, return_hydra_config=True)
        choices = OmegaConf.to_container(cfg.hydra.runtime.choices)
        with open_dict(cfg):
            del cfg["hydra"]
    except (HydraException, OmegaConfBaseException) as error:
        raise _bad_input(describe_failure(error), args) from None
    raw = composed(cfg, args)
    raw.pop("calibration_draws", None)  # read only with ``calibration`` (refused here)
    return Composition(raw, args, choices, raw.pop("sweep", None) or {}, raw.pop("experiment", None),
                       raw.pop("calibrate", None), raw.pop("calibration", None), raw.pop("validate", None))


def _quiet_mesa() -> None:
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO


def _check_no_sweep(settings: Mapping) -> None:
    from sim.sweep.settings import SweepSettings, read_settings

    given = read_settings(settings)
    for f in dataclasses.fields(SweepSettings):
        value = getattr(given, f.name)
        if value != f.default:
            raise ConfigError(f"sweep.{f.name}", value, "takes effect in a sweep: use sim.sweep_grid(...)")


@dataclass
class Run:
    """One community run: its config, the model after the run, the summary, and the tables."""

    config: Any = field(repr=False)  # sim.config.ModelConfig
    model: Any = field(repr=False)  # sim.model.CommunityModel
    summary: dict[str, Any] = field(repr=False)
    overrides: list[str]

    @property
    def timeseries(self) -> pd.DataFrame:
        """One row per week (the ``timeseries.parquet`` of the command)."""
        return self.model.timeseries()

    @property
    def meetings(self) -> pd.DataFrame:
        """One row per discussion group held (``meetings.parquet``)."""
        return self.model.meetings_frame()

    def save(self, outdir: str | Path) -> Path:
        """Write the command's four files (time series, meetings, config, summary) into ``outdir``."""
        from sim.outputs import write_outputs

        return write_outputs(self.model, outdir, self.summary)


def run(*overrides: str, **values: Any) -> Run:
    """Run one community, as ``sim <overrides>`` does, and return its results (nothing is written)."""
    from sim.config import validate_config
    from sim.model import CommunityModel
    from sim.outputs import summarise

    c = compose(*overrides, **values)
    c.refuse_other_commands("run")
    _check_no_sweep(c.sweep)
    config = validate_config(c.raw)
    _quiet_mesa()
    model = CommunityModel(config)
    model.run_for(config.steps)
    return Run(config, model, summarise(model, scenario=c.scenario), c.overrides)


@dataclass
class ExperimentResult:
    """A social-lab experiment's tables (the command's CSV files, as DataFrames) and summary."""

    summary: dict[str, Any] = field(repr=False)
    effects: pd.DataFrame = field(repr=False)  # per design, outcome and estimator: estimate, interval, truth
    event_study: pd.DataFrame = field(repr=False)
    panel: pd.DataFrame = field(repr=False)
    means: pd.DataFrame = field(repr=False)
    replications: pd.DataFrame | None = field(repr=False)  # bias, RMSE, coverage over re-drawn assignments
    power: pd.DataFrame | None = field(repr=False)
    mde: pd.DataFrame | None = field(repr=False)
    heterogeneity: pd.DataFrame | None = field(repr=False)
    heterogeneity_fit: pd.DataFrame | None = field(repr=False)
    plan: Any = field(repr=False)  # sim.experiments.experiment.Plan: the validated experiment and base config
    outdir: Path | None  # where the files are (None: not kept)


def experiment(name: str, *overrides: str, outdir: str | Path | None = None, **values: Any) -> ExperimentResult:
    """Run ``sim experiment=NAME <overrides>`` and return its tables. With ``outdir`` its files
    (report.html, figures, CSV) are written there as the command writes them; without, they are
    written into a temporary folder that is removed afterwards."""
    from sim.experiments.experiment import execute, prepare

    c = compose(f"experiment={name}", *overrides, **values)
    c.refuse_other_commands("experiment")
    _check_no_sweep(c.sweep)
    plan = prepare(c.raw, c.experiment)
    if outdir is None:
        with tempfile.TemporaryDirectory(prefix="sim-experiment-") as tmp:
            summary, results = execute(plan, tmp)
    else:
        summary, results = execute(plan, outdir)
    return ExperimentResult(summary, results.effects, results.events, results.panel, results.means,
                            results.operating, results.power, results.mde, results.heterogeneity,
                            results.heterogeneity_fit, plan, None if outdir is None else Path(outdir))


@dataclass
class Comparison:
    """Paired runs of ``sim compare=on``: one row per run, and per arm and indicator the paired
    mean difference against the first arm with its interval (:func:`sim.compare.paired_table`)."""

    runs: pd.DataFrame = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    arms: list[str]
    seeds: list[int]


def compare_arms(*overrides: str, replications: int | None = None, confidence: float | None = None,
            n_jobs: int | None = None, **values: Any) -> Comparison:
    """``sim compare=on <overrides>``: the one override with alternatives (``"scenario=a,b"``)
    defines the arms; every arm runs with the same seeds and common random numbers
    (:mod:`sim.compare`). ``replications``, ``confidence`` and ``n_jobs`` are ``compare.*``."""
    from sim import compare as paired
    from sim.cli import precheck_arguments

    settings = {"replications": replications, "confidence": confidence, "n_jobs": n_jobs}
    argv = ["compare=on", *overrides_of(overrides, values),
            *(f"compare.{k}={_value(v)}" for k, v in settings.items() if v is not None)]
    precheck_arguments(argv)
    request = paired.parse(argv)
    if request.calibration is not None:
        raise ConfigError("calibration", request.calibration, "a comparison over a posterior runs from the "
                                                              "command: sim compare=on ... calibration=<folder>")
    pairs = paired.pair_runs(request)
    runs = paired.run_pairs(pairs, request)
    return Comparison(runs, paired.paired_table(runs, request.labels, request.settings.confidence),
                      request.labels, pairs.seeds)


@dataclass
class SweepResult:
    """A sweep's tables as ``sim -m`` gathers them: ``results`` (one row per run: ids, parameters,
    the summary's indicators) and ``timeseries`` (one row per run and week)."""

    results: pd.DataFrame = field(repr=False)
    timeseries: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        return f"SweepResult({len(self.results)} runs, {len(self.timeseries)} time-series rows)"


def _sweep_run(config: Any, scenario: str | None) -> tuple[dict, pd.DataFrame]:
    from sim.model import CommunityModel
    from sim.outputs import summarise

    _quiet_mesa()
    model = CommunityModel(config)
    model.run_for(config.steps)
    return summarise(model, scenario=scenario), model.timeseries()


def sweep_grid(grid: Mapping[str, Sequence[Any]], *overrides: str, replications: int | None = None,
          common_seeds: bool | None = None, design: str | None = None, n_jobs: int = 1,
          **values: Any) -> SweepResult:
    """Run ``sim -m <overrides> key=a,b ...`` in process: every combination of the ``grid``'s
    values is one job (in Hydra's order: the last key varies fastest), each run
    ``replications`` times (``sweep.replications``) with the seeds, run ids and rows the command
    gives (:func:`sim.sweep.plan.plan_job`, :func:`sim.sweep.rows.run_row`). ``design``: a design
    file whose rows every job runs (``sweep.design``); ``n_jobs``: runs in parallel (joblib)."""
    from joblib import Parallel, delayed

    from sim.sweep.plan import plan_job
    from sim.sweep.rows import ID_COLUMNS, run_row, timeseries_rows
    from sim.sweep.settings import read_settings

    if not isinstance(grid, Mapping):
        raise ConfigError("grid", grid, "a mapping of dotted keys to lists of values, e.g. {'seed': [1, 2]}")
    keys = list(grid)
    for key in keys:
        if isinstance(grid[key], (str, bytes)) or not isinstance(grid[key], Sequence) or not grid[key]:
            raise ConfigError(key, grid[key], "a grid's values are a non-empty list, e.g. [0.2, 0.8]")
    base = overrides_of(overrides, values)
    given = {"replications": replications, "common_seeds": common_seeds, "design": design}
    planned = []
    for job, combo in enumerate(product(*(grid[k] for k in keys))):
        job_overrides = base + [f"{k}={_value(v)}" for k, v in zip(keys, combo)]
        c = compose(*job_overrides)
        c.refuse_other_commands("sweep")
        settings = read_settings({**c.sweep, **{k: v for k, v in given.items() if v is not None}})
        runs = plan_job(c.raw, job_overrides, settings)
        planned += [(job, c.scenario, run) for run in runs]
    outputs = Parallel(n_jobs=n_jobs)(delayed(_sweep_run)(run.config, scenario) for _, scenario, run in planned)
    rows = [run_row(run, job, summary) for (job, _, run), (summary, _) in zip(planned, outputs)]
    series = [timeseries_rows(run, ts) for (_, _, run), (_, ts) in zip(planned, outputs)]
    results = pd.DataFrame(rows)
    results["design_row"] = results["design_row"].astype("Int64")  # as sim/sweep/store.py stores it
    order = list(dict.fromkeys([*ID_COLUMNS, *(k for _, _, run in planned for k in run.parameters)]))
    results = results[order + [c for c in results.columns if c not in order]]
    timeseries = pd.concat(series, ignore_index=True)
    timeseries["design_row"] = timeseries["design_row"].astype("Int64")
    return SweepResult(results.reset_index(drop=True), timeseries)
