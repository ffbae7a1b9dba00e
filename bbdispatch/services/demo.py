"""A realistic, deterministic demo database for trying bbdispatch and for tests.

Everything is placed relative to the clock, so the same clock gives the same
database and a demo made today looks like today's work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bbdispatch.clock import FIRM_ZONE, FrozenClock, local
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind, ClientStatus
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.domain.people import Role
from bbdispatch.domain.recurring import TaskDraft
from bbdispatch.phones import parse_phone
from bbdispatch.services import people
from bbdispatch.services.clients import create_client
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import SignRequest, record_assessment, sign_contract
from bbdispatch.services.demo_recurring import document_recurring
from bbdispatch.services.jobs import create_job
from bbdispatch.services.lifecycle import assign_in_tx, move_job, move_job_in_tx
from bbdispatch.services.saving import saves
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import people as people_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import work as work_store

PEOPLE = [
    ("anna", "Anna Kamińska", Role.TECHNICIAN, True, "+48601100200", {"network", "hardware"}),
    ("piotr", "Piotr Mazur", Role.TECHNICIAN, True, "+48602200300", {"software", "backup"}),
    ("marek", "Marek Dąbrowski", Role.TECHNICIAN, True, "+48603300400", {"hardware", "network"}),
    ("kasia", "Katarzyna Szymańska", Role.TECHNICIAN, False, "+48604400500",
     {"training", "software", "backup"}),
    ("beata", "Beata Jankowska", Role.DISPATCHER, False, "+48605500600", set()),
    ("bogdan", "Bogdan Baran", Role.ADMIN, True, "+48606600700", {"network", "hardware"}),
]  # fmt: skip
"""Login, name, role, does on-site work, phone, skills."""


@dataclass(frozen=True)
class DemoClient:
    """One demo client, written as a dispatcher would read it."""

    key: str
    kind: ClientKind
    name: str
    nip: str | None
    street: str
    city: str
    postal_code: str
    email: str
    contact: str
    phones: tuple[str, ...]
    notes: str = ""


CLIENTS = [
    DemoClient("notariusz", ClientKind.COMPANY, "Kancelaria Notarialna Nowak i Wspólnicy",
               "5260001246", "ul. Marszałkowska 84/92 lok. 12", "Warszawa", "00-514",
               "biuro@notariusz-nowak.pl", "Halina Nowak", ("22 628 12 34", "601 234 567"),
               "Serwer w szafie w archiwum; klucz u sekretarki."),
    DemoClient("bilans", ClientKind.COMPANY, "Biuro Rachunkowe Bilans sp. z o.o.", "6762455328",
               "ul. Długa 17", "Kraków", "31-147", "kontakt@bilans.krakow.pl", "Robert Zając",
               ("12 422 33 44", "502 345 678")),
    DemoClient("zdrowie", ClientKind.COMPANY, "Przychodnia Zdrowie Plus sp. z o.o.", "7251801126",
               "ul. Piotrkowska 120", "Łódź", "90-006", "it@zdrowieplus.lodz.pl",
               "Dorota Kaczmarek", ("42 630 11 22", "607 111 222"),
               "Kopie zapasowe co tydzień na NAS w rejestracji."),
    DemoClient("kowalczyk", ClientKind.COMPANY, "Hurtownia Budowlana Kowalczyk sp.j.",
               "7792286428", "ul. Głogowska 210", "Poznań", "60-104", "biuro@kowalczyk-hurt.pl",
               "Zbigniew Kowalczyk", ("61 866 45 45", "609 876 543")),
    DemoClient("apteka", ClientKind.COMPANY, "Apteka Pod Lipami s.c.", "8971761266",
               "ul. Legnicka 55", "Wrocław", "54-203", "apteka@podlipami.pl", "Monika Krawczyk",
               ("71 355 66 77",)),
    DemoClient("lingwa", ClientKind.COMPANY, "Szkoła Językowa Lingwa", "5842617413",
               "ul. Grunwaldzka 82", "Gdańsk", "80-244", "sekretariat@lingwa.edu.pl",
               "Agnieszka Piotrowska", ("58 341 22 33", "511 222 333")),
    DemoClient("prasa", ClientKind.COMPANY, "Drukarnia Offsetowa Prasa sp. z o.o.", "9462198768",
               "ul. Mełgiewska 7", "Lublin", "20-209", "produkcja@drukarniaprasa.pl",
               "Krzysztof Grabowski", ("81 745 10 20",)),
    DemoClient("forma", ClientKind.COMPANY, "Pracownia Architektoniczna Forma", "5213408845",
               "ul. Hoża 29", "Warszawa", "00-521", "studio@forma-arch.pl", "Ewa Wójcik",
               ("22 621 70 80", "698 765 432")),
    DemoClient("autoserwis", ClientKind.COMPANY, "Auto Serwis Wiśniewski", "6340127808",
               "ul. Chorzowska 150", "Katowice", "40-101", "serwis@wisniewski-auto.pl",
               "Paweł Wiśniewski", ("32 255 40 40",)),
    DemoClient("kowalski", ClientKind.PRIVATE, "Jan Kowalski", None, "ul. Lipowa 3 m. 5",
               "Piaseczno", "05-500", "jan.kowalski@poczta.pl", "Jan Kowalski", ("600 700 800",),
               "Laptop córki, drukarka HP."),
    DemoClient("zielinska", ClientKind.PRIVATE, "Maria Zielińska", None, "ul. Słoneczna 14",
               "Józefów", "05-420", "maria.zielinska@onet.pl", "Maria Zielińska",
               ("515 303 404",)),
    DemoClient("lewandowski", ClientKind.PRIVATE, "Tomasz Lewandowski", None, "ul. Ogrodowa 9",
               "Otwock", "05-400", "", "Tomasz Lewandowski", ("+49 30 901820", "790 120 130")),
    DemoClient("wojcik", ClientKind.PRIVATE, "Ewa Wójcik", None, "ul. Hoża 31 m. 4", "Warszawa",
               "00-521", "ewa.wojcik@gmail.com", "Ewa Wójcik", ("698 765 432",),
               "Właścicielka Pracowni Forma; ten sam telefon komórkowy."),
]  # fmt: skip


@saves
async def build_demo(ctx: Ctx, *, add_login: str | None = None) -> None:
    """Fill an empty database with the demo firm.

    Args:
        ctx: the service environment; its clock anchors all demo dates.
        add_login: an OS login to add as admin, so the person who made the demo
            can open it (skipped if it is one of the demo people).
    """
    now = ctx.clock.now()
    today = local(now).date()
    tech: dict[str, int] = {p.login: p.id for p in await people.people(ctx)}
    for login, name, role, onsite, phone, skills in PEOPLE:
        if login in tech:  # init made this login the first admin
            continue
        tech[login] = await people.add_person(
            ctx, login, name, role, does_onsite=onsite, phone=phone, skills=frozenset(skills)
        )
    if add_login and add_login not in tech:
        tech[add_login] = await people.add_person(ctx, add_login, add_login, Role.ADMIN)

    client: dict[str, int] = {}
    for c in CLIENTS:
        client[c.key] = await create_client(
            ctx,
            NewClient(
                kind=c.kind, name=c.name, nip=c.nip, street=c.street, city=c.city,
                postal_code=c.postal_code, email=c.email, contact_person=c.contact,
                notes=c.notes, phones=tuple((parse_phone(p), "") for p in c.phones),
                status=(ClientStatus.ACTIVE if c.kind is ClientKind.PRIVATE
                        else ClientStatus.PROSPECT),
            ),
        )  # fmt: skip

    def day(days_ago: int) -> date:
        return today - timedelta(days=days_ago)

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A past moment (work is never recorded in the future)."""
        moment = datetime.combine(day(days_ago), time(hour, minute), tzinfo=FIRM_ZONE)
        return min(moment, now - timedelta(minutes=1))

    tomorrow_10 = datetime.combine(day(-1), time(10, 0), tzinfo=FIRM_ZONE)

    for key in ("notariusz", "kowalczyk", "forma"):
        await record_assessment(
            ctx, client[key], day(200), "Sieć biurowa, serwer plików, 10-15 stanowisk Windows.",
            "Zgłoszenia telefonicznie; awarie do 2 h; prace planowe po 16:00.",
        )  # fmt: skip
    sign = [
        ("notariusz", "service-50h", 180, None),
        ("bilans", "starter-10h", 120, None),
        ("zdrowie", "it-admin", 300, Decimal("1800.00")),
        ("zdrowie", "network-1h", 300, None),
        ("kowalczyk", "service-50h", 400, None),
        ("kowalczyk", "service-50h", 30, None),
        ("apteka", "network-1h", 90, None),
        ("prasa", "starter-10h", 60, None),
        ("forma", "service-50h", 150, None),
    ]
    contract: dict[str, int] = {}
    for key, code, days_ago, fee in sign:
        cid = await sign_contract(
            ctx, SignRequest(client[key], code, day(days_ago), agreed_net=fee)
        )
        contract.setdefault(f"{key}:{code}", cid)

    async with ctx.db.transaction():
        backup_task = await recurring_store.insert_task(
            ctx.db,
            contract["zdrowie:it-admin"],
            TaskDraft(
                title="Kontrola kopii zapasowych",
                instructions="Sprawdź log kopii na NAS, odtwórz losowy plik, zapisz rozmiar kopii.",
                schedule="FREQ=WEEKLY;BYDAY=MO",
                starts_at=at(300, 9),
                technician_id=tech["piotr"],
                expected_minutes=30,
                mode=JobMode.REMOTE,
                category=Category.BACKUP,
                catch_up=True,
            ),
        )
        inventory_task = await recurring_store.insert_task(
            ctx.db,
            contract["zdrowie:it-admin"],
            TaskDraft(
                title="Inwentaryzacja zainstalowanego oprogramowania",
                instructions=(
                    "Zbierz listę programów (Get-Package) ze wszystkich stanowisk i porównaj."
                ),
                schedule="FREQ=MONTHLY;BYDAY=1MO",
                starts_at=at(300, 10),
                technician_id=tech["kasia"],
                expected_minutes=90,
                mode=JobMode.REMOTE,
                category=Category.SOFTWARE,
                catch_up=True,
            ),
        )

    # Past work that uses up the blocks, oldest first.
    history = [
        ("notariusz", "Wymiana dysku w serwerze plików, odtworzenie RAID", "hardware", "marek",
         170, 20 * 60, JobMode.ONSITE),
        ("notariusz", "Konfiguracja VPN dla notariusza, szkolenie", "network", "anna",
         120, 21 * 60, JobMode.ONSITE),
        ("bilans", "Instalacja programu księgowego na 4 stanowiskach", "software", "piotr",
         100, 9 * 60 + 30, JobMode.ONSITE),
        ("kowalczyk", "Wdrożenie nowego serwera domeny", "software", "piotr",
         380, 50 * 60, JobMode.ONSITE),
        ("kowalczyk", "Konfiguracja kopii zapasowej w chmurze", "backup", "kasia",
         20, 5 * 60, JobMode.REMOTE),
        ("apteka", "Wymiana przełącznika sieciowego", "network", "anna",
         40, 3 * 60, JobMode.ONSITE),
        ("prasa", "Podłączenie ploterów do sieci", "hardware", "marek",
         50, 4 * 60, JobMode.ONSITE),
        ("forma", "Licencje AutoCAD, aktualizacja stacji", "software", "kasia",
         140, 15 * 60, JobMode.REMOTE),
        ("lingwa", "Usunięcie wirusa z komputera w sekretariacie", "software", "piotr",
         12, 2 * 60 + 10, JobMode.ONSITE),
        ("kowalski", "Reinstalacja Windows na laptopie", "software", "marek",
         25, 3 * 60, JobMode.ONSITE),
    ]  # fmt: skip
    for key, text, category, worker, days_ago, minutes, mode in history:
        job_id = await create_job(
            ctx,
            NewJob(
                client_id=client[key], description=text, mode=mode, priority=Priority.NORMAL,
                category=Category(category), status=JobStatus.ASSIGNED,
                technician_id=tech[worker], site_address=_address(key),
                agreed_rate=Decimal("80.00") if key == "kowalski" else None,
            ),
        )  # fmt: skip
        await _backdate(ctx, job_id, at(days_ago + 1, 14, 20))
        await _work(ctx, job_id, tech[worker], at(days_ago, 8), minutes, text, mode)
        done_at = at(days_ago, 8) + timedelta(minutes=minutes)
        await _close(ctx, job_id, JobStatus.DONE, "Wykonano; klient potwierdził.", done_at)

    # Today's queue, one job in every status.
    queue = [
        ("zdrowie", "Nie działa rejestracja online, serwer nie odpowiada", Priority.EMERGENCY,
         Category.NETWORK, JobMode.ONSITE, JobStatus.IN_PROGRESS, "anna", 0, 3),
        ("notariusz", "Drukarka w sekretariacie drukuje puste strony", Priority.NORMAL,
         Category.HARDWARE, JobMode.ONSITE, JobStatus.ASSIGNED, "marek", 1, 2),
        ("bilans", "Program księgowy pokazuje błąd licencji", Priority.EMERGENCY,
         Category.SOFTWARE, JobMode.REMOTE, JobStatus.NEW, None, 0, 1),
        ("lingwa", "Nowy laptop dla lektora — konfiguracja", Priority.LOW, Category.HARDWARE,
         JobMode.ONSITE, JobStatus.TRIAGED, None, 2, 0),
        ("apteka", "Wolny internet na zapleczu", Priority.NORMAL, Category.NETWORK,
         JobMode.REMOTE, JobStatus.ON_HOLD, "anna", 3, 0),
        ("forma", "Szkolenie z OneDrive dla dwóch nowych osób", Priority.LOW, Category.TRAINING,
         JobMode.REMOTE, JobStatus.ASSIGNED, "kasia", 4, 0),
        ("zielinska", "Komputer nie uruchamia się po burzy", Priority.NORMAL, Category.HARDWARE,
         JobMode.ONSITE, JobStatus.TRIAGED, None, 1, 5),
        ("kowalczyk", "Skrzynka pocztowa prezesa pełna", Priority.NORMAL, Category.SOFTWARE,
         JobMode.REMOTE, JobStatus.IN_PROGRESS, "piotr", 0, 6),
        ("prasa", "Dodatkowe gniazdo sieciowe w hali", Priority.LOW, Category.NETWORK,
         JobMode.ONSITE, JobStatus.CANCELLED, None, 5, 0),
        ("lewandowski", "Konfiguracja routera Wi-Fi w domu", Priority.LOW, Category.NETWORK,
         JobMode.ONSITE, JobStatus.DONE, "marek", 6, 0),
    ]  # fmt: skip
    for key, text, prio, cat, mode, status, assignee, days_ago, hours_ago in queue:
        tech_id = tech[assignee] if assignee else None
        job_id = await create_job(
            ctx,
            NewJob(
                client_id=client[key], description=text, mode=mode, priority=prio, category=cat,
                status=JobStatus.NEW if status is JobStatus.NEW else JobStatus.TRIAGED,
                site_address=_address(key), caller_phone=parse_phone(_phone(key)),
                caller_name=_contact(key),
                agreed_rate=Decimal("90.00") if key in ("zielinska", "lewandowski") else None,
            ),
        )  # fmt: skip
        received = now - timedelta(days=days_ago, hours=hours_ago, minutes=17)
        # Work is never booked before its job came in, whatever the hour the demo is made.
        worked_from = {JobStatus.ON_HOLD: at(3, 12), JobStatus.DONE: at(days_ago, 17)}.get(status)
        if worked_from is not None:
            received = min(received, worked_from - timedelta(hours=1))
        await _backdate(ctx, job_id, received)
        if tech_id is not None:
            visit = tomorrow_10 if mode is JobMode.ONSITE and status is JobStatus.ASSIGNED else None
            await _move(ctx, job_id, JobStatus.ASSIGNED, tech_id, visit_at=visit)
        if status is JobStatus.IN_PROGRESS:
            await _move(ctx, job_id, JobStatus.IN_PROGRESS, tech_id)
            await _timer(ctx, job_id, tech_id or 0, now - timedelta(minutes=40), mode)
        elif status is JobStatus.ON_HOLD:
            await _work(ctx, job_id, tech_id or 0, at(3, 12), 45, "Pomiar łącza, "
                        "zgłoszenie do operatora", mode)  # fmt: skip
            await _move(ctx, job_id, JobStatus.ON_HOLD, tech_id,
                        reason="Czekamy na technika operatora")  # fmt: skip
        elif status is JobStatus.DONE:
            await _work(ctx, job_id, tech_id or 0, at(days_ago, 17), 75, text, mode)
            await _close(ctx, job_id, JobStatus.DONE, "Router skonfigurowany, hasło przekazane.")
        elif status is JobStatus.CANCELLED:
            await _close(ctx, job_id, JobStatus.CANCELLED, "Klient zrezygnował.")
    await document_recurring(ctx, backup_task, inventory_task, tech["piotr"], tech["kasia"])


