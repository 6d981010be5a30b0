"""Regenerate the worked example: a SYNTHETIC survey of one community and its targets, both made
by the model from known parameters (no real respondent is in these files).

    .venv/bin/python examples/riverside/make_example.py

1. A "true" community of 2,000 residents is drawn from the community config below
   (:meth:`sim.state.ResidentState.draw` on the courtyard network).
2. 300 of them answer the survey: the elderly are reached at twice the rate of the others (they
   are at home when interviewers call), so each respondent's weight is the inverse of their
   chance of being sampled. Attitudes become Likert answers by the inverse of the documented rule
   (:func:`sim.microdata.unit_to_likert`); about 5 % of the satisfaction, capacity and online
   answers are left blank. -> ``survey.csv``
3. The model is run on residents scaled up from that survey with the TRUE parameters below, and
   five of its indicators become the observed targets, each with an uncertainty sd.
   -> ``targets.yaml``

``sim calibrate=riverside`` should then recover TRUE within its credible intervals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration.abc import run_statistics
from sim.calibration.config import prepare
from sim.config import validate_config
from sim.microdata import unit_to_likert
from sim.network import build_network
from sim.state import AgeGroup, ResidentState

HERE = Path(__file__).resolve().parent
SEED = 2026
TRUE = {"participation.intercept": -0.4, "attitudes.trust_rate": 0.2, "officials.responsiveness": 0.35}
COMMUNITY = {"interest_mean": 0.4, "trust_mean": 0.5, "capacity_mean": 0.3, "share_elderly": 0.3}
RESPONDENTS, ELDERLY_RATE = 300, 2.0
SD = {"participation_rate": 0.01, "ever_attended_share": 0.05, "attendance_gini": 0.04,
      "mean_trust": 0.02, "mean_satisfaction": 0.02}


def make_survey(rng: np.random.Generator) -> pd.DataFrame:
    cfg = validate_config({"seed": SEED, "community": COMMUNITY})
    net = build_network(cfg, rng)
    state = ResidentState.draw(cfg.community, net.courtyard, net.household, rng)
    rate = np.where(state.age_group == AgeGroup.ELDERLY, ELDERLY_RATE, 1.0)
    chance = RESPONDENTS * rate / rate.sum()  # inclusion probability (all < 1 here)
    rows = np.sort(rng.choice(state.n, size=RESPONDENTS, replace=False, p=rate / rate.sum()))
    survey = pd.DataFrame({
        "id": [f"R{r:04d}" for r in rows],
        "age_group": state.age_group[rows] + 1,
        **{c: unit_to_likert(getattr(state, c)[rows]) for c in ("interest", "efficacy", "trust", "satisfaction",
                                                                 "capacity")},
        "online": state.online[rows].astype(int),
        "courtyard": state.courtyard[rows],
        "household": state.household[rows],
        "weight": np.round(1.0 / chance[rows], 3),
    })
    survey = survey.astype(object)
    for column in ("satisfaction", "capacity", "online"):
        blank = rng.random(RESPONDENTS) < 0.05
        survey.loc[blank, column] = ""
    return survey


def make_targets(survey_path: Path, targets_path: Path) -> dict[str, float]:
    """Run the model on the survey's residents with TRUE and record the five indicators."""
    placeholder = {"targets": [{"statistic": s, "value": 0.0, "sd": sd} for s, sd in SD.items()]}
    targets_path.write_text(yaml.safe_dump(placeholder))
    base = {"seed": SEED, "community": {**COMMUNITY, "residents": str(survey_path)}}
    plan = prepare(base, {"targets": str(targets_path), "parameters": {k: {} for k in TRUE} |
                          {"participation.intercept": {"low": -2.0, "high": 1.0}}})
    observed = run_statistics(plan, TRUE, SEED)
    return {k: round(v, 4) for k, v in observed.items()}


def main() -> None:
    rng = np.random.default_rng(SEED)
    survey_path, targets_path = HERE / "survey.csv", HERE / "targets.yaml"
    make_survey(rng).to_csv(survey_path, index=False)
    observed = make_targets(survey_path, targets_path)
    header = ("# SYNTHETIC targets of the worked example, made by examples/riverside/make_example.py:\n"
              "# the model run on survey.csv's residents with the known parameters\n"
              + "".join(f"#   {k} = {v}\n" for k, v in TRUE.items())
              + f"# (seed {SEED}); sd is each target's assumed measurement uncertainty.\n")
    body = {"targets": [{"statistic": s, "value": observed[s], "sd": sd} for s, sd in SD.items()]}
    targets_path.write_text(header + yaml.safe_dump(body, sort_keys=False))
    print(f"wrote {survey_path} ({RESPONDENTS} respondents) and {targets_path}: {observed}")


if __name__ == "__main__":
    main()
