"""The regression baseline: the default run, every scenario and two experiments at a fixed seed.

``baseline.json`` (beside this file) is the checked-in record; ``tests/test_regression_baseline.py``
fails on any difference. After a change that is *meant* to alter results, refresh it and say so:

    .venv/bin/python tests/regression/baseline.py          # rewrite baseline.json
    .venv/bin/python tests/regression/baseline.py --check  # print the differences, change nothing

A run's case records its summary (without the version) and, for the weekly time series and the
meetings table, the row count and every numeric column's sum: a change anywhere in a run moves at
least one of them. An experiment's case records every estimate, standard error and true effect.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
SEED = 42
RELATIVE_TOLERANCE = 1e-9  # summation order only; any change of behaviour moves figures far more


EXPERIMENTS = ("gulou_small", "new_haven")  # a community experiment and a deliberative poll (~18 s)


def cases() -> dict[str, list[str]]:
    """Case name -> overrides: the default community, every scenario preset, two experiments."""
    from sim.cli import known_scenarios

    found = {"default": []}
    found.update({f"scenario={name}": [f"scenario={name}"] for name in known_scenarios()})
    found.update({f"experiment={name}": [f"experiment={name}"] for name in EXPERIMENTS})
    return found


def compose(overrides: list[str]) -> dict:
    from sim.conf import compose as compose_config

    return compose_config([f"seed={SEED}", *overrides])


def column_sums(frame) -> dict:
    numeric = frame.select_dtypes("number")
    return {"rows": len(frame), **{c: float(numeric[c].sum()) for c in numeric.columns}}


def record(overrides: list[str]) -> dict:
    from sim.config import validate_config
    from sim.model import CommunityModel
    from sim.outputs import summarise

    raw = compose(overrides)
    experiment = raw.pop("experiment", None)
    raw.pop("calibrate", None)
    if experiment is not None:
        return experiment_record(raw, experiment)
    model = CommunityModel(validate_config(raw))
    model.run_for(model.config.steps)
    summary = summarise(model)
    summary.pop("version")
    return {"summary": summary, "timeseries": column_sums(model.timeseries()),
            "meetings": column_sums(model.meetings_frame())}


def experiment_record(raw: dict, experiment: dict) -> dict:
    import tempfile

    from sim.experiments.experiment import run_experiment

    with tempfile.TemporaryDirectory() as folder:
        summary, results = run_experiment(raw, experiment, folder)
    rows = results.effects.sort_values(["design", "outcome", "estimator"])
    return {"runs": summary["runs"], "effects": {
        f"{r.design}/{r.outcome}/{r.estimator}": [_number(r.estimate), _number(r.std_error), _number(r.true_effect)]
        for r in rows.itertuples()}}


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def differences(expected, actual, path: str = "") -> list[str]:
    """Every place where two records differ, as ``path: expected -> actual``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            here = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{here}: missing now")
            elif key not in expected:
                found.append(f"{here}: new ({actual[key]!r})")
            else:
                found.extend(differences(expected[key], actual[key], here))
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{path}[{i}]")]
    if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        same = math.isclose(expected, actual, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
        return [] if same else [f"{path}: {expected!r} -> {actual!r}"]
    return [] if expected == actual else [f"{path}: {expected!r} -> {actual!r}"]


def main(argv: list[str]) -> int:
    current = {name: record(overrides) for name, overrides in cases().items()}
    if "--check" in argv:
        found = differences(json.loads(BASELINE.read_text()), current)
        print("\n".join(found) or "no differences")
        return 1 if found else 0
    tmp = BASELINE.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    tmp.replace(BASELINE)
    print(f"wrote {BASELINE} ({len(current)} cases, seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    raise SystemExit(main(sys.argv[1:]))
