"""``sim validate=quick|full``: check the model against the catalogue of stylised facts
(:mod:`sim.validation.facts`), print a table and the wall time, write the report, and exit with
status 1 when a fact fails (2 stays for bad input)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from sim.schema import ConfigError
from sim.validation.config import settings as read_settings
from sim.validation.facts import BY_NAME, FACTS, QUICK

EXIT_FACT_FAILED = 1


def check_overrides(overrides: list[str]) -> None:
    """The facts run their own arms on the shipped default community: only ``validate.*`` (and
    ``hydra.*``) may be set on the command line."""
    for item in overrides:
        key = item.lstrip("+~").split("=", 1)[0]
        if key != "validate" and not key.startswith(("validate.", "hydra.", "hydra/")):
            raise ConfigError(key, item.split("=", 1)[-1],
                              "sim validate checks the shipped default community and its own arms; "
                              "only validate.facts, validate.seeds, validate.first_seed and validate.n_jobs may be set")


def chosen_facts(settings) -> list:
    names = settings.facts or (list(QUICK) if settings.name == "quick" else [f.name for f in FACTS])
    return [BY_NAME[name] for name in names]


def run_validate_command(raw: dict, validate: dict, overrides: list[str], outdir: Path,
                         fail: Callable[[ConfigError], None]) -> dict:
    from sim.config import as_plain, validate_config
    from sim.validation.report import summary as make_summary, write
    from sim.validation.runner import run_facts

    started = time.perf_counter()
    try:
        check_overrides(overrides)
        settings = read_settings(validate)
        model_config = as_plain(validate_config(raw))
    except ConfigError as error:
        fail(error)
    facts = chosen_facts(settings)
    seeds = list(range(settings.first_seed, settings.first_seed + settings.seeds))
    print(f"validate {settings.name}: {len(facts)} facts x {len(seeds)} seeds", flush=True)
    results = run_facts(facts, seeds, settings.n_jobs)
    seconds = time.perf_counter() - started
    s = make_summary(results, asdict(settings), seconds)
    s["config"] = model_config
    write(outdir, results, s)
    print(format_results(results, s, outdir))
    if s["failed"]:
        raise SystemExit(EXIT_FACT_FAILED)
    return s


def format_results(results, s: dict, outdir: Path) -> str:
    from sim.validation.report import figures_text, verdict

    lines = [f"  {'fact':<34}{'result':<9}figures (mean ± sd [min, max] over {len(s['seeds'])} seeds)"]
    for r in results:
        lines.append(f"  {r.fact.name:<34}{verdict(r):<9}{figures_text(r)}")
    lines.append(f"{len(s['passed'])} passed, {len(s['failed'])} failed, {len(s['readings'])} readings; "
                 f"wall time {s['wall_seconds']:.1f} s; outputs {outdir}")
    return "\n".join(lines)
