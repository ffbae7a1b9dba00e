"""A deterministic database at the scale of a busy firm, built in minutes and cached.

``python -m benchmarks.generate --clients 100000`` writes (or reuses) a file under
``benchmarks/.cache/`` with 100,000 clients, 150,000 phone numbers, 300,000 jobs
and 1,000,000 work entries over the three years before 24.11.2026 09:42 (the
tests' clock). Other sizes scale every table in proportion.

Rows are computed here (no I/O) and written by ``bbdispatch.storage.bulk``; the
schema comes from the normal migrations, so the file is a real bbdispatch
database. Everything derives from one seeded ``random.Random``: the same
generator and schema give the same rows, row for row, and the cache key is a
hash of both.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bbdispatch.domain.clients import search_key
from bbdispatch.storage import bulk
from bbdispatch.storage.database import Database, latest_schema_version, migrations

from . import names

HERE = Path(__file__).resolve().parent
CACHE_DIR = HERE / ".cache"
SEED = 20261124
NOW = 1795509720  # 2026-11-24T08:42:00Z = 09:42 in Warsaw, the tests' DEMO_NOW
"""The moment the generated firm lives in (UTC epoch seconds)."""
DAY = 86_400
YEAR = 365 * DAY
START = NOW - 3 * YEAR
BUSY_CLIENT_ID = 1
"""The busiest client: about a tenth of a percent of clients, a hundredth of the work."""


def utc(ts: int) -> str:
    """Epoch seconds in the stored form ``YYYY-MM-DDTHH:MM:SSZ``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def day_of(ts: int) -> str:
    """Epoch seconds as a stored date ``YYYY-MM-DD`` (UTC date; close enough for contracts)."""
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


