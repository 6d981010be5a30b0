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
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.atomic import publish, staged
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


KEY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
NOT_DESIGN_COLUMNS = ("seed", "sweep", "hydra")  # seeds derive from the root seed (sim/sweep/seeds.py)


def _reason(error: Exception) -> str:
    """Why a table could not be read, without quoting the file."""
    if isinstance(error, UnicodeError):
        return "is not UTF-8 text"
    fields = re.search(r"Expected \d+ fields in line \d+, saw \d+", str(error))
    return fields.group(0) if fields else type(error).__name__


def _check_columns(key: str, path: Path, columns: list) -> None:
    """Every column named like a dotted config key, once; no seed/sweep/hydra column. A name that
    is not shaped like a key is not shown (the file may be anything); one that is but names no
    parameter is refused, by name, when the rows are checked (:func:`check_design`)."""
    names = [str(c) for c in columns]
    for i, name in enumerate(names, start=1):
        if not KEY_NAME.match(name) or len(name) > 120:
            raise ConfigError(key, str(path), f"column {i} is not named as a dotted config key "
                              "(e.g. deliberation.facilitation); the first row must name the parameters")
        if names.count(name) > 1:
            raise ConfigError(key, str(path), f"column {name} appears {names.count(name)} times; name each "
                              "parameter once")
        if name.split(".")[0] in NOT_DESIGN_COLUMNS:
            raise ConfigError(name, str(path), "cannot be a design column: seeds derive from the root seed "
                              "(seed=..., sweep.replications, sweep.common_seeds) and sweep/hydra settings "
                              "apply to the whole sweep")


def _header(path: Path) -> list[str] | None:
    """The CSV header as written (pandas renames repeated names, which would hide them)."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8") as f:
            return next(csv.reader(f), None)
    except (OSError, UnicodeError, csv.Error):
        return None


def _read_info(key: str, path: Path, columns: list[str]) -> dict[str, Any]:
    """The problem definition beside the table, checked: a JSON object whose ``problem.names``, if
    given, are the table's columns in order."""
    where = info_path(path)
    try:
        info = json.loads(where.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ConfigError(key, str(path), f"its problem file {where.name} is not valid JSON (line {error.lineno}, "
                          f"column {error.colno}); fix or remove it") from None
    except (OSError, UnicodeError) as error:
        raise ConfigError(key, str(path), f"its problem file {where.name} cannot be read ({_reason(error)})") from None
    problem = info.get("problem", {}) if isinstance(info, dict) else None
    if not isinstance(problem, dict):
        raise ConfigError(key, str(path), f"its problem file {where.name} must hold a JSON object with a "
                          "'problem' object (names, bounds)")
    names = problem.get("names")
    if names is not None:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(key, str(path), f"problem.names in {where.name} must be a list of config keys")
        if names != columns:
            raise ConfigError(key, str(path), f"its columns differ from the problem's names in {where.name} "
                              f"({len(columns)} columns, {len(names)} names); they must match in order")
    rows = info.get("rows")
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 0):
        raise ConfigError(key, str(path), f"'rows' in {where.name} must be a whole number >= 0")
    return info


def read_design(path: str | Path, key: str = "sweep.design") -> Design:
    """Read a design table and its problem definition, checked whole (see :func:`_check_columns`,
    :func:`_read_info`); ConfigError naming ``key`` if unusable. No message quotes the file."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(key, str(path), "must be a .csv or .parquet file")
    if not path.is_file():
        raise ConfigError(key, str(path), "file not found (or not a regular file)")
    try:
        table = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    except (ValueError, OSError, UnicodeError, pd.errors.ParserError) as error:
        raise ConfigError(key, str(path), f"unreadable as a table ({_reason(error)})") from None
    if len(table.columns) == 0 or table.empty:
        raise ConfigError(key, str(path), "has no rows")
    header = _header(path) if path.suffix == ".csv" else list(table.columns)
    _check_columns(key, path, header if header is not None else list(table.columns))
    info: dict[str, Any] = {}
    if info_path(path).is_file():
        info = _read_info(key, path, [str(c) for c in table.columns])
    return Design(table, info)


def write_design(path: str | Path, design: Design) -> None:
    """Write the table and, beside it, the problem definition; each file appears complete or not at all."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError("--out", str(path), "must end in .csv or .parquet")
    with staged(path.parent) as tmp:
        if path.suffix == ".csv":
            design.table.to_csv(tmp / path.name, index=False)
        else:
            design.table.to_parquet(tmp / path.name, index=False)
        (tmp / info_path(path).name).write_text(json.dumps(design.info, indent=2) + "\n")
        publish(tmp, path.parent, (path.name, info_path(path).name))


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
