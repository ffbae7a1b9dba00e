"""The audit seal of a PostgreSQL database: written by ``--seal``, read by every later verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main
from tests.pg_server import PgServer


def test_a_seal_made_on_postgresql_is_checked_by_the_next_verify(
    pg: PgServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = pg.url(pg.create())
    assert main(["--db", url, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "audit", "verify", "--seal"]) == 0
    out, err = capsys.readouterr()
    assert "sealed" in out, err
    seals = list((tmp_path / "data").rglob("*.audit-head"))
    assert len(seals) == 1
    for _run in range(2):
        code = main(["--db", url, "audit", "verify"])
        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), err
        assert "cannot be read" not in out and "no seal" not in out, out
    # The seal is really checked: one that names another head fails the next verify.
    seals[0].write_text('{"id": 1, "chain_hash": "0000", "sealed_by": "root"}\n', "utf-8")
    seals[0].chmod(0o644)
    assert main(["--db", url, "audit", "verify"]) == 1
