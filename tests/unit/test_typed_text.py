"""A person's text stored where system messages live is never read as one (``messages.typed``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bbdispatch.domain.messages import shown, stored, stored_code, typed

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    [
        '{"bb:msg":"call.interrupted_typed","text":"SPOOF"}',
        '{"bb:text":"nested"}',
        "assigned to Anna Kamińska",
        "Zamknięte bez zlecenia",
        "Closed without a job",
    ],
)
def test_text_that_would_read_as_a_message_is_shown_exactly_as_typed(text: str) -> None:
    kept = typed(text)
    assert stored_code(kept) is None
    assert shown(kept, "en") == text and shown(kept, "pl") == text


@pytest.mark.parametrize("text", ["", "Drukarka nie drukuje", "{nawias} i tak dalej"])
def test_ordinary_text_is_stored_as_it_is(text: str) -> None:
    assert typed(text) == text


def test_a_system_message_is_still_worded() -> None:
    assert shown(stored("call.closed_without_job_typed", text="x"), "en") == (
        "Closed without a job: x"
    )


WRITERS = {
    # storage call: the keyword (or position) that takes text shared with system messages
    "set_call_note": ("note", 2),
    "insert_call": ("note", None),
    "update_call": ("note", None),
    "finish_callback": ("outcome", 4),
}


STORED_READERS = ("_note_before_claim",)
"""Functions that return a note as it is stored (a claim keeps the call's note to give back)."""


def _is_safe(node: ast.expr, function: ast.AST) -> bool:
    """A system message (``stored``), a person's text through ``typed``, or a stored value.

    A local name is safe when every value assigned to it in ``function`` is.
    """
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("typed", "stored", *STORED_READERS)
    if isinstance(node, ast.Constant) and node.value is None:  # no note at all
        return True
    if isinstance(node, ast.IfExp):
        return _is_safe(node.body, function) and _is_safe(node.orelse, function)
    if isinstance(node, ast.Attribute):  # a value read from the database, written back
        return True
    if isinstance(node, ast.Name):
        assigned = [
            a.value
            for a in ast.walk(function)
            if isinstance(a, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)
        ]
        return bool(assigned) and all(_is_safe(v, function) for v in assigned)
    return False


def test_every_service_writing_such_text_goes_through_typed() -> None:
    """A new writer of call notes or callback outcomes that bypasses ``typed`` fails here."""
    unsafe = []
    for path in sorted((ROOT / "bbdispatch" / "services").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                if node.func.attr not in WRITERS or not isinstance(node.func.value, ast.Name):
                    continue
                if node.func.value.id not in ("store", "call_store"):
                    continue
                keyword, position = WRITERS[node.func.attr]
                values = [k.value for k in node.keywords if k.arg == keyword]
                if position is not None and len(node.args) > position:
                    values.append(node.args[position])
                unsafe += [f"{path.name}:{v.lineno}" for v in values if not _is_safe(v, function)]
    assert unsafe == []
