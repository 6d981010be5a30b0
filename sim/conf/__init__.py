"""The ``sim`` command's Hydra configs, shipped inside the package, and the defaults they build on.

The defaults of every parameter live in one place, the dataclasses (``sim/config.py`` for the
model, each programme's ``Params`` in ``sim/interventions/``). :func:`register` stores them in
Hydra's ConfigStore, so the YAML files here hold only what differs from them:

* ``model_defaults``: :class:`sim.config.ModelConfig`'s defaults, the first entry of
  ``config.yaml``'s defaults list (``scenario/``, ``experiment/``, ``calibrate/`` change a few keys);
* ``sweep_defaults``: the ``sweep:`` section of ``sim.yaml``, :class:`sim.sweep.settings.SweepSettings`;
* ``experiment_defaults``: :class:`sim.experiments.config.ExperimentConfig`'s defaults, which each
  ``experiment/<name>.yaml`` starts from (``- /experiment_defaults@experiment`` in its defaults);
* ``validate_defaults``: :class:`sim.validation.config.ValidationSettings`'s defaults, which each
  ``validate/<name>.yaml`` starts from;
* ``programme/<name>``: a programme's ``Params`` defaults; ``interventions/<name>`` is the same
  node, switched on with ``interventions=[<name>]``, unless the programme ships a preset
  ``interventions/<name>.yaml`` whose values differ, which starts from them::

      # @package interventions.<name>
      defaults:
        - /programme/<name>@_here_
        - _self_
      <key>: <value that differs>

* ``scenario/<name>``: the user's own scenarios, ``./scenarios/<name>.yaml`` in the working folder.

The nodes are stored as plain data (not typed), so a bad value reaches
:func:`sim.config.validate_config`, whose one-line messages name key, value and what is allowed.
"""

from __future__ import annotations

import re
import typing
from dataclasses import asdict, fields, is_dataclass
from importlib.resources import files
from pathlib import Path

from omegaconf import OmegaConf

from sim.schema import fields_and_hints

CONF = Path(str(files(__name__)))  # the folder of this package: config.yaml, sim.yaml and the groups
USER_SCENARIOS = "scenarios"  # the user's own scenario folder, relative to the working folder
USER_PROVIDER = "./scenarios"
PACKAGE_LINE = re.compile(r"\A\s*#\s*@package\s+(\S+)")  # Hydra's header line, first line only


def presets(group: str) -> list[str]:
    """Names of the YAML presets shipped in a config group (``scenario``, ``experiment``, ...)."""
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


def user_scenarios(cwd: Path | None = None) -> dict[str, Path]:
    """The user's scenarios: ``NAME -> ./scenarios/NAME.yaml`` in ``cwd`` (default: the working folder)."""
    folder = (cwd or Path.cwd()) / USER_SCENARIOS
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def known_scenarios(cwd: Path | None = None) -> list[str]:
    """Every scenario ``sim scenario=NAME`` accepts: the shipped ones and the user's own."""
    return sorted(set(presets("scenario")) | set(user_scenarios(cwd)))


def without_named_entries(obj: object) -> dict:
    """A dataclass's defaults as plain data without its mappings of named entries (an experiment's
    ``designs``, ``treatment``, ``population.housing``, ``poll.issues``): Hydra would merge a preset's
    entries into the default ones, where a preset's own set must replace them; the validator fills
    in the defaults of a mapping a preset leaves out."""
    out = {}
    _, hints = fields_and_hints(type(obj))
    for f in fields(obj):
        value = getattr(obj, f.name)
        if typing.get_origin(hints[f.name]) is dict:
            continue
        out[f.name] = without_named_entries(value) if is_dataclass(value) else value
    return out


def register(cwd: Path | None = None) -> None:
    """Store the dataclass defaults and the user's scenarios in Hydra's ConfigStore (idempotent).

    A user's scenario with the name of a shipped one is not stored: the shipped file would win
    (Hydra searches the package before the ConfigStore); :func:`sim.cli.precheck_arguments`
    refuses that name with a message saying so.
    """
    from hydra.core.config_store import ConfigStore

    from sim.config import ModelConfig, as_plain
    from sim.interventions import REGISTRY
    from sim.experiments.config import ExperimentConfig
    from sim.sweep.settings import SweepSettings
    from sim.validation.config import ValidationSettings

    cs = ConfigStore.instance()
    cs.store(name="model_defaults", node=OmegaConf.create(as_plain(ModelConfig())), provider="sim.config")
    cs.store(name="sweep_defaults", package="sweep", node=OmegaConf.create(asdict(SweepSettings())),
             provider="sim.sweep.settings")
    cs.store(name="experiment_defaults", node=OmegaConf.create(without_named_entries(ExperimentConfig())),
             provider="sim.experiments.config")
    cs.store(name="validate_defaults", node=OmegaConf.create(asdict(ValidationSettings())),
             provider="sim.validation.config")
    with_yaml = set(presets("interventions"))
    for name, cls in REGISTRY.items():
        node = OmegaConf.create(asdict(cls.Params()))
        cs.store(group="programme", name=name, node=node, provider=cls.__module__)
        if name not in with_yaml:
            cs.store(group="interventions", name=name, package=f"interventions.{name}", node=node,
                     provider=cls.__module__)
    shipped = set(presets("scenario"))
    for name, path in user_scenarios(cwd).items():
        if name not in shipped:
            header = PACKAGE_LINE.match(path.read_text(encoding="utf-8"))
            cs.store(group="scenario", name=name, node=OmegaConf.load(path), provider=USER_PROVIDER,
                     package=header.group(1) if header else "_global_")


def compose(overrides: list[str] | tuple[str, ...] = (), config_name: str = "config") -> dict:
    """The config Hydra composes from these files with ``overrides``, as plain data (resolved)."""
    from hydra import compose as hydra_compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    register()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF), version_base="1.3"):
        cfg = hydra_compose(config_name=config_name, overrides=list(overrides))
    return OmegaConf.to_container(cfg, resolve=True)


register()
