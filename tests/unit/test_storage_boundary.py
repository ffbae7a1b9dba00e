"""The storage boundary stays where DESIGN.md puts it: storage owns every encoding.

These tests read the source, so a change that leaks a stored form (UTC text,
grosze, basis points) into a service, writes a table from a second storage
module, or hands tuples or column names across the boundary fails here.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "bbdispatch" / "services").glob("*.py"))
SCREENS = sorted((ROOT / "screens").rglob("*.py"))
STORAGE = sorted((ROOT / "bbdispatch" / "storage").glob("*.py"))
ENCODERS = {
    "bbdispatch.clock": {"to_db", "to_db_opt", "from_db", "from_db_opt"},
    "bbdispatch.money": {"to_grosze", "from_grosze", "rate_to_bp", "rate_from_bp"},
}
PLUMBING = {"__init__.py", "database.py", "postgres.py", "db_file.py", "bulk.py"}
"""The backend itself (connection, migrations, whole-file copies) and the benchmark
generator's bulk loader: backend machinery (SQLite's and PostgreSQL's), not the
data interface."""


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def test_services_and_screens_never_encode_for_storage() -> None:
    found = []
    for path in SERVICES + SCREENS:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module in ENCODERS:
                leaked = {a.name for a in node.names} & ENCODERS[node.module]
                found += [f"{_where(path, node)} imports {name}" for name in sorted(leaked)]
            if isinstance(node, ast.Attribute) and node.attr == "now_db":
                found.append(f"{_where(path, node)} uses now_db")
            if isinstance(node, ast.keyword) and node.arg and node.arg.endswith(("_grosze", "_bp")):
                found.append(f"{_where(path, node)} passes {node.arg}=")
    assert found == []


def _storage_names(tree: ast.Module) -> set[str]:
    """Names a module binds to storage modules or storage functions."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "bbdispatch.storage"
        ):
            names |= {a.asname or a.name for a in node.names}
    return names


def test_services_never_pass_column_names_to_storage() -> None:
    """No ``**fields`` into storage: every write is named for what it does."""
    found = []
    for path in SERVICES:
        tree = _tree(path)
        storage = _storage_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            base = func.value if isinstance(func, ast.Attribute) else func
            kwargs = any(k.arg is None for k in node.keywords)
            if isinstance(base, ast.Name) and base.id in storage and kwargs:
                found.append(f"{_where(path, node)} passes **kwargs to storage")
    assert found == []


def _public_functions(path: Path) -> list[ast.AsyncFunctionDef | ast.FunctionDef]:
    return [
        n
        for n in _tree(path).body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")
    ]


TIME_PARAM = re.compile(r"(^|_)(at|on|now|since|until|start|end|moment|day|from|to)$")


def test_storage_takes_and_returns_domain_values() -> None:
    """Times are datetimes or dates, money Decimal; no tuples and no **fields out or in."""
    found = []
    for path in STORAGE:
        if path.name in PLUMBING:
            continue
        for fn in _public_functions(path):
            where = _where(path, fn)
            args = fn.args.args + fn.args.kwonlyargs
            for arg in args:
                shown = ast.unparse(arg.annotation) if arg.annotation else ""
                if TIME_PARAM.search(arg.arg) and shown in ("str", "str | None"):
                    found.append(f"{where} {fn.name}({arg.arg}: {shown})")
                if arg.arg.endswith(("_grosze", "_bp")):
                    found.append(f"{where} {fn.name}({arg.arg})")
            if fn.args.kwarg is not None:
                found.append(f"{where} {fn.name}(**{fn.args.kwarg.arg})")
            returns = ast.unparse(fn.returns) if fn.returns else ""
            if re.search(r"tuple\[(?![^\]]*, \.\.\.\])", returns) or re.search(r"\bRow\b", returns):
                found.append(f"{where} {fn.name} -> {returns}")
    assert found == []


WRITE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)", re.IGNORECASE)


def test_each_table_is_written_from_one_storage_module() -> None:
    writers: dict[str, set[str]] = defaultdict(set)
    for path in STORAGE:
        if path.name in PLUMBING:
            continue
        for table in WRITE.findall(path.read_text(encoding="utf-8")):
            if table.lower() not in ("set",):
                writers[table].add(path.name)
    shared = {table: sorted(mods) for table, mods in writers.items() if len(mods) > 1}
    assert shared == {}
    assert writers["job"] == {"jobs.py"}
    assert writers["call_log"] == {"calls.py"}
    assert writers["work_entry"] == writers["charge"] == {"work.py"}
    assert writers["contract"] == {"contracts.py"}


def test_no_sql_outside_storage() -> None:
    found = []
    for path in SERVICES + SCREENS:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET)\b", text):
            found.append(str(path.relative_to(ROOT)))
    assert found == []
