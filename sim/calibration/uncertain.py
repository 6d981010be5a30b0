"""A scenario or an experiment run over draws from a calibration's posterior
(``sim ... calibration=<folder> calibration_draws=N``), so its results carry calibration uncertainty.

Draws come from the stream ``(seed, "calibration", "draws")`` and draw ``k`` runs with model seed
``(seed, "calibration", "run", k)``: two scenarios run with the same ``seed`` use the same
parameter draws and seeds, so their difference per draw is the programme's effect under that
draw (paired), and the spread over draws is its calibration uncertainty.

* scenario: ``posterior_runs.parquet`` (one row per draw: its parameters and final indicators) and
  ``summary.json`` (per indicator mean, sd, 5 %, 50 %, 95 % over draws), written last;
* experiment: the experiment's usual files for each draw in ``draw_<k>/`` (all with the same
  experiment seed, so only the parameters differ), ``effects_posterior.csv`` (per design,
  outcome and estimator: estimate and true effect, mean and 90 % interval over draws) and
  ``summary.json`` last.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

import sim
from sim.atomic import publish, staged
from sim.calibration.posterior import draw_parameters
from sim.config import validate_config
from sim.experiments.seeds import generator, model_seed
from sim.sweep.parameters import with_values

INDICATORS = ("participation_rate", "ever_attended_share", "community_rung", "mean_efficacy", "mean_trust",
              "mean_satisfaction", "attendance_gini", "leaders", "organisations_recreational",
              "organisations_public_good", "proposals_total", "meetings_total")


def posterior_draws(folder: str | Path, n: int, seed: int) -> list[dict[str, Any]]:
    return draw_parameters(folder, n, generator(seed, "calibration", "draws"))


def _spread(values: pd.Series) -> dict[str, float]:
    x = values.to_numpy(dtype=float)
    return {"mean": float(x.mean()), "sd": float(x.std()), "q05": float(np.quantile(x, 0.05)),
            "median": float(np.median(x)), "q95": float(np.quantile(x, 0.95))}


def _run_one(config, scenario: str | None) -> dict:
    import logging

    from sim.model import CommunityModel
    from sim.outputs import summarise

    logging.getLogger("MESA").setLevel(logging.WARNING)
    model = CommunityModel(config)
    model.run_for(config.steps)
    return summarise(model, scenario=scenario)


def run_scenario(raw: dict, folder: str | Path, n: int, outdir: Path, scenario: str | None,
                 n_jobs: int = -1) -> dict:
    """Run the composed config ``raw`` once per posterior draw; write the table and the summary."""
    seed = validate_config(raw).seed
    draws = posterior_draws(folder, n, seed)
    configs = [validate_config({**with_values(raw, d), "seed": model_seed(seed, "calibration", "run", k)})
               for k, d in enumerate(draws)]
    from sim.model import CommunityModel

    CommunityModel(configs[0])  # a config the model cannot build is refused before the runs
    summaries = Parallel(n_jobs=n_jobs)(delayed(_run_one)(c, scenario) for c in configs)
    rows = [{"draw": k, "seed": c.seed, **d, **{i: s[i] for i in INDICATORS}}
            for k, (d, c, s) in enumerate(zip(draws, configs, summaries))]
    table = pd.DataFrame(rows)
    summary = {"version": sim.__version__, "scenario": scenario, "seed": seed, "calibration": str(folder),
               "draws": n, "parameters": list(draws[0]),
               "indicators": {i: _spread(table[i]) for i in INDICATORS}}
    with staged(outdir) as tmp:
        table.to_parquet(tmp / "posterior_runs.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish(tmp, outdir, ["posterior_runs.parquet", "summary.json"])  # summary.json last
    return summary


def format_scenario(summary: dict, outdir: Path) -> str:
    lines = [f"scenario {summary['scenario']}  seed {summary['seed']}  {summary['draws']} posterior draws of "
             f"{', '.join(summary['parameters'])}", f"  {'indicator':<26}{'mean':>8}{'5%':>8}{'95%':>8}"]
    for name, s in summary["indicators"].items():
        lines.append(f"  {name:<26}{s['mean']:8.3f}{s['q05']:8.3f}{s['q95']:8.3f}")
    lines.append(f"  outputs  {outdir}")
    return "\n".join(lines)


def run_experiment(raw: dict, experiment: dict, folder: str | Path, n: int, outdir: Path) -> dict:
    """The experiment once per posterior draw (same experiment seed), and its effects over draws."""
    from sim.experiments.experiment import execute, prepare

    seed = validate_config(raw).seed
    draws = posterior_draws(folder, n, seed)
    plans = [prepare(with_values(raw, d), experiment) for d in draws]  # every draw validated first
    effects = []
    for k, plan in enumerate(plans):
        execute(plan, outdir / f"draw_{k:03d}")
        e = pd.read_csv(outdir / f"draw_{k:03d}" / "effects.csv")
        e.insert(0, "draw", k)
        effects.append(e)
    table = pd.concat(effects, ignore_index=True)
    keys = ["design", "outcome", "estimator"]
    combined = table.groupby(keys, sort=False).agg(
        estimate_mean=("estimate", "mean"), estimate_q05=("estimate", lambda x: x.quantile(0.05)),
        estimate_q95=("estimate", lambda x: x.quantile(0.95)), true_effect_mean=("true_effect", "mean"),
        true_effect_q05=("true_effect", lambda x: x.quantile(0.05)),
        true_effect_q95=("true_effect", lambda x: x.quantile(0.95)), draws=("draw", "nunique")).reset_index()
    summary = {"version": sim.__version__, "experiment": plans[0].exp.name, "seed": seed,
               "calibration": str(folder), "draws": n, "parameters": list(draws[0]),
               "folders": [f"draw_{k:03d}" for k in range(n)]}
    with staged(outdir) as tmp:
        combined.to_csv(tmp / "effects_posterior.csv", index=False)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        publish(tmp, outdir, ["effects_posterior.csv", "summary.json"])  # summary.json last
    return summary
