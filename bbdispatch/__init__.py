"""bbdispatch: a terminal dispatcher for a small IT-services firm."""

__version__ = "0.1.0"
"""The one place the version is written; hatchling reads it from here for the package.

A constant rather than ``importlib.metadata.version()``, which costs tens of
milliseconds of every cold start.
"""
