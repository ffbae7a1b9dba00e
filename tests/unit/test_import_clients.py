from __future__ import annotations

import json
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.services.context import Ctx
from bbdispatch.services.import_clients import (
    ImportFileError,
    import_client_file,
    parse_client_csv,
)
from bbdispatch.services.spreadsheet import decode

GOOD = (
    "name,kind,nip,phone,email,street,city,postal_code,contact_person\n"
    "Zakład Fryzjerski Łucja,company,1132853869,22 123 45 67,lucja@example.pl,"
    "ul. Żurawia 4,Łódź,90-001,Łucja Gęś\n"
    "Grzegorz Brzęczyszczykiewicz,private,,+48 501 222 333,,ul. Wiejska 1,Chrząszczyżewoszyce,"
    "00-001,\n"
)
SEMICOLON = (
    "\ufeffname;city;phone;kind\n"
    "Sklep Ćma;Kraków;12 444 55 66;firma\n"
    'Hotel, Restauracja "Pod Różą";Gdańsk;58 300 10 10;company\n'
)


def test_parses_comma_file_with_polish_letters() -> None:
    rows = parse_client_csv(GOOD)
    assert [r.line for r in rows] == [2, 3]
    first = rows[0].client
    assert (first.name, first.city, first.contact_person) == (
        "Zakład Fryzjerski Łucja",
        "Łódź",
        "Łucja Gęś",
    )
    assert first.nip == "1132853869"
    assert first.phones == (("+48221234567", ""),)
    assert rows[1].client.kind.value == "private"


def test_detects_semicolons_and_any_column_order() -> None:
    rows = parse_client_csv(SEMICOLON)
    assert [r.client.name for r in rows] == ["Sklep Ćma", 'Hotel, Restauracja "Pod Różą"']
    assert rows[0].client.city == "Kraków"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,kind\nA,company\nB,shop\n", "Line 3, column kind: must be company/firma"),
        ("name,nip\nA,5260001246\nB,123\n", "Line 3, column nip: Invalid NIP"),
        ("name,phone\nA,12345\n", "Line 2, column phone: Not a valid phone number"),
        ("name,phone\n,601234567\n", "Line 2, column name: Enter the client's name"),
        ("city\nWarszawa\n", "Line 1, column name: the column is missing"),
        ("name,nip\nA,5260001246\nB,526-000-12-46\n", "Line 3, column nip: NIP 5260001246 is also on line 2"),
        ("name,email\nA,a@b.pl\nB,not-an-address\n", "Line 3, column email: Not an e-mail address"),
        ("", "The file is empty"),
        ("name,phone,phone\nA,601234567,601234568\n", "Line 1, column phone: the column appears twice"),
        ('name,kind\nA,company\n"unterminated,company\n', "Line 3: "),
    ],
)  # fmt: skip
def test_bad_rows_name_their_line(text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_client_csv(text)


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    text = "name,kind,nip,phone\nA,shop,123,12345\nB,firma,,\n,company,,\n"
    with pytest.raises(ImportFileError) as err:
        parse_client_csv(text)
    found = [(p.line, p.column) for p in err.value.problems]
    assert found == [(2, "kind"), (2, "phone"), (2, "nip"), (4, "name")]


POLISH = (
    "Nazwa;Rodzaj;NIP;Telefon;E-mail;Ulica;Miejscowość;Kod pocztowy;Osoba kontaktowa\r\n"
    "Biuro Rachunkowe Żak;firma;1132853869;22 123 45 67;biuro@zak.pl;ul. Śliska 2;Łódź;"
    "90-001;Zofia Żak\r\n"
    "Jan Kowalski;osoba prywatna;;601 234 567;;ul. Polna 1;Kraków;30-001;\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250"])
def test_polish_headers_kinds_and_encodings(encoding: str) -> None:
    rows = parse_client_csv(decode(POLISH.encode(encoding)))
    assert [(r.line, r.client.name, r.client.kind.value) for r in rows] == [
        (2, "Biuro Rachunkowe Żak", "company"),
        (3, "Jan Kowalski", "private"),
    ]
    assert rows[0].client.city == "Łódź" and rows[0].client.contact_person == "Zofia Żak"


async def test_import_is_all_or_nothing_and_idempotent(ctx: Ctx) -> None:
    summary = await import_client_file(ctx, GOOD)
    assert (summary.added, summary.skipped) == (2, 0)
    again = await import_client_file(ctx, GOOD)
    assert (again.added, again.skipped) == (0, 2)
    assert await ctx.db.fetch_value("SELECT COUNT(*) FROM client") == 2
    with pytest.raises(ImportFileError):
        await import_client_file(ctx, SEMICOLON + "Zła Firma;Kraków;123;company\n")
    assert await ctx.db.fetch_value("SELECT COUNT(*) FROM client") == 2
    audit = await ctx.db.fetch_value("SELECT COUNT(*) FROM audit_log WHERE action = 'imported'")
    assert audit == 2


async def test_reimport_matches_the_name_without_nip(ctx: Ctx) -> None:
    """Without a NIP a client is its name (case, accents, spacing ignored): a re-import
    whose row has another phone, or none, or other spacing, adds nobody twice."""
    await import_client_file(ctx, SEMICOLON)
    changed = SEMICOLON.replace("Sklep Ćma", "SKLEP  ĆMA")
    summary = await import_client_file(
        ctx, changed + "Sklep Ćma;Kraków;12 999 99 99;company\nsklep ćma ;Kraków;;company\n"
    )
    assert (summary.added, summary.skipped) == (0, 4)
    assert await ctx.db.fetch_value("SELECT COUNT(*) FROM client") == 2


