"""A deliberative poll (New Haven 2002, docs/cases.md §New Haven), simulated with the model's own
discussion rule.

Participants come from ``n_towns`` towns. On each issue j (a 0..1 policy scale with
``n_alternatives`` options at a_k = k / (K - 1)) participant i holds a view x_ij ~ Beta around
the issue's centre shifted by their town, and considerations off the policy dimension
eta_ijk ~ N(0, ranking_noise). Their utility for option k is u_ijk = -|a_k - x_ij| + eta_ijk; the
ranking of the options is *single-peaked* on the scale when it rises to one peak and falls after
it (Black 1948; List, Luskin, Fishkin & McLean 2013).

Everybody is surveyed before (wave 0) and after (wave 1). Two designs (``design``):

* ``groups_by_issue`` (New Haven's own, Farrar et al. 2010): everybody reads the briefing on every
  issue; the treated are dealt at random to ``n_groups // 2`` groups that discuss
  ``treated_issue``, the others to the remaining groups that discuss the other issues. The effect
  on ``treated_issue`` is that of discussion beyond the briefing.
* ``deliberate_or_not``: the treated are briefed and discuss every issue in ``n_groups`` groups;
  the others are only surveyed. The effect is briefing and discussion together.

Groups are balanced and have neutral moderators (no chair); fewer groups are formed if there would
be fewer than two members per group. Per issue, for those briefed and those discussing it:

1. briefing: x <- x + briefing_weight (1 - salience) (informed_view - x);
2. discussion: :func:`sim.deliberation.discuss`, the model's Friedkin-Johnsen / Hegselmann-Krause
   averaging, on the view and on every consideration, with susceptibility scaled by
   (1 - salience).

Answers carry survey noise, drawn once per participant and wave, so a participant's untreated and
treated answers share it.

What is assumed, not derived: that firm views on a salient issue move less (the (1 - salience)
scaling) and that a balanced briefing points to ``informed_view`` (Farrar et al. 2010 report large
movement on the low-salience issue). What follows from the averaging rule: discussing the
considerations together pulls them toward the group's, whose mean has smaller spread, so
rankings line up with the shared dimension and become more often single-peaked.

Outcomes per issue and wave: ``opinion_<issue>`` (reported view), ``support_<issue>`` (view
above 0.5), ``single_peaked_<issue>`` (1 if the ranking is single-peaked).
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np

from sim.config import ModelConfig
from sim.deliberation import discuss
from sim.experiments.config import ExperimentConfig, PollIssue
from sim.experiments.seeds import generator
from sim.state import beta_draws


def single_peaked(utility: np.ndarray) -> np.ndarray:
    """Rows whose utilities over options ordered on the scale rise strictly to the peak and fall
    strictly after it."""
    peak = utility.argmax(axis=1)
    rising = np.diff(utility, axis=1) > 0
    before_peak = np.arange(utility.shape[1] - 1)[None, :] < peak[:, None]
    return (rising == before_peak).all(axis=1)


class Poll:
    """Participants of a poll and what they answer with or without deliberating."""

    def __init__(self, exp: ExperimentConfig, base: ModelConfig, seed: int):
        self.cfg, self.deliberation, self.seed = exp.poll, base.deliberation, seed
        cfg, n = exp.poll, exp.poll.n_participants
        rng = generator(seed, "poll", "participants")
        self.town = rng.integers(0, cfg.n_towns, n)
        self.interest = beta_draws(rng, base.community.interest_mean, base.community.attribute_concentration, n)
        self.positions = np.linspace(0, 1, cfg.n_alternatives)
        self.view, self.considerations, self.noise = {}, {}, {}
        for issue, spec in cfg.issues.items():
            shift = rng.normal(0, cfg.town_sd, cfg.n_towns)[self.town]
            centre = np.clip(spec.centre + shift, 0.02, 0.98)
            k = cfg.opinion_concentration
            self.view[issue] = rng.beta(k * centre, k * (1 - centre))
            self.considerations[issue] = rng.normal(0, cfg.ranking_noise, (n, cfg.n_alternatives))
            self.noise[issue] = rng.normal(0, cfg.survey_noise, (n, 2))
        self.outcomes = tuple(f"{m}_{issue}" for issue in cfg.issues for m in ("opinion", "support", "single_peaked"))

    def has(self, first: np.ndarray) -> bool:
        return True

    def untreated(self) -> dict[str, np.ndarray]:
        return self.observed(np.full(len(self.town), -1))

    def groups(self, members: np.ndarray, n_groups: int) -> np.ndarray:
        """Random, balanced groups, from a stream keyed by who is in them (the same participants
        always get the same groups)."""
        n = len(members)
        n_groups = max(1, min(n_groups, n // 2))
        key = zlib.crc32(np.asarray(members, dtype=np.int64).tobytes())
        order = generator(self.seed, "poll", "groups", key).permutation(n)
        group = np.empty(n, dtype=np.int64)
        group[order] = np.arange(n) % n_groups
        return group

    def discuss(self, values: np.ndarray, group: np.ndarray, spec: PollIssue) -> np.ndarray:
        """The model's discussion rule on one dimension, moderators neutral (no chair)."""
        cfg = dataclasses.replace(self.deliberation,
                                  susceptibility=self.deliberation.susceptibility * (1 - spec.salience))
        nobody = np.zeros(len(values), dtype=bool)
        return discuss(values, np.zeros(len(values)), group, nobody, int(group.max()) + 1, cfg)[0]

    def plan(self, treated: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per issue: who is briefed, who discusses it, and their groups (indices into those who
        discuss)."""
        cfg, everybody = self.cfg, np.arange(len(self.town))
        if cfg.design == "deliberate_or_not":
            group = self.groups(treated, cfg.n_groups)
            return {issue: (treated, treated, group) for issue in cfg.issues}
        controls = np.setdiff1d(everybody, treated)
        half = cfg.n_groups // 2
        sides = {True: (treated, self.groups(treated, half)),
                 False: (controls, self.groups(controls, cfg.n_groups - half))}
        return {issue: (everybody, *sides[issue == cfg.treated_issue]) for issue in cfg.issues}

    def observed(self, first: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for issue, (briefed, discussing, group) in self.plan(np.flatnonzero(first >= 0)).items():
            spec = self.cfg.issues[issue]
            view = np.repeat(self.view[issue][:, None], 2, axis=1)
            cons = np.repeat(self.considerations[issue][:, :, None], 2, axis=2)
            x = self.view[issue][briefed]
            view[briefed, 1] = x + self.cfg.briefing_weight * (1 - spec.salience) * (spec.informed_view - x)
            if len(discussing):
                view[discussing, 1] = self.discuss(view[discussing, 1], group, spec)
                for k in range(self.cfg.n_alternatives):
                    cons[discussing, k, 1] = self.discuss(self.considerations[issue][discussing, k], group, spec)
            reported = np.clip(view + self.noise[issue], 0, 1)
            utility = -np.abs(self.positions[None, :, None] - view[:, None, :]) + cons
            out[f"opinion_{issue}"] = reported
            out[f"support_{issue}"] = (reported > 0.5).astype(float)
            out[f"single_peaked_{issue}"] = np.column_stack(
                [single_peaked(utility[:, :, w]) for w in range(2)]).astype(float)
        return out
