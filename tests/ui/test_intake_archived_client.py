"""An archived caller gets no job: the service refuses it, the intake offers reactivation.

The intake opened jobs for an archived client while ``jobs add`` refused: the
check sat in one caller of the job service only. Now the service that inserts
every job refuses, the caller card says the client is archived, ``^r``
reactivates it (after asking), and ``lookup`` shows the client's status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from bbdispatch.cli import main
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.services.clients import archive_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import IntakeRequest, save_intake
from bbdispatch.services.jobs import create_job
from screens.intake import IntakeScreen
from screens.widgets.caller_card import CallerCardView
from tests.helpers import make_app, query, settle, settle_until, type_text

WISNIEWSKI = 9
"""A demo prospect without jobs, number 32 255 40 40."""


def _lines(app: Any) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def _job(client_id: int) -> NewJob:
    return NewJob(
        client_id=client_id, description="Nie działa drukarka", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.HARDWARE,
    )  # fmt: skip


async def test_no_path_opens_a_job_for_an_archived_client(demo_ctx: Ctx) -> None:
    await archive_client(demo_ctx, WISNIEWSKI)
    with pytest.raises(DomainError, match="archived"):
        await save_intake(
            demo_ctx,
            IntakeRequest(job=_job(WISNIEWSKI), client_id=WISNIEWSKI, raw_number="322554040"),
        )
    with pytest.raises(DomainError, match="archived"):
        await create_job(demo_ctx, _job(WISNIEWSKI))
    row = await demo_ctx.db.fetch_one(
        "SELECT count(*) AS n FROM job WHERE client_id = ?", (WISNIEWSKI,)
    )
    assert row is not None and row["n"] == 0


async def test_intake_shows_archived_and_reactivates_instead_of_saving(
    ctx_factory: Any, demo_ctx: Ctx, demo_db_path: Path
) -> None:
    await archive_client(demo_ctx, WISNIEWSKI)
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"322554040", "enter")
        await settle_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        card = screen.query_one(CallerCardView)
        await settle_until(pilot, lambda: "reactivates" in str(card.render()))
        shown = "\n".join(_lines(app))
        assert "archived" in shown and "^r" in shown, shown
        assert "Reactivate" in _lines(app)[-1]  # the footer offers it
        assert "starter" not in shown  # no contract offered to an archived client
        screen.query_one("#description", Input).focus()
        await type_text(pilot, "Nie drukuje")
        await pilot.press("tab", "r", "2", "enter")
        error = screen.query_one("#triage-error", Static)
        await settle_until(pilot, lambda: "reactivates" in str(error.render()))
        assert "^r" in str(error.render())
        assert isinstance(app.screen, IntakeScreen)
        assert query(demo_db_path, "SELECT id FROM job WHERE client_id = ?", (WISNIEWSKI,)) == []

        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await settle_until(
            pilot,
            lambda: (
                query(demo_db_path, "SELECT status FROM client WHERE id = ?", (WISNIEWSKI,))[0][0]
                != "archived"
            ),
        )
        await settle_until(pilot, lambda: "reactivates" not in str(card.render()))
        assert "Reactivate" not in _lines(app)[-1]
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, IntakeScreen))
    rows = query(demo_db_path, "SELECT description FROM job WHERE client_id = ?", (WISNIEWSKI,))
    assert [r[0] for r in rows] == ["Nie drukuje"]
    assert query(demo_db_path, "SELECT status FROM client WHERE id = ?", (WISNIEWSKI,))[0][0] == (
        "prospect"
    )


def test_lookup_shows_the_status_in_text_and_json(
    demo_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_db_path), "clients", "archive", str(WISNIEWSKI)]) == 0
    capsys.readouterr()
    assert main(["--db", str(demo_db_path), "lookup", "32 255 40 40", "--json"]) == 0
    (client,) = json.loads(capsys.readouterr().out)["clients"]
    assert client["status"] == "archived"
    assert {"id", "name", "kind", "contracts", "open_jobs"} <= set(client)
    assert main(["--db", str(demo_db_path), "lookup", "32 255 40 40"]) == 0
    assert "Auto Serwis Wiśniewski [company, archived], 0 open jobs" in capsys.readouterr().out
