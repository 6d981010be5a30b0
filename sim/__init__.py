"""An agent-based simulator of community participation and social-lab experiments."""


def __getattr__(name: str) -> str:
    """``sim.__version__``, looked up on first use (importlib.metadata costs ~0.1 s at start-up)."""
    if name != "__version__":
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("community-sim")
    except PackageNotFoundError:  # running from a source tree that was not installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
