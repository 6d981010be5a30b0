"""An agent-based simulator of community participation and social-lab experiments."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("community-sim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
