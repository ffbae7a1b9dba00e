"""Files named with ``--output``: only a regular file is ever replaced, always whole.

The tester's ``report statement --output /dev/full --force`` (as root) replaced
the device node; a pipe or a link was replaced the same way. One rule for every
command writing ``--output`` (:mod:`bbdispatch.output_file`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bbdispatch.cli import main

PERIOD = ["--client", "6", "--from", "2026-11-01", "--to", "2026-11-23"]


def specials(tmp_path: Path) -> dict[str, Path]:
    """A pipe, a link to a file of someone else's, a dangling link and a folder."""
    bait = tmp_path / "bait.txt"
    bait.write_text("mine", encoding="utf-8")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link"
    link.symlink_to(bait)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    folder = tmp_path / "folder"
    folder.mkdir()
    return {"pipe": pipe, "link": link, "dangling": dangling, "folder": folder}


def kinds_intact(tmp_path: Path, made: dict[str, Path]) -> None:
    assert made["pipe"].is_fifo()
    assert made["link"].is_symlink() and made["dangling"].is_symlink()
    assert made["folder"].is_dir() and not any(made["folder"].iterdir())
    assert (tmp_path / "bait.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "nowhere").exists()
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize("kind", ["pipe", "link", "dangling", "folder"])
@pytest.mark.parametrize("issue", [False, True])
def test_a_statement_never_replaces_anything_but_a_regular_file(
    demo_db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    issue: bool,
) -> None:
    made = specials(tmp_path)
    args = ["--db", str(demo_db_path), "report", "statement", *PERIOD, "--format", "html",
            "--output", str(made[kind]), "--force"] + (["--issue"] if issue else [])  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a regular file" in err and str(made[kind]) in err
    kinds_intact(tmp_path, made)
    assert main(["--db", str(demo_db_path), "report", "statement", *PERIOD]) == 0  # not issued
    assert "Issued" not in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["pipe", "link", "dangling"])
def test_itadmin_and_backup_follow_the_same_rule(
    demo_db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    made = specials(tmp_path)
    itadmin = ["--db", str(demo_db_path), "report", "itadmin", "--client", "3",
               "--month", "2026-11", "--output", str(made[kind]), "--force"]  # fmt: skip
    assert main(itadmin) == 2
    assert main(["--db", str(demo_db_path), "backup", "--output", str(made[kind])]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all("is not a regular file" in line for line in err)
    kinds_intact(tmp_path, made)


def test_a_device_is_refused_before_anything_is_written() -> None:
    """``/dev/null`` stands for ``/dev/full``: the check alone, nothing is ever written to it."""
    from bbdispatch.output_file import OutputRefused, check_target

    with pytest.raises(OutputRefused, match="a device"):
        check_target(Path(os.devnull), replace=True)


def test_a_regular_file_is_replaced_whole_and_keeps_no_leftovers(tmp_path: Path) -> None:
    from bbdispatch.output_file import write_output

    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    other_name = tmp_path / "hard"
    os.link(target, other_name)  # the same file under a second name
    write_output(target, "new\r\n", replace=True)
    assert target.read_bytes() == b"new\r\n"
    assert other_name.read_text(encoding="utf-8") == "old"  # renamed over, never written into
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard", "out.md"]
