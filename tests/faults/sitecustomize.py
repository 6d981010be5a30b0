"""Fault injection for the reliability tests, loaded by Python at start-up when this folder is on
PYTHONPATH: a full disk (OSError ENOSPC) for every Parquet, text or Hydra YAML write whose path contains
SIM_FAULT_ENOSPC (e.g. ``/sweep/1/`` for one job's folder, ``results`` for gathering). Nothing is
written anywhere by the fault itself; without the variable nothing is changed."""

import errno
import os

TARGET = os.environ.get("SIM_FAULT_ENOSPC")

if TARGET:
    import pathlib

    import pandas

    def _full(path):
        if TARGET in str(os.path.abspath(str(path))):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    _to_parquet = pandas.DataFrame.to_parquet
    _write_text = pathlib.Path.write_text

    def to_parquet(self, path=None, *args, **kwargs):
        _full(path)
        return _to_parquet(self, path, *args, **kwargs)

    def write_text(self, *args, **kwargs):
        _full(self)
        return _write_text(self, *args, **kwargs)

    pandas.DataFrame.to_parquet = to_parquet
    pathlib.Path.write_text = write_text

    from omegaconf import OmegaConf

    _save = OmegaConf.save

    def save(config, f, resolve=False):  # the run's .hydra/*.yaml (sim/cli.py::save_hydra_record)
        _full(f)
        return _save(config, f, resolve=resolve)

    OmegaConf.save = staticmethod(save)
