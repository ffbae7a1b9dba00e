"""A paste in a real terminal (tmux, bracketed paste) is text for the field, never keys (issue 13)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.tmux_pane import open_intake, tmux, wait_for
from tests.helpers import newest_job


def paste(sock: Path, target: str, text: str) -> None:
    """Paste ``text`` as a terminal does: between the bracketed-paste markers (``-p``)."""
    tmux(sock, "set-buffer", text)
    tmux(sock, "paste-buffer", "-p", "-t", target)


def request_line(screen: str) -> str:
    return next(line for line in screen.splitlines() if line.strip().startswith("Request"))


def test_a_pasted_colour_code_and_tab_stay_in_the_request(
    dispatcher: tuple[Path, str], tmp_path: Path
) -> None:
    """The tester's paste: its ESC cut it, Tab went to the triage bar, ``e r 3`` set triage."""
    sock, target = dispatcher
    open_intake(sock, target)
    tmux(sock, "send-keys", "-t", target, "601234567")
    wait_for(sock, target, "Kancelaria Notarialna")
    pasted = "Opis\x1b[31mczerwony\x1b[0m\tpo tabie e r 3"
    paste(sock, target, pasted)
    screen = wait_for(sock, target, "e r 3")
    assert "Opis␛[31mczerwony␛[0m po tabie e r 3" in request_line(screen)
    tmux(sock, "send-keys", "-t", target, "Tab", "r", "1", "C-s")
    wait_for(sock, target, "saved.")
    job, client = newest_job(tmp_path / "demo.db")
    assert client.startswith("Kancelaria Notarialna Nowak")
    assert job["description"] == pasted
    assert (job["mode"], job["priority"], job["category"]) == ("remote", "normal", "hardware")


def test_a_pasted_e_mail_keeps_every_line_in_the_request(
    dispatcher: tuple[Path, str], tmp_path: Path
) -> None:
    """A request pasted from an e-mail kept only its first line."""
    sock, target = dispatcher
    open_intake(sock, target)
    tmux(sock, "send-keys", "-t", target, "601234567")
    wait_for(sock, target, "Kancelaria Notarialna")
    paste(sock, target, "Linia1\nLinia2 e r 3\n\nLinia3\n")
    screen = wait_for(sock, target, "nothing was left out")
    assert "3 pasted lines joined on one line" in screen
    assert "Linia1 Linia2 e r 3 Linia3" in request_line(screen)
    tmux(sock, "send-keys", "-t", target, "Tab", "o", "2", "C-s")
    wait_for(sock, target, "saved.")
    job, _client = newest_job(tmp_path / "demo.db")
    assert job["description"] == "Linia1 Linia2 e r 3 Linia3"
    assert (job["mode"], job["priority"], job["category"]) == ("onsite", "normal", "software")
