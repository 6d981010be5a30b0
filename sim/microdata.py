"""Residents from survey microdata: read, check, scale up by weight, impute, map Likert answers.

A survey file (CSV or Parquet, ``community.residents``) has one row per respondent:

============== ======== ===================================================================
column         required values
============== ======== ===================================================================
id             yes      respondent id, unique (any text or number)
age_group      yes      1 under 40, 2 40-59, 3 60 and over
interest       yes      Likert 1-5: interest in public affairs
efficacy       yes      Likert 1-5: sense of efficacy ("people like me can change things")
trust          yes      Likert 1-5: trust in the residents' committee and officials
satisfaction   no       Likert 1-5: satisfaction with community affairs
capacity       yes      Likert 1-5: skills for taking part (or education banded into 1-5)
online         yes      1 has online access, 0 has not
courtyard      no       courtyard (or building) code of the respondent, an integer >= 0
household      no       household code, an integer >= 0 (checked; households come from the network)
cooperation    no       0 conditional cooperator, 1 free rider, 2 unconditional cooperator
weight         no       survey weight > 0 (default 1)
============== ======== ===================================================================

An empty cell is a missing answer. Likert answers (whole or averaged scale scores in [1, 5])
map onto the model's 0-1 scales by the centre of the answer's fifth of [0, 1]:
``x01 = (answer - 0.5) / 5`` (1 -> 0.1, 3 -> 0.5, 5 -> 0.9), so no resident starts at the
absorbing ends 0 or 1.

Scale-up: the community's ``n_residents`` network nodes are filled courtyard by courtyard
(respondents' courtyard codes, in sorted order, become the network's courtyards 0, 1, ...;
without a courtyard column, or for a courtyard with no respondent, the whole sample is used).
Each respondent gets ``floor(m * w / W)`` copies among a courtyard's ``m`` nodes and the
remaining nodes go to respondents drawn without replacement with chance proportional to the
fractional parts (controlled rounding: the copies match the weights as closely as integers can).
Missing answers are imputed per resident, not per respondent, from the configured distributions
(:meth:`sim.state.ResidentState.draw`); online access missing is drawn from the age group's
``online_*`` share. Attributes a survey does not ask (time cost, threshold, ...) are drawn as
usual.

Files are read as UTF-8 (with or without a byte-order mark) or, failing that, as GB18030 (the
export encoding of many Chinese survey tools). Errors name the file, the row (1 = first data
row) and the column, and never quote a cell.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import CommunityConfig
from sim.schema import ConfigError
from sim.state import CooperationType, ResidentState

KEY = "community.residents"
LIKERT = ("interest", "efficacy", "trust", "satisfaction", "capacity")
CODES = {  # column -> allowed integer codes
    "age_group": (1, 2, 3),
    "online": (0, 1),
    "cooperation": tuple(int(t) for t in CooperationType),
}
INTEGERS = ("courtyard", "household")  # integers >= 0
COLUMNS = ("id", "age_group", *LIKERT, "online", "courtyard", "household", "cooperation", "weight")
REQUIRED = ("id", "age_group", "interest", "efficacy", "trust", "capacity", "online")
ENCODINGS = ("utf-8-sig", "gb18030")


class MicrodataError(ConfigError):
    """A survey file the model cannot use; the message names file, row and column, never a cell."""

    def __init__(self, path: str | Path, problem: str, row: int | None = None, column: str | None = None):
        where = [f"file {path}"] + ([f"row {row}"] if row is not None else []) + \
                ([f"column {column}"] if column is not None else [])
        self.key, self.value, self.allowed = KEY, str(path), problem
        ValueError.__init__(self, f"config error: {KEY}: {', '.join(where)}: {problem}")


def likert_to_unit(answer: np.ndarray) -> np.ndarray:
    """Likert 1-5 onto [0, 1]: the centre of the answer's fifth, ``(answer - 0.5) / 5``."""
    return (np.asarray(answer, dtype=float) - 0.5) / 5.0


def unit_to_likert(x: np.ndarray) -> np.ndarray:
    """The inverse rule for whole answers: the fifth of [0, 1] that ``x`` falls in, 1..5."""
    return np.clip(np.floor(np.asarray(x, dtype=float) * 5.0) + 1, 1, 5).astype(int)


