"""After ``pip install``, the firm's own price list file is read, not the installed example."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_installed_wheel_reads_the_firms_price_list(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("bbdispatch-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    shipped = site / "bbdispatch" / "_data" / "pricelist.toml"
    firm = tmp_path / "firma.toml"
    firm.write_text(
        shipped.read_text(encoding="utf-8").replace('net = "600.00"', 'net = "650.00"'),
        encoding="utf-8",
    )
    code = "import sys; from bbdispatch.cli import main; sys.exit(main(sys.argv[1:]))"
    # -S: no site hooks, so the editable install of this checkout cannot answer first.
    deps = next(p for p in sys.path if p.endswith("site-packages"))
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONPATH": f"{site}:{deps}"}

    def pricelist(*args: str, **extra: str) -> str:
        shown = subprocess.run(
            [sys.executable, "-S", "-c", code, *args, "pricelist"], capture_output=True,
            text=True, env={**env, **extra}, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        return shown.stdout

    out = pricelist()
    assert "600.00" in out and f"{shipped} (the shipped example" in out
    out = pricelist(BBDISPATCH_PRICELIST=str(firm))
    assert "650.00" in out and f"{firm} ($BBDISPATCH_PRICELIST)" in out
    out = pricelist("--pricelist", str(firm))
    assert "650.00" in out and f"{firm} (--pricelist)" in out
