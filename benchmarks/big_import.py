"""A large client file, and the time and memory its ``--check`` and import take.

Usage: ``python -m benchmarks.big_import [--mb 40] [--out /tmp/clients-40mb.csv]
[--measure]``

Writes a client CSV of about ``--mb`` megabytes as a Polish spreadsheet saves
it (``;``, Polish headers, UTF-8): two thirds companies with valid NIPs, the
rest private persons, each with a phone, an e-mail, an address and a contact
person, about 180 bytes a row (40 MB is some 220 000 rows). The same seed gives
the same file. With ``--measure`` it then runs ``bbdispatch import --check`` and
``bbdispatch import`` on a fresh database under ``/usr/bin/time -v`` and
prints the wall time and peak memory (maximum resident set size) of each, next
to a bare baseline measured in the same run: ``python -c pass`` and Python's
own ``csv`` module reading the file.

The file is built where ``--out`` says (a scratch folder); it is never committed.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from . import names
from .generate import nip_of

HEADER = (
    "Nazwa", "Rodzaj", "NIP", "Telefon", "E-mail", "Ulica", "Miejscowość", "Kod pocztowy",
    "Osoba kontaktowa",
)  # fmt: skip
"""The columns, as a Polish spreadsheet heads them."""


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        first, last = rng.choice(names.FIRST_MALE), rng.choice(names.SURNAME_SKI)
        return f"{first} {last}i" if last.endswith(("sk", "ck", "dzk")) else f"{first} {last}"
    first, last = rng.choice(names.FIRST_FEMALE), rng.choice(names.SURNAME_SKI)
    return f"{first} {last}a" if last.endswith(("sk", "ck", "dzk")) else f"{first} {last}"


def write_file(path: Path, megabytes: float, seed: int = 18) -> int:
    """Write a client file of about ``megabytes`` MB to ``path``; returns its row count.

    Every row is valid and distinct (NIPs and names unique), so the import adds
    every one of them.
    """
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        while out.tell() < target:
            count += 1
            city, postal = rng.choice(names.CITIES)
            contact = _person(rng)
            if rng.random() < 0.66:
                name = f"{rng.choice(names.FIRM_PREFIX)} {rng.choice(names.FIRM_CORE)} {count}"
                kind, nip = "firma", nip_of(100_000_000 + count * 97)
                name += f" {rng.choice(names.FIRM_SUFFIX)}".rstrip()
            else:
                kind, nip, name = "osoba prywatna", "", f"{contact} ({count})"
            if rng.random() < 0.6:
                phone = f"{rng.choice(names.MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"
                phone = f"{phone[:3]} {phone[3:6]} {phone[6:]}"
            else:
                phone = f"{rng.choice(names.LANDLINE_AREAS)} {rng.randint(2_000_000, 8_999_999)}"
            writer.writerow(
                [name, kind, nip, phone, f"biuro{count}@example.pl",
                 f"ul. {rng.choice(names.STREETS)} {rng.randint(1, 180)}", city,
                 f"{postal}-{rng.randint(1, 999):03d}", contact]
            )  # fmt: skip
    return count


def timed(command: list[str]) -> tuple[float, float, int, int, str]:
    """Run a command under ``/usr/bin/time -v``.

    Returns:
        Wall seconds, CPU seconds (user + system: what a loaded machine does not
        change much), peak RSS in MB, exit status, output.
    """
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    report = done.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", report)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    cpu = sum(
        float(m.group(1)) for m in re.finditer(r"(?:User|System) time \(seconds\): (\S+)", report)
    )
    seconds = 0.0
    if wall:
        for part in wall.group(1).split(":"):
            seconds = seconds * 60 + float(part)
    own = report[: report.find("\tCommand being timed")].strip()
    peak = int(rss.group(1)) // 1024 if rss else 0
    return seconds, cpu, peak, done.returncode, done.stdout + own


def measure(path: Path) -> None:
    """Time ``--check`` and the import of ``path`` on a fresh database, with baselines."""
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "firm.db")
        subprocess.run([python, "-m", "bbdispatch", "--db", db, "init"], check=True,
                       capture_output=True)  # fmt: skip
        bare = timed([python, "-c", "pass"])
        reader = (
            "import csv, sys\nfor r in csv.reader(open(sys.argv[1], encoding='utf-8',"
            " newline=''), delimiter=';'): pass"
        )
        read = timed([python, "-c", reader, str(path)])
        check = timed([python, "-m", "bbdispatch", "--db", db, "import", "--check", str(path)])
        full = timed([python, "-m", "bbdispatch", "--db", db, "import", str(path)])
    for label, (wall, cpu, rss, code, out) in (
        ("python -c pass", bare), ("csv.reader over the file", read),
        ("import --check", check), ("import", full),
    ):  # fmt: skip
        print(f"{label:26} {wall:7.1f} s wall {cpu:7.1f} s CPU {rss:5d} MB peak  exit {code}")
        if code or label.startswith("import"):
            print("   ", out.strip().splitlines()[-1] if out.strip() else "")


def main(argv: list[str] | None = None) -> int:
    """Write the file; with ``--measure``, time the check and the import of it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=40.0, help="file size in megabytes")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "clients.csv")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args(argv)
    count = write_file(args.out, args.mb, args.seed)
    print(f"{args.out}: {count} rows, {args.out.stat().st_size / 1e6:.1f} MB")
    if args.measure:
        measure(args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
