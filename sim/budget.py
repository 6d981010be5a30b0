"""How much memory and time a run will take, estimated from its config before anything is allocated.

:func:`estimate` adds up terms, each a measured cost per unit times how many units the config asks for
(``benchmarks/budget_calibration.py`` measures runs of 1,000 to 200,000 residents on one core and prints
the estimate next to each measurement)::

    ties        E = n (h - 1) / 2 + n (t_in + t_out) / 2        courtyard (h household size)
                E = n k / 2,  E = n m                            Watts-Strogatz, Barabasi-Albert
                E = file bytes / 8                               edge list (at least 8 bytes a tie)
    issues      I = rate n / 1000 + community_rate               per step; each keeps the rows it
                                                                 touches: c x courtyard residents, or n
    memory      155 MiB                  interpreter and imports
              + 1,400 B x n              resident arrays, Mesa agents and cells
              + 370 B x E                sparse adjacency, edge arrays, networkx graph
              + 20 KiB x steps           time series and meeting rows
              + 8 B x steps x touched    the issues' rows of touched residents
              + 4 x file bytes           reading an edge list (text, labels, codes)
    time        35 us x n + 1.6 us x E   building the community and its network
              + steps x (1.5 ms + 0.2 us x n + 5 ns x n x I)   the weekly steps

The constants are rounded up from the measurements (peak ``ru_maxrss``, wall time on one core of a
2-core machine), so the estimate errs on the high side: e.g. 200,000 residents x 26 steps measured
598-606 MiB against an estimate of 672 MiB. :func:`check_memory` refuses a config whose estimate
exceeds the memory this machine has available, naming the key whose term is largest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.schema import ConfigError

if TYPE_CHECKING:
    from sim.config import ModelConfig

MiB = 2**20
BASE_BYTES = 155 * MiB
RESIDENT_BYTES = 1400
TIE_BYTES = 370
STEP_BYTES = 20 * 1024
TOUCHED_BYTES = 8
EDGELIST_READ_FACTOR = 4
EDGELIST_BYTES_PER_TIE = 8
BUILD_SECONDS_PER_RESIDENT = 35e-6
BUILD_SECONDS_PER_TIE = 1.6e-6
STEP_SECONDS = 1.5e-3
STEP_SECONDS_PER_RESIDENT = 0.2e-6
ISSUE_SECONDS_PER_RESIDENT = 5e-9


@dataclass
class Estimate:
    memory_bytes: float
    seconds: float
    ties: float
    memory_terms: dict[str, float] = field(default_factory=dict)  # config key -> bytes it accounts for

    def largest_key(self) -> str:
        """The config key whose term of the memory estimate is largest."""
        return max(self.memory_terms, key=self.memory_terms.get)


def _ties(cfg: ModelConfig) -> tuple[float, dict[str, float], float]:
    """Expected ties, the share of them by config key, and the edge-list file size (0 if none)."""
    n, net = cfg.community.n_residents, cfg.network
    if net.kind == "courtyard":
        c = net.courtyard
        parts = {"network.courtyard.household_size": n * (c.household_size - 1) / 2,
                 "network.courtyard.ties_within_courtyard": n * c.ties_within_courtyard / 2,
                 "network.courtyard.ties_between_courtyards": n * c.ties_between_courtyards / 2}
        return sum(parts.values()), parts, 0.0
    if net.kind == "watts_strogatz":
        ties = n * net.watts_strogatz.k / 2
        return ties, {"network.watts_strogatz.k": ties}, 0.0
    if net.kind == "barabasi_albert":
        ties = float(n * net.barabasi_albert.m)
        return ties, {"network.barabasi_albert.m": ties}, 0.0
    size = sum(_file_size(p) for p in (net.edgelist.path, net.edgelist.nodes_path))
    ties = size / EDGELIST_BYTES_PER_TIE
    return ties, {"network.edgelist.path": ties}, float(size)


def _file_size(path: str | None) -> int:
    try:
        return os.stat(path).st_size if path else 0
    except OSError:
        return 0


def _courtyard_residents(cfg: ModelConfig) -> int:
    net = cfg.network
    if net.kind == "courtyard":
        return net.courtyard.household_size * net.courtyard.households_per_courtyard
    return net.courtyard_size


def estimate(cfg: ModelConfig) -> Estimate:
    """Peak memory (bytes) and wall time (seconds, one core) of building and running ``cfg``."""
    n, steps, issues = cfg.community.n_residents, cfg.steps, cfg.issues
    ties, tie_parts, file_bytes = _ties(cfg)
    per_issue = min(n, issues.courtyards_touched * _courtyard_residents(cfg))
    courtyard_issues = issues.rate * n / 1000
    touched = {"issues.rate": steps * courtyard_issues * per_issue,
               "issues.community_rate": steps * issues.community_rate * n}
    terms = {"community.n_residents": RESIDENT_BYTES * n + BASE_BYTES,
             "steps": STEP_BYTES * steps,
             **{key: TIE_BYTES * value for key, value in tie_parts.items()},
             **{key: TOUCHED_BYTES * value for key, value in touched.items()}}
    if file_bytes:
        terms["network.edgelist.path"] += EDGELIST_READ_FACTOR * file_bytes
    seconds = (BUILD_SECONDS_PER_RESIDENT * n + BUILD_SECONDS_PER_TIE * ties
               + steps * (STEP_SECONDS + STEP_SECONDS_PER_RESIDENT * n
                          + ISSUE_SECONDS_PER_RESIDENT * n * (courtyard_issues + issues.community_rate)))
    return Estimate(sum(terms.values()), seconds, ties, terms)


def machine_memory() -> tuple[int, int]:
    """(total, available) bytes of memory of this machine, from ``/proc/meminfo`` where there is one."""
    try:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
        total = int(info["MemTotal"].split()[0]) * 1024
        available = int(info.get("MemAvailable", info["MemFree"]).split()[0]) * 1024
        return total, available
    except (OSError, KeyError, ValueError):
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return total, total


def gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.1f} GiB" if n_bytes >= 2**30 else f"{n_bytes / MiB:.0f} MiB"


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def check_memory(cfg: ModelConfig) -> Estimate:
    """Refuse ``cfg`` (ConfigError naming the largest term's key) if its estimate exceeds the memory
    this machine has available now; returns the estimate."""
    est = estimate(cfg)
    total, available = machine_memory()
    if est.memory_bytes > available:
        key = est.largest_key()
        value = cfg
        for part in key.split("."):
            value = getattr(value, part)
        raise ConfigError(key, value, f"the run would need about {gib(est.memory_bytes)} of memory "
                          f"(sim/budget.py estimate, ~{est.ties:.3g} ties, ~{duration(est.seconds)}); "
                          f"this machine has {gib(total)}, {gib(available)} available")
    return est
