from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox, Input, OptionList, Static

from bbdispatch.app import BBDispatch
from screens.board import BoardScreen
from screens.intake import IntakeScreen
from screens.widgets.client_form import NewClientForm
from screens.widgets.confirm import ConfirmScreen
from tests.helpers import DISPATCHER, count, make_app, new_caller, query, settle, type_text

DIGITS = list("601234567")  # Kancelaria Notarialna Nowak (demo client 1)


def status_text(app: Any) -> str:
    return str(app.screen.query_one("#phone-status", Static).render())


async def test_known_caller_becomes_a_triaged_job_in_at_most_15_keystrokes(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = make_app(ctx_factory)
    counted: list[str] = []

    async def press(pilot: Any, *keys: str) -> None:
        counted.extend(keys)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        assert isinstance(app.screen, IntakeScreen)
        # A complete Polish number is looked up at once: no Enter needed.
        await press(pilot, *DIGITS)
        assert app.screen.query_one("#phone", Input).value == "601 234 567"
        assert "Kancelaria Notarialna" in status_text(app)
        card = str(app.screen.query_one("#card", Static).render())
        assert "BB/2026/001 Service: 41 h of 50 h used" in card
        assert "left" in card
        assert "Halina Nowak" in card
        assert app.screen.focused is app.screen.query_one("#description", Input)
        await type_text(pilot, "Printer jams in the office")  # the description: not counted
        # Every triage choice made explicitly, the priority too (normal is the default).
        await press(pilot, "enter", "r", "l", "1", "enter")
        assert isinstance(app.screen, BoardScreen)
    assert len(counted) == 15, counted  # 14 when the default priority is kept
    job = query(demo_db_path, "SELECT * FROM job ORDER BY id DESC LIMIT 1")[0]
    assert job["description"] == "Printer jams in the office"
    assert (job["client_id"], job["mode"], job["category"]) == (1, "remote", "hardware")
    assert (job["priority"], job["status"]) == ("low", "triaged")
    assert job["caller_phone"] == "+48601234567"
    assert job["site_address"].startswith("ul. Marszałkowska")
    assert job["contract_id"] is not None
    call = query(demo_db_path, "SELECT * FROM call_log ORDER BY id DESC LIMIT 1")[0]
    assert (call["outcome"], call["job_id"], call["client_id"]) == ("job_created", job["id"], 1)
    audit = query(demo_db_path, "SELECT * FROM audit_log WHERE entity = 'call'")
    assert [a["action"] for a in audit] == ["handled"]


async def test_unknown_number_new_client_then_job(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600700", "enter")
        await settle(pilot)
        form = app.screen.query_one(NewClientForm)
        assert form.display
        assert form.query_one("#nc-phone", Input).value == "500 600 700"
        assert app.screen.focused is form.query_one("#nc-name", Input)
        await type_text(pilot, "Kwiaciarnia Roza")
        await pilot.press("enter")  # → contact
        await type_text(pilot, "Anna Nowak")
        await pilot.press("enter")  # → phone (prefilled)
        await pilot.press("enter")  # → NIP
        await pilot.press(*"5260001246")  # belongs to the notary already
        await pilot.press("ctrl+n")
        hint = str(app.screen.query_one("#hint", Static).render())
        assert "starter" in hint
        assert "needs assessment" in hint
        app.screen.query_one("#description", Input).focus()
        await settle(pilot)
        await type_text(pilot, "New laptop setup")
        await pilot.press("enter", "o", "1", "enter")
        await settle(pilot)
        # The NIP is taken: message next to the form, everything typed kept.
        assert isinstance(app.screen, IntakeScreen)
        error = str(app.screen.query_one("#nc-error", Static).render())
        assert "already belongs" in error
        assert form.query_one("#nc-name", Input).value == "Kwiaciarnia Roza"
        assert app.screen.query_one("#description", Input).value == "New laptop setup"
        nip = form.query_one("#nc-nip", Input)
        nip.value = ""
        app.screen.query_one("#triage").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    client = query(demo_db_path, "SELECT * FROM client WHERE name = 'Kwiaciarnia Roza'")[0]
    assert (client["status"], client["kind"], client["contact_person"]) == (
        "prospect", "company", "Anna Nowak",
    )  # fmt: skip
    phones = query(
        demo_db_path, "SELECT e164 FROM client_phone WHERE client_id = ?", (client["id"],)
    )
    assert [p["e164"] for p in phones] == ["+48500600700"]
    job = query(demo_db_path, "SELECT * FROM job WHERE client_id = ?", (client["id"],))[0]
    assert (job["mode"], job["description"]) == ("onsite", "New laptop setup")
    call = query(demo_db_path, "SELECT * FROM call_log WHERE job_id = ?", (job["id"],))
    assert call[0]["outcome"] == "job_created"


async def test_invalid_number_is_flagged_and_kept(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"12345", "enter")
        await settle(pilot)
        status = app.screen.query_one("#phone-status", Static)
        assert "Not a valid phone number" in str(status.render())  # invalid, not unknown
        assert status.has_class("field-error")
        assert app.screen.query_one("#phone", Input).value == "12 345"
        assert app.screen.focused is app.screen.query_one("#phone", Input)


async def test_two_clients_on_one_number_pick_list(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"698765432")
        await settle(pilot)
        pick = app.screen.query_one("#pick", OptionList)
        assert app.screen.focused is pick
        assert pick.display
        assert pick.option_count == 2
        prompts = [str(pick.get_option_at_index(i).prompt) for i in range(2)]
        assert "Ewa Wójcik" in prompts[0]
        assert "Pracownia" in prompts[1]
        assert "2 clients" in status_text(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        card = str(app.screen.query_one("#card", Static).render())
        assert "Pracownia Architektoniczna Forma" in card
        assert app.screen.focused is app.screen.query_one("#description", Input)


async def test_search_by_name_and_add_the_new_number(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"511999888", "enter")
        await settle(pilot)
        assert "Unknown number" in status_text(app)
        await pilot.press("ctrl+f")
        await type_text(pilot, "apteka")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Apteka Pod Lipami" in str(app.screen.query_one("#card", Static).render())
        box = app.screen.query_one("#add-number", Checkbox)
        assert box.display
        assert box.value
        await type_text(pilot, "Slow internet again")
        await pilot.press("enter", "r", "3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    apteka = query(demo_db_path, "SELECT id FROM client WHERE name LIKE 'Apteka%'")[0]["id"]
    phones = query(demo_db_path, "SELECT e164 FROM client_phone WHERE client_id = ?", (apteka,))
    assert "+48511999888" in [p["e164"] for p in phones]
    job = query(demo_db_path, "SELECT * FROM job ORDER BY id DESC LIMIT 1")[0]
    assert (job["client_id"], job["category"]) == (apteka, "network")
    network = query(
        demo_db_path, "SELECT product_code FROM contract WHERE id = ?", (job["contract_id"],)
    )
    assert network[0]["product_code"] == "network-1h"


async def test_escape_on_half_filled_intake_asks_first(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        await type_text(pilot, "half")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.query_one("#description", Input).value == "half"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_missing_triage_is_reported_next_to_the_bar(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"601234567")
        await settle(pilot)
        # A habitual Enter after the number is the number's: no error before anything is typed.
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.screen.query_one("#description-error", Static).render()) == ""
        assert app.screen.focused is app.screen.query_one("#description", Input)
        await pilot.press("enter")  # a second Enter on the empty request stays there
        await settle(pilot)
        error = str(app.screen.query_one("#description-error", Static).render())
        assert "Describe the request first" in error
        assert app.screen.focused is app.screen.query_one("#description", Input)
        await pilot.press("x", "enter", "enter")
        await settle(pilot)
        assert "on-site (o)" in str(app.screen.query_one("#triage-error", Static).render())
        app.screen.query_one("#description", Input).value = "  "
        await pilot.press("o", "2", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#description-error", Static).render())
        assert "Describe the request" in error
        assert isinstance(app.screen, IntakeScreen)


async def test_ring_from_another_process_pops_up_the_intake(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    app = BBDispatch(ctx_factory(), DISPATCHER)  # the production poll interval, 0.5 s
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), "ring",
            "+48 22 628 12 34", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        assert proc.returncode == 0, err
        assert "Kancelaria" in out.decode()
        loop = asyncio.get_running_loop()
        started = loop.time()
        for _tick in range(60):  # poll the screen stack, at most 3 s
            if isinstance(app.screen, IntakeScreen):
                break
            await asyncio.sleep(0.05)
        assert isinstance(app.screen, IntakeScreen)
        assert loop.time() - started < 1.0
        await settle(pilot)
        assert app.screen.query_one("#phone", Input).value == "22 628 12 34"
        assert "Kancelaria Notarialna" in status_text(app)
        assert app.screen.focused is app.screen.query_one("#description", Input)
        await type_text(pilot, "Server down")
        await pilot.press("enter", "e", "o", "3", "enter")
        await settle(pilot)
    calls = query(demo_db_path, "SELECT * FROM call_log")
    assert len(calls) == 1
    assert (calls[0]["source"], calls[0]["outcome"]) == ("ring", "job_created")
    job = query(demo_db_path, "SELECT * FROM job WHERE id = ?", (calls[0]["job_id"],))[0]
    assert (job["priority"], job["mode"]) == ("emergency", "onsite")


async def test_a_name_typed_in_the_number_field_searches(ctx_factory: Any) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await type_text(pilot, "Zielinska")
        await pilot.press("enter")
        await settle(pilot)
        pick = app.screen.query_one("#pick", OptionList)
        assert pick.option_count == 1
        assert "Maria Zielińska" in str(pick.get_option_at_index(0).prompt)
        assert app.screen.query_one("#phone", Input).value == "Zielinska"


async def test_import_with_a_bad_row_then_a_good_file_while_the_app_runs(
    ctx_factory: Any, demo_db_path: Path, tmp_path: Path
) -> None:
    header = "name;kind;nip;phone;email;street;city;postal_code;contact_person\n"
    good = header + "Cukiernia Słodka Chwila;company;1132853869;22 555 66 77;;;Łódź;;Zofia Łąka\n"
    bad = good + "Zepsuty Wiersz;company;;12345;;;;;\n"
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    (tmp_path / "good.csv").write_text(good, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}

    async def run_import(name: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bbdispatch", "--db", str(demo_db_path), "import",
            str(tmp_path / name), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        return proc.returncode or 0, (out + err).decode()

    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        code, text = await run_import("bad.csv")
        assert code == 1
        assert (
            text.strip().splitlines()[-1]
            == "  Line 3, column phone: Not a valid phone number: 12345 (Polish numbers have 9 digits)"
        )
        await pilot.press("f2", *"225556677", "enter")
        await settle(pilot)
        assert "Unknown number" in status_text(app)
        code, text = await run_import("good.csv")
        assert code == 0
        await pilot.press("escape", "y")
        await settle(pilot)
        await pilot.press("f2", *"225556677")
        await settle(pilot)
        assert "Cukiernia Słodka Chwila" in status_text(app)


async def test_new_caller_to_job_with_few_keys(ctx_factory: Any, demo_db_path: Path) -> None:
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"500600800", "enter")
        await settle(pilot)
        await type_text(pilot, "Jan Nowicki")  # free text, like the description
        await pilot.press("shift+tab", "p", "tab")  # private person
        await pilot.press("enter", "enter")  # → contact, empty → straight to the request
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#description", Input)
        hint = str(app.screen.query_one("#hint", Static).render())
        # A private person is offered no contract (the starter is for companies).
        assert "starter" not in hint and "agree a price or rate" in hint
        await type_text(pilot, "Virus on laptop")
        await pilot.press("enter", "r", "2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    client = query(demo_db_path, "SELECT * FROM client WHERE name = 'Jan Nowicki'")[0]
    # A private person signs no contract: the first job makes them a client.
    assert (client["kind"], client["status"]) == ("private", "active")
    job = query(demo_db_path, "SELECT * FROM job WHERE client_id = ?", (client["id"],))[0]
    assert (job["mode"], job["category"], job["contract_id"]) == ("remote", "software", None)


async def test_a_save_with_no_caller_chosen_focuses_the_list_to_choose_from(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The refusal "choose the caller" put the focus in the number, away from the list."""
    jobs_before = count(demo_db_path, "job")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", "ctrl+f", *"Kowal", "enter")  # found by name: two to pick from
        await settle(pilot)
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Drukarka nie drukuje")
        await pilot.press("enter", "r", "1", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "Choose the caller" in status_text(app)
        pick = app.screen.query_one("#pick", OptionList)
        assert pick.display and app.focused is pick
        assert app.screen.query_one("#description", Input).value == "Drukarka nie drukuje"
        assert app.screen.query_one("#search", Input).value == "Kowal"
    assert count(demo_db_path, "job") == jobs_before


async def test_a_new_callers_wrong_field_is_shown_and_focused_before_the_triage(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """With the triage also missing, the error and focus went to the triage bar below."""
    clients_before = count(demo_db_path, "client")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await new_caller(pilot)
        email = app.screen.query_one("#nc-email", Input)
        email.value = "biuro(at)lis.pl"
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Drukarka nie drukuje")
        await pilot.press("ctrl+s")  # no triage chosen either
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        error = str(app.screen.query_one("#nc-error", Static).render())
        assert "Not an e-mail address" in error
        assert app.focused is email and email.value == "biuro(at)lis.pl"
        assert str(app.screen.query_one("#triage-error", Static).render()) == ""
    assert count(demo_db_path, "client") == clients_before


async def test_the_intake_warns_of_a_private_person_who_is_a_client_already(
    ctx_factory: Any, demo_db_path: Path
) -> None:
    """The new-client path took an exact duplicate (same name, same phone) without a word."""
    from bbdispatch.domain.clients import ClientKind
    from screens.widgets.client_form import KindToggle

    before = count(demo_db_path, "client")
    app = make_app(ctx_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"600700800")  # Jan Kowalski's number: his card
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one(KindToggle).kind = ClientKind.PRIVATE
        name = app.screen.query_one("#nc-name", Input)
        name.value = "Jan Kowalski"
        app.screen.query_one("#description", Input).focus()
        await type_text(pilot, "Drukarka")
        await pilot.press("enter", "r", "1", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IntakeScreen)
        error = str(app.screen.query_one("#nc-error", Static).render())
        assert "is client 10 already" in error and "Save again" in error
        assert app.focused is name and name.value == "Jan Kowalski"
        assert count(demo_db_path, "client") == before
        await pilot.press("ctrl+s")  # saved again, unchanged: added on purpose
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    names = query(demo_db_path, "SELECT name FROM client WHERE name = 'Jan Kowalski'")
    assert len(names) == 2