def _find(key: str) -> DemoClient:
    return next(c for c in CLIENTS if c.key == key)


def _address(key: str) -> str:
    c = _find(key)
    return f"{c.street}, {c.postal_code} {c.city}"


def _phone(key: str) -> str:
    return _find(key).phones[0]


def _contact(key: str) -> str:
    return _find(key).contact


async def _work(
    ctx: Ctx, job_id: int, tech_id: int, start: datetime, minutes: int, text: str, mode: JobMode
) -> None:
    # The history sums a project's days into one entry (50 h for a server), confirmed long.
    await add_entry(
        ctx, job_id=job_id, technician_id=tech_id, started_at=start,
        ended_at=start + timedelta(minutes=minutes), description=text, mode=mode, long=True,
    )  # fmt: skip


async def _timer(ctx: Ctx, job_id: int, tech_id: int, start: datetime, mode: JobMode) -> None:
    async with ctx.db.transaction():
        await work_store.insert_entry(
            ctx.db, job_id=job_id, technician_id=tech_id, started_at=start, ended_at=None,
            description="", mode=mode, billable=True, now=start,
        )  # fmt: skip


async def _backdate(ctx: Ctx, job_id: int, received: datetime) -> None:
    async with ctx.db.transaction():
        await job_store.backdate_job(ctx.db, job_id, received)


async def _move(
    ctx: Ctx,
    job_id: int,
    status: JobStatus,
    tech_id: int | None,
    *,
    visit_at: datetime | None = None,
    reason: str = "",
) -> None:
    """Move a demo job as the dispatcher or technician would: through the one lifecycle."""
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        assert job is not None
        if status is JobStatus.ASSIGNED and tech_id is not None:
            person = await people_store.person_by_id(ctx.db, tech_id)
            assert person is not None
            await assign_in_tx(ctx, job, tech_id, person.name, visit_at)
        else:
            await move_job_in_tx(ctx, job, status, reason)


async def _close(
    ctx: Ctx,
    job_id: int,
    status: JobStatus,
    text: str,
    at: datetime | None = None,
) -> None:
    """Close a demo job, by default now, or when its past work ended."""
    when = ctx if at is None else replace(ctx, clock=FrozenClock(at))
    await move_job(when, job_id, status, text)
