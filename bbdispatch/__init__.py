"""bbdispatch: a terminal dispatcher for a small IT-services firm."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bbdispatch")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0+checkout"
