"""In ``bbdispatch tech`` nothing reaches beyond the rule table (docs/rights.md).

The issue's example: a technician with no jobs types a client's name and a word
of another technician's job into ctrl+p, opens a job, presses ``x`` and ``a``.
Before rights lived in the services, the palette listed both, the job detail
showed the client's NIP and contracts, and the job was cancelled.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette

from bbdispatch.app import BBDispatch
from bbdispatch.domain.people import Role, Technician
from screens.job_detail import JobDetailScreen
from tests.helpers import query, settle

DRUKARKA = "SELECT id, status, technician_id FROM job WHERE description LIKE 'Drukarka%'"


def _person(db_path: Path, login: str) -> Technician:
    row = query(db_path, "SELECT * FROM technician WHERE login = ?", (login,))[0]
    return Technician(
        id=row["id"], login=login, name=row["name"], role=Role(row["role"]),
        does_onsite=bool(row["does_onsite"]), phone=row["phone"], active=True,
    )  # fmt: skip


def _add_jan(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO technician (login, name, role, does_onsite)"
            " VALUES ('jan', 'Jan Nowak', 'technician', 1)"
        )


async def _palette_hits(pilot: Any, app: BBDispatch, text: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*["space" if c == " " else c for c in text])
    await pilot.pause(0.6)
    await app.workers.wait_for_complete()
    await pilot.pause()
    results = app.screen.query_one(CommandList)
    # The palette says "No matches found" only a while after its last search ends,
    # and each key of a burst waits for the search before it: wait for its answer.
    for _ in range(30):
        if results.option_count:
            break
        await pilot.pause(0.1)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


async def test_technician_without_jobs_finds_and_changes_nothing(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    _add_jan(demo_db_path)
    jan = _person(demo_db_path, "jan")
    before = query(demo_db_path, DRUKARKA)[0]
    app = BBDispatch(ctx_factory(), jan, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for word in ("Kancelaria", "Drukarka", str(before["id"])):
            hits = await _palette_hits(pilot, app, word)
            assert not any(word in h or "Job" in h or "Client" in h for h in hits), hits
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, JobDetailScreen)
            while isinstance(app.screen, CommandPalette):
                await pilot.press("escape")
                await pilot.pause()
        # Even a screen pushed by hand shows nothing and changes nothing.
        app.push_screen(JobDetailScreen(before["id"]))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "Not allowed" in messages
        assert "Kancelaria" not in messages
    after = query(demo_db_path, DRUKARKA)[0]
    assert tuple(after) == tuple(before)


async def test_technician_search_finds_own_jobs_only(ctx_factory: Any, demo_db_path: Path) -> None:
    anna = _person(demo_db_path, "anna")
    own = query(
        demo_db_path,
        "SELECT id FROM job WHERE technician_id = ? AND status IN ('assigned', 'in_progress')",
        (anna.id,),
    )[0]["id"]
    other = query(demo_db_path, DRUKARKA)[0]
    assert other["technician_id"] != anna.id
    app = BBDispatch(ctx_factory(), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hits = await _palette_hits(pilot, app, str(own))
        assert any(h.startswith(f"Job {own}") for h in hits), hits
        await pilot.press("escape")
        await pilot.pause()
        hits = await _palette_hits(pilot, app, str(other["id"]))
        assert not any("Job" in h for h in hits), hits


ALLOWED_IN_TECH = {
    "screens.tech_jobs", "screens.tech_entries", "screens.help", "screens.entry_dialog",
    "screens.text_dialog", "screens.widgets.confirm", "textual.command", "textual.screen",
}  # fmt: skip
"""The modules of every screen a technician may reach."""


async def test_every_key_in_tech_stays_within_own_work(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    _add_jan(demo_db_path)
    jan = _person(demo_db_path, "jan")
    app = BBDispatch(ctx_factory(), jan, mode="technician", poll_seconds=0.1)
    keys = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [f"f{n}" for n in range(1, 13)]
    reached: set[str] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            for screen in app.screen_stack:
                reached.add(type(screen).__module__)
            while app.screen is not home:
                await pilot.press("escape")
                await settle(pilot)
        assert app.is_running
    assert reached <= ALLOWED_IN_TECH, reached - ALLOWED_IN_TECH


async def test_technician_palette_opens_own_job_in_the_workspace(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The tester's find: Enter on a hit pushed the dispatcher's job screen (stuck,
    "Not allowed"), and the client's name of her own job ("Przychodnia") found nothing."""
    from screens.tech_jobs import TechJobsScreen

    anna = _person(demo_db_path, "anna")
    mine = query(
        demo_db_path,
        "SELECT job.id, client.name FROM job JOIN client ON client.id = job.client_id"
        " WHERE job.technician_id = ? AND job.status IN ('assigned', 'in_progress')"
        " ORDER BY job.id",
        (anna.id,),
    )
    own, client = mine[-1]["id"], mine[-1]["name"]
    word = client.split()[0].lower()  # folded: "przychodnia" finds "Przychodnia"
    app = BBDispatch(ctx_factory(), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for text in (str(own), word):
            hits = await _palette_hits(pilot, app, text)
            assert hits and all(h.startswith("Job ") for h in hits), hits
            await pilot.press("enter")
            await settle(pilot)
            assert not any(isinstance(s, JobDetailScreen) for s in app.screen_stack)
            assert isinstance(app.screen, TechJobsScreen)
            picked = app.screen.selected_job_id
            assert picked is not None
            row = query(demo_db_path, "SELECT technician_id FROM job WHERE id = ?", (picked,))
            assert row[0]["technician_id"] == anna.id
            if text == str(own):
                assert picked == own


async def test_no_screenshot_command_in_the_palette(ctx_factory: Any, demo_db_path: Path) -> None:
    """Textual's "Screenshot" writes files where the app runs: offered to nobody."""
    anna = _person(demo_db_path, "anna")
    for app in (
        BBDispatch(ctx_factory(), anna, mode="technician", poll_seconds=0.1),
        BBDispatch(ctx_factory(), _person(demo_db_path, "bogdan"), poll_seconds=0.1),
    ):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert titles and "Screenshot" not in titles, titles
            hits = await _palette_hits(pilot, app, "screens")
            assert not any("Screenshot" in h for h in hits), hits


async def test_technicians_palette_offers_only_their_own_actions(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The palette offers every key of the screen, and a technician's screen has only theirs.

    No intake (F2), no IT administration, no board, assign or cancel; what is
    offered runs the workspace's own action (``e``: my entries).
    """
    from screens.tech_entries import MyEntriesScreen

    anna = _person(demo_db_path, "anna")
    app = BBDispatch(ctx_factory(), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        own = ["Timer", "Add time", "Entries", "Working", "Hold", "Done", "Help"]
        assert all(t in titles for t in own), titles
        for foreign in ("New call", "IT administration", "Assign", "Cancel job", "Contracts"):
            assert foreign not in titles, foreign
        hits = await _palette_hits(pilot, app, "new call")
        assert not any("New call" in h for h in hits), hits
        await pilot.press("escape")
        await settle(pilot)
        hits = await _palette_hits(pilot, app, "entries")
        assert hits and hits[0].startswith("Entries"), hits
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MyEntriesScreen)


async def test_job_keys_without_jobs_say_so(ctx_factory: Any, demo_db_path: Path) -> None:
    """t, m, p, h, d with no job: a word, not silence (and nothing opens or changes)."""
    _add_jan(demo_db_path)
    jan = _person(demo_db_path, "jan")
    app = BBDispatch(ctx_factory("jan"), jan, mode="technician", poll_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        for key in "tmphd":
            app._notifications.clear()
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
            messages = [str(n.message) for n in app._notifications]
            assert messages == ["No job selected: you have no open jobs assigned to you."], key
        for command in ("Done", "Hold", "Add time"):  # the palette offers them too
            app._notifications.clear()
            await _palette_hits(pilot, app, command)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen, command
            messages = [str(n.message) for n in app._notifications]
            assert messages == ["No job selected: you have no open jobs assigned to you."]
        await pilot.press("e")
        await settle(pilot)
        for key in "ex":
            app._notifications.clear()
            await pilot.press(key)
            await settle(pilot)
            messages = [str(n.message) for n in app._notifications]
            assert len(messages) == 1 and messages[0].startswith("No entry selected"), key


async def test_enter_on_a_done_job_in_the_palette_says_why_it_is_not_listed(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """anna's job 2 is done: her list holds open jobs only, so Enter says so (it did nothing)."""
    anna = _person(demo_db_path, "anna")
    assert query(demo_db_path, "SELECT status FROM job WHERE id = 2")[0]["status"] == "done"
    app = BBDispatch(ctx_factory("anna"), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hits = await _palette_hits(pilot, app, "2")
        assert any("Job 2" in h for h in hits), hits
        await pilot.press("enter")
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("Job 2 is done: your list shows open jobs only." in m for m in shown), shown


async def test_a_missing_job_and_anothers_look_the_same(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """Palette and workspace: 99999 and another's job number give the same answer."""
    from screens.tech_jobs import TechJobsScreen

    anna = _person(demo_db_path, "anna")
    other = query(demo_db_path, DRUKARKA)[0]["id"]
    app = BBDispatch(ctx_factory(), anna, mode="technician", poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hits = {}
        for number in (other, 99999):
            hits[number] = await _palette_hits(pilot, app, str(number))
            while isinstance(app.screen, CommandPalette):
                await pilot.press("escape")
                await pilot.pause()
        assert hits[other] == hits[99999], hits
        said = {}
        for number in (other, 99999):
            app.clear_notifications()
            screen = app.screen
            assert isinstance(screen, TechJobsScreen)
            screen.select_job(number)
            await settle(pilot)
            said[number] = [str(n.message).replace(str(number), "N") for n in app._notifications]
        assert said[other] == said[99999] == ["No job N on your list."], said
