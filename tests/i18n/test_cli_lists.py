"""The command line's human lists: local time in the session's format, cut text ends with ….

Issue 16: ``calls`` and ``callbacks`` printed ISO moments (``2026-11-30
14:05+01:00``), and ``jobs``, ``clients``, ``contracts`` and ``calls`` cut long
names with no mark. ``--json`` keeps ISO 8601 with the offset.
"""

from __future__ import annotations

import json
import re

import pytest

from bbdispatch.cli import main

ISO = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("cli-lists") / "demo.db")
    assert main(["--db", path, "demo"]) == 0
    assert main(["--db", path, "ring", "601999888"]) == 0
    assert main(["--db", path, "callbacks", "add", "--phone", "601999888", "--reason", "x"]) == 0
    return path


def run(db: str, capsys: pytest.CaptureFixture[str], lang: str, *args: str) -> str:
    capsys.readouterr()
    main(["--lang", lang, "--db", db, *args])
    out, err = capsys.readouterr()
    return out + err


@pytest.mark.parametrize(
    ("lang", "moment"),
    [("pl", r"\d\d\.\d\d\.\d{4} \d\d:\d\d"), ("en", r"\d\d/\d\d/\d{4} \d\d:\d\d")],
)
@pytest.mark.parametrize("command", ["calls", "callbacks"])
def test_lists_show_local_time_in_the_session_format(
    demo_db: str, capsys: pytest.CaptureFixture[str], lang: str, moment: str, command: str
) -> None:
    out = run(demo_db, capsys, lang, command)
    assert out.strip(), out
    assert not ISO.search(out), out
    assert re.search(moment, out), out


@pytest.mark.parametrize("command", ["calls", "callbacks"])
def test_json_keeps_iso_with_offset(
    demo_db: str, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    data = json.loads(run(demo_db, capsys, "pl", command, "--json"))
    moments = [v for row in data for k, v in row.items() if k.endswith("_at") and v]
    assert moments and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", m)
                           for m in moments), moments  # fmt: skip


def test_cut_names_and_descriptions_end_with_an_ellipsis(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = run(demo_db, capsys, "pl", "jobs")
    line = next(x for x in jobs.splitlines() if "Bilans" in x)
    assert "Biuro Rachunkowe Bilans…" in line, line
    assert line.rstrip().endswith("…"), line  # the description is longer than its 30 cells
    clients = run(demo_db, capsys, "pl", "clients")
    assert "Drukarnia Offsetowa Prasa sp. z o…" in clients, clients
    contracts = run(demo_db, capsys, "pl", "contracts")
    assert "Kancelaria Notarialna Nowak i…" in contracts, contracts
