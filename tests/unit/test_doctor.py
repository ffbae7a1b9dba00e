"""``bbdispatch doctor``: one line per check, exit 0 only when the set-up is right."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbdispatch.cli import main
from bbdispatch.services import doctor as doctor_service

GID = 4242


@pytest.fixture(autouse=True)
def folders_inside_the_test(tmp_path: Path) -> Iterator[None]:
    """The way to the database is judged from the test's folder down.

    pytest's own folders above it are private to root, and no set-up in a test
    can change that. A patch of its own, which a test's ``monkeypatch.undo()``
    leaves in place.
    """
    inside = doctor_service.database_folders
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            doctor_service,
            "database_folders",
            lambda db: [f for f in inside(db) if f.is_relative_to(tmp_path) and f != tmp_path],
        )
        yield


@pytest.fixture
def firm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A database set up as docs/deploy-ssh.md says, and a system root that matches."""
    folder = tmp_path / "srv"
    folder.mkdir()
    db = folder / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "people", "add", "anna", "Anna Tech"]) == 0
    os.chown(folder, -1, GID)
    os.chmod(folder, 0o3770)
    for file in (db, db.with_name("firm.db.open-lock")):
        os.chown(file, -1, GID)
        os.chmod(file, 0o660)
    root = tmp_path / "root"
    (root / "etc" / "ssh").mkdir(parents=True)
    (root / "etc" / "cron.d").mkdir()
    (root / "etc" / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\nanna:x:1001:1001:Anna:/home/anna:/bin/sh\n"
    )
    (root / "etc" / "group").write_text("root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna\n")
    (root / "etc" / "ssh" / "sshd_config").write_text(
        "Match Group bbdispatch\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        f"*/5 * * * * root bbdispatch --db {db} schedule run\n"
        f"30 1 * * * root bbdispatch --db {db} backup --keep 30\n"
    )
    wrapper = root / "usr" / "local" / "bin" / "bbdispatch-tech"
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(f"#!/bin/sh\nexec bbdispatch --db {db} tech\n")
    wrapper.chmod(0o755)
    program = root / "usr" / "bin" / "bbdispatch"  # on cron's PATH
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    capsys.readouterr()
    return db, root


def doctor(db: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--db", str(db), "doctor", "--root", str(root)])
    return code, capsys.readouterr().out.splitlines()


def test_a_right_set_up_is_all_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = doctor(*firm, capsys)
    assert code == 0, lines
    assert all(line.startswith("ok ") for line in lines)
    assert any("group bbdispatch" in line for line in lines)
    assert any(line.startswith("ok   price list") for line in lines)


def test_each_mistake_is_one_line_saying_what_to_do(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, root = firm
    os.chmod(db, 0o644)
    (root / "etc" / "group").write_text("root:x:0:\nbbdispatch:x:4242:\n")
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        f"*/5 * * * * root bbdispatch --db {db} schedule run\n"
    )
    (root / "etc" / "ssh" / "sshd_config").write_text("PasswordAuthentication no\n")
    assert main(["--db", str(db), "people", "add", "zenon", "Zenon"]) == 0
    capsys.readouterr()
    code, lines = doctor(db, root, capsys)
    assert code == 1
    fixes = [line for line in lines if line.startswith("FIX")]
    assert any("chmod 660" in line for line in fixes)
    assert any("usermod -aG bbdispatch anna" in line for line in fixes)
    assert any("zenon has no OS account" in line for line in fixes)
    assert any("ForceCommand" in line for line in fixes)
    assert any("'backup'" in line and "docs/backup.md" in line for line in fixes)
    assert not any("'schedule run'" in line for line in fixes)
    assert len(fixes) == 5


@pytest.mark.parametrize("mode", [0o2770, 0o2775])
def test_a_folder_without_the_sticky_bit_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], mode: int
) -> None:
    """docs/deploy-ssh.md asks for 3770: setgid for the group, sticky so no login
    deletes another's files; doctor said ok for 2770 and 2775."""
    db, root = firm
    os.chmod(db.parent, mode)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    fixes = [line for line in lines if line.startswith("FIX")]
    assert any("chmod 3770" in line for line in fixes), lines


