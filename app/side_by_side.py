"""Side-by-side mode: the same community with and without one programme, from the same seed.

Both runs share the config and the seed, so they start from the identical community (network,
residents, leaders: everything drawn before the first step) and make identical random draws
until the programme first acts. From then on the two random streams part, so a difference
between the panels mixes the programme's effect with chance; rerunning with a few seeds shows
how much of it is chance.
"""

from __future__ import annotations

import copy

from app.settings import Settings


def paired_configs(settings: Settings, name: str) -> tuple[dict, dict]:
    """(with, without): ``settings``' config with programme ``name`` switched on, and off."""
    with_it = copy.deepcopy(settings)
    with_it.interventions[name].on = True
    without = copy.deepcopy(settings)
    without.interventions[name].on = False
    return with_it.config(), without.config()
