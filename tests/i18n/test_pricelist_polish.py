"""Issue 18: a broken price list spoke English in a Polish session.

``bbdispatch.pricelist`` built its errors as bare f-strings, so doctor's price
list line and every command that reads the file (they stop before they run)
said what was wrong in English under ``--lang pl``. The keys stay the file's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.pricelist import PriceListError, parse_pricelist, use_pricelist_file


@pytest.fixture(autouse=True)
def _default_after() -> object:
    yield None
    use_pricelist_file(None)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A price list with a VAT rate and nothing else: no [billing] table."""
    path = tmp_path / "cennik.toml"
    path.write_text('vat_rate = "0.23"\n', encoding="utf-8")
    return path


@pytest.fixture
def firm_db(tmp_path: Path) -> Path:
    db = tmp_path / "firma.db"
    assert main(["--db", str(db), "init"]) == 0
    return db


def test_doctor_says_what_is_wrong_with_the_price_list_in_polish(
    broken: Path, firm_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    capsys.readouterr()
    code = main(
        ["--lang", "pl", "--pricelist", str(broken), "--db", str(firm_db), "doctor",
         "--root", str(root)]
    )  # fmt: skip
    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    line = next(ln for ln in lines if "cennik:" in ln)
    assert line == f"NAPRAW  cennik: {broken}: billing: brak tabeli [billing]", lines


def test_a_command_stops_on_the_price_list_in_polish(
    broken: Path, firm_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--lang", "pl", "--pricelist", str(broken), "--db", str(firm_db), "jobs"]) == 1
    assert capsys.readouterr().err == f"bbdispatch: {broken}: billing: brak tabeli [billing]\n"


def test_a_missing_price_list_is_named_in_polish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nie-ma.toml"
    assert main(["--lang", "pl", "--pricelist", str(missing), "pricelist"]) == 1
    assert capsys.readouterr().err == f"bbdispatch: nie znaleziono cennika: {missing}\n"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"vat_rate": "1.5"}, 'vat_rate: musi być ułamkiem od 0 do 1, np. "0.23"'),
        (
            {"vat_rate": "0.23", "billing": {"rounding_minutes": 90}},
            "billing.rounding_minutes: musi być od 1 do 60, a nie 90",
        ),
    ],
)
def test_the_problem_itself_is_polish(
    polish: None, document: dict[str, object], expected: str
) -> None:
    with pytest.raises(PriceListError) as caught:
        parse_pricelist(document)
    assert str(caught.value) == expected
