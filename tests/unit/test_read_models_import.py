"""The modules the phone path reads with build none of the write forms, nor the time zone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bbdispatch import clock


def test_the_firm_zone_is_warsaw_on_first_use() -> None:
    assert str(clock.FIRM_ZONE) == "Europe/Warsaw"
    assert clock.FIRM_ZONE is clock.firm_zone()
    with pytest.raises(AttributeError):
        clock.NO_SUCH_ZONE  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_read_models_builds_no_form() -> None:
    """``domain.jobs``/``clients``/``calls`` and their storage no longer build the forms."""
    code = (
        "import sys; import bbdispatch.storage.jobs, bbdispatch.storage.clients,"
        " bbdispatch.storage.calls, bbdispatch.clock, bbdispatch.text;"
        "print(sorted(m for m in ('bbdispatch.domain.job_edits', 'bbdispatch.domain.client_details',"
        " 'bbdispatch.domain.callbacks', 'bbdispatch.domain.lifecycle', 'zoneinfo', 'json')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_json_text_still_escapes_controls() -> None:
    from bbdispatch.text import json_text

    assert json_text({"a": "x\u202ey\x7f"}, indent=None) == '{"a": "x\\u202ey\\u007f"}'
