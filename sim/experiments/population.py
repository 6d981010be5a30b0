"""A population of communities drawn from configured distributions (docs/cases.md §Gulou).

Community i draws its attributes from its own stream (``seeds.generator(seed, "community", i)``)
and gets its own model seed, so it is the same community in every arm and whatever N is:

* housing type h with probability weight_h / sum(weights);
* residents n = base n x LogNormal with mean 1 and coefficient of variation ``size_cv``
  (at least the base's initial leaders and council size);
* share of elderly e = base + shift_h + N(0, elderly_sd), in [0, 0.9]; the share of young is
  scaled to keep the base's young : middle-aged ratio;
* online access: every age group's share + shift_h + N(0, online_sd), in [0, 1];
* baseline trust = base trust_mean + shift_h + N(0, trust_sd); capacity = base + shift_h;
* years of top-down discussion meetings y = max(0, N(mean, sd) + shift_h): each year costs
  cadres ``topdown_openness_per_year`` of openness and residents ``topdown_efficacy_per_year``
  of efficacy, and y is the community's ``officials.legacy_years``, whose weight pulls cadres'
  practice back after any change (:mod:`sim.entrenchment`; the hardest communities to move in Gulou);
* cadres' age a ~ N(mean, sd) in [25, 65] and openness = base + N(0, openness_sd)
  - topdown_openness_per_year y - openness_per_decade_older (a - 45)/10 (young secretaries
  and directors moved fastest);
* street office: communities are dealt to ``n_street_offices`` offices at random in balanced
  numbers; each office shifts its communities' officials' responsiveness by N(0, street_office_sd)
  (a shared shock, which makes communities of an office alike).

The housing profiles are illustrative assumptions (docs/experiments.md), not estimates.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import ModelConfig, as_plain, validate_config
from sim.experiments.config import ExperimentConfig
from sim.experiments.seeds import generator, model_seed
from sim.schema import ConfigError


@dataclass
class Community:
    """One drawn community and its untreated model config."""

    unit: int
    site: int
    housing: str
    seed: int
    n_residents: int
    share_elderly: float
    online_shift: float
    trust: float
    topdown_years: float
    cadre_age: float
    openness: float
    responsiveness: float
    config: dict

    def attributes(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "config"}


def _clip(x: float, lo: float = 0.01, hi: float = 0.99) -> float:
    return float(np.clip(x, lo, hi))


def draw_population(exp: ExperimentConfig, base: ModelConfig, seed: int) -> list[Community]:
    pop, n, n_sites = exp.population, exp.n_communities, exp.n_street_offices
    site = np.empty(n, dtype=np.int64)
    site[generator(seed, "sites").permutation(n)] = np.arange(n) % n_sites
    office_shift = generator(seed, "street_offices").normal(0.0, pop.street_office_sd, n_sites)
    types = list(pop.housing)
    weights = np.array([pop.housing[t].weight for t in types])
    c, o = base.community, base.officials
    min_size = max(base.leaders.n_initial, base.deliberation.council_size, 2)
    sigma = np.sqrt(np.log1p(pop.size_cv ** 2))
    out = []
    for i in range(n):
        rng = generator(seed, "community", i)
        housing = types[rng.choice(len(types), p=weights / weights.sum())]
        h = pop.housing[housing]
        size = max(min_size, int(round(c.n_residents * rng.lognormal(-sigma ** 2 / 2, sigma))))
        elderly = float(np.clip(c.share_elderly + h.elderly_shift + rng.normal(0, pop.elderly_sd), 0.0, 0.9))
        young = min(c.share_young * (1 - elderly) / (1 - c.share_elderly) if c.share_elderly < 1 else 0.0,
                    1 - elderly)
        online = h.online_shift + rng.normal(0, pop.online_sd)
        trust = _clip(c.trust_mean + h.trust_shift + rng.normal(0, pop.trust_sd))
        years = max(0.0, rng.normal(pop.topdown_years.mean, pop.topdown_years.sd) + h.topdown_years_shift)
        age = float(np.clip(rng.normal(pop.cadre_age.mean, pop.cadre_age.sd), 25, 65))
        openness = _clip(o.openness + rng.normal(0, pop.openness_sd) - pop.topdown_openness_per_year * years
                         - pop.openness_per_decade_older * (age - 45) / 10, 0.0, 1.0)
        responsiveness = _clip(o.responsiveness + office_shift[site[i]], 0.0, 1.0)
        cfg = as_plain(base)
        cfg["seed"] = model_seed(seed, "model", i)
        cfg["community"].update(
            n_residents=size, share_elderly=elderly, share_young=float(young),
            online_young=_clip(c.online_young + online, 0, 1), online_middle=_clip(c.online_middle + online, 0, 1),
            online_elderly=_clip(c.online_elderly + online, 0, 1), trust_mean=trust,
            capacity_mean=_clip(c.capacity_mean + h.capacity_shift),
            efficacy_mean=_clip(c.efficacy_mean - pop.topdown_efficacy_per_year * years))
        cfg["officials"].update(openness=openness, responsiveness=responsiveness, legacy_years=float(years))
        if h.ties_within_courtyard is not None:
            cfg["network"]["courtyard"]["ties_within_courtyard"] = h.ties_within_courtyard
        out.append(Community(i, int(site[i]), housing, cfg["seed"], size, elderly, float(online), trust,
                             float(years), age, openness, responsiveness, cfg))
    return out


def arm_config(community: Community, exp: ExperimentConfig, programmes: dict[str, dict], label: str) -> ModelConfig:
    """The community's validated model config with ``programmes`` (name -> params, from
    :func:`sim.experiments.arms.arm_programmes`) added. A config the model refuses is reported
    under the experiment's key, with the community and the arm."""
    cfg = {**community.config, "interventions": {**community.config["interventions"], **programmes}}
    try:
        return validate_config(cfg)
    except ConfigError as error:
        key = error.key
        for name in exp.treatment:
            if key.startswith(f"interventions.{name}"):
                key = "experiment.treatment" + key.removeprefix("interventions")
        raise ConfigError(key, error.value, f"{error.allowed} (community {community.unit} of the population, "
                                            f"{community.n_residents} residents, {label})") from None


def attributes_frame(communities: list[Community]) -> pd.DataFrame:
    return pd.DataFrame([c.attributes() for c in communities])
