"""Keeps stored text literal: no screen hands a non-literal to a markup-parsing API.

Textual parses a ``str`` as content markup in ``Static``, ``Label``, DataTable
cells, OptionList/Select prompts, ``Button`` labels, tooltips, border titles,
palette hits and ``Content``/``Text.from_markup``. A client named
``[@click=app.quit]Q[/]`` in any of them is a button that quits the app. So
screens draw text through ``screens/widgets/plain.py`` (``Plain``,
``PlainLabel``, ``PlainTable``, ``PlainOptionList``, ``PlainSelect``,
``plain()``, ``cell()``, ``highlight()``), and commands print through
``bbdispatch.commands.common.echo``/``echo_err``/``print_json``.

This test reads the source (AST), so a new screen that breaks the rule fails
here before anyone seeds a hostile database. A line that must break it says so
with a ``# literal-ok: <why>`` comment.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAIN = ROOT / "screens" / "widgets" / "plain.py"

BANNED_WIDGETS = {
    "Static": "Plain",
    "Label": "PlainLabel",
    "DataTable": "PlainTable",
    "OptionList": "PlainOptionList",
    "Option": "plain_option",
    "Select": "PlainSelect",
    "SelectionList": "a Plain* widget",
    "RichLog": "a Plain* widget",
    "Log": "a Plain* widget",
    "Pretty": "Plain",
}
"""Textual widgets that parse ``str`` as markup, and what screens use instead."""

LABEL_TAKERS = {"Button", "Checkbox", "RadioButton", "Switch", "Tab", "TabPane", "Collapsible",
                "Markdown", "MarkdownViewer", "Hit", "DiscoveryHit", "Toast", "Tooltip"}  # fmt: skip
"""Widgets whose first argument (a label or document) is parsed: it must be a literal."""

MARKUP_ATTRIBUTES = {"border_title", "border_subtitle", "tooltip"}
"""Attributes Textual renders as markup: only literals may be assigned."""

TRANSLATE = {"_", "ngettext", "gettext"}


def _ui_files() -> list[Path]:
    files = sorted((ROOT / "screens").rglob("*.py")) + [ROOT / "bbdispatch" / "app.py"]
    return [f for f in files if f != PLAIN]


def _is_literal(node: ast.expr) -> bool:
    """A string written in the code: a constant, ``_("…")``, or ``+`` of such."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in TRANSLATE and all(isinstance(a, ast.Constant) for a in node.args)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_literal(node.left) and _is_literal(node.right)
    if isinstance(node, ast.Subscript):  # a table of literal labels: LABEL[key]
        return isinstance(node.value, ast.Name) and node.value.id.isupper()
    return False


def _is_safe_builder(node: ast.expr) -> bool:
    """A call to one of the plain builders (or a literal)."""
    if _is_literal(node):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in {"plain", "cell", "highlight", "markup_literal", "Content", "Text"}
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _label_arg(name: str, call: ast.Call) -> ast.expr | None:
    """The argument that Textual parses: a hit's display (after its score), else the first."""
    at = 1 if name in {"Hit", "DiscoveryHit"} else 0
    return call.args[at] if len(call.args) > at else None


def _problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[str] = []

    def report(node: ast.AST, message: str) -> None:
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line) or line
        if any("literal-ok:" in lines[n - 1] for n in range(line, end + 1)):
            return
        found.append(f"{path.relative_to(ROOT)}:{line}: {message}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if isinstance(node.func, ast.Name) and name in BANNED_WIDGETS:
                report(node, f"{name}(...) parses markup: use {BANNED_WIDGETS[name]}")
            elif (
                name in LABEL_TAKERS
                and (label := _label_arg(name, node)) is not None
                and (not _is_safe_builder(label))
            ):
                report(node, f"{name}(...) gets a non-literal label: pass plain(...)")
            elif (
                name == "Text"
                and isinstance(node.func, ast.Name)
                and node.args
                and not _is_literal(node.args[0])
            ):
                # Rich drops BEL, BS, VT, FF and CR from a Text before our sanitizer
                # sees them: ␇ elsewhere, nothing here. cell() sanitizes first.
                report(node, "Text(...) of a non-literal drops control characters: use cell()")
            elif (
                (
                    (name == "Content" and isinstance(node.func, ast.Name))
                    or (
                        name == "styled"
                        and isinstance(node.func, ast.Attribute)
                        and _name(node.func.value) == "Content"
                    )
                )
                and node.args
                and not _is_literal(node.args[0])
            ):
                # Textual's Content strips BEL, BS, VT, FF and CR as it is built, so
                # the sanitizer never sees them: nothing where ␇ shows elsewhere.
                report(node, "Content(...) of a non-literal drops control characters: use plain()")
            elif name == "from_markup" and node.args and not _is_literal(node.args[0]):
                report(node, "from_markup(...) of a non-literal: use plain(...)")
            elif name == "highlight" and isinstance(node.func, ast.Attribute):
                report(node, "Matcher.highlight parses markup: use plain.highlight")
            elif name == "notify":
                for kw in node.keywords:
                    if kw.arg == "markup" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False
                    ):
                        report(node, "notify(markup=True): toasts are plain text")
            if name == "Hit" or name == "DiscoveryHit":
                for kw in node.keywords:
                    if kw.arg == "help" and not _is_safe_builder(kw.value):
                        report(node, "Hit(help=...) is parsed as markup: use markup_literal")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in MARKUP_ATTRIBUTES
                    and not _is_safe_builder(node.value)
                ):
                    report(node, f".{target.attr} = <non-literal> is parsed as markup")
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                if isinstance(base, ast.Name) and base.id in BANNED_WIDGETS:
                    report(node, f"subclass of {base.id}: subclass {BANNED_WIDGETS[base.id]}")
    return found


def test_screens_draw_stored_text_only_through_plain_widgets() -> None:
    problems = [p for f in _ui_files() for p in _problems(f)]
    assert not problems, "\n".join(problems)


def test_commands_print_only_through_echo() -> None:
    files = sorted((ROOT / "bbdispatch" / "commands").glob("*.py")) + [
        ROOT / "bbdispatch" / "cli.py"
    ]
    problems = []
    for path in files:
        if path.name == "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "print":
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: print: use echo()")
    assert not problems, "\n".join(problems)


def test_the_guard_catches_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "screens" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "from textual.widgets import Static, Button\n"
        "class S(Static):\n    pass\n"
        "def f(self, name):\n"
        "    yield Static(name)\n"
        "    yield Button(name)\n"
        "    self.notify(name, markup=True)\n"
        "    self.border_title = name\n"
        "    yield Button(_('Save'))\n"
        "    yield Button(name)  # literal-ok: test\n"
        "    yield Text(name, style='bold')\n"
        "    yield Content.styled(name, 'bold')\n"
        "    yield Content(name)\n"
        "    yield Content('literal')\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        problems = _problems(bad)
    finally:
        ROOT = saved
    assert len(problems) == 8, problems