@dataclass(frozen=True)
class Survey:
    """A checked survey: one row per respondent, answers on the model's scales, NaN = missing."""

    path: str
    table: pd.DataFrame  # columns: age_group (0-2), LIKERT (0-1), online, cooperation, courtyard, weight

    @property
    def n(self) -> int:
        return len(self.table)


def _decode(path: Path, raw: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MicrodataError(path, "is neither UTF-8 nor GB18030 text; save it as UTF-8 CSV (or Parquet)")


def _read_frame(path: Path) -> pd.DataFrame:
    """The file as a frame of cells (text for CSV)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as error:  # pyarrow raises many kinds
            raise MicrodataError(path, f"not a readable Parquet file ({type(error).__name__})") from None
    if suffix != ".csv":
        raise MicrodataError(path, "must be a .csv or .parquet file")
    text = _decode(path, path.read_bytes())
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError as error:
        line = _parser_line(str(error))
        raise MicrodataError(path, "a row has more cells than the header"
                             + (f" (line {line})" if line else "")) from None
    except pd.errors.EmptyDataError:
        raise MicrodataError(path, "is empty (needs a header line and one row per respondent)") from None
    return frame


def _parser_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _numbers(path: Path, frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats (NaN = empty cell); a cell that is not a number is refused by row."""
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values):  # Parquet: numbers (or booleans, e.g. online) as such
        return values.to_numpy(dtype=float, na_value=np.nan)
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    parsed = pd.to_numeric(text.where(~empty), errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~empty.to_numpy() & ~np.isfinite(parsed))
    if len(bad):
        raise MicrodataError(path, "not a number", row=int(bad[0]) + 1, column=column)
    return parsed


def _check_range(path: Path, column: str, values: np.ndarray, ok: np.ndarray, allowed: str) -> None:
    bad = np.flatnonzero(~np.isnan(values) & ~ok)
    if len(bad):
        raise MicrodataError(path, f"out of range; allowed: {allowed} or empty", row=int(bad[0]) + 1,
                             column=column)


def _check_ids(path: Path, frame: pd.DataFrame) -> None:
    ids = frame["id"].astype("string").str.strip()
    empty = np.flatnonzero((ids.isna() | (ids == "")).to_numpy())
    if len(empty):
        raise MicrodataError(path, "empty id (every respondent needs one)", row=int(empty[0]) + 1, column="id")
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero((ids == ids.iloc[row]).to_numpy())[0])
        raise MicrodataError(path, f"duplicate id (same as row {first + 1})", row=row + 1, column="id")


@functools.lru_cache(maxsize=16)
def _read_cached(path: str, mtime_ns: int, size: int) -> Survey:
    return _parse(Path(path))


def read_survey(path: str | Path) -> Survey:
    """Read and check a survey file (cached while the file is unchanged)."""
    p = Path(path)
    if not p.is_file():
        raise MicrodataError(p, "file not found")
    stat = p.stat()
    return _read_cached(str(p), stat.st_mtime_ns, stat.st_size)


