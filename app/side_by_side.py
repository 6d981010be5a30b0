"""Side-by-side mode: the same community exactly with and without a chosen programme bundle.

The two panels are two :class:`sim.model.CommunityModel` built from one config and one seed that
differ only in the programmes of the bundle: switched on (as set) in the first, off in the
second; every other setting, every other programme included, is the same in both. Both start
from the identical community (network, residents, leaders: everything drawn before the first
step). Every draw of the model comes from streams keyed by site, week and resident (common random
numbers, sim/streams.py), so the two panels stay identical until the bundle first changes a
resident, and after that they differ by what the bundle causes: the outcome of one seed, so a
few seeds (or `sim compare=on`) show how much the effect varies from one community to another.
"""

from __future__ import annotations

from app.settings import Settings


def default_bundle(settings: Settings) -> tuple[str, ...]:
    """The bundle offered first: the programmes switched on, or the first programme if none is."""
    on = tuple(sorted(n for n, iv in settings.interventions.items() if iv.on))
    return on or (sorted(settings.interventions)[0],)


def paired_configs(settings: Settings, bundle) -> tuple[dict, dict]:
    """(with, without): ``settings``' config with every programme of ``bundle`` on, and off."""
    if not bundle:
        raise ValueError("side by side needs at least one programme to compare")
    unknown = sorted(set(bundle) - set(settings.interventions))
    if unknown:
        raise ValueError(f"compare: unknown programme {unknown[0]!r}; allowed: {', '.join(settings.interventions)}")
    return settings.with_bundle(bundle, True).config(), settings.with_bundle(bundle, False).config()
