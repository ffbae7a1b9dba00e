"""The one parser of database URLs (``--db``, ``BBDISPATCH_DB``, ``migrate --to``).

A ``postgresql://USER[:PASSWORD]@HOST[:PORT][,HOST[:PORT]...]/DB[?NAME=VALUE&...]``
URL is checked here, part by part, before anything connects: a wrong port,
a missing database name, a scheme bbdispatch does not open or a broken
``%``-escape becomes one line naming the part that is wrong
(:class:`DatabaseUrlError`), never the driver's ``int()`` error. The parts
are read the way the driver (asyncpg) reads them, so a URL accepted here
means to it what it means here. Messages show the URL without its password
(:func:`masked`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from bbdispatch.i18n import _

SCHEMES = ("postgresql", "postgres")
"""The schemes that name a PostgreSQL database (as the driver accepts them)."""
_URL_SHAPE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_NAME = re.compile(r"[A-Za-z0-9._~%-]+")
_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_DB_IN_QUERY = ("dbname", "database", "service")
_SECRET_OPTIONS = ("password", "sslpassword")


_Wrong = Callable[[str], "DatabaseUrlError"]
"""Builds the error for one problem of the URL (its source and the masked URL around it)."""


class DatabaseUrlError(ValueError):
    """A malformed database URL: one line naming where it came from and the part that is wrong.

    The command line ends with exit 2 (a wrong argument) and the message; the
    password never appears in it.
    """


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A checked ``postgresql://`` URL; ``text`` is what the driver is given, unchanged."""

    text: str
    """The URL as given (with its password, if any): only for the driver."""
    user: str | None
    """The user name, decoded (None: the driver's default, the OS login)."""
    hosts: tuple[tuple[str, int | None], ...]
    """Each host (decoded) with its port (None: the default 5432); empty: the local socket."""
    database: str
    """The database name, decoded (from the path, else the ``dbname`` option)."""

    @property
    def public(self) -> str:
        """The URL for messages: as given, without its password."""
        return masked(self.text, hide=False)

    @property
    def server(self) -> str:
        """``host:port`` (several joined by commas), for messages and file names."""
        if not self.hosts:
            return "localhost:5432"
        return ",".join(
            f"{f'[{host}]' if ':' in host else host or 'localhost'}:{port or 5432}"
            for host, port in self.hosts
        )


_PG_SCHEME = re.compile(r"(?:postgresql|postgres):", re.IGNORECASE)