@dataclass(frozen=True)
class Scale:
    """How big a firm to generate; every table follows the number of clients."""

    clients: int

    @property
    def phones(self) -> int:
        """One and a half numbers per client."""
        return self.clients * 3 // 2

    @property
    def jobs(self) -> int:
        """Three jobs per client over three years."""
        return self.clients * 3

    @property
    def entries(self) -> int:
        """Ten work entries per client."""
        return self.clients * 10

    @property
    def technicians(self) -> int:
        """Enough technicians for the work (about 140 at full scale)."""
        return max(8, self.clients // 700)

    @property
    def busy_entries(self) -> int:
        """Entries of the busiest client in the last year (10,000 at full scale)."""
        return max(30, self.clients // 10)

    @property
    def open_jobs(self) -> int:
        """Roughly how many jobs are open now (2,000 at full scale)."""
        return max(20, self.clients // 50)


def nip_of(n: int) -> str:
    """A valid NIP (checksum) derived from a number; ``None``-free: skips bad checksums."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        body = f"{n:09d}"
        check = sum(w * int(d) for w, d in zip(weights, body, strict=True)) % 11
        if check != 10 and body[0] != "0":
            return body + str(check)
        n += 1


def cache_key(scale: Scale) -> str:
    """Hash of the generator, the bulk loader, the schema and the size."""
    digest = hashlib.sha256()
    for path in (Path(__file__), HERE / "names.py", Path(bulk.__file__)):
        digest.update(path.read_bytes())
    for _number, _name, sql in migrations():
        digest.update(sql.encode())
    digest.update(f"{latest_schema_version()}:{scale.clients}".encode())
    return digest.hexdigest()[:16]


def cached_path(scale: Scale) -> Path:
    """Where the database of this size and generator lives in the cache."""
    return CACHE_DIR / f"scale-{scale.clients}-{cache_key(scale)}.db"


def ensure(scale: Scale, *, quiet: bool = False) -> Path:
    """The cached database of this size, generated first if missing."""
    path = cached_path(scale)
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CACHE_DIR.glob(f"scale-{scale.clients}-*.db*"):
        old.unlink()
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    started = time.perf_counter()
    counts = generate(tmp, scale)
    tmp.rename(path)
    if not quiet:
        took = time.perf_counter() - started
        print(f"generated {path.name} in {took:.0f} s: {counts}", file=sys.stderr)
    return path


def generate(path: Path, scale: Scale) -> dict[str, int]:
    """Write a fresh database of this size at ``path``; returns rows per table."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    asyncio.run(_create_schema(path))
    rng = random.Random(SEED)
    firm = _Firm(rng, scale)
    conn = bulk.open_for_loading(path)
    try:
        with bulk.loading_transaction(conn):
            bulk.insert_rows(conn, "technician", _TECH_COLS, firm.technicians())
            bulk.insert_rows(conn, "technician_skill", ("technician_id", "category"), firm.skills())
            bulk.insert_rows(conn, "client", _CLIENT_COLS, firm.clients())
            bulk.insert_rows(conn, "client_phone", _PHONE_COLS, firm.phones())
            for chunk in firm.job_chunks():
                bulk.insert_rows(conn, "job", _JOB_COLS, chunk.jobs)
                bulk.insert_rows(conn, "job_status_change", _CHANGE_COLS, chunk.changes)
                bulk.insert_rows(conn, "audit_log", _AUDIT_COLS, chunk.audit)
                bulk.insert_rows(conn, "work_entry", _ENTRY_COLS, chunk.entries)
                bulk.insert_rows(conn, "charge", _CHARGE_COLS, chunk.charges)
            bulk.insert_rows(conn, "contract", _CONTRACT_COLS, firm.contracts)
        counts = bulk.table_counts(conn)
    finally:
        bulk.finish_loading(conn)
    return counts


async def _create_schema(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


_TECH_COLS = ("id", "login", "name", "role", "does_onsite", "phone", "active")
_CLIENT_COLS = (
    "id", "kind", "name", "search_name", "nip", "street", "city", "postal_code", "email",
    "contact_person", "notes", "status", "created_at",
)  # fmt: skip
_PHONE_COLS = ("id", "client_id", "e164", "label", "contact_person")
_CONTRACT_COLS = (
    "id", "client_id", "product_code", "kind", "number", "title", "starts_on", "ends_on",
    "minutes_included", "net_grosze", "vat_rate_bp", "status", "signed_at", "signed_by",
)  # fmt: skip
_JOB_COLS = (
    "id", "client_id", "caller_phone", "caller_name", "received_at", "description", "mode",
    "priority", "category", "status", "technician_id", "site_address", "agreed_rate_grosze",
    "resolution", "status_reason", "closed_at", "updated_at",
)  # fmt: skip
_CHANGE_COLS = ("job_id", "at", "from_status", "to_status", "technician_id", "actor")
_AUDIT_COLS = ("at", "actor", "entity", "entity_id", "action", "detail")
_ENTRY_COLS = (
    "id", "job_id", "technician_id", "started_at", "ended_at", "description", "mode",
    "billable", "created_at", "updated_at",
)  # fmt: skip
_CHARGE_COLS = ("work_entry_id", "contract_id", "basis", "minutes", "rate_grosze", "reason")

_CATEGORIES = ("hardware", "software", "network", "backup", "training", "other")
_OPEN = ("new", "triaged", "assigned", "in_progress", "on_hold")
_OPEN_WEIGHTS = (25, 15, 30, 15, 15)
_DURATIONS = (15, 20, 30, 30, 45, 45, 60, 60, 60, 90, 120, 180)
"""Minutes of work an entry takes, roughly as often as they happen."""


@dataclass
class _Client:
    kind: str
    name: str
    phones: list[str]
    rate: int | None  # agreed hourly rate of a private person, grosze
    block: bool
    hourly: int | None  # contract id of hourly network service
    monthly: int | None  # contract id of IT administration
    block_id: int | None = None
    block_left: int = 0


@dataclass
class _Chunk:
    jobs: list[tuple[object, ...]]
    changes: list[tuple[object, ...]]
    audit: list[tuple[object, ...]]
    entries: list[tuple[object, ...]]
    charges: list[tuple[object, ...]]


class _Firm:
    """The generated firm, computed in order so ids and references agree."""

    def __init__(self, rng: random.Random, scale: Scale) -> None:
        self.rng = rng
        self.scale = scale
        self.techs = list(range(1, scale.technicians + 1))
        self.dispatchers = list(range(scale.technicians + 1, scale.technicians + 4))
        self.people: dict[int, str] = {}
        self.client_info: list[_Client] = []
        self.contracts: list[list[object]] = []

    # People ------------------------------------------------------------------
    def _person_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            surname = rng.choice(names.SURNAME_SKI)
            surname += "i" if surname.endswith(("sk", "ck", "dzk")) else ""
            return f"{rng.choice(names.FIRST_MALE)} {surname}"
        surname = rng.choice(names.SURNAME_SKI)
        surname += "a" if surname.endswith(("sk", "ck", "dzk")) else ""
        return f"{rng.choice(names.FIRST_FEMALE)} {surname}"

    def technicians(self) -> Iterator[tuple[object, ...]]:
        """Technicians, then three dispatchers and an admin."""
        ids = [*self.techs, *self.dispatchers, self.dispatchers[-1] + 1]
        for person_id in ids:
            name = self._person_name()
            self.people[person_id] = name
            if person_id in self.techs:
                role, login = "technician", f"tech{person_id:03d}"
            elif person_id in self.dispatchers:
                role, login = "dispatcher", f"disp{person_id:03d}"
            else:
                role, login = "admin", "admin"
            phone = f"+4860{person_id:07d}"
            yield (person_id, login, name, role, int(role != "dispatcher"), phone, 1)

    def skills(self) -> Iterator[tuple[object, ...]]:
        """Two skills per technician."""
        for tech in self.techs:
            for category in sorted(self.rng.sample(_CATEGORIES, 2)):
                yield (tech, category)

    # Clients -----------------------------------------------------------------
    def _contract(self, client_id: int, code: str, at: int, minutes: int | None) -> int:
        kind, title, net = {
            "service-50h": ("block", "Umowa serwisowa 50 h", 295000),
            "starter-10h": ("block", "Umowa startowa 10 h", 60000),
            "network-1h": ("hourly", "Serwis sieci komputerowych 1 h", 10000),
            "it-admin": ("monthly", "Umowa administrowania zasobami IT", 150000),
        }[code]
        contract_id = len(self.contracts) + 1
        year = time.gmtime(at).tm_year
        self.contracts.append(
            [contract_id, client_id, code, kind, f"BB/{year}/{contract_id:06d}", title,
             day_of(at), None, minutes, net, 2300, "active", utc(at), "admin"]
        )  # fmt: skip
        return contract_id

    def clients(self) -> Iterator[tuple[object, ...]]:
        """Clients: two thirds companies with valid NIPs, the rest private persons."""
        rng = self.rng
        for client_id in range(1, self.scale.clients + 1):
            city, postal = rng.choice(names.CITIES)
            street = f"ul. {rng.choice(names.STREETS)} {rng.randint(1, 180)}"
            postal_code = f"{postal}-{rng.randint(1, 999):03d}"
            created = START - rng.randint(0, 2 * YEAR)
            status = rng.choices(("active", "prospect", "archived"), (70, 25, 5))[0]
            contact = self._person_name()
            if client_id == BUSY_CLIENT_ID:
                kind, name, nip = (
                    "company",
                    "Szpital Wojewódzki im. Jana Pawła II",
                    nip_of(526_000_000),
                )
                status = "active"
            elif rng.random() < 0.66:
                core = rng.choice(names.FIRM_CORE) if rng.random() < 0.4 else contact.split()[1]
                suffix = rng.choice(names.FIRM_SUFFIX)
                name = f"{rng.choice(names.FIRM_PREFIX)} {core} {suffix}".strip()
                kind, nip = "company", nip_of(100_000_000 + client_id * 97)
            else:
                kind, name, nip = "private", contact, None
            is_company = kind == "company" and status != "prospect"
            info = _Client(
                kind=kind,
                name=name,
                phones=[],
                rate=rng.choice((8000, 10000, 12000)) if kind == "private" else None,
                block=is_company and (client_id == BUSY_CLIENT_ID or rng.random() < 0.45),
                hourly=None,
                monthly=None,
            )
            if is_company and (client_id == BUSY_CLIENT_ID or rng.random() < 0.15):
                info.hourly = self._contract(client_id, "network-1h", START, None)
            if is_company and (client_id == BUSY_CLIENT_ID or rng.random() < 0.08):
                info.monthly = self._contract(client_id, "it-admin", START, None)
            self.client_info.append(info)
            email = f"biuro{client_id}@example.pl"
            yield (client_id, kind, name, search_key(name), nip, street, city, postal_code,
                   email, contact, "", status, utc(created))  # fmt: skip

    def _number(self, used: set[str]) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.6:
                number = f"+48{rng.choice(names.MOBILE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"
            else:
                area = rng.choice(names.LANDLINE_AREAS)
                number = f"+48{area}{rng.randint(2_000_000, 8_999_999)}"
            if number not in used:
                used.add(number)
                return number

    def phones(self) -> Iterator[tuple[object, ...]]:
        """One number per client, a second for half of them; a few numbers are shared."""
        rng = self.rng
        used: set[str] = set()
        count = self.scale.clients
        extra = set(rng.sample(range(count), self.scale.phones - count))
        phone_id = 0
        for index, info in enumerate(self.client_info):
            numbers = [self._number(used)]
            if index in extra:
                if rng.random() < 0.01 and index > 0:
                    numbers.append(self.client_info[index - 1].phones[0])  # shared reception
                else:
                    numbers.append(self._number(used))
            for label, number in zip(("biuro", "komórka"), numbers, strict=False):
                phone_id += 1
                info.phones.append(number)
                yield (phone_id, index + 1, number, label, "")

    # Jobs and work -------------------------------------------------------------
    def _job_times(self) -> list[int]:
        rng = self.rng
        days = [d for d in range(START // DAY, NOW // DAY + 1) if time.gmtime(d * DAY).tm_wday < 5]
        times = []
        for _ in range(self.scale.jobs):
            ts = rng.choice(days) * DAY + rng.randint(6 * 3600, 16 * 3600)
            times.append(min(ts, NOW - 60))
        times.sort()
        return times

    def _entry_counts(self, clients: list[int], statuses: list[str]) -> list[int]:
        rng = self.rng
        counts = []
        busy = 0
        for client_id, status in zip(clients, statuses, strict=True):
            if status in ("new", "triaged", "assigned", "cancelled"):
                counts.append(0)
            elif client_id == BUSY_CLIENT_ID:
                busy += 1
                counts.append(4 if busy % 3 == 0 else 3)
            else:
                counts.append(rng.choice((1, 2, 3, 3, 4, 4, 5, 6)))
        free = [i for i, c in enumerate(counts) if c and clients[i] != BUSY_CLIENT_ID]
        diff = self.scale.entries - sum(counts)
        while diff and free:
            i = rng.choice(free)
            step = 1 if diff > 0 else -1
            if 1 <= counts[i] + step <= 9:
                counts[i] += step
                diff -= step
        return counts

    def job_chunks(self, size: int = 30_000) -> Iterator[_Chunk]:
        """Jobs in time order with their history, entries and charges, a chunk at a time."""
        rng = self.rng
        scale = self.scale
        times = self._job_times()
        last_year = sum(1 for t in times if t >= NOW - YEAR)
        busy_jobs = scale.busy_entries * 3 // 10
        p_busy = busy_jobs / max(1, last_year)
        recent = scale.open_jobs * 3 // 2
        clients: list[int] = []
        statuses: list[str] = []
        for index, ts in enumerate(times):
            if ts >= NOW - YEAR and rng.random() < p_busy:
                clients.append(BUSY_CLIENT_ID)
            else:
                clients.append(rng.randint(2, scale.clients))
            if index >= len(times) - recent and rng.random() < 2 / 3:
                statuses.append(rng.choices(_OPEN, _OPEN_WEIGHTS)[0])
            else:
                statuses.append("done" if rng.random() < 0.95 else "cancelled")
        counts = self._entry_counts(clients, statuses)
        timers: set[int] = set()
        entry_id = 0
        chunk = _Chunk([], [], [], [], [])
        for index, ts in enumerate(times):
            job_id = index + 1
            entry_id = self._job(chunk, job_id, ts, clients[index], statuses[index],
                                 counts[index], entry_id, timers)  # fmt: skip
            if len(chunk.jobs) >= size:
                yield chunk
                chunk = _Chunk([], [], [], [], [])
        if chunk.jobs:
            yield chunk

    def _job(
        self,
        chunk: _Chunk,
        job_id: int,
        received: int,
        client_id: int,
        status: str,
        count: int,
        entry_id: int,
        timers: set[int],
    ) -> int:
        rng = self.rng
        info = self.client_info[client_id - 1]
        category = rng.choices(_CATEGORIES, (25, 30, 20, 10, 5, 10))[0]
        mode = "onsite" if rng.random() < 0.4 else "remote"
        priority = rng.choices(("emergency", "normal", "low"), (5, 80, 15))[0]
        tech = None if status in ("new", "triaged") else rng.choice(self.techs)
        if status == "cancelled":
            tech = None
        dispatcher = f"disp{rng.choice(self.dispatchers):03d}"
        text = f"{rng.choice(names.JOB_TEXTS)} (stanowisko {rng.randint(1, 40)})"
        # Work entries, one after another after the job came in.
        t = received + rng.randint(300, 3600)
        room = max(900, (NOW - 1200 - t) // (count + 1))
        last_end = received
        for _ in range(count):
            minutes = rng.choice(_DURATIONS)
            seconds = min(minutes * 60 + rng.randint(-300, 300), max(600, room // 2))
            end = t + seconds
            if end >= NOW - 600:
                break
            entry_id += 1
            assert tech is not None
            billable = rng.random() < 0.95
            chunk.entries.append((entry_id, job_id, tech, utc(t), utc(end),
                                  rng.choice(names.WORK_TEXTS), mode, int(billable),
                                  utc(end), utc(end)))  # fmt: skip
            if billable:
                self._charge(chunk, entry_id, info, client_id, category, end, seconds)
            last_end = end
            t = end + rng.randint(600, min(2 * DAY, room))
        if status == "in_progress" and tech is not None and tech not in timers:
            timers.add(tech)
            entry_id += 1
            start = NOW - rng.randint(600, 4 * 3600)
            chunk.entries.append((entry_id, job_id, tech, utc(start), None, "", mode, 1,
                                  utc(start), utc(start)))  # fmt: skip
        closed = None
        resolution = reason = ""
        if status == "done":
            closed = min(NOW - 60, last_end + rng.randint(60, 3600))
            resolution = "Usunięto usterkę; klient potwierdził działanie."
        elif status == "cancelled":
            closed = min(NOW - 60, received + rng.randint(600, DAY))
            reason = "Klient zrezygnował."
        chunk.jobs.append((
            job_id, client_id, info.phones[0] if info.phones else None, "", utc(received), text,
            mode, priority, category, status, tech, "", info.rate, resolution, reason,
            utc(closed) if closed else None, utc(closed or received),
        ))  # fmt: skip
        chunk.changes.append((job_id, utc(received), None, "new", None, dispatcher))
        if status != "new":
            at = closed or min(NOW - 30, received + rng.randint(60, 7200))
            chunk.changes.append((job_id, utc(at), "new", status, tech, dispatcher))
        detail = json.dumps({"client_id": client_id, "priority": priority, "mode": mode,
                             "category": category})  # fmt: skip
        chunk.audit.append((utc(received), dispatcher, "job", job_id, "created", detail))
        return entry_id

    def _charge(
        self,
        chunk: _Chunk,
        entry_id: int,
        info: _Client,
        client_id: int,
        category: str,
        end: int,
        seconds: int,
    ) -> None:
        minutes = -(-seconds // (15 * 60)) * 15
        if info.rate is not None:
            chunk.charges.append((entry_id, None, "agreed", minutes, info.rate, "agreed rate"))
        elif info.hourly and category == "network":
            chunk.charges.append((entry_id, info.hourly, "hourly", minutes, 10000, "network"))
        elif info.monthly and category == "backup":
            chunk.charges.append((entry_id, info.monthly, "monthly", minutes, 0, "IT admin"))
        elif info.block:
            while minutes:
                if info.block_left == 0:
                    if info.block_id is not None:
                        self.contracts[info.block_id - 1][11] = "used_up"
                    first = info.block_id is None and client_id != BUSY_CLIENT_ID
                    code, size = ("starter-10h", 600) if first else ("service-50h", 3000)
                    info.block_id = self._contract(client_id, code, end - DAY, size)
                    info.block_left = size
                part = min(minutes, info.block_left)
                chunk.charges.append((entry_id, info.block_id, "block", part, 0, "block"))
                info.block_left -= part
                minutes -= part
        else:
            chunk.charges.append((entry_id, None, "uncovered", minutes, 10000, "no contract"))


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.generate [--clients N] [--out PATH]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="write here instead of the cache")
    args = parser.parse_args(argv)
    scale = Scale(args.clients)
    if args.out:
        print(generate(args.out, scale))
    else:
        print(ensure(scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
