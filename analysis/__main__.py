"""``python -m analysis COMMAND``: tables, designs and reports from run outputs.

    summaries DIR        one row per complete run under DIR (CSV with --csv)
    design ...           write a design file (grid, lhs, sobol, morris) for `sim -m sweep.design=...`
    gather SWEEP_DIR     (re)build results.parquet and timeseries_long.parquet of a sweep
    report SWEEP_DIR     write SWEEP_DIR/report.html (figures also as PNG in SWEEP_DIR/report/)
"""

from __future__ import annotations

import argparse
import sys

from analysis.runs import summaries
from sim.schema import ConfigError


def _summaries(args) -> None:
    table = summaries(args.dir)
    print(table.to_csv(index=False) if args.csv else table.to_string(index=False))


def _design(args) -> None:
    from analysis.design import make_design, parse_bounds, suggested_chunk_size, sweep_command
    from sim.sweep.design_file import info_path, write_design

    design = make_design(args.method, parse_bounds(args.params), args.n, seed=args.seed,
                         second_order=args.second_order, levels=args.levels)
    write_design(args.out, design)
    rows = len(design.table)
    print(f"{args.out}: {rows} rows ({args.method}, n={args.n}, {len(args.params)} parameters); "
          f"problem in {info_path(args.out)}")
    print("run it (add sweep.replications=R for R seeds per row):")
    print("  " + sweep_command(args.out, rows, args.chunk_size or suggested_chunk_size(rows)))


def _gather(args) -> None:
    """Gather under the sweep folder's lock: refused while a sweep runs in it."""
    from pathlib import Path

    from sim.sweep.lock import lock_sweep, unlock_sweep
    from sim.sweep.store import RESULTS, NotASweep, gather, is_sweep_dir

    folder = Path(args.dir)
    if not folder.is_dir() or not is_sweep_dir(folder):
        gather(folder)  # raises NotASweep with the reason
        raise NotASweep(f"{folder} is not a sweep folder")
    lock = lock_sweep(folder, key="SWEEP_DIR")
    try:
        info = gather(folder)
    finally:
        unlock_sweep(lock, folder)
    missing = info.get("jobs_missing") or []
    note = f"; {len(missing)} job(s) of the last multirun not finished" if missing else ""
    print(f"{args.dir}/{RESULTS}: {info['runs']} runs from {info['jobs']} jobs{note}")


def _report(args) -> None:
    import pandas as pd

    from analysis.report import FIGURES, INDICES, build_report

    report = build_report(args.dir, heatmap_axes=args.heatmap)
    print(report)
    indices = report.parent / FIGURES / INDICES
    if indices.is_file():  # Sobol' indices too uncertain to read: say so where the user looks
        table = pd.read_csv(indices, keep_default_na=False)
        warned = table[table["warning"] != ""] if "warning" in table else table.iloc[:0]
        for row in warned.itertuples():
            print(f"warning: {row.outcome}, {row.parameter}: {row.warning} ({indices})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from sim.sweep.store import NotASweep

    parser = argparse.ArgumentParser(prog="python -m analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summaries", help="table of final indicators of every run under DIR")
    p.add_argument("dir")
    p.add_argument("--csv", action="store_true", help="write CSV to stdout")
    p.set_defaults(func=_summaries)

    p = sub.add_parser("design", help="write a design file for a sweep")
    p.add_argument("--method", required=True, choices=("grid", "lhs", "sobol", "morris"))
    p.add_argument("--params", nargs="+", required=True, metavar="NAME=LOW:HIGH",
                   help="config keys and bounds, e.g. deliberation.facilitation=0:1")
    p.add_argument("--n", type=int, required=True,
                   help="grid: values per parameter; lhs: points; sobol: base sample (power of 2); "
                        "morris: trajectories")
    p.add_argument("--out", required=True, help="design file, .csv or .parquet (problem saved beside it as .json)")
    p.add_argument("--seed", type=int, default=42, help="seed of the sampler (default 42)")
    p.add_argument("--second-order", action="store_true", help="sobol: also second-order indices")
    p.add_argument("--levels", type=int, default=4, help="morris: grid levels (default 4)")
    p.add_argument("--chunk-size", type=int, default=None, help="design rows per job in the printed command")
    p.set_defaults(func=_design)

    p = sub.add_parser("gather", help="gather a sweep's job rows into results.parquet")
    p.add_argument("dir")
    p.set_defaults(func=_gather)

    p = sub.add_parser("report", help="write SWEEP_DIR/report.html")
    p.add_argument("dir")
    p.add_argument("--heatmap", nargs=2, metavar=("X", "Y"), help="the two parameters of the heatmap")
    p.set_defaults(func=_report)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except (FileNotFoundError, NotASweep) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, MemoryError) as error:  # e.g. a full disk: one line, the old tables removed
        from sim.failures import describe_failure

        print(describe_failure(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
