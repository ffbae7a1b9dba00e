"""The firm's own price list file: --pricelist or $BBDISPATCH_PRICELIST, shown by pricelist
and doctor, read by every command (the installed example is not the firm's file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.pricelist import PRICELIST_ENV, shipped_pricelist_path, use_pricelist_file
from bbdispatch.services.doctor import check_pricelist


@pytest.fixture
def firm_file(tmp_path: Path) -> Path:
    text = shipped_pricelist_path().read_text(encoding="utf-8")
    changed = text.replace('net = "600.00"', 'net = "650.00"')
    assert changed != text
    # The firm closes on 2 November.
    changed = changed.replace("closed_days = []", "closed_days = [2026-11-02]", 1)
    path = tmp_path / "firma.toml"
    path.write_text(changed, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _default_after() -> object:
    yield None
    use_pricelist_file(None)


def test_the_flag_is_read_and_shown(firm_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--pricelist", str(firm_file), "pricelist"]) == 0
    out = capsys.readouterr().out
    assert "650.00" in out
    assert out.rstrip().endswith(f"Price list file: {firm_file} (--pricelist)")


def test_the_variable_is_read_by_every_command(
    firm_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PRICELIST_ENV, str(firm_file))
    assert main(["pricelist"]) == 0
    assert f"{firm_file} (${PRICELIST_ENV})" in capsys.readouterr().out
    assert main(["calendar", "--year", "2026"]) == 0
    assert "02/11/2026" in capsys.readouterr().out  # the firm's own closed day, English date
    check = check_pricelist()
    assert check.ok and str(firm_file) in check.message


def test_without_a_file_the_shipped_example_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PRICELIST_ENV, raising=False)
    assert main(["pricelist"]) == 0
    assert "the shipped example" in capsys.readouterr().out
    assert "shipped example" in check_pricelist().message


def test_a_missing_file_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nie-ma.toml"
    assert main(["--pricelist", str(missing), "pricelist"]) == 1
    err = capsys.readouterr().err
    assert err == f"bbdispatch: price list not found: {missing}\n"


def test_a_subcommands_price_is_not_the_pricelist(monkeypatch: pytest.MonkeyPatch) -> None:
    # argparse abbreviates: an early --pricelist reader once took "jobs add --price 350".
    from bbdispatch.cli import _choose_pricelist
    from bbdispatch.pricelist import default_pricelist_path

    monkeypatch.delenv(PRICELIST_ENV, raising=False)
    _choose_pricelist(["jobs", "add", "--client", "1", "--description", "x", "--price", "350"])
    assert default_pricelist_path() == shipped_pricelist_path()
