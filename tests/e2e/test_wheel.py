"""A plain ``pip install .`` must carry the reference data, migrations and screens."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_contains_data_migrations_and_screens(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("bbdispatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bbdispatch/_data/pricelist.toml" in names
    assert "bbdispatch/storage/migrations/001_initial.sql" in names
    assert "bbdispatch/storage/pg_migrations/013_schema.sql" in names
    assert "bbdispatch/storage/pg_roles.sql" in names
    assert "bbdispatch/bbdispatch.tcss" in names
    assert "screens/board.py" in names
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_speaks_polish(tmp_path: Path) -> None:
    """The hatch hook compiles the catalogue into the wheel; an unpacked wheel is Polish."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("bbdispatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bbdispatch/locale/pl/LC_MESSAGES/bbdispatch.mo" in names
    assert not any(n.endswith(".po") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys, bbdispatch.i18n as i; from bbdispatch.cli import main; "
        "assert str(i.LOCALE_DIR).startswith(sys.argv[1]), i.LOCALE_DIR; main(['--help'])"
    )
    # -S: no site hooks, so the editable install of this checkout cannot answer first.
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    env = {"PATH": "/usr/bin:/bin", "LANG": "pl_PL.UTF-8", "PYTHONPATH": f"{site}:{deps}"}
    shown = subprocess.run(
        [sys.executable, "-S", "-c", code, str(site)], capture_output=True, text=True, env=env,
        cwd=tmp_path,
        timeout=120,
    )  # fmt: skip
    assert "użycie: bbdispatch" in shown.stdout, shown.stderr
    assert "pokaż tę pomoc i zakończ" in shown.stdout


def test_editable_install_has_a_compiled_catalogue() -> None:
    """``pip install -e .`` ran the same hook: the .mo sits beside the .po."""
    from bbdispatch import i18n

    mo = i18n.LOCALE_DIR / "pl" / "LC_MESSAGES" / "bbdispatch.mo"
    assert mo.exists(), "reinstall with pip install -e . to run the build hook"
