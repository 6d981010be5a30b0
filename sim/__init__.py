"""An agent-based simulator of community participation and social-lab experiments.

From Python: ``sim.run``, ``sim.experiment``, ``sim.compare_arms`` and ``sim.sweep_grid``
(:mod:`sim.api`), imported on first use so that ``import sim`` stays cheap.
"""

API = ("run", "experiment", "compare_arms", "sweep_grid", "compose")


def __getattr__(name: str):
    """``sim.__version__`` and the notebook API (:mod:`sim.api`), looked up on first use
    (importlib.metadata costs ~0.1 s at start-up, Hydra and Mesa more)."""
    if name in API:
        from sim import api

        value = getattr(api, name)
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("community-sim")
        except PackageNotFoundError:  # running from a source tree that was not installed
            value = "0.0.0+unknown"
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), "__version__", *API])