def test_check_counts_what_the_import_then_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--check`` says how many rows would be added, and the import agrees."""
    db = tmp_path / "firm.db"
    first = tmp_path / "first.csv"
    first.write_text("name;phone\nJadwiga Żółkiewska;605 444 333\n", encoding="utf-8")
    again = tmp_path / "again.csv"
    again.write_text(
        "name;phone\nJadwiga  żółkiewska;605444333\nJadwiga Żółkiewska;\nNowy Klient;\n"
        "Nowy Klient;501 000 000\n",
        encoding="utf-8",
    )
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "import", str(first)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "import", "--check", str(again)]) == 0
    assert "(to add: 1, already there: 3)" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(again)]) == 0
    assert "1 client added, 3 already there" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(again)]) == 0
    assert "0 clients added, 4 already there" in capsys.readouterr().out


def test_import_command_reports_bad_line_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    good = tmp_path / "clients.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "Trzeci,company,999,,,,,,\n", encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"bbdispatch: {bad}: 1 problem; nothing was imported",
        "  Line 4, column nip: Invalid NIP: 999",
    ]
    assert main(["--db", str(db), "import", str(good)]) == 0
    assert "2 clients added" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(good)]) == 0
    assert "0 clients added, 2 already there" in capsys.readouterr().out
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nŁoś\n".encode("cp1250"))
    assert main(["--db", str(db), "import", "--check", str(latin)]) == 0
    assert "1 client, no problems found" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(latin)]) == 0
    assert "1 client added" in capsys.readouterr().out


def test_a_number_of_the_right_length_is_not_told_it_has_the_wrong_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``+48 900 000 000`` has 9 digits; it was refused with "Polish numbers have 9 digits"."""
    db = tmp_path / "firm.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,phone\nA,+48 900 000 000\nB,12345\n", encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "import", str(bad)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[1:] == [
        "  Line 2, column phone: Not a valid phone number: +48 900 000 000"
        " (no Polish number starts with these digits)",
        "  Line 3, column phone: Not a valid phone number: 12345 (Polish numbers have 9 digits)",
    ]


def test_a_file_bad_on_every_line_prints_the_first_problems_and_counts_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,phone\n" + "".join(f"K{i},12\n" for i in range(45)), encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    capsys.readouterr()
    for check in ([], ["--check"]):
        assert main(["--db", str(db), "import", *check, str(bad)]) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert lines[0] == f"bbdispatch: {bad}: 45 problems; nothing was imported"
        assert len(lines) == 1 + 20 + 1
        assert lines[20].startswith("  Line 21, column phone:")
        assert lines[-1] == "  … and 25 more problems"


def test_imported_clients_are_found_by_city_and_email(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "firm.db"
    good = tmp_path / "clients.csv"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "import", str(good)]) == 0
    capsys.readouterr()

    def found(text: str) -> list[str]:
        assert main(["--db", str(db), "clients", "--search", text, "--json"]) == 0
        return [c["name"] for c in json.loads(capsys.readouterr().out)]

    assert found("lodz") == ["Zakład Fryzjerski Łucja"]
    assert found("LUCJA@example") == ["Zakład Fryzjerski Łucja"]
    assert found("chrzaszczyzewoszyce grzegorz") == ["Grzegorz Brzęczyszczykiewicz"]
    assert found("lodz grzegorz") == []


def test_lookup_command(demo_db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_db_path), "lookup", "698 765 432", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["e164"] == "+48698765432"
    names = {c["name"]: c for c in found["clients"]}
    forma = names["Pracownia Architektoniczna Forma"]
    assert forma["kind"] == "company"
    assert forma["open_jobs"] == 1
    assert forma["contracts"][0]["code"] == "service-50h"
    assert set(forma["contracts"][0]) == {"code", "number", "hours_left"}
    assert forma["contracts"][0]["hours_left"] == 35.0
    assert names["Ewa Wójcik"]["contracts"] == []
    assert main(["--db", str(demo_db_path), "lookup", "12345", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err.strip()
        == "bbdispatch: Not a valid phone number: 12345 (Polish numbers have 9 digits)"
    )


def test_ring_command_records_pending_call(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_db_path), "ring", "+48 601 234 567"]) == 0
    assert "Kancelaria Notarialna" in capsys.readouterr().out


def test_every_bad_field_of_a_row_is_reported() -> None:
    """Not the first problem of each row: every bad column, with its line."""
    text = (
        "name,kind,nip,postal_code,email,phone\n"
        ",shop,123,5-950,not-an-address,12345\n"
        "B,firma,526-000-12-47,00950,b@b,\n"
    )
    with pytest.raises(ImportFileError) as err:
        parse_client_csv(text)
    found = [(p.line, p.column) for p in err.value.problems]
    assert found == [
        (2, "kind"), (2, "phone"), (2, "name"), (2, "nip"), (2, "postal_code"), (2, "email"),
        (3, "nip"), (3, "postal_code"), (3, "email"),
    ]  # fmt: skip