def _parse(path: Path) -> Survey:
    frame = _read_frame(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    for i, column in enumerate(frame.columns):
        if column not in COLUMNS:
            raise MicrodataError(path, "unknown column; allowed: " + ", ".join(COLUMNS),
                                 column=f"{i + 1} ({column!r})" if column.isascii() else str(i + 1))
    dup = pd.Index(frame.columns).duplicated()
    if dup.any():
        raise MicrodataError(path, "appears twice in the header", column=frame.columns[int(np.flatnonzero(dup)[0])])
    for column in REQUIRED:
        if column not in frame.columns:
            raise MicrodataError(path, "missing column (every file needs it)", column=column)
    if len(frame) == 0:
        raise MicrodataError(path, "has no respondents (no rows below the header)")
    _check_ids(path, frame)
    n = len(frame)
    out: dict[str, np.ndarray] = {}
    for column in LIKERT:
        values = _numbers(path, frame, column) if column in frame else np.full(n, np.nan)
        _check_range(path, column, values, (values >= 1) & (values <= 5), "a number in [1, 5]")
        out[column] = likert_to_unit(values)
    for column, codes in CODES.items():
        values = _numbers(path, frame, column) if column in frame else np.full(n, np.nan)
        _check_range(path, column, values, np.isin(values, codes), ", ".join(map(str, codes)))
        out[column] = values
    out["age_group"] = out["age_group"] - 1  # 1-3 -> AgeGroup 0-2
    for column in INTEGERS:
        values = _numbers(path, frame, column) if column in frame else np.full(n, np.nan)
        whole = np.isfinite(values) & (values >= 0) & (np.mod(values, 1) == 0)
        _check_range(path, column, values, whole, "an integer >= 0")
        out[column] = values
    if "courtyard" in frame and np.isnan(out["courtyard"]).any() and not np.isnan(out["courtyard"]).all():
        row = int(np.flatnonzero(np.isnan(out["courtyard"]))[0]) + 1
        raise MicrodataError(path, "empty courtyard (give every respondent's courtyard, or none)",
                             row=row, column="courtyard")
    weight = _numbers(path, frame, "weight") if "weight" in frame else np.ones(n)
    bad = np.flatnonzero(~(weight > 0))  # empty (NaN) or <= 0
    if len(bad):
        raise MicrodataError(path, "must be a number > 0", row=int(bad[0]) + 1, column="weight")
    out["weight"] = weight
    return Survey(str(path), pd.DataFrame(out))


def _allocate(weights: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """Respondent index for each of ``m`` nodes: controlled rounding of ``m * w / W`` copies."""
    expected = m * weights / weights.sum()
    copies = np.floor(expected).astype(np.int64)
    rest = m - int(copies.sum())
    if rest:
        frac = expected - copies
        extra = rng.choice(len(weights), size=rest, replace=False, p=frac / frac.sum())
        copies[extra] += 1
    return rng.permutation(np.repeat(np.arange(len(weights)), copies))


def scale_up(survey: Survey, courtyard: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each network node, the respondent (row of ``survey.table``) it is a copy of."""
    t = survey.table
    weights = t["weight"].to_numpy()
    source = np.empty(len(courtyard), dtype=np.int64)
    if np.isnan(t["courtyard"]).all():
        source[:] = _allocate(weights, len(courtyard), rng)
        return source
    labels = np.unique(t["courtyard"].to_numpy())
    n_courtyards = int(courtyard.max()) + 1
    if len(labels) > n_courtyards:
        raise MicrodataError(survey.path, f"{len(labels)} courtyards in the survey but the network has "
                             f"{n_courtyards}; use fewer courtyard codes or more community.n_residents",
                             column="courtyard")
    code = np.searchsorted(labels, t["courtyard"].to_numpy())  # respondents' courtyard -> 0, 1, ...
    for c in range(n_courtyards):
        nodes = np.flatnonzero(courtyard == c)
        if len(nodes) == 0:
            continue
        pool = np.flatnonzero(code == c) if c < len(labels) else np.arange(len(t))
        source[nodes] = pool[_allocate(weights[pool], len(nodes), rng)]
    return source


def draw_residents(cfg: CommunityConfig, courtyard: np.ndarray, household: np.ndarray,
                   rng: np.random.Generator) -> ResidentState:
    """Residents copied from the survey ``cfg.residents``; missing answers imputed from ``cfg``.

    The configured population is drawn first (:meth:`ResidentState.draw`); each resident then
    takes the answers of the respondent it is a copy of (:func:`scale_up`) where that respondent
    answered, so a missing answer keeps the configured draw (imputation).
    """
    survey = read_survey(cfg.residents)
    state = ResidentState.draw(cfg, courtyard, household, rng)
    source = scale_up(survey, courtyard, rng)
    t = survey.table.iloc[source]
    for column in LIKERT:
        answered = t[column].notna().to_numpy()
        getattr(state, column)[answered] = t[column].to_numpy()[answered]
    age = t["age_group"].to_numpy()
    answered = ~np.isnan(age)
    state.age_group[answered] = age[answered].astype(np.int8)
    online = t["online"].to_numpy()
    online_p = np.array([cfg.online_young, cfg.online_middle, cfg.online_elderly])[state.age_group]
    missing = np.isnan(online)
    state.online[:] = np.where(missing, rng.random(len(source)) < online_p, online == 1)
    coop = t["cooperation"].to_numpy()
    answered = ~np.isnan(coop)
    state.cooperation[answered] = coop[answered].astype(np.int8)
    return state
