"""The arms a community is run in, and the programmes each arm adds to its untreated config.

An arm is an integer:

* g >= 0: treated from period g (0-based) with the treatment bundle, each programme's schedule
  counted from the period's first week (``schedule.start`` 1 is the first treated week);
* ``PURE`` (-1): untreated in a district where nobody is treated: the counterfactual every effect
  is measured against;
* ``DISTRICT`` (-2): a control of a district that runs the experiment, with interference switched
  on: the district trains every street office in ``interference.district_training_period``
  (:mod:`sim.interventions.street_office_training`);
* ``diffused(g)`` (-10 - g): a control whose street office has a treated community, the first
  from period g: besides the district training, practice diffuses from the neighbours (case-sharing
  meetings): the community runs the bundle's training programmes from period g with every gain
  multiplied by ``interference.diffusion``.

With interference on, treated communities get the district training too. A programme whose
counted start falls after the run's last week is left out of the arm (it would never act). :func:`arms_of` maps
an assignment to each unit's arm: the exposure mapping of the interference model (Aronow & Samii
2017): a community's outcome depends on its own treatment and on whether its street office has a
treated community, never on communities of other offices.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.experiments.config import TRAINING_PROGRAMMES, ExperimentConfig
from sim.experiments.measurement import period_start_step

PURE, DISTRICT, DIFFUSED = -1, -2, -10
DISTRICT_TRAINING = "street_office_training"


def diffused(start: int) -> int:
    return DIFFUSED - start


def diffusion_start(arm: int) -> int | None:
    """The neighbours' first treated period of a diffused arm, else None."""
    return DIFFUSED - arm if arm <= DIFFUSED else None


def arms_of(first: np.ndarray, site: np.ndarray, exp: ExperimentConfig) -> np.ndarray:
    """Each unit's arm under the assignment ``first`` (0-based start, -1 control)."""
    arm = np.asarray(first).copy()
    i = exp.interference
    if exp.kind != "communities" or not i.enabled:
        return arm
    control = arm < 0
    arm[control] = DISTRICT if i.district_training else PURE
    if i.diffusion > 0:
        for s in np.unique(site[control]):
            starts = first[(site == s) & (first >= 0)]
            if len(starts):
                arm[control & (site == s)] = diffused(int(starts.min()))
    return arm


def possible_arms(exp: ExperimentConfig, starts: list[int]) -> list[int]:
    """Every arm a unit may be in under some assignment of the designs, ``PURE`` first."""
    arms = [PURE]
    i = exp.interference
    if i.enabled and i.district_training:
        arms.append(DISTRICT)
    if i.enabled and i.diffusion > 0:
        arms += [diffused(g) for g in starts]
    return arms + list(starts)


def _from(params, start_step: int, scale_gains: float = 1.0) -> dict:
    """A programme's params as a dict, its schedule counted from ``start_step``, gains scaled."""
    p = dataclasses.asdict(params)
    s = p["schedule"]
    s["start"] = start_step + s["start"] - 1
    if s["end"] is not None:
        s["end"] = start_step + s["end"] - 1
    if scale_gains != 1.0:
        for key in [k for k in p if k.endswith("_gain")]:
            p[key] *= scale_gains
    return p


def arm_programmes(arm: int, exp: ExperimentConfig, steps: int) -> dict[str, dict]:
    """The programmes (name -> params) the arm adds to a community's untreated config."""
    i, out = exp.interference, {}
    week = lambda period: period_start_step(period, steps, exp.n_periods)  # noqa: E731
    if arm >= 0:
        out = {name: _from(params, week(arm)) for name, params in exp.treatment.items()}
    elif diffusion_start(arm) is not None:
        out = {name: _from(params, week(diffusion_start(arm)), i.diffusion)
               for name, params in exp.treatment.items() if name in TRAINING_PROGRAMMES}
    out = {name: p for name, p in out.items() if p["schedule"]["start"] <= steps}  # never acts within the run
    if i.enabled and i.district_training and arm != PURE:
        start = week(i.district_training_period - 1) + i.district_training_week - 1
        out[DISTRICT_TRAINING] = {"schedule": {"start": start, "end": None, "period": None},
                                  "openness_gain": i.openness_gain, "responsiveness_gain": i.responsiveness_gain,
                                  "fade": i.fade}
    return out


def arm_label(arm: int) -> str:
    if arm >= 0:
        return f"treated from period {arm + 1}"
    if arm == PURE:
        return "untreated, nobody in the district treated"
    if arm == DISTRICT:
        return "control, district training"
    return f"control, district training and diffusion from period {diffusion_start(arm) + 1}"
