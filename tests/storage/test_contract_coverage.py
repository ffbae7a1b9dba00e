"""The contract suite covers every function of the storage interface.

A new storage function without a test under ``tests/storage`` fails here, so
the suite stays the complete description a second backend must pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUMBING = {"__init__.py", "database.py", "postgres.py", "db_file.py", "bulk.py"}
"""Backend machinery (connection, migrations, whole-file copies, bulk loading), not the interface."""


def interface() -> dict[str, list[str]]:
    """Public functions of each storage data module, except row converters (backend internals)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "bbdispatch" / "storage").glob("*.py")):
        if path.name in PLUMBING:
            continue
        names = []
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            annotations = [ast.unparse(a.annotation) for a in node.args.args if a.annotation]
            if node.name.startswith("_") or "Row" in annotations:
                continue
            names.append(node.name)
        found[path.stem] = names
    return found


def test_every_storage_function_is_exercised_by_the_contract_suite() -> None:
    suite = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests" / "storage").glob("test_contract_*.py")
        if p.name != Path(__file__).name
    )
    missing = [
        f"{module}.{name}"
        for module, names in interface().items()
        for name in names
        if not re.search(rf"\b{module}\.{name}\(", suite)
    ]
    assert missing == []
