"""Design files: one row per parameter point, one column per dotted config key.

A design is a CSV or Parquet table (``python -m analysis design`` writes them; any table with
config keys as columns works too) with an optional JSON file of the same name beside it holding
the problem definition (names, bounds) and how the points were drawn, which the sensitivity
analysis needs. A sweep runs the rows in chunks: chunk ``k`` holds rows
``k * chunk_size .. (k + 1) * chunk_size - 1``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import validate_config
from sim.schema import ConfigError
from sim.sweep.parameters import with_values

SUFFIXES = (".csv", ".parquet")


@dataclass
class Design:
    table: pd.DataFrame  # one row per point, columns are dotted config keys
    info: dict[str, Any] = field(default_factory=dict)  # problem definition (design.json), {} if none

    @property
    def names(self) -> list[str]:
        return [str(c) for c in self.table.columns]

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as plain Python values, keyed by parameter."""
        return {str(name): _plain(self.table[name].iat[i]) for name in self.table.columns}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def info_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".json")


def read_design(path: str | Path, key: str = "sweep.design") -> Design:
    """Read a design table and its problem definition; ConfigError naming ``key`` if unusable."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(key, str(path), "must be a .csv or .parquet file")
    if not path.is_file():
        raise ConfigError(key, str(path), "file not found")
    try:
        table = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    except (ValueError, OSError, pd.errors.ParserError) as error:
        raise ConfigError(key, str(path), f"unreadable as a table ({error})") from None
    if table.empty or len(table.columns) == 0:
        raise ConfigError(key, str(path), "has no rows")
    info: dict[str, Any] = {}
    if info_path(path).is_file():
        info = json.loads(info_path(path).read_text())
        names = info.get("problem", {}).get("names")
        if names is not None and list(names) != [str(c) for c in table.columns]:
            raise ConfigError(key, str(path), f"columns {list(table.columns)} differ from the problem's "
                              f"names {names} in {info_path(path).name}")
    return Design(table, info)


def write_design(path: str | Path, design: Design) -> None:
    """Write the table and, beside it, the problem definition; each file appears complete or not at all."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError("--out", str(path), "must end in .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=path.parent) as tmp:
        table_tmp, info_tmp = Path(tmp) / path.name, Path(tmp) / info_path(path).name
        if path.suffix == ".csv":
            design.table.to_csv(table_tmp, index=False)
        else:
            design.table.to_parquet(table_tmp, index=False)
        info_tmp.write_text(json.dumps(design.info, indent=2) + "\n")
        os.replace(table_tmp, path)
        os.replace(info_tmp, info_path(path))


def n_chunks(n_rows: int, chunk_size: int) -> int:
    return math.ceil(n_rows / chunk_size)


def chunk_rows(n_rows: int, chunk: int | None, chunk_size: int) -> range:
    """The design rows of ``chunk`` (every row when ``chunk`` is None)."""
    if chunk is None:
        return range(n_rows)
    last = n_chunks(n_rows, chunk_size) - 1
    if chunk > last:
        raise ConfigError("sweep.chunk", chunk, f"must be in [0, {last}]: {n_rows} design rows in chunks "
                          f"of {chunk_size} (sweep.chunk_size)")
    return range(chunk * chunk_size, min(n_rows, (chunk + 1) * chunk_size))


def check_design(design: Design, base: Mapping, rows: range | None = None) -> None:
    """Apply each row to the base config and validate it; the first bad row raises ConfigError."""
    for i in rows if rows is not None else range(len(design.table)):
        try:
            validate_config(with_values(base, design.row(i)))
        except ConfigError as error:
            raise ConfigError(error.key, error.value, f"{error.allowed} (design row {i})") from None
