"""``python -m analysis summaries DIR``: print one row per complete run under DIR (CSV with --csv)."""

from __future__ import annotations

import argparse
import sys

from analysis.runs import summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summaries", help="table of final indicators of every run under DIR")
    p.add_argument("dir")
    p.add_argument("--csv", action="store_true", help="write CSV to stdout")
    args = parser.parse_args(argv)
    try:
        table = summaries(args.dir)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(table.to_csv(index=False) if args.csv else table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