def test_no_admin_names_the_command(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    db, root = firm
    conn = sqlite3.connect(db)
    conn.execute("UPDATE technician SET role = 'dispatcher' WHERE role = 'admin'")
    conn.commit()
    conn.close()
    code, lines = doctor(db, root, capsys)
    assert code == 1
    assert any(f"bbdispatch --db {db} init --admin LOGIN" in line for line in lines)


def test_a_plain_folder_never_gets_root_group_advice(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A database left in group root: the advice is the documented group, never root."""
    db, root = firm
    os.chown(db.parent, -1, 0)
    os.chown(db, -1, 0)
    os.chmod(db.parent, 0o755)
    (root / "etc" / "group").write_text("root:x:0:\nanna:x:1001:\n")
    assert main(["--db", str(db), "people", "add", "kasia", "Kasia", "--role", "technician"]) == 0
    capsys.readouterr()
    code, lines = doctor(db, root, capsys)
    assert code == 1
    fixes = [line for line in lines if line.startswith("FIX")]
    assert fixes and not any("-G root" in f or "chgrp root" in f or "aG root" in f for f in fixes)
    assert any("groupadd --system bbdispatch" in f and "chgrp bbdispatch" in f for f in fixes)
    assert any(f"{db} belongs to group root: staff must never join root" in f for f in fixes)
    assert any("-G bbdispatch kasia" in f for f in fixes)


def test_an_office_account_gets_advice_it_can_use(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/deploy-ssh.md: a group sshd forces into bbdispatch tech turns any member into a
    technician. Doctor said "ok, runs bbdispatch with: runuser -u root -g bbdispatch" for a
    dispatcher outside the database's group: only root can run that, so they were locked
    out. When the database's group is the forced one, the advice splits the groups."""
    db, root = firm
    assert main(["--db", str(db), "people", "add", "bogna", "Bogna", "--role", "admin"]) == 0
    capsys.readouterr()
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "account bogna" in ln]
    assert line.startswith("FIX") and "useradd -m bogna" in line and "runuser" not in line
    assert "Match Group bbdispatch-tech" in line and "usermod -aG bbdispatch bogna" in line
    with (root / "etc" / "passwd").open("a") as f:
        f.write("bogna:x:1002:1002:Bogna:/home/bogna:/bin/sh\n")
    for members in ("anna", "anna,bogna"):  # out of the group, then in it: both locked out
        (root / "etc" / "group").write_text(
            f"root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:{members}\n"
        )
        code, lines = doctor(db, root, capsys)
        (line,) = [ln for ln in lines if "account bogna" in ln]
        assert line.startswith("FIX") and "runuser" not in line, line
        assert "sshd forces" in line and "Match Group bbdispatch-tech" in line, line
    # The advice followed: technicians in a group of their own for sshd.
    (root / "etc" / "ssh" / "sshd_config").write_text(
        "Match Group bbdispatch-tech\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    (root / "etc" / "group").write_text(
        "root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna,bogna\nbbdispatch-tech:x:4243:anna\n"
    )
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines
    (line,) = [ln for ln in lines if "account bogna" in ln]
    assert line == "ok   account bogna: admin, can open the database"
    (root / "etc" / "group").write_text(
        "root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna,bogna\nbbdispatch-tech:x:4243:anna,bogna\n"
    )
    code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "account bogna" in ln]
    assert line.startswith("FIX") and "gpasswd -d bogna bbdispatch-tech" in line
    (root / "etc" / "group").write_text(
        "root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna,bogna\nbbdispatch-tech:x:4243:\n"
    )
    code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("FIX") and "usermod -aG bbdispatch-tech anna" in line, line


