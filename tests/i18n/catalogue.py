"""The Polish catalogue against the code: what pybabel would extract, and what is translated."""

from __future__ import annotations

import ast
import contextlib
import string
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "bbdispatch" / "locale" / "pl" / "LC_MESSAGES" / "bbdispatch.po"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
"""The same keywords as the extraction command in docs/translating.md."""
METHOD_MAP = [("bbdispatch/**.py", "python"), ("screens/**.py", "python")]


@dataclass(frozen=True)
class Extracted:
    """One message as the code has it."""

    msgid: str | tuple[str, str]
    context: str | None
    where: str


def extracted() -> list[Extracted]:
    """Every marked message of the code (as ``pybabel extract -F babel.cfg`` finds them)."""
    found = []
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        found.append(Extracted(key, context, f"{filename}:{lineno}"))
    return found


def catalogue() -> Catalog:
    """The Polish ``.po`` as it is in the repository."""
    with PO.open("rb") as handle:
        return read_po(handle)


def fields(text: str) -> list[str]:
    """The placeholders of a message, sorted: ``{name}`` fields and ``%(name)s``/``%s`` ones."""
    found: list[str] = []
    with contextlib.suppress(ValueError):  # not a format string: no {fields}
        found += [
            f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
            for _lit, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    index = 0
    while (index := text.find("%", index)) != -1:
        rest = text[index + 1 :]
        if rest.startswith("%"):
            index += 2
            continue
        if rest.startswith("("):
            end = rest.find(")")
            found.append("%" + rest[: end + 2])
        elif rest[:1] in ("s", "r", "d"):
            found.append("%" + rest[:1])
        index += 1
    return sorted(found)


def problems(message: Message) -> list[str]:
    """What is wrong with one translated entry: missing, fuzzy, or placeholders changed."""
    if not message.id:
        return []
    name = repr(message.id if isinstance(message.id, str) else message.id[0])
    if message.fuzzy:
        return [f"{name}: fuzzy"]
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(strings):
        return [f"{name}: not translated"]
    source = message.id if isinstance(message.id, str) else message.id[1]
    wanted = fields(source)
    return [
        f"{name}: placeholders {fields(s)} instead of {wanted}"
        for s in strings
        if fields(s) != wanted
    ]


def import_time_calls(root: Path = ROOT) -> list[str]:
    """``_()``/``ngettext()``/``pgettext()`` calls that run when a module is imported.

    Those would translate before the language is chosen; module and class level
    texts use ``N_``/``NP_`` and are translated where they are shown.
    """
    bad = []
    for folder in ("bbdispatch", "screens"):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            bad += _calls(tree, path.relative_to(root).as_posix())
    return bad


def hidden_calls(root: Path = ROOT) -> list[str]:
    """``_()`` calls inside f-strings: Babel cannot extract them on Python 3.11.

    Such a text never reaches the catalogue and stays English; write
    ``_("Caller: {name}").format(name=...)`` instead (a whole sentence for the
    translator, too).
    """
    bad = []
    for folder in ("bbdispatch", "screens"):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            bad += _in_fstrings(tree, path.relative_to(root).as_posix())
    return bad


def _in_fstrings(tree: ast.AST, where: str) -> list[str]:
    return [
        f"{where}:{call.lineno}: {ast.unparse(call)[:60]}"
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in ("_", "ngettext", "pgettext")
    ]


def _calls(tree: ast.AST, where: str) -> list[str]:
    bad = []
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, scopes):
                continue
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id in ("_", "ngettext", "pgettext")
            ):
                bad.append(f"{where}:{child.lineno}: {ast.unparse(child)[:60]}")
            walk(child)

    walk(tree)
    return bad
