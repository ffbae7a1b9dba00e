"""A database role that cannot do what its login does in bbdispatch: one line, before anything.

Root (or an admin) running a command or a screen over a role that is not their own
(``--db postgresql://kasia@...``) must not meet the server's raw refusals halfway
("new row violates row-level security policy", "permission denied for table
audit_log"): every command and both screens say which login and which role, exit 1.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bbdispatch import launch
from bbdispatch.cli import main
from bbdispatch.commands import common
from bbdispatch.storage.database import Database

SUPPORT_OVER_HER_ROLE = [
    ["jobs"],
    ["contracts"],
    ["time", "add", "--job", "{job}", "--from", "{start}", "--to", "{end}", "--text", "Drukarka"],
    ["tech"],
    [],
]  # fmt: skip
"""Commands and screens (``tech``; ``[]`` is the dispatcher's screen) that root runs
``--as kasia`` over kasia's own technician role."""


def _login(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr(common, "os_login", lambda: login)
    monkeypatch.setattr(launch, "os_login", lambda: login)


async def _her_job(url: str) -> int:
    owner = await Database.open(url)
    try:
        return int(
            await owner.fetch_value(
                "SELECT min(id) FROM job WHERE technician_id ="
                " (SELECT id FROM technician WHERE login = 'kasia') AND status <> 'done'"
            )
        )
    finally:
        await owner.close()


@pytest.mark.parametrize("command", SUPPORT_OVER_HER_ROLE, ids=lambda c: " ".join(c[:2]) or "tui")
async def test_a_support_session_over_a_technicians_own_role_is_one_line(
    roles_url: str,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = await _her_job(roles_url)
    _login(monkeypatch, "root")
    owner = await Database.open(roles_url)
    try:
        audit_rows = await owner.fetch_value("SELECT count(*) FROM audit_log")
        kasia_url = roles_url.replace("postgres@", "kasia@")
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)  # in the edit window
        argv = [
            part.format(
                job=job, start=start.isoformat(), end=(start + timedelta(hours=1)).isoformat()
            )
            for part in command
        ]
        code = await _run_main(["--db", kasia_url, "--as", "kasia", *argv])
        out, err = capsys.readouterr()
        assert code == 1, err
        assert err == (
            "bbdispatch: The database role kasia is a technician's own: the server takes"
            " audit rows only in the name kasia, not root as kasia. For a support session"
            " connect with your own role (postgresql://root@...) and keep --as kasia.\n"
        )
        assert out == ""
        assert await owner.fetch_value("SELECT count(*) FROM audit_log") == audit_rows
    finally:
        await owner.close()


@pytest.mark.parametrize(
    ("login", "command"),
    [("bogdan", ["privacy", "erase", "--client", "{private}", "--yes"]),
     ("root", ["privacy", "erase", "--client", "{private}", "--yes"]),
     ("root", ["jobs"]), ("bogdan", [])],
)  # fmt: skip
async def test_an_admin_over_a_role_without_admin_rights_is_one_line(
    roles_url: str,
    login: str,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bogdan (an admin) or root over the dispatcher beata's role: privacy erasure needs a
    right on audit_log only bbdispatch_admin has; said before anything is erased."""
    _login(monkeypatch, login)
    owner = await Database.open(roles_url)
    try:
        private = await owner.fetch_value(  # one the erasure takes: nothing running
            "SELECT min(id) FROM client WHERE kind = 'private' AND id NOT IN (SELECT client_id"
            " FROM job WHERE status NOT IN ('done', 'cancelled')) AND id NOT IN"
            " (SELECT client_id FROM contract WHERE status = 'active')"
        )
        assert private is not None
        client = await owner.fetch_one("SELECT name, email FROM client WHERE id = ?", (private,))
        beata_url = roles_url.replace("postgres@", "beata@")
        argv = [part.format(private=private) for part in command]
        code = await _run_main(["--db", beata_url, *argv])
        out, err = capsys.readouterr()
        assert code == 1, err
        assert err == (
            f"bbdispatch: The database role beata has no admin's rights on the server, but"
            f" {login} acts as an admin: connect with an admin's role"
            f" (postgresql://{login}@... in bbdispatch_admin), or log in as a person whose"
            f" role beata is.\n"
        )
        assert out == ""
        assert (
            await owner.fetch_one("SELECT name, email FROM client WHERE id = ?", (private,))
            == client
        )
    finally:
        await owner.close()


async def test_an_admins_support_session_over_a_dispatchers_role_works(
    roles_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A legitimate combination: bogdan acts as beata over beata's own role."""
    _login(monkeypatch, "bogdan")
    beata_url = roles_url.replace("postgres@", "beata@")
    code = await _run_main(["--db", beata_url, "--as", "beata", "jobs", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith("[")


async def _run_main(argv: list[str]) -> int:
    """``main`` runs its own event loop: in a thread, off this test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)