def looks_like_url(target: object) -> bool:
    """Whether ``target`` is written as a URL, not a path.

    ``scheme://...`` of any scheme, and ``postgresql:`` or ``postgres:``
    without its two slashes (a slip, not a file name).
    """
    if not isinstance(target, str):
        return False
    return _URL_SHAPE.match(target) is not None or _PG_SCHEME.match(target) is not None


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` is a URL of a PostgreSQL scheme (checked or not)."""
    if not isinstance(target, str):
        return False
    shape = _URL_SHAPE.match(target)
    return shape is not None and shape.group(1).lower() in SCHEMES


def masked(text: str, *, hide: bool = True) -> str:
    """``text`` with the password of its user part (and of its options) left out.

    Everything between the first ``:`` after ``scheme://`` and the last ``@``
    is the password, however malformed the rest: a password holding ``/`` or
    ``@`` must not leak through a message about the host or the port.
    ``hide`` (for a URL that failed its check): show ``***`` where a password
    was; else (a checked URL) the password is dropped with its ``:``.
    """
    shape = _URL_SHAPE.match(text)
    if shape is None:
        return text
    head, rest = text[: shape.end()], text[shape.end() :]
    # A checked URL's user part ends before its first '/' or '?'; a malformed
    # one's is taken to run to the last '@', so nothing of a password shows.
    scope = rest if hide else re.split(r"[/?]", rest, maxsplit=1)[0]
    if "@" in scope:
        user_part, _at, after = scope.rpartition("@")
        after += rest[len(scope) :]
        user, colon, _password = user_part.partition(":")
        rest = f"{user}{':***' if colon and hide else ''}@{after}"
    if "?" in rest:
        before, _q, query = rest.partition("?")
        pairs = []
        for pair in query.split("&"):
            name, eq, _value = pair.partition("=")
            pairs.append(f"{name}=***" if eq and name.lower() in _SECRET_OPTIONS else pair)
        rest = f"{before}?{'&'.join(pairs)}"
    return head + rest


def parse_database_url(text: str, source: str = "--db") -> DatabaseUrl:
    """Check a database URL part by part and return its parts.

    Args:
        text: the URL as given.
        source: where it came from (``--db``, ``BBDISPATCH_DB``, ``--to``),
            named first in a message.

    Raises:
        DatabaseUrlError: the scheme is not ``postgresql``/``postgres``; the
            URL holds a space, a control character or a ``#``; a ``%`` is not
            followed by two hex digits or decodes to what is not UTF-8; an
            ``@`` stands after the host (a password's ``/`` or ``?``); a host is empty or
            not a name or address, an IPv6 address is not in brackets; a port
            is not a number from 1 to 65535; no database is named; an option
            is not ``NAME=VALUE``, or ``sslmode`` is none of libpq's modes.
    """
    shown = masked(text)

    def wrong(problem: str) -> DatabaseUrlError:
        return DatabaseUrlError(
            _("{source}: {problem} (in {url})").format(source=source, problem=problem, url=shown)
        )

    shape = _URL_SHAPE.match(text)
    scheme = shape.group(1) if shape else ""
    slip = _PG_SCHEME.match(text)
    if shape is None and slip is not None:
        raise DatabaseUrlError(
            _(
                "{source}: '{scheme}' must be followed by two slashes: {scheme}//USER@HOST/DB"
            ).format(source=source, scheme=slip.group(0))
        )
    if shape is None or scheme.lower() not in SCHEMES:
        raise DatabaseUrlError(
            _(
                "{source}: '{scheme}://' is no database bbdispatch opens: give a file path or "
                "postgresql://USER@HOST:PORT/DB"
            ).format(source=source, scheme=scheme)
        )
    if any(c.isspace() or not c.isprintable() for c in text):
        raise wrong(_("the URL holds a space or a control character; write a space as %20"))
    if "#" in text:
        raise wrong(_("the URL holds a '#'; write it as %23"))
    rest = text[shape.end() :]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    path, _q, query = tail.partition("?")
    if "@" in tail or netloc.count("@") > 1:  # before any part is quoted: it may be a password's
        raise wrong(
            _(
                "an '@' stands after the host; in a user name, password or option write "
                "'@' as %40, '/' as %2F and '?' as %3F"
            )
        )
    user_part, at, host_part = netloc.rpartition("@")
    if not at:
        user_part, host_part = "", netloc
    raw_user, _colon, raw_password = user_part.partition(":")
    user = _decoded(raw_user, _("the user name"), wrong)
    _decoded(raw_password, _("the password"), wrong)
    hosts = _hosts(host_part, wrong)
    database = _decoded(path[1:], _("the database name"), wrong)
    options = _options(query, wrong)
    if "port" in options:
        ports = [_port(p, wrong) for p in options["port"].split(",")]
        hosts = tuple((h, ports[min(i, len(ports) - 1)]) for i, (h, _p) in enumerate(hosts))
    if not database:
        database = next((options[k] for k in _DB_IN_QUERY if options.get(k)), "")
    if not database:
        raise wrong(_("no database is named; add /DB after the host"))
    mode = options.get("sslmode")
    if mode is not None and mode not in _SSL_MODES:
        raise wrong(
            _("the option sslmode='{mode}' is none of {modes}").format(
                mode=mode, modes=", ".join(_SSL_MODES)
            )
        )
    return DatabaseUrl(text=text, user=user or options.get("user") or None, hosts=hosts,
                       database=database)  # fmt: skip


def _decoded(raw: str, part: str, wrong: _Wrong) -> str:
    """``raw`` with its ``%``-escapes decoded; ``part`` names it in a message (never its value)."""
    if _BAD_ESCAPE.search(raw):
        problem = _("{part} has a '%' without two hex digits after it; write a % as %25")
        raise wrong(problem.format(part=part))
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        problem = _("{part} is not UTF-8 text once its %-escapes are read")
        raise wrong(problem.format(part=part)) from None


def _hosts(spec: str, wrong: _Wrong) -> tuple[tuple[str, int | None], ...]:
    """``HOST[:PORT]`` items, comma separated, as the driver splits them (empty: none)."""
    if not spec:
        return ()
    found = []
    for item in spec.split(","):
        if not item:
            raise wrong(_("a host in the list is empty (two commas, or one at an end)"))
        if item.startswith("["):
            address, closing, after = item[1:].partition("]")
            if not closing or not address:
                raise wrong(_("the IPv6 address '{host}' lacks its ']'").format(host=item))
            if after and not after.startswith(":"):
                raise wrong(_("after the IPv6 address '[{host}]' only :PORT may follow").format(
                    host=address))  # fmt: skip
            host, port_text = address, after[1:]
        else:
            host, _colon, port_text = item.partition(":")
            if ":" in port_text:
                raise wrong(
                    _("the host '{host}' has more than one ':'; an IPv6 address goes in "
                      "brackets: [::1]:5432").format(host=item)
                )  # fmt: skip
            if not host or not _HOST_NAME.fullmatch(host):
                raise wrong(_("the host '{host}' is no host name or address").format(host=host))
        name = _decoded(host, _("the host"), wrong)
        found.append((name, _port(port_text, wrong) if port_text else None))
    return tuple(found)


def _port(text: str, wrong: _Wrong) -> int:
    """A port: a whole number from 1 to 65535."""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise wrong(_("the port '{port}' is not a number from 1 to 65535").format(port=text))
    return int(text)


def _options(query: str, wrong: _Wrong) -> dict[str, str]:
    """``NAME=VALUE&...`` decoded, the last of a repeated name winning (as the driver reads it)."""
    options: dict[str, str] = {}
    if not query:
        return options
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise wrong(_("the option '{option}' is not NAME=VALUE").format(option=name or pair))
        key = _decoded(name.replace("+", " "), _("an option's name"), wrong)
        label = _("the option {name}").format(name=key)
        options[key] = _decoded(value.replace("+", " "), label, wrong)
    return options
