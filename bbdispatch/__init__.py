"""bbdispatch: a terminal dispatcher for a small IT-services firm."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``bbdispatch.__version__``, read from the package metadata only when asked.

    importlib.metadata costs tens of milliseconds at import; the dispatcher's
    cold start should not pay for a version string it never shows.
    """
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bbdispatch")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0+checkout"