def test_in_the_right_group_the_cause_is_the_databases_group(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """anna is in bbdispatch; the database is in group root: doctor said "not in group
    bbdispatch; usermod -aG bbdispatch anna", which changes nothing."""
    db, root = firm
    os.chown(db, -1, 0)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert f"{db} is in group root, not bbdispatch; run: chgrp bbdispatch {db}" in line, line
    assert "usermod" not in line


def test_a_force_command_that_cannot_run_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, root = firm
    wrapper = root / "usr" / "local" / "bin" / "bbdispatch-tech"
    wrapper.chmod(0o700)
    code, lines = doctor(db, root, capsys)
    assert code == 1 and any("chmod 755 /usr/local/bin/bbdispatch-tech" in ln for ln in lines)
    wrapper.unlink()
    code, lines = doctor(db, root, capsys)
    assert code == 1
    assert any("/usr/local/bin/bbdispatch-tech does not exist" in ln for ln in lines)


def test_what_this_login_cannot_read_is_said_not_reported_missing(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A technician's doctor cannot read root's crontabs or a 0600 sshd drop-in: it says so.

    Tests run as root, who reads everything, so the refusals are made here.
    """
    db, root = firm
    (root / "etc" / "ssh" / "sshd_config").write_text("Include /etc/ssh/sshd_config.d/*.conf\n")
    (root / "etc" / "ssh" / "sshd_config.d").mkdir()
    (root / "etc" / "ssh" / "sshd_config.d" / "bbdispatch.conf").write_text(
        "Match Group bbdispatch\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    (root / "etc" / "cron.d" / "bbdispatch").unlink()
    crontabs = root / "var" / "spool" / "cron" / "crontabs"
    crontabs.mkdir(parents=True)
    (crontabs / "root").write_text(
        f"*/5 * * * * bbdispatch --db {db} schedule run\n30 1 * * * bbdispatch --db {db} backup\n"
    )
    with (root / "etc" / "passwd").open("a") as passwd:  # a dispatcher in the forced group
        passwd.write("bogdan:x:1002:1002:Bogdan:/home/bogdan:/bin/sh\n")
    (root / "etc" / "group").write_text("root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna,bogdan\n")
    assert main(["--db", str(db), "people", "add", "bogdan", "Bogdan", "--role", "dispatcher"]) == 0
    private = {root / "etc" / "ssh" / "sshd_config.d" / "bbdispatch.conf"}
    real_read, real_scandir = Path.read_text, os.scandir

    def read_text(path: Path, *args: object, **kwargs: object) -> str:
        if path in private:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    def scandir(path: object) -> object:
        if Path(str(path)) == crontabs:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(os, "scandir", scandir)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    unchecked = [line for line in lines if line.startswith("???")]
    assert len(unchecked) == 4, lines
    assert all("run bbdispatch doctor as root" in line for line in unchecked)
    assert any("ssh ForceCommand" in line and "bbdispatch.conf" in line for line in unchecked)
    assert any("account bogdan" in line and "bbdispatch.conf" in line for line in unchecked)
    assert any("'backup'" in line and str(crontabs) in line for line in unchecked)
    assert not [line for line in lines if line.startswith("FIX")], lines
    monkeypatch.undo()
    code, lines = doctor(db, root, capsys)  # as root: all there, and bogdan's group seen
    (line,) = [line for line in lines if not line.startswith("ok ")]
    assert "account bogdan" in line and "Match Group bbdispatch-tech" in line, lines


def test_a_dispatchers_advice_is_never_what_a_later_check_flags(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """No sshd group yet: the advice for a dispatcher was '-G bbdispatch', and once sshd
    forced that group (as docs/deploy-ssh.md sets it up) the same dispatcher was flagged."""
    db, root = firm
    (root / "etc" / "ssh" / "sshd_config").write_text("PasswordAuthentication no\n")
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc" / "group").write_text("root:x:0:\nbbdispatch:x:4242:\n")
    assert main(["--db", str(db), "people", "add", "kasia", "Kasia", "--role", "dispatcher"]) == 0
    capsys.readouterr()
    _code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "account kasia" in ln]
    assert "useradd -m -G bbdispatch kasia" in line, line
    # Follow the advice, then set up sshd as docs/deploy-ssh.md says: still fine.
    (root / "etc" / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\nkasia:x:1003:1003::/home/kasia:/bin/sh\n"
    )
    (root / "etc" / "group").write_text("root:x:0:\nbbdispatch:x:4242:kasia\n")
    (root / "etc" / "ssh" / "sshd_config").write_text(
        "Match Group bbdispatch-tech\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    _code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "account kasia" in ln]
    assert line == "ok   account kasia: dispatcher, can open the database", line


def test_a_login_that_cannot_reach_the_database_folder_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, root = firm
    above = db.parent.parent / "private"
    above.mkdir()
    moved = above / "srv"
    db.parent.rename(moved)
    db = moved / db.name
    os.chmod(above, 0o700)  # like a home folder: only its owner (root) passes
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        f"*/5 * * * * root bbdispatch --db {db} schedule run\n"
        f"30 1 * * * root bbdispatch --db {db} backup\n"
    )
    (root / "usr" / "local" / "bin" / "bbdispatch-tech").write_text(
        f"#!/bin/sh\nexec bbdispatch --db {db} tech\n"
    )
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("FIX") and f"{above} is 700" in line and "chmod o+x" in line
    os.chmod(above, 0o711)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("*/5 * * * * root bbdispatch --db /srv/other.db schedule run", "runs on /srv/other.db"),
        ("*/5 * * * * root /opt/nothere/bbdispatch --db {db} schedule run", "does not exist"),
        ("*/5 * * * * root bbdispatchx --db {db} schedule run", "no cron line"),
        ("#*/5 * * * * root bbdispatch --db {db} schedule run", "no cron line"),
        ("*/5 * * * * root true # bbdispatch --db {db} schedule run", "no cron line"),
        ("*/5 * * * * root /usr/bin/bbdispatch schedule run", "names no database"),
        ("*/5 * * * * root bbdispatch --db {db}.old schedule run", "runs on"),
    ],
)
def test_a_wrong_schedule_line_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], line: str, said: str
) -> None:
    db, root = firm
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        line.format(db=db) + f"\n30 1 * * * root bbdispatch --db {db} backup\n"
    )
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (found,) = [ln for ln in lines if "'schedule run'" in ln]
    assert found.startswith("FIX") and said in found, found


@pytest.mark.parametrize(
    "line",
    [
        "*/5 * * * * root BBDISPATCH_DB={db} /usr/bin/bbdispatch schedule run >>/tmp/l 2>&1",
        "*/5 * * * * root runuser -u root -g bbdispatch -- sh -c "
        "'umask 002; /usr/bin/bbdispatch --db {db} schedule run'",
        "BBDISPATCH_DB={db}\n*/15 * * * * root /usr/bin/bbdispatch schedule run",
    ],
)
def test_the_documented_schedule_lines_are_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], line: str
) -> None:
    db, root = firm
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        line.format(db=db) + f"\n30 1 * * * root bbdispatch --db {db} backup\n"
    )
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


def test_a_systemd_service_needs_its_timer_enabled(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, root = firm
    (root / "etc" / "cron.d" / "bbdispatch").write_text(
        f"30 1 * * * root bbdispatch --db {db} backup\n"
    )
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    (units / "bbdispatch-schedule.service").write_text(
        f"[Service]\nEnvironment=BBDISPATCH_DB={db}\nExecStart=/usr/bin/bbdispatch schedule run\n"
    )
    code, lines = doctor(db, root, capsys)
    (found,) = [ln for ln in lines if "'schedule run'" in ln]
    assert found.startswith("FIX") and "systemctl enable --now bbdispatch-schedule.timer" in found
    (units / "timers.target.wants").mkdir()
    (units / "timers.target.wants" / "bbdispatch-schedule.timer").write_text("")
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


def test_a_database_a_technician_cannot_read_and_write_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A tester found "can open the database" for anna while the file was 600 and another
    account's: each account is judged as the kernel would judge it (owner, group, others)."""
    db, root = firm
    os.chown(db, 2000, GID)
    os.chmod(db, 0o600)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("FIX") and f"anna cannot read and write {db} (600, owner 2000)" in line
    os.chown(db, 1001, GID)  # anna's own file: the owner's bits are hers
    code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("ok ") and "can open the database" in line
    os.chown(db, 2000, GID)
    os.chmod(db, 0o660)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


def _venv(root: Path, where: str, mode: int) -> None:
    """bbdispatch installed in a venv at ``where`` (under ``root``), its top folder ``mode``."""
    top = root / where.strip("/").split("/")[0]
    bin_dir = root / where.strip("/") / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_bytes(b"\x7fELF")
    python.chmod(0o755)
    program = bin_dir / "bbdispatch"
    program.write_text(f"#!{where}/bin/python\nfrom bbdispatch.cli import main\n")
    program.chmod(0o755)
    top.chmod(mode)
    wrapper = root / "usr" / "local" / "bin" / "bbdispatch-tech"
    db = next((root.parent / "srv").glob("*.db"))
    wrapper.write_text(f'#!/bin/sh\numask 002\nexec {where}/bin/bbdispatch --db {db} tech "$@"\n')


def test_a_force_command_behind_a_private_folder_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The wrapper is 755, but the venv it runs is under root's home (700): anna's login
    would fail. Judged as anna's account: every folder's x bit, the script's interpreter."""
    db, root = firm
    _venv(root, "/root/venv", 0o700)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX")
    assert "anna cannot run /root/venv/bin/bbdispatch: /root is 700" in line
    assert "/opt/bbdispatch/venv" in line
    (root / "root").chmod(0o755)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


def test_a_force_command_only_its_group_may_reach_is_judged_per_technician(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, root = firm
    _venv(root, "/opt/bb", 0o750)
    os.chown(root / "opt", 0, GID)  # the bbdispatch group passes, others do not
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines  # anna is in the group
    with (root / "etc" / "passwd").open("a") as passwd:
        passwd.write("zenon:x:1002:1002:Zenon:/home/zenon:/bin/sh\n")
    with (root / "etc" / "group").open("a") as group:
        group.write("zenon:x:1002:\nfield:x:4300:zenon\n")
    (root / "etc" / "ssh" / "sshd_config").write_text(  # zenon is forced, by another group
        "Match Group bbdispatch,field\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    assert main(["--db", str(db), "people", "add", "zenon", "Zenon"]) == 0
    capsys.readouterr()
    code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX") and "zenon cannot run /opt/bb/bin/bbdispatch: /opt is 750" in line


def test_a_technician_is_not_told_who_the_admins_and_the_staff_are(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """doctor names the admins and every person's account: a technician ran it and saw them."""
    db, root = firm
    code = main(["--db", str(db), "--as", "anna", "doctor", "--root", str(root)])
    out = capsys.readouterr()
    assert code == 1
    assert "Not allowed" in out.err
    assert "admin" not in out.out and "anna" not in out.out


def test_a_lock_left_in_another_group_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The tester's first day: the database and its folder moved into bbdispatch as doctor
    advised, the lock init had made left in group root: every technician was refused, and
    doctor said anna "can open the database"."""
    db, root = firm
    lock = db.with_name("firm.db.open-lock")
    os.chown(lock, -1, 0)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "database lock" in ln]
    assert line.startswith("FIX") and f"chgrp bbdispatch {lock} && chmod 660 {lock}" in line
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("FIX") and f"anna cannot read {lock}" in line, line
    os.chown(lock, -1, GID)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every login can pass (pytest's own is root's alone)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bbdispatch-doctor-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _open_as(uid: int, gid: int, db: Path) -> str:
    """Open the database in a child process with a real OS identity; "" or the error."""
    import asyncio

    from bbdispatch.storage.database import Database

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        os.close(read)
        result = ""
        try:
            os.setgroups([gid])
            os.setgid(gid)
            os.setuid(uid)

            async def body() -> None:
                opened = await Database.open(db, create=False, migrate=False)
                await opened.close()

            asyncio.run(body())
        except BaseException as err:  # noqa: BLE001 - reported to the parent
            result = f"{type(err).__name__}: {err}"
        os.write(write, result.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        out = pipe.read().decode()
    os.waitpid(pid, 0)
    return out


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another account")
def test_after_the_advice_a_technician_opens_the_database_for_real(
    shared_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As real OS accounts: root inits in a plain folder, runs doctor's 'database group'
    command, and a login in that group (nobody, with the group) opens the database."""
    import grp
    import subprocess

    try:
        gid = grp.getgrnam("bbdispatch").gr_gid
    except KeyError:
        pytest.skip("no bbdispatch group on this machine")
    folder = shared_folder / "srv"
    folder.mkdir()
    os.chown(folder, -1, 0)
    db = folder / "firm.db"
    assert main(["--db", str(db), "init"]) == 0
    root = shared_folder / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc" / "group").write_text(f"root:x:0:\nbbdispatch:x:{gid}:\n")
    capsys.readouterr()
    _code, lines = doctor(db, root, capsys)
    (line,) = [ln for ln in lines if "database group" in ln]
    command = line.split("run: ", 1)[1].removesuffix(" (docs/deploy-ssh.md)")
    subprocess.run(["sh", "-c", command], check=True)
    assert _open_as(65534, gid, db) == ""
    _code, lines = doctor(db, root, capsys)
    assert not [ln for ln in lines if "database" in ln and not ln.startswith("ok ")], lines
    # A lock left in group root: the refusal names the command that fixes it.
    lock = db.with_name("firm.db.open-lock")
    os.chown(lock, -1, 0)
    refused = _open_as(65534, gid, db)
    assert f"chgrp bbdispatch {lock} && chmod 660 {lock}" in refused, refused
    assert main(["--db", str(db), "init"]) == 0  # init puts the lock in the database's group
    assert lock.stat().st_gid == gid
    assert _open_as(65534, gid, db) == ""


@pytest.mark.parametrize(
    "text",
    [
        "[billing\n",  # not TOML
        'vat_rate = "0.23"\n',  # no products
    ],
)
def test_a_broken_price_list_is_one_failed_check_among_the_others(
    firm: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    text: str,
) -> None:
    """A bad price list stopped doctor before any check: it is one FIX line, the rest run."""
    db, root = firm
    prices = tmp_path / "prices.toml"
    prices.write_text(text)
    monkeypatch.setenv("BBDISPATCH_PRICELIST", str(prices))
    code, lines = doctor(db, root, capsys)
    assert code == 1
    fixes = [line for line in lines if line.startswith("FIX")]
    assert len(fixes) == 1 and "price list" in fixes[0] and str(prices) in fixes[0], lines
    assert any(line.startswith("ok   account anna") for line in lines), lines
    assert any("'backup'" in line for line in lines), lines


def test_a_venv_python_that_links_behind_a_private_folder_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: the venv was in /opt and every folder on the way open, but its bin/python
    linked to an interpreter under root's home (a pyenv build, /root 700): doctor said ok
    and every technician's login failed. Links are followed, each hop judged as anna."""
    db, root = firm
    _venv(root, "/opt/bb", 0o755)
    python = root / "opt" / "bb" / "bin" / "python"
    python.unlink()
    real = root / "root" / ".pyenv" / "versions" / "3.11" / "bin" / "python3.11"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"\x7fELF")
    real.chmod(0o755)
    (root / "opt" / "bb" / "bin" / "python3").symlink_to(
        "/root/.pyenv/versions/3.11/bin/python3.11"
    )
    python.symlink_to("python3")
    (root / "root").chmod(0o700)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX"), line
    assert (
        "anna cannot run /opt/bb/bin/python: it links to /root/.pyenv/versions/3.11/bin/python3.11"
        in line
    )
    assert "/root is 700" in line and "python3 -m venv" in line
    (root / "root").chmod(0o711)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


@pytest.mark.parametrize(
    ("config", "said"),
    [
        (  # the block names another group: anna gets a shell
            "Match Group staff\n    ForceCommand /usr/local/bin/bbdispatch-tech\n",
            "does not cover technician anna",
        ),
        (  # outside any Match: every login, dispatchers and admins too, gets the tech screen
            "ForceCommand /usr/local/bin/bbdispatch-tech\n",
            "under no Match line",
        ),
        (  # a Match block ended by 'Match all' before the ForceCommand
            "Match Group bbdispatch\n    X11Forwarding no\nMatch all\n"
            "ForceCommand /usr/local/bin/bbdispatch-tech\n",
            "under no Match line",
        ),
    ],
)
def test_a_force_command_that_does_not_cover_exactly_the_technicians_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], config: str, said: str
) -> None:
    db, root = firm
    (root / "etc" / "ssh" / "sshd_config").write_text(config)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX") and said in line, line
    assert "Match Group bbdispatch-tech" in line or "usermod" in line, line


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("exec bbdispatch --db /srv/other/firm.db tech", "on /srv/other/firm.db, not on"),
        ("export BBDISPATCH_DB=/srv/old.db\nexec bbdispatch tech", "on /srv/old.db, not on"),
        ("exec /usr/bin/bbdispatch tech", "names no database"),
    ],
)
def test_a_wrapper_on_another_database_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], body: str, said: str
) -> None:
    """The wrapper ran bbdispatch tech on another file than the one doctor checked: ok."""
    db, root = firm
    (root / "usr" / "local" / "bin" / "bbdispatch-tech").write_text(f"#!/bin/sh\n{body}\n")
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX") and said in line, line
    (root / "usr" / "local" / "bin" / "bbdispatch-tech").write_text(
        f'#!/bin/sh\nDB={db}\nexport BBDISPATCH_DB="$DB"\nexec bbdispatch tech "$@"\n'
    )
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("*/5 * * * * anna bbdispatch --db {db} {task}", "runs as anna, a technician, who may not"),
        ("*/5 * * * * nobody bbdispatch --db {db} {task}", "runs as nobody, who is no person"),
        (
            "*/5 * * * * root runuser -u anna -- /usr/bin/bbdispatch --db {db} {task}",
            "runs as anna, a technician",
        ),
        ("crontab anna: */5 * * * * bbdispatch --db {db} {task}", "runs as anna, a technician"),
    ],
)
@pytest.mark.parametrize("task", ["schedule run", "backup"])
def test_a_schedule_line_run_as_an_account_that_may_not_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str], line: str, said: str, task: str
) -> None:
    """Issue 18: cron ran 'schedule run' and 'backup' as a technician or as nobody; bbdispatch
    refused it every time, and doctor said ok. The account must be root or one whose role
    may (docs/rights.md: schedule run dispatcher/admin, backup admin)."""
    db, root = firm
    cron = root / "etc" / "cron.d" / "bbdispatch"
    other = "backup" if task == "schedule run" else "schedule run"
    rest = f"30 1 * * * root bbdispatch --db {db} {other}\n"
    if line.startswith("crontab anna: "):
        spool = root / "var" / "spool" / "cron" / "crontabs"
        spool.mkdir(parents=True)
        (spool / "anna").write_text(line.removeprefix("crontab anna: ").format(db=db, task=task))
        cron.write_text(rest)
    else:
        cron.write_text(line.format(db=db, task=task) + "\n" + rest)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (found,) = [ln for ln in lines if f"'{task}'" in ln]
    assert found.startswith("FIX") and said in found and "docs/rights.md" in found, found
    assert "run it as root or as a person whose role is" in found, found


