"""The ``sim`` command: compose the config with Hydra, validate it, run, write outputs.

    sim                                 the default community
    sim scenario=random_leaders         a preset from scenarios/
    sim deliberation.mode=cloud steps=52
    sim interventions=[empowerment_training] interventions.empowerment_training.target.count=50
    sim -m deliberation.mode=snowball,cloud seed=1,2,3     a Hydra multirun
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import validate_config
from sim.interventions import REGISTRY
from sim.schema import ConfigError

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "conf"
log = logging.getLogger("sim")


def known_scenarios() -> list[str]:
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def precheck_arguments(argv: list[str]) -> None:
    """Refuse unknown scenario and intervention names before Hydra composes anything."""
    for arg in argv:
        m = re.fullmatch(r"\+*scenario=(.*)", arg)
        if m and m.group(1) not in known_scenarios():
            raise ConfigError("scenario", m.group(1), "allowed: " + ", ".join(known_scenarios()))
        m = re.fullmatch(r"\+*interventions=\[?([^\]]*)\]?", arg)
        if m:
            for name in filter(None, (s.strip() for s in m.group(1).split(","))):
                if name not in REGISTRY:
                    raise ConfigError("interventions", name, "allowed: " + ", ".join(sorted(REGISTRY)))


def fail(error: ConfigError, outdir: Path | None = None) -> None:
    """Print one clear message, remove the run folder Hydra made for this run, exit 2."""
    print(error, file=sys.stderr)
    if outdir is not None and outdir.is_dir() and not any((outdir / f).exists() for f in ("summary.json",)):
        shutil.rmtree(outdir, ignore_errors=True)
    raise SystemExit(2)


@hydra.main(version_base="1.3", config_path=str(CONF), config_name="config")
def run(cfg: DictConfig) -> dict:
    from sim.model import CommunityModel
    from sim.outputs import summarise, write_outputs

    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    hc = HydraConfig.get()
    outdir = Path(hc.runtime.output_dir)
    raw = OmegaConf.to_container(cfg, resolve=True)
    try:
        model_cfg = validate_config(raw)
        started = time.perf_counter()
        model = CommunityModel(model_cfg)
    except ConfigError as error:
        fail(error, outdir)
    model.run_for(model_cfg.steps)
    summary = summarise(model, scenario=hc.runtime.choices.get("scenario"))
    write_outputs(model, outdir, summary)
    elapsed = time.perf_counter() - started
    print(format_summary(summary, outdir, elapsed))
    return summary


def format_summary(s: dict, outdir: Path, seconds: float) -> str:
    ladder = " ".join(f"{x:.2f}" for x in s["ladder"])
    return "\n".join([
        f"scenario {s['scenario']}  seed {s['seed']}  {s['n_residents']} residents  {s['steps']} weeks"
        f"  ({seconds:.2f} s)",
        f"  community rung        {s['community_rung']} (Arnstein 1-8)",
        f"  ladder shares 1..8    {ladder}",
        f"  participation rate    {s['participation_rate']:.3f} per deliberation day (last year)",
        f"  ever attended         {s['ever_attended_share']:.3f}",
        f"  efficacy/trust/satisf {s['mean_efficacy']:.2f} / {s['mean_trust']:.2f} / {s['mean_satisfaction']:.2f}",
        f"  organisations         {s['organisations_recreational']} recreational,"
        f" {s['organisations_public_good']} public-good",
        f"  outputs               {outdir}",
    ])


def main() -> None:
    try:
        precheck_arguments(sys.argv[1:])
    except ConfigError as error:
        fail(error)
    run()


if __name__ == "__main__":
    main()
