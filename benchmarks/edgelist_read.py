"""Time reading a large surveyed network: prints ONE JSON object.

    python benchmarks/edgelist_read.py [--nodes 200000] [--ties 4900000]

Writes a CSV edge list of random ties between labels ``r0`` .. ``r{nodes-1}`` (every node in at
least one tie) into a temporary folder, then times ``sim.edgelist.read_edgelist`` on it (read,
checks, label encoding, ``SocialNetwork.from_edges``) and reports the file size, the ties kept
and the process's peak memory (``ru_maxrss``, imports included).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    import numpy as np
    import pyarrow as pa
    from pyarrow import csv

    from sim.config import validate_config
    from sim.edgelist import read_edgelist

    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--ties", type=int, default=4_900_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, args.nodes, args.ties), rng.integers(0, args.nodes, args.ties)
    a[: args.nodes] = np.arange(args.nodes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ties.csv"
        table = pa.table({"source": pa.array(np.char.add("r", a.astype(str))),
                          "target": pa.array(np.char.add("r", b.astype(str)))})
        csv.write_csv(table, path, write_options=csv.WriteOptions(quoting_style="none"))
        cfg = validate_config({"community": {"n_residents": args.nodes},
                               "network": {"kind": "edgelist", "edgelist": {"path": str(path)}}})
        started = time.perf_counter()
        net = read_edgelist(cfg.network, args.nodes)
        seconds = time.perf_counter() - started
        print(json.dumps({"nodes": args.nodes, "ties_in_file": args.ties, "ties_kept": len(net.edges),
                          "file_mb": round(path.stat().st_size / 1e6, 1), "seconds_read_edgelist": round(seconds, 2),
                          "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
