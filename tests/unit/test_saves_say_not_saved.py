"""Every service that saves is marked ``@saves``, so a save that cannot reach the database
says "Not saved" and never "could not be read" (issue 19).

Found by a fresh tester on PostgreSQL: with the server down, Save in a dialog
said "The database could not be read", because a save reads (who acts, the
record it changes) before its transaction begins, and those reads were worded
as plain reads. The mark (:func:`bbdispatch.services.saving.saves`) makes every
read of a save the save's; this test finds a public service function that
writes, itself or through the functions it calls, and lacks it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).parents[2] / "bbdispatch" / "services"

NOT_A_SAVE = {
    "contract_views": "a view; it writes only a contract status that went stale, on the way",
    "restore": "puts a backup file in place of an SQLite file; it has no Ctx, no server",
}
"""Public functions that write, yet are no person's save, and why."""

BOOKKEEPING = {"rights.py", "audit.py"}
"""Modules whose writes (the audit of a refusal) are no save of the caller's."""


def _functions() -> dict[str, tuple[str, ast.AsyncFunctionDef | ast.FunctionDef]]:
    found: dict[str, tuple[str, ast.AsyncFunctionDef | ast.FunctionDef]] = {}
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                found.setdefault(node.name, (path.name, node))
    return found


def _calls(node: ast.AST) -> set[str]:
    """Functions called by bare name (services import each other's so), and ``transaction``.

    A call through a module (``job_store.get_job``) is storage's, not a service's
    of the same name.
    """
    names = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            func = n.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute) and func.attr == "transaction":
                names.add(func.attr)
    return names


def _saves() -> dict[str, str]:
    """Every service function that writes (itself or through another), with its module."""
    functions = _functions()
    writes = {
        name
        for name, (module, node) in functions.items()
        if module not in BOOKKEEPING and name not in NOT_A_SAVE and "transaction" in _calls(node)
    }
    grown = True
    while grown:
        grown = False
        for name, (module, node) in functions.items():
            if name in writes or module in BOOKKEEPING or name in NOT_A_SAVE:
                continue
            if _calls(node) & writes:
                writes.add(name)
                grown = True
    return {name: functions[name][0] for name in writes}


def _marked(node: ast.AsyncFunctionDef | ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "saves" for d in node.decorator_list)


def test_every_public_service_that_writes_is_marked_as_a_save() -> None:
    functions = _functions()
    missing = [
        f"{module}: {name}"
        for name, module in sorted(_saves().items())
        if not name.startswith("_")
        and name not in NOT_A_SAVE
        and isinstance(functions[name][1], ast.AsyncFunctionDef)
        and not _marked(functions[name][1])
    ]
    assert not missing, "Mark these @saves (bbdispatch.services.saving):\n" + "\n".join(missing)


def test_the_scan_finds_saves_through_the_functions_they_call() -> None:
    found = _saves()
    assert {"edit_job", "stop_timer", "save_intake", "change_status", "add_my_entry"} <= set(found)
    assert not {"board_lines", "job_detail", "call_log", "trail"} & set(found)
