"""Keys sent in one write to a real terminal reach the intake in order (tmux, a real pty)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.tmux_pane import open_intake, tmux, wait_for
from tests.helpers import newest_job


def test_backspace_and_digit_in_one_write_find_the_known_caller(
    dispatcher: tuple[Path, str],
) -> None:
    sock, target = dispatcher
    open_intake(sock, target)
    tmux(sock, "send-keys", "-t", target, "601234560")
    wait_for(sock, target, "601 234 560")
    # One send-keys: both keys go to the terminal in one write, as over a laggy link.
    tmux(sock, "send-keys", "-t", target, "BSpace", "7")
    screen = wait_for(sock, target, "Kancelaria Notarialna")
    assert "601 234 567" in screen


def test_a_name_sent_with_f2_lands_in_the_intake(dispatcher: tuple[Path, str]) -> None:
    sock, target = dispatcher
    wait_for(sock, target, "palette")
    # One send-keys: F2 and the name reach the terminal in one write.
    tmux(sock, "send-keys", "-t", target, "F2", "Jan Kowalski")
    screen = wait_for(sock, target, "Phone Jan Kowalski")
    assert "Incoming call" in screen


def test_keys_sent_with_the_choice_of_private_land_in_the_name(
    dispatcher: tuple[Path, str],
) -> None:
    sock, target = dispatcher
    open_intake(sock, target)
    tmux(sock, "send-keys", "-t", target, "500100200")
    wait_for(sock, target, "Unknown number")
    tmux(sock, "send-keys", "-t", target, "Enter")
    wait_for(sock, target, "New client:")
    # One send-keys: back to the kind, private, on to the name and a name, in one write.
    tmux(sock, "send-keys", "-t", target, "BTab", "p", "Tab", "Xavier")
    screen = wait_for(sock, target, "Xavier")
    assert "(•) [p]rivate" in screen


def test_a_long_burst_then_tab_then_triage_keys_keep_their_order(
    dispatcher: tuple[Path, str], tmp_path: Path
) -> None:
    """3,000 typed characters, Tab, `r n 2`: the letters landed in the request (issue 13)."""
    sock, target = dispatcher
    open_intake(sock, target)
    tmux(sock, "send-keys", "-t", target, "601234567")
    wait_for(sock, target, "Kancelaria Notarialna")
    text = "Disk full test with a long description to fill pages " + "x" * 3000
    tmux(sock, "send-keys", "-t", target, "-l", text)
    tmux(sock, "send-keys", "-t", target, "Tab")
    tmux(sock, "send-keys", "-t", target, "r", "n", "2")
    tmux(sock, "send-keys", "-t", target, "C-s")
    wait_for(sock, target, "saved.", timeout=60)
    job, _client = newest_job(tmp_path / "demo.db")
    assert job["description"] == text
    assert (job["mode"], job["priority"], job["category"]) == ("remote", "normal", "software")


def test_a_number_and_the_request_in_one_write_land_in_their_fields(
    dispatcher: tuple[Path, str], tmp_path: Path
) -> None:
    """Issue 13: the request typed on after the number stayed in the Phone field.

    The ninth digit starts the caller lookup, which moves the focus to the
    request once the database has answered; the letters sent with the digits
    now wait for that and land in the request.
    """
    sock, target = dispatcher
    open_intake(sock, target)
    # One send-keys: the number and the request reach the terminal in one write.
    tmux(sock, "send-keys", "-t", target, "601234567Drukarka nie drukuje")
    screen = wait_for(sock, target, "Request Drukarka nie drukuje")
    phone_line = next(line for line in screen.splitlines() if line.strip().startswith("Phone "))
    assert "601 234 567 " in phone_line
    assert "nie drukuje" not in phone_line
    tmux(sock, "send-keys", "-t", target, "Enter", "r", "1", "C-s")
    wait_for(sock, target, "saved.")
    job, client = newest_job(tmp_path / "demo.db")
    assert client.startswith("Kancelaria Notarialna Nowak")
    assert (job["description"], job["mode"], job["category"]) == (
        "Drukarka nie drukuje",
        "remote",
        "hardware",
    )


def test_a_client_search_typed_ahead_in_one_write_saves_the_job_for_the_client(
    dispatcher: tuple[Path, str], tmp_path: Path
) -> None:
    """Issue 13: ``^f`` name Enter Enter Tab text Tab ``r l 3`` picked no client."""
    sock, target = dispatcher
    open_intake(sock, target)
    # One send-keys: the search, the pick, the request and the triage in one write.
    keys = ["C-f", "notarialna", "Enter", "Enter", "Tab", "Skaner", "Tab", "r", "l", "3"]
    tmux(sock, "send-keys", "-t", target, *keys)
    wait_for(sock, target, "Request Skaner")
    tmux(sock, "send-keys", "-t", target, "C-s")
    wait_for(sock, target, "saved.")
    job, client = newest_job(tmp_path / "demo.db")
    assert client.startswith("Kancelaria Notarialna Nowak")
    assert (job["description"], job["mode"], job["priority"], job["category"]) == (
        "Skaner",
        "remote",
        "low",
        "network",
    )
