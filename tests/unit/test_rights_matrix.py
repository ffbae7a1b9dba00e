"""The rule table as a matrix at the service layer: principal × action × own/other.

Every action with a service is probed through a real service call on the demo
firm, as anna (technician), beata (dispatcher), bogdan (admin) and a phone
system account; a refusal must be exactly the table's "no", carry one line and
leave an audit row, and an allowed call must get past the check (it may still
fail a business rule later, which is not a refusal).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.domain.people import Role
from bbdispatch.domain.rights import (
    RULES,
    Action,
    Principal,
    Refused,
    Scope,
    allowed,
    markdown_table,
    refusal_text,
    scope,
)
from bbdispatch.pricelist import PriceList
from bbdispatch.services import (
    audit,
    board,
    clients,
    contracts,
    corrections,
    dispatch,
    import_clients,
    intake,
    inventory,
    jobs,
    ledger,
    people,
    recurring,
    safekeeping,
    schedule,
    settings,
    statements,
    timekeeping,
    workspace,
)
from bbdispatch.services.context import Ctx
from bbdispatch.services.my_entries import my_recent_entries
from bbdispatch.services.rights import check
from bbdispatch.storage.database import Database
from bbdispatch.storage.people import person_by_login

LOGIN = {
    Principal.TECHNICIAN: "anna",
    Principal.DISPATCHER: "beata",
    Principal.ADMIN: "bogdan",
    Principal.PHONE: "pbx",
}
"""Who acts for each principal in the demo firm (``pbx`` is no person: the phone group)."""


@dataclass(frozen=True)
class Target:
    """The things a probe acts on: anna's own, or piotr's (someone else's)."""

    job: int
    tech_login: str
    entry: int
    client: int
    contract: int
    task: int


Probe = Callable[[Ctx, Target, Any], Awaitable[object]]


def _d(ctx: Ctx) -> datetime:
    return ctx.clock.now()


async def _search(ctx: Ctx, target: Target) -> None:
    """Search filters instead of refusing: finding the target job counts as reaching it."""
    found = await board.find(ctx, str(target.job))
    if target.job not in [r.job.id for r in found.jobs]:
        raise Refused(refusal_text(Principal.TECHNICIAN, Action.SEARCH))


PROBES: dict[Action, Probe] = {
    Action.JOB_VIEW: lambda c, t, p: jobs.get_job(c, t.job),
    Action.JOB_DETAIL: lambda c, t, p: board.job_detail(c, t.job),
    Action.JOB_LIST: lambda c, t, p: board.board_lines(c),
    Action.SEARCH: lambda c, t, p: _search(c, t),
    Action.JOB_CREATE: lambda c, t, p: jobs.create_job(
        c, NewJob(t.client, "Probe", JobMode.REMOTE, Priority.NORMAL, Category.SOFTWARE)
    ),
    Action.JOB_WORK: lambda c, t, p: workspace.start_work(c, p, t.job),
    Action.JOB_STATUS: lambda c, t, p: dispatch.change_status(c, t.job, JobStatus.CANCELLED, "x"),
    Action.JOB_ASSIGN: lambda c, t, p: board.candidates(c, t.job),
    Action.JOB_EDIT: lambda c, t, p: dispatch.edit_job(
        c, t.job, dispatch.JobEdit("Probe", Priority.LOW, JobMode.REMOTE, None)
    ),
    Action.TIME_VIEW: lambda c, t, p: my_recent_entries(c, p),
    Action.TIME_EDIT: lambda c, t, p: timekeeping.stop_timer(
        c, p, description="probe", mode=JobMode.REMOTE
    ),
    Action.TIME_CORRECT: lambda c, t, p: corrections.correct_locked_entry(
        c,
        t.entry,
        started_at=_d(c) - timedelta(hours=2),
        ended_at=_d(c) - timedelta(hours=1),
        description="probe",
        reason="probe",
    ),  # fmt: skip
    Action.CLIENT_VIEW: lambda c, t, p: clients.get_client(c, t.client),
    Action.CLIENT_EDIT: lambda c, t, p: clients.add_phone(c, t.client, "+48609999888"),
    Action.CLIENT_IMPORT: lambda c, t, p: import_clients.import_client_file(c, "name\nProbe\n"),
    Action.CALL_RING: lambda c, t, p: intake.record_ring(c, "601 100 200"),
    Action.CALL_LOOKUP: lambda c, t, p: intake.lookup_number(c, "601 100 200"),
    Action.CALL_LOG: lambda c, t, p: intake.call_log(c),
    Action.CONTRACT_VIEW: lambda c, t, p: contracts.balances_of_client(c, t.client),
    Action.CONTRACT_EDIT: lambda c, t, p: ledger.close_contract(c, t.contract, "probe"),
    Action.STATEMENT_VIEW: lambda c, t, p: statements.build_statement(
        c, t.client, date(2026, 11, 1), date(2026, 11, 30)
    ),
    Action.STATEMENT_ISSUE: lambda c, t, p: statements.issue_statement(
        c, t.client, date(2026, 10, 1), date(2026, 10, 31)
    ),
    Action.RECURRING_VIEW: lambda c, t, p: recurring.it_admin_contracts(c),
    Action.RECURRING_EDIT: lambda c, t, p: recurring.set_task_active(c, t.task, False),
    Action.SCHEDULE_RUN: lambda c, t, p: schedule.run_schedule(c),
    Action.RUN_RECORD: lambda c, t, p: recurring.run_details(c, t.job),
    Action.INVENTORY_VIEW: lambda c, t, p: inventory.inventory_report(c, t.client),
    Action.PEOPLE_VIEW: lambda c, t, p: people.people(c),
    Action.PEOPLE_MANAGE: lambda c, t, p: people.add_person(c, "newbie", "New", Role.ADMIN),
    Action.AUDIT_VIEW: lambda c, t, p: audit.trail(c, "job", t.job),
    Action.AUDIT_VERIFY: lambda c, t, p: audit.verify_trail(c),
    Action.AUDIT_SEAL: lambda c, t, p: audit.seal_trail(c),
    Action.SETTINGS_EDIT: lambda c, t, p: settings.set_firm_language(c, "pl"),
    Action.BACKUP: lambda c, t, p: safekeeping.backup(
        c, output=c.db.path.with_name("probe-backup.db")
    ),
}
"""One real service call per action (actions without a service yet are left out)."""

NO_SERVICE_YET = {Action.PRICELIST_MANAGE, Action.PRIVACY}


async def _target(db: Database, login: str) -> Target:
    person = await person_by_login(db, login)
    assert person is not None
    job = await db.fetch_value(
        "SELECT id FROM job WHERE technician_id = ? AND status NOT IN ('done', 'cancelled')"
        " ORDER BY id LIMIT 1",
        (person.id,),
    )
    entry = await db.fetch_value(
        "SELECT id FROM work_entry WHERE technician_id = ? ORDER BY id LIMIT 1", (person.id,)
    )
    client = await db.fetch_value("SELECT client_id FROM job WHERE id = ?", (job,))
    contract = await db.fetch_value("SELECT id FROM contract ORDER BY id LIMIT 1")
    task = await db.fetch_value("SELECT id FROM recurring_task ORDER BY id LIMIT 1")
    assert job and entry and client and contract and task
    return Target(job, login, entry, client, contract, task)


async def _refusals(db: Database) -> int:
    return int(
        await db.fetch_value(
            "SELECT count(*) FROM audit_log WHERE entity = 'rights' AND action = 'refused'"
        )
    )


MATRIX = [
    (principal, action, own) for action in PROBES for principal in LOGIN for own in (True, False)
]


@pytest.mark.parametrize(("principal", "action", "own"), MATRIX)
async def test_service_obeys_the_rule_table(
    demo_db_path: Path,
    clock: FrozenClock,
    prices: PriceList,
    principal: Principal,
    action: Action,
    own: bool,
) -> None:
    db = await Database.open(demo_db_path)
    try:
        # "own" things are anna's (the technician's); "other" things are piotr's.
        target = await _target(db, "anna" if own else "piotr")
        owner = await person_by_login(db, target.tech_login)
        fallback = Principal.PHONE if principal is Principal.PHONE else None
        ctx = Ctx(db=db, clock=clock, prices=prices, actor=LOGIN[principal], fallback=fallback)
        is_own = own and principal is Principal.TECHNICIAN
        expected = allowed(principal, action, own=is_own)
        before = await _refusals(db)
        refused: Refused | None = None
        try:
            await PROBES[action](ctx, target, owner)
        except Refused as err:
            refused = err
        except DomainError:
            pass  # past the check, stopped by a business rule: not a refusal
        if refused is not None:
            assert not expected, f"{principal} was refused {action}: {refused}"
            not_own = (
                principal is Principal.TECHNICIAN
                and scope(principal, action) is Scope.OWN
                and action is not Action.SEARCH  # a filter: the probe makes its refusal
            )
            if not_own:  # another's job or time: not the role's fault
                assert "your role" not in str(refused)
                # A job or entry by id: the same line as for one that does not exist.
                by_id = re.fullmatch(r"No (job|work entry) \d+ on your list\.", str(refused))
                assert by_id or str(refused) == refusal_text(principal, action, not_own=True)
            else:
                assert str(refused) == refusal_text(principal, action)
            filtered = action is Action.SEARCH and scope(principal, action) is Scope.OWN
            assert await _refusals(db) == before + (0 if filtered else 1)
        else:
            assert expected, f"{principal} may not {action} ({'own' if own else 'other'}) yet did"
            assert await _refusals(db) == before
    finally:
        await db.close()


def test_every_action_is_probed_or_has_no_service_yet() -> None:
    assert set(PROBES) | NO_SERVICE_YET == set(Action)
    assert not set(PROBES) & NO_SERVICE_YET


@pytest.mark.parametrize("action", list(Action))
def test_table_is_complete_and_system_may_everything(action: Action) -> None:
    assert set(RULES[action]) == set(Principal)
    assert scope(Principal.SYSTEM, action) is Scope.ANY
    # The phone system never owns anything and reaches only calls.
    assert scope(Principal.PHONE, action) in (Scope.NONE, Scope.ANY)
    if scope(Principal.PHONE, action) is Scope.ANY:
        assert action in (Action.CALL_RING, Action.CALL_LOOKUP)


def test_technician_reaches_only_own_things() -> None:
    for action in Action:
        assert scope(Principal.TECHNICIAN, action) is not Scope.ANY, action
    own = {a for a in Action if scope(Principal.TECHNICIAN, a) is Scope.OWN}
    assert own == {
        Action.JOB_VIEW, Action.SEARCH, Action.JOB_WORK, Action.TIME_VIEW,
        Action.TIME_EDIT, Action.RUN_RECORD,
    }  # fmt: skip


def test_admin_only_rights() -> None:
    admin_only = {
        a
        for a in Action
        if scope(Principal.ADMIN, a) is Scope.ANY and scope(Principal.DISPATCHER, a) is Scope.NONE
    }
    assert admin_only == {
        Action.TIME_CORRECT, Action.STATEMENT_ISSUE, Action.PEOPLE_MANAGE,
        Action.PRICELIST_MANAGE, Action.BACKUP, Action.PRIVACY, Action.AUDIT_SEAL,
        Action.SETTINGS_EDIT,
    }  # fmt: skip


async def test_unknown_login_is_refused_and_audited(demo_ctx: Ctx) -> None:
    stranger = demo_ctx.acting_as("mallory")
    with pytest.raises(Refused, match="mallory is not a bbdispatch user"):
        await board.board_lines(stranger)
    assert await _refusals(demo_ctx.db) == 1


async def test_refusal_inside_a_transaction_is_still_audited(demo_ctx: Ctx) -> None:
    anna = demo_ctx.acting_as("anna")
    with pytest.raises(Refused):
        async with anna.db.transaction():
            await anna.db.execute("UPDATE job SET description = 'changed' WHERE id = 1")
            await check(anna, Action.JOB_EDIT, entity="job", entity_id=1)
    rows = await demo_ctx.db.fetch_all(
        "SELECT actor, entity_id, detail FROM audit_log WHERE entity = 'rights'"
    )
    assert [(r["actor"], r["entity_id"]) for r in rows] == [("anna", 1)]
    assert '"job.edit"' in rows[0]["detail"]
    assert await demo_ctx.db.fetch_value("SELECT description FROM job WHERE id = 1") != "changed"


def test_docs_print_the_same_table() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "rights.md").read_text(encoding="utf-8")
    printed = doc.split("<!-- rules:begin -->\n")[1].split("<!-- rules:end -->")[0]
    assert printed.strip() == markdown_table().strip()


async def test_anothers_job_is_refused_as_not_on_her_list_not_for_the_role(demo_ctx: Ctx) -> None:
    """anna may open jobs, just not piotr's: the line says it is not on her list (translated)."""
    from bbdispatch.i18n import set_language

    target = await _target(demo_ctx.db, "piotr")
    anna = demo_ctx.acting_as("anna")
    with pytest.raises(Refused) as refused:
        await jobs.get_job(anna, target.job)
    assert str(refused.value) == f"No job {target.job} on your list."
    set_language("pl")
    try:
        with pytest.raises(Refused) as refused:
            await board.response_due(anna, target.job)
        assert str(refused.value) == f"Nie ma zlecenia {target.job} na twojej liście."
    finally:
        set_language("en")