def test_a_database_in_a_dispatchers_own_group_gets_the_shared_group_advice(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: kasia made the database, so its group was kasia's own; doctor told anna
    'usermod -aG kasia anna' (into kasia's private group). The advice is the shared
    bbdispatch group and a chgrp of the database (docs/deploy-ssh.md)."""
    db, root = firm
    with (root / "etc" / "passwd").open("a") as passwd:
        passwd.write("kasia:x:1003:1003:Kasia:/home/kasia:/bin/sh\n")
    (root / "etc" / "group").write_text(
        "root:x:0:\nanna:x:1001:\nkasia:x:1003:\nbbdispatch:x:4242:anna\n"
    )
    for path in (db.parent, db, db.with_name("firm.db.open-lock")):
        os.chown(path, -1, 1003)
    code, lines = doctor(db, root, capsys)
    assert code == 1
    assert not any("-aG kasia" in ln or "chgrp kasia" in ln for ln in lines), lines
    (line,) = [ln for ln in lines if "database group" in ln]
    assert line.startswith("FIX") and "kasia's own group" in line, line
    assert f"chgrp bbdispatch {db.parent} {db}" in line, line
    (line,) = [ln for ln in lines if "account anna" in ln]
    assert line.startswith("FIX") and "chgrp bbdispatch" in line, line


def test_a_venv_folder_that_links_behind_a_private_folder_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """/opt/bb looked open (the link's target folder is 755), but it links into /root (700):
    every folder the link leads through is judged too."""
    db, root = firm
    _venv(root, "/root/venv", 0o700)
    (root / "opt").mkdir()
    (root / "opt" / "bb").symlink_to("/root/venv")
    wrapper = root / "usr" / "local" / "bin" / "bbdispatch-tech"
    wrapper.write_text(f"#!/bin/sh\nexec /opt/bb/bin/bbdispatch --db {db} tech\n")
    code, lines = doctor(db, root, capsys)
    assert code == 1
    (line,) = [ln for ln in lines if "ssh ForceCommand" in ln]
    assert line.startswith("FIX"), line
    assert "anna cannot run /opt/bb/bin/bbdispatch: it links to /root/venv/bin/bbdispatch" in line
    assert "/root is 700" in line, line
    (root / "root").chmod(0o755)
    code, lines = doctor(db, root, capsys)
    assert code == 0, lines


def test_a_dispatcher_who_cannot_run_the_program_is_not_ok(
    firm: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: doctor said a dispatcher 'can open the database' while the program they
    would run sat in a venv under root's home (700): they could not start it. The
    ForceCommand's check (every folder on the way, the script's interpreter) now judges
    the program office accounts run too, one FIX line per account."""
    db, root = firm
    assert main(["--db", str(db), "people", "add", "kasia", "Kasia", "--role", "dispatcher"]) == 0
    with (root / "etc" / "passwd").open("a") as f:
        f.write("kasia:x:1002:1002:Kasia:/home/kasia:/bin/sh\n")
    (root / "etc" / "ssh" / "sshd_config").write_text(
        "Match Group bbdispatch-tech\n    ForceCommand /usr/local/bin/bbdispatch-tech\n"
    )
    (root / "etc" / "group").write_text(
        "root:x:0:\nanna:x:1001:\nbbdispatch:x:4242:anna,kasia\nbbdispatch-tech:x:4243:anna\n"
    )
    _venv(root, "/root/venv", 0o700)
    capsys.readouterr()
    code = main(["--db", str(db), "doctor", "--root", str(root),
                 "--program", "/root/venv/bin/bbdispatch"])  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    (line,) = [ln for ln in lines if "account kasia" in ln]
    assert line.startswith("FIX  account kasia: dispatcher, can open the database, but "), line
    assert "kasia cannot run /root/venv/bin/bbdispatch: /root is 700" in line, line
    (line,) = [ln for ln in lines if "account root" in ln]
    assert line.startswith("ok"), line  # root runs anything
    (root / "root").chmod(0o755)
    code = main(["--db", str(db), "doctor", "--root", str(root),
                 "--program", "/root/venv/bin/bbdispatch"])  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert "ok   account kasia: dispatcher, can open the database" in lines, lines
    assert code == 0, lines
