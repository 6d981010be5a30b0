"""A surveyed network read from CSV files: ``network.edgelist.path`` (columns source,target) and,
optionally, ``network.edgelist.nodes_path`` (column node, optional columns courtyard and household).

Every label is read as text (PyArrow's CSV reader, fast on files of millions of ties) with the white
space around it removed, so ``7`` and ``flat-7`` are labels alike. Refused, with a one-line
ConfigError naming the key and a row number but never the file's contents: a file that is not
UTF-8 CSV with the needed header; a blank label; one number written two ways (``2`` and ``2.0``,
``001`` and ``1``: different text, so they would be different residents); a node listed twice in
the nodes file; a tie naming a node the nodes file does not list; a resident count that differs
from ``community.n_residents``. Rows are counted from 1, after the header.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from sim.config import NetworkConfig
from sim.schema import ConfigError

NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"


def _reason(error: Exception) -> str:
    """What went wrong reading a CSV, without quoting the file."""
    text = str(error)
    if "UTF8" in text or "UTF-8" in text or isinstance(error, UnicodeError):
        return "is not UTF-8 text"
    cells = re.search(r"Expected (\d+) columns?, got (\d+)", text)
    if cells:
        return f"is not a CSV table: a row has {cells.group(2)} cells where the header has {cells.group(1)}"
    if "Empty CSV file" in text:
        return "is empty (needs a header row)"
    return f"could not be read as CSV ({type(error).__name__})"


def read_table(key: str, path: str, columns: list[str], optional: tuple[str, ...] = ()) -> dict[str, pa.Array]:
    """The named columns of a CSV file as trimmed text, each checked to have no blank cell."""
    wanted = [*columns, *optional]
    try:
        table = csv.read_csv(path, convert_options=csv.ConvertOptions(
            column_types={c: pa.string() for c in wanted}, strings_can_be_null=False))
        names = table.column_names  # decoding a binary header fails here
    except (pa.ArrowException, OSError, UnicodeError) as error:
        raise ConfigError(key, path, _reason(error)) from None
    if any(c not in names for c in columns):
        raise ConfigError(key, path, f"needs a header row naming the columns {','.join(columns)} "
                          f"(its header has {len(names)} column(s), not these)")
    out = {}
    present = [c for c in wanted if c in names]
    for c in present:
        values = pc.utf8_trim_whitespace(table.column(c).combine_chunks())
        if not pa.types.is_string(values.type):
            values = values.cast(pa.string())
        blank = pc.equal(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False)
        if blank.any():
            raise ConfigError(key, path, f"row {int(np.argmax(blank)) + 1} has a blank {c} cell; "
                              "every cell of the columns " + ",".join(present) + " needs a label")
        out[c] = values
    return out


def _canonical(labels: pa.Array) -> pa.Array:
    """Numbers in one form: no sign '+', no leading zeros, no trailing fractional zeros."""
    s = pc.replace_substring_regex(labels, r"^\+", "")
    s = pc.replace_substring_regex(s, r"^(-?)0+(\d)", r"\1\2")
    has_point = pc.match_substring(s, ".")
    trimmed = pc.replace_substring_regex(pc.replace_substring_regex(s, r"0+$", ""), r"\.$", "")
    return pc.if_else(has_point, trimmed, s)


def check_one_form(key: str, path: str, what: str, codes: np.ndarray, labels: pa.Array, n_rows: int) -> None:
    """Refuse labels that are one number written two ways, naming the rows of the first two."""
    numeric = pc.match_substring_regex(labels, NUMBER).to_numpy(zero_copy_only=False)
    if numeric.sum() < 2:
        return
    which = np.flatnonzero(numeric)
    forms = np.asarray(_canonical(labels.take(pa.array(which))).to_pylist(), dtype=object)
    order = np.argsort(forms, kind="stable")
    same = np.flatnonzero(forms[order][1:] == forms[order][:-1])
    if not len(same):
        return
    a, b = which[order[same[0]]], which[order[same[0] + 1]]
    first = {int(c): int(i) for c, i in zip(*np.unique(codes, return_index=True)) if c in (a, b)}
    rows = sorted(first[c] % n_rows + 1 for c in (a, b))
    raise ConfigError(key, path, f"rows {rows[0]} and {rows[1]} write the same number two ways in the {what} "
                      "(like 2 and 2.0, or 001 and 1), which would make two residents; write each label one way")


def _encode(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Codes 0..k-1 in order of first appearance, and the labels they stand for."""
    encoded = pc.dictionary_encode(values)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary


def read_edgelist(cfg: NetworkConfig, n_expected: int):
    """A :class:`sim.network.SocialNetwork` from the edge-list files (see the module docstring).
    Without a nodes file the residents are the nodes named in the ties, in order of first
    appearance (every source, then every target), courtyards consecutive blocks of
    ``courtyard_size`` and everyone their own household."""
    from sim.network import SocialNetwork

    key, path = "network.edgelist.path", cfg.edgelist.path
    ties = read_table(key, path, ["source", "target"])
    m = len(ties["source"])
    ends = pa.concat_arrays([ties["source"], ties["target"]])
    if cfg.edgelist.nodes_path:
        nkey, npath = "network.edgelist.nodes_path", cfg.edgelist.nodes_path
        nodes = read_table(nkey, npath, ["node"], ("courtyard", "household"))
        node_codes, labels = _encode(nodes["node"])
        if len(labels) < len(node_codes):
            _, first = np.unique(node_codes, return_index=True)  # first row of each code
            repeat = int(np.setdiff1d(np.arange(len(node_codes)), first)[0])
            earlier = int(first[node_codes[repeat]])
            raise ConfigError(nkey, npath, f"row {repeat + 1} lists the node of row {earlier + 1} again; "
                              "list each node once")
        check_one_form(nkey, npath, "node column", node_codes, labels, len(node_codes))
        index = pc.index_in(ends, value_set=labels)
        missing = pc.is_null(index).to_numpy(zero_copy_only=False)
        if missing.any():
            row = int(np.argmax(missing))
            raise ConfigError(key, path, f"row {row % m + 1} names a node that {nkey} does not list")
        codes = index.to_numpy(zero_copy_only=False).astype(np.int64)
        n = len(labels)
        courtyard = _groups(nkey, npath, nodes.get("courtyard"), "courtyard column")
        household = _groups(nkey, npath, nodes.get("household"), "household column")
    else:
        if m == 0:
            raise ConfigError(key, path, "has no ties (a header only); list one tie per row, or list the "
                              "residents in network.edgelist.nodes_path")
        codes, labels = _encode(ends)
        check_one_form(key, path, "source and target columns", codes, labels, m)
        n, courtyard, household = len(labels), None, None
    if n != n_expected:
        raise ConfigError("community.n_residents", n_expected,
                          f"the edge list has {n} residents; set community.n_residents={n}")
    if courtyard is None:
        courtyard = np.arange(n) // cfg.courtyard_size
    if household is None:
        household = np.arange(n)  # without survey data, everyone is their own household
    pairs = np.column_stack([codes[:m], codes[m:]])
    return SocialNetwork.from_edges(n, pairs, courtyard, household, labels.to_pylist())


def _groups(key: str, path: str, values: pa.Array | None, what: str) -> np.ndarray | None:
    if values is None:
        return None
    codes, labels = _encode(values)
    check_one_form(key, path, what, codes, labels, len(codes))
    return codes
