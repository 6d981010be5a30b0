"""Social-lab experiments: many simulated communities (or poll participants), treatment assignment
designs, effect estimates and, beside them, the true effects from counterfactual runs.

``sim experiment=NAME`` runs one preset (sim/conf/experiment/NAME.yaml); in Python,
:func:`sim.experiment` does the same and returns its tables as DataFrames::

    import sim
    result = sim.experiment("gulou_small")   # composed exactly as the command composes it
    result.effects

For a config of your own, compose it first (``raw`` is the community config, ``experiment`` the
experiment's own keys) and call :func:`run_experiment`::

    composition = sim.compose("experiment=gulou_small", "seed=7")
    summary, results = run_experiment(composition.raw, composition.experiment, "out/")

See docs/experiments.md.
"""

__all__ = ["execute", "prepare", "run_experiment"]


def __getattr__(name: str):
    """``execute``, ``prepare`` and ``run_experiment`` from :mod:`sim.experiments.experiment`, imported
    on first use: the model imports :mod:`sim.experiments.measurement`, and every run (each sweep
    worker among them) would otherwise import the experiment layer and SciPy's statistics with it."""
    if name in __all__:
        from sim.experiments import experiment

        return getattr(experiment, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
