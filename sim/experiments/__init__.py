"""Social-lab experiments: many simulated communities (or poll participants), treatment assignment
designs, effect estimates and, beside them, the true effects from counterfactual runs.

``sim experiment=NAME`` runs one preset (sim/conf/experiment/NAME.yaml); in Python, :func:`sim.experiment` does the same and
returns its tables as DataFrames::

    import sim
    result = sim.experiment("gulou_small")   # composed exactly as the command composes it
    result.effects

For a config of your own, compose it first (``base`` is the community config, ``exp`` the
experiment's own keys) and call :func:`run_experiment`::

    composition = sim.compose("experiment=gulou_small", "seed=7")
    summary, results = run_experiment(composition.raw, composition.experiment, "out/")

See docs/experiments.md.
"""

from sim.experiments.experiment import execute, prepare, run_experiment

__all__ = ["execute", "prepare", "run_experiment"]
