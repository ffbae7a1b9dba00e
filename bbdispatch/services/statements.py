"""Work statements: build one for a client and a period, and issue it (close the period)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bbdispatch import collector
from bbdispatch.clock import format_local, local, local_midnight_utc, local_today
from bbdispatch.domain.contracts import Contract, ContractStatus
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.messages import stored
from bbdispatch.domain.rights import Action
from bbdispatch.domain.statements import (
    ChargeRow,
    ContractSubtotal,
    CorrectionLine,
    MonthlyFee,
    Statement,
    StatementLine,
    correction_due,
    fee_months,
    months_active,
    price_fresh_lines,
)
from bbdispatch.formats import DOCUMENT_LOCALE, format_date, month_name
from bbdispatch.i18n import _
from bbdispatch.money import GROSZ, round_grosz
from bbdispatch.pricelist import ProductType
from bbdispatch.reports import render
from bbdispatch.reports.json_report import statement_dict
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import statements as store
from bbdispatch.storage import work as work_store
from bbdispatch.storage.jobs import FixedPrice
from bbdispatch.storage.statements import IssuedStatement, PendingCorrection, Settlement


def check_period(period_from: date, period_to: date) -> None:
    """Refuse a period that ends before it starts.

    Raises:
        DomainError: with a message naming both dates.
    """
    if period_to < period_from:
        raise DomainError(
            _("The period ends ({to}) before it starts ({start}).").format(
                to=format_date(period_to), start=format_date(period_from)
            )
        )


async def build_statement(
    ctx: Ctx, client_id: int, period_from: date, period_to: date
) -> Statement:
    """The client's statement for the period (days inclusive, firm's time zone).

    A draft carries, as signed correction lines, every change since issue to the
    periods of the client's earlier issued statements (:func:`corrections_due`).
    An issued period is built from today's data with its number and the
    corrections it carried; its documents as issued come from
    :func:`issued_document`.

    A draft's period never overlaps an issued one: it is cut to the days no
    issued statement covers (:func:`draft_period`); the statement's
    ``period_from`` and ``period_to`` say the days it bills.

    Raises:
        NotFound: no such client.
        DomainError: the period ends before it starts.
        PeriodIssued: an issued statement lies inside the period or covers it.
    """
    await check(ctx, Action.STATEMENT_VIEW, entity="client", entity_id=client_id)
    check_period(period_from, period_to)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    issued = await store.statement_of_period(ctx.db, client_id, period_from, period_to)
    if issued is None:
        # A draft bills only what no issued statement billed: it starts after (or
        # ends before) an issued period it overlaps (:func:`draft_period`).
        period = await draft_period(ctx, client_id, period_from, period_to)
        period_from, period_to = period.start, period.end
        lines, subtotals, fees = await _assemble(ctx, client_id, period_from, period_to)
        corrections = await corrections_due(ctx, client_id, period_to + timedelta(days=1))
    else:
        lines, subtotals, fees = await _assemble(ctx, client_id, period_from, period_to)
        corrections = await _carried(ctx, issued)
    return Statement(
        client_id=client.id,
        client_name=client.name,
        client_address=client.address,
        client_nip=client.nip,
        period_from=period_from,
        period_to=period_to,
        vat_rate=ctx.prices.vat_rate,
        lines=lines,
        contracts=subtotals,
        fees=fees,
        corrections=corrections,
        statement_id=issued.id if issued else None,
        issued_at=issued.issued_at if issued else None,
        rounding_minutes=ctx.prices.billing.rounding_minutes,
        number=issued.number if issued else None,
        seller=ctx.prices.seller,
    )


class PeriodIssued(DomainError):
    """A draft's period cannot be cut clear of an issued statement; the message names it.

    The command line exits 2 (a period to choose again), the screen shows it at
    the period.
    """


@dataclass(frozen=True)
class DraftPeriod:
    """The days a draft bills: the asked period without the days issued statements cover."""

    start: date
    end: date
    note: str = ""
    """When the period was cut: which issued statement covers the days left out."""


async def draft_period(ctx: Ctx, client_id: int, start: date, end: date) -> DraftPeriod:
    """A draft's period, cut clear of the client's issued statements.

    A firm bills every day once: the draft for November after 01.11–23.11 was
    issued is 24.11–30.11. An issued period covering the start moves the start
    after it, one covering the end moves the end before it. Days that would
    leave an issued statement inside the draft (two pieces), or none at all, are
    refused.

    Raises:
        PeriodIssued: naming the issued statement and its period.
    """
    issued = [
        s
        for s in await store.issued_of_client(ctx.db, client_id)
        if s.period_from <= end and s.period_to >= start
    ]
    if not issued:
        return DraftPeriod(start, end)
    first, last = start, end
    cut: list[IssuedStatement] = []
    moved = True
    while moved and first <= last:
        moved = False
        for s in issued:
            if s.period_from <= first <= s.period_to:
                first, moved = s.period_to + timedelta(days=1), True
                cut.append(s)
            if first <= last and s.period_from <= last <= s.period_to:
                last, moved = s.period_from - timedelta(days=1), True
                cut.append(s)
    if first > last:
        s = cut[0]
        raise PeriodIssued(
            _(
                "Statement {number} for {start}–{end} is issued and covers these days; show"
                " exactly its period to see it as issued."
            ).format(
                number=s.number, start=format_date(s.period_from), end=format_date(s.period_to)
            )
        )
    inside = [s for s in issued if first <= s.period_from and s.period_to <= last]
    if inside:
        s = inside[0]
        raise PeriodIssued(
            _(
                "Statement {number} for {start}–{end} is issued inside this period: make the"
                " draft end before {start} or start after {end}."
            ).format(
                number=s.number, start=format_date(s.period_from), end=format_date(s.period_to)
            )
        )
    note = "; ".join(
        _("{number} covers {start}–{end}").format(
            number=s.number, start=format_date(s.period_from), end=format_date(s.period_to)
        )
        for s in dict.fromkeys(cut)
    )
    return DraftPeriod(
        first,
        last,
        _("The draft runs {start}–{end}: {issued}.").format(
            start=format_date(first), end=format_date(last), issued=note
        ),
    )


async def _assemble(
    ctx: Ctx,
    client_id: int,
    period_from: date,
    period_to: date,
    covered: tuple[tuple[date, date], ...] = (),
) -> tuple[tuple[StatementLine, ...], tuple[ContractSubtotal, ...], tuple[MonthlyFee, ...]]:
    """A period's work lines, contract subtotals and monthly fees from today's data.

    ``covered``: periods (days inclusive) of issued statements the period
    overlaps; their entries (by the day they started) and the fees that fell
    due in them are left out.
    """
    start = local_midnight_utc(period_from)
    end = local_midnight_utc(period_to + timedelta(days=1))
    # Thousands of rows, lines and pieces, none in a cycle: no collector meanwhile.
    with collector.paused():
        work = await store.statement_lines(ctx.db, client_id, start, end)
        found = work.lines
        if covered:
            found = [ln for ln in found if not any(a <= ln.day <= b for a, b in covered)]
        if work.fixed_prices:
            found = [_with_fixed_price(ln, work.fixed_prices.get(ln.job_number)) for ln in found]
        # Each line was built once, from its rows; its pieces are priced in place.
        lines = price_fresh_lines(found)
        contracts = await contract_store.contracts_of(ctx.db, client_id)
        subtotals = await _subtotals(ctx, contracts, lines, start, end, period_from, period_to)
    # Fees follow the contract's dates, not its status: a contract closed today
    # still owes the months it ran (closing sets its end date). A closed one
    # without an end date never ran (closed before its start) or was closed
    # before that rule; when it stopped is unknown, so it bills no fee rather
    # than one for every month since.
    fees = tuple(
        MonthlyFee(c, n)
        for c in contracts
        if not (c.status is ContractStatus.CLOSED and c.ends_on is None)
        and (n := months_active(c, period_from, period_to, covered)) > 0
    )
    return lines, subtotals, fees


CHANGED_AFTER_ISSUE_PL = "zmiana po wystawieniu wykazu (czas, umowa lub opłata)"
"""The reason a correction line gives when no admin's correction names one."""


def fee_reason_pl(number: str, months: Sequence[date]) -> str:
    """``opłata miesięczna, umowa BB/2026/006, za listopad 2026``: what a fee correction bills.

    ``months`` are the fee's months (their first days); none when unknown.
    """
    text = f"opłata miesięczna, umowa {number}"
    if not months:
        return text
    named = (f"{month_name(m.month, DOCUMENT_LOCALE)} {m.year}" for m in months)
    return text + ", za " + ", ".join(named)


@dataclass(frozen=True)
class FeeChange:
    """One contract's fee for an issued period, changed since issue (signed later, closed)."""

    number: str
    months: tuple[date, ...]
    """The months the change concerns (first days), for the document."""
    net_delta: Decimal
    """Now minus as issued; negative is a credit."""


def correction_reason_pl(number: str, period_from: date, period_to: date, why: str) -> str:
    """``Korekta wykazu WP/2026/11/005 (01.11.2026–30.11.2026): why``, for the client."""
    return (
        f"Korekta wykazu {number} ({format_date(period_from, DOCUMENT_LOCALE)}–"
        f"{format_date(period_to, DOCUMENT_LOCALE)}): {why}"
    )


_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)


async def corrections_due(ctx: Ctx, client_id: int, before: date) -> tuple[CorrectionLine, ...]:
    """Signed correction lines for the client's issued statements whose period ended before.

    For each issued statement, what its period's work and fees are worth today
    minus what the issued document billed and what later statements already
    carried (:func:`~bbdispatch.domain.statements.correction_due`), one line per
    changed entry and per changed fee (:func:`change_lines`). So an admin's
    correction, work added late, a contract closed or signed after issue all land
    here, with the right sign, and the issued documents never change. Statements
    issued before numbering (no recorded worth) keep the per-entry correction rows.
    """
    await check(ctx, Action.STATEMENT_VIEW, entity="client", entity_id=client_id)
    issued = await store.issued_of_client(ctx.db, client_id)
    if not issued:
        return ()
    settled = await store.settled_for(ctx.db, client_id)
    pending = await store.corrections_for(ctx.db, client_id, _FAR_FUTURE, None)
    today = local_today(ctx.clock)
    kept: dict[int, dict[str, Any] | None] = {}
    for s in issued:
        kept[s.id] = _read_json(await store.document_of(ctx.db, s.id, "json"))
    out: list[CorrectionLine] = []
    contracts: list[Contract] | None = None
    for s in issued:
        if s.period_to >= before:
            continue
        if s.worth_net is None or s.worth_minutes is None:
            out += [
                CorrectionLine(
                    local(p.made_at).date(), p.entry_id, str(p.job_id), p.reason,
                    p.minutes_delta, p.net_delta, s.number,
                )
                for p in pending
                if p.locked_by == s.id
            ]  # fmt: skip
            continue
        lines, _subtotals, fees = await _assemble(ctx, client_id, s.period_from, s.period_to)
        now = Statement(
            client_id=client_id, client_name="", client_address="", client_nip=None,
            period_from=s.period_from, period_to=s.period_to, vat_rate=ctx.prices.vat_rate,
            lines=lines, contracts=(), fees=fees,
        )  # fmt: skip
        done = settled.get(s.id)
        due = correction_due(
            (now.billed_minutes, now.work_net),
            (s.worth_minutes, s.worth_net),
            (done.minutes_delta, done.net_delta) if done else (0, Decimal("0.00")),
        )
        mine = [p for p in pending if p.locked_by == s.id]
        carried = [
            c
            for other in kept.values()
            if other is not None
            for c in other.get("corrections", [])
            if c.get("refers_to") == s.number
        ]
        document = kept[s.id]
        if document is None:
            out += _rest_lines(s, [], due, today)
            continue
        if contracts is None:
            contracts = await contract_store.contracts_of(ctx.db, client_id)
        try:
            out += change_lines(s, document, now, carried, mine, due, today, contracts)
        except (ValueError, KeyError, TypeError, ArithmeticError):
            out += _rest_lines(s, [], due, today)
    return tuple(out)


def _read_json(text: str | None) -> dict[str, Any] | None:
    """A kept JSON document as data, or None (none kept, or unreadable)."""
    if text is None:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _exact(charge: dict[str, Any]) -> Decimal:
    """What a document's charge is worth before rounding: hours × rate, or its fixed price."""
    if charge.get("fixed_price") is not None:
        return Decimal(charge["fixed_price"])
    return Decimal(charge["hourly_rate"]) * int(charge["minutes"]) / 60


FREED_HOURS_PL = "godziny bloku przesunięte korektą wpisu {entries}"
"""Why an entry no one corrected changed: another's correction freed or took back block hours."""


def change_lines(
    s: IssuedStatement,
    document: dict[str, Any],
    now: Statement,
    carried: list[dict[str, Any]],
    mine: list[PendingCorrection],
    due: tuple[int, Decimal],
    today: date,
    contracts: Sequence[Contract],
) -> list[CorrectionLine]:
    """The correction lines of one issued statement: one per changed entry, one per changed fee.

    Each entry's line is its billed time and money now minus what the issued
    document billed for it and what later statements carried for it (``carried``:
    their documents' correction rows referring to ``s``). It depends only on the
    document and the work as it is now, never on the order of the changes, and a
    line never shows hours falling while money rises. Money is compared before
    rounding (hours × rate), so entries no one touched never get a grosz of
    rounding; the grosze between the lines and the period's total (``due``) go to
    the largest line. The reason is the admins' (``mine``: corrections not yet on
    a statement); an entry changed by another's correction names that entry.

    Raises:
        KeyError, ValueError, TypeError, ArithmeticError: a document that cannot be read.
    """
    was: dict[int, tuple[int, Decimal, str]] = {}
    for d in document["lines"]:
        exact = sum((_exact(c) for c in d["charges"]), Decimal(0))
        was[int(d["entry_id"])] = (int(d["billed_minutes"]), exact, str(d["job"]))
    is_now = {
        ln.entry_id: (
            ln.billed_minutes,
            sum((c.exact for c in ln.charges), Decimal(0)),
            ln.job_number,
        )
        for ln in now.lines
    }
    before: dict[int, tuple[int, Decimal]] = {}
    fees_before: dict[str, Decimal] = {}
    for c in carried:
        if c.get("fee_contract"):
            number = str(c["fee_contract"])
            fees_before[number] = fees_before.get(number, Decimal(0)) + Decimal(c["net_delta"])
        elif int(c["entry_id"]):
            m, n = before.get(int(c["entry_id"]), (0, Decimal(0)))
            before[int(c["entry_id"])] = (m + int(c["minutes_delta"]), n + Decimal(c["net_delta"]))
    reasons: dict[int, list[PendingCorrection]] = {}
    for p in mine:
        reasons.setdefault(p.entry_id, []).append(p)
    corrected = ", ".join(str(i) for i in reasons)
    lines: list[CorrectionLine] = []
    for entry_id in sorted(was.keys() | is_now.keys(), key=lambda i: (i not in was, i)):
        m_now, x_now, job = is_now.get(entry_id, (0, Decimal(0), ""))
        m_was, x_was, job_was = was.get(entry_id, (0, Decimal(0), ""))
        m_before, n_before = before.get(entry_id, (0, Decimal(0)))
        minutes = m_now - m_was - m_before
        net = round_grosz(x_now - x_was - n_before)
        if not minutes and not net:
            continue
        rows = reasons.get(entry_id, [])
        if rows:
            why = "; ".join(dict.fromkeys(r.reason for r in rows))
        elif corrected:
            why = FREED_HOURS_PL.format(entries=corrected)
        else:
            why = CHANGED_AFTER_ISSUE_PL
        lines.append(
            CorrectionLine(
                made_on=max((local(r.made_at).date() for r in rows), default=today),
                entry_id=entry_id,
                job_number=job or job_was,
                reason=correction_reason_pl(s.number, s.period_from, s.period_to, why),
                minutes_delta=minutes,
                net_delta=net,
                refers_to=s.number,
            )
        )
    issued_fees = {str(f["number"]): Decimal(f["net"]) for f in document.get("fees", [])}
    fees_now = {f.contract.number: f for f in now.fees}
    fee_lines: list[CorrectionLine] = []
    for k in contracts:
        if k.kind is not ProductType.MONTHLY:
            continue
        fee = fees_now.get(k.number)
        delta = (fee.net if fee else Decimal("0.00")) - issued_fees.get(k.number, Decimal(0))
        delta -= fees_before.get(k.number, Decimal(0))
        if not delta:
            continue
        # The months billed now, or (a fee withdrawn) those the contract would have run.
        ran = k if fee else replace(k, status=ContractStatus.ACTIVE, ends_on=None)
        months = tuple(fee_months(ran, s.period_from, s.period_to))
        fee_lines.append(
            CorrectionLine(
                made_on=today, entry_id=0, job_number="",
                reason=correction_reason_pl(
                    s.number, s.period_from, s.period_to, fee_reason_pl(k.number, months)
                ),
                minutes_delta=0, net_delta=round_grosz(delta), refers_to=s.number,
                fee_contract=k.number, fee_months=months,
            )
        )  # fmt: skip
    return _rest_lines(s, lines, due, today, fee_lines)


def _rest_lines(
    s: IssuedStatement,
    lines: list[CorrectionLine],
    due: tuple[int, Decimal],
    today: date,
    fee_lines: Sequence[CorrectionLine] = (),
) -> list[CorrectionLine]:
    """``lines`` and ``fee_lines``, and what the period owes beyond them.

    A few grosze of rounding between the lines and the period's total go to the
    largest entry line; anything else (a document that cannot be read) is one
    more line with entry 0, so the lines always add up to what is due.
    """
    rest_minutes = due[0] - sum(ln.minutes_delta for ln in lines)
    rest_net = due[1] - sum((ln.net_delta for ln in [*lines, *fee_lines]), Decimal("0.00"))
    if lines and not rest_minutes and abs(rest_net) <= GROSZ * len(lines):
        biggest = max(range(len(lines)), key=lambda i: abs(lines[i].net_delta))
        lines[biggest] = replace(lines[biggest], net_delta=lines[biggest].net_delta + rest_net)
        rest_net = Decimal("0.00")
    out = [*lines, *fee_lines]
    if rest_minutes or rest_net:
        out.append(
            CorrectionLine(
                made_on=today,
                entry_id=0,
                job_number="",
                reason=correction_reason_pl(
                    s.number, s.period_from, s.period_to, CHANGED_AFTER_ISSUE_PL
                ),
                minutes_delta=rest_minutes,
                net_delta=rest_net,
                refers_to=s.number,
            )
        )
    return out


async def _carried(ctx: Ctx, issued: IssuedStatement) -> tuple[CorrectionLine, ...]:
    """The correction lines an issued statement carried, as it issued them.

    From its kept JSON document, which names each line's entry and job; the
    settlements recorded at issue (which do not) only for a statement issued
    before documents were kept.
    """
    kept = await store.document_of(ctx.db, issued.id, "json")
    if kept is not None:
        with contextlib.suppress(ValueError, KeyError, TypeError, ArithmeticError):
            return tuple(
                CorrectionLine(
                    made_on=date.fromisoformat(c["date"]),
                    entry_id=int(c["entry_id"]),
                    job_number=str(c["job"]),
                    reason=str(c["reason"]),
                    minutes_delta=int(c["minutes_delta"]),
                    net_delta=Decimal(c["net_delta"]),
                    refers_to=str(c["refers_to"] or ""),
                    fee_contract=str(c.get("fee_contract") or ""),
                    fee_months=tuple(
                        date.fromisoformat(f"{m}-01") for m in c.get("fee_months", ())
                    ),
                )  # fmt: skip
                for c in json.loads(kept)["corrections"]
            )
    every = {s.id: s for s in await store.issued_of_client(ctx.db, issued.client_id)}
    numbers = {i: s.number for i, s in every.items()}
    carried = await store.settlements_carried_by(ctx.db, issued.id)
    out = [
        CorrectionLine(
            made_on=local(issued.issued_at).date(),
            entry_id=0,
            job_number="",
            reason=c.reason,
            minutes_delta=c.minutes_delta,
            net_delta=c.net_delta,
            refers_to=numbers.get(c.refers_to, ""),
        )
        for c in carried
    ]
    legacy = await store.corrections_for(ctx.db, issued.client_id, _FAR_FUTURE, issued.id)
    out += [
        CorrectionLine(
            local(p.made_at).date(), p.entry_id, str(p.job_id), p.reason, p.minutes_delta,
            p.net_delta, numbers.get(p.locked_by, ""),
        )
        for p in legacy
        if p.locked_by not in every or every[p.locked_by].worth_net is None
    ]  # fmt: skip
    return tuple(out)


def _with_fixed_price(line: StatementLine, fixed: FixedPrice | None) -> StatementLine:
    """A line with the agreed price added to the job's first billable entry.

    A job agreed at a fixed price bills that price once, whatever its time: the
    time itself is charged "agreed" at no rate, and the job's earliest entry
    carries the price, so the statement holding that entry bills it and no other.
    ``line`` is fresh (not priced yet); a changed one is copied.
    """
    if fixed is None:
        return line
    # Every agreed piece of a fixed-price job is the price's time, not a rate of 0 zł/h.
    marked = tuple(
        replace(c, priced=True) if c.basis is ChargeBasis.AGREED and not c.rate else c
        for c in line.charges
    )
    agreed = [c for c in marked if c.priced]
    if fixed.first_entry_id == line.entry_id and agreed:
        first = replace(agreed[0], fixed=fixed.price, reason=stored("charge.agreed_price"))
        marked = tuple(first if c is agreed[0] else c for c in marked)
    if all(new is old for new, old in zip(marked, line.charges, strict=True)):
        return line
    return replace(line, charges=marked)


async def _subtotals(
    ctx: Ctx,
    contracts: list[Contract],
    lines: tuple[StatementLine, ...],
    start: datetime,
    end: datetime,
    period_from: date,
    period_to: date,
) -> tuple[ContractSubtotal, ...]:
    # Each contract's minutes and money in the period, summed in statement order.
    minutes: dict[int, int] = {}
    nets: dict[int, Decimal] = {}
    for ln in lines:
        for ch in ln.charges:
            contract_id = ch.contract_id
            if contract_id is None:
                continue
            if contract_id in minutes:
                minutes[contract_id] += ch.minutes
                nets[contract_id] += ch.net
            else:
                minutes[contract_id] = ch.minutes
                nets[contract_id] = Decimal("0.00") + ch.net
    charged = minutes.keys()
    shown = [
        c
        for c in contracts
        if c.id in charged
        or (
            c.kind is ProductType.BLOCK
            and c.status is not ContractStatus.CLOSED
            and c.starts_on <= period_to
            and (c.ends_on is None or c.ends_on >= period_from)
        )
    ]
    # Only contracts with hours included have hours left to show (the others: None).
    blocks = [c.id for c in shown if c.minutes_included is not None]
    before, after = await store.charged_minutes_before_each(ctx.db, blocks, [start, end])
    out = []
    for c in shown:
        included = c.minutes_included
        if c.id not in minutes and included is not None and before[c.id] >= included:
            continue  # a block used up before the period: nothing to report on it
        out.append(
            ContractSubtotal(
                contract=c,
                minutes=minutes.get(c.id, 0),
                net=nets.get(c.id, Decimal("0.00")),
                left_before=None if included is None else max(included - before[c.id], 0),
                left_after=None if included is None else max(included - after[c.id], 0),
            )
        )
    return tuple(out)


def check_issuable(ctx: Ctx, period_from: date, period_to: date) -> None:
    """Refuse, before anyone is asked to confirm, a period that cannot be issued yet.

    Raises:
        DomainError: the period ends before it starts, or has not ended yet.
    """
    check_period(period_from, period_to)
    if period_to >= local_today(ctx.clock):
        raise DomainError(
            _("The period ends {day}; issue its statement after that day.").format(
                day=format_date(period_to)
            )
        )


@saves
async def issue_statement(
    ctx: Ctx,
    client_id: int,
    period_from: date,
    period_to: date,
    *,
    deliver: Callable[[Statement], Awaitable[None]] | None = None,
) -> int:
    """Issue the statement: number it, keep its documents, lock its entries; returns its id.

    The statement gets the next number of the firm's series for the month of
    issue in the firm's zone (``WP/2026/11/005``), and every format is kept as
    issued (:data:`KEPT_FORMATS`): exporting it again gives the same bytes,
    whatever changes later. The correction lines it carries are recorded, so no
    later statement carries them again.

    ``deliver`` gets the statement as issued (number and date set) before the
    issue commits, to write the document into a temporary file: if it raises (a
    folder that does not exist, a full disk), nothing is issued and the period
    stays open. The caller gives the file its real name only after this returns
    (the issue committed), so a failed commit leaves no numbered document behind
    and its number is never on two files; the kept documents re-export it.

    Raises:
        DomainError: the period has not ended, nothing to bill, a statement for an
            overlapping period was already issued, or a timer started in the period
            is still running (its time could never be billed afterwards).
    """
    await check(ctx, Action.STATEMENT_ISSUE, entity="client", entity_id=client_id)
    check_issuable(ctx, period_from, period_to)
    async with ctx.db.transaction():
        clash = await store.overlapping_statement(ctx.db, client_id, period_from, period_to)
        if clash is not None:
            raise DomainError(
                _("Statement {number} for {start}–{end} is already issued.").format(
                    number=clash.number or clash.id,
                    start=format_date(clash.period_from),
                    end=format_date(clash.period_to),
                )
            )
        running = await store.timer_running_between(
            ctx.db,
            client_id,
            local_midnight_utc(period_from),
            local_midnight_utc(period_to + timedelta(days=1)),
        )
        if running is not None:
            raise DomainError(
                _(
                    "A timer started {start} is still running on job {job}; stop it before"
                    " issuing the statement."
                ).format(start=format_local(running.started_at), job=running.job_id)
            )
        statement = await build_statement(ctx, client_id, period_from, period_to)
        if statement.is_empty:
            raise DomainError(empty_message(statement))
        issued_at = ctx.clock.now()
        number = await _next_number(ctx, issued_at)
        statement_id = await store.insert_statement(
            ctx.db, client_id=client_id, period_from=period_from, period_to=period_to,
            issued_at=issued_at, issued_by=ctx.actor, number=number,
            worth_net=statement.work_net, worth_minutes=statement.billed_minutes,
        )  # fmt: skip
        statement = replace(
            statement, statement_id=statement_id, issued_at=issued_at, number=number
        )
        await store.save_documents(ctx.db, statement_id, render_kept(statement))
        await work_store.lock_entries(ctx.db, statement_id, [ln.entry_id for ln in statement.lines])
        # Statements issued with a recorded worth are settled line by line (per entry
        # and the rest); older ones through their correction rows below.
        ids = {
            s.number: s.id
            for s in await store.issued_of_client(ctx.db, client_id)
            if s.worth_net is not None
        }
        await store.insert_settlements(
            ctx.db,
            statement_id,
            [
                Settlement(ids[c.refers_to], c.minutes_delta, c.net_delta, c.reason)
                for c in statement.corrections
                if c.refers_to in ids
            ],
        )
        # The admins' reasons for the corrections it carried are now on a document.
        earlier = {s.id for s in await store.issued_of_client(ctx.db, client_id)
                   if s.period_to < period_from}  # fmt: skip
        corrections = await store.corrections_for(ctx.db, client_id, _FAR_FUTURE, None)
        await store.apply_corrections(
            ctx.db, statement_id, [c.id for c in corrections if c.locked_by in earlier]
        )
        # The audit row keeps the statement exactly as issued: later admin corrections
        # change the entries, and show up on the next statement, not on this record.
        await audit.record(
            ctx, "statement", statement_id, "issued", client_id=client_id,
            number=number, period_from=period_from.isoformat(),
            period_to=period_to.isoformat(), entries=len(statement.lines), net=str(statement.net),
            as_issued=statement_dict(statement),
        )  # fmt: skip
        if deliver is not None:
            await deliver(statement)
    return statement_id


KEPT_FORMATS = {"csv": ("csv", ","), "csv;": ("csv", ";"), "md": ("md", ","),
                "html": ("html", ","), "json": ("json", ",")}  # fmt: skip
"""Formats kept for every issued statement: key → (format, CSV delimiter)."""


def render_kept(statement: Statement) -> dict[str, str]:
    """An issued statement in every kept format (:data:`KEPT_FORMATS`)."""
    return {key: render(statement, fmt, sep) for key, (fmt, sep) in KEPT_FORMATS.items()}


async def _next_number(ctx: Ctx, issued_at: datetime) -> str:
    """The next number of the firm's series for the month of issue, in the firm's zone."""
    day = local(issued_at)
    prefix = f"{ctx.prices.seller.series}/{day.year}/{day.month:02d}/"
    taken = await store.numbers_with_prefix(ctx.db, prefix)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


async def issued_document(
    ctx: Ctx, client_id: int, period_from: date, period_to: date, fmt: str, delimiter: str = ","
) -> str | None:
    """An issued statement's document exactly as issued, or None when the period is a draft.

    Raises:
        DomainError: a CSV delimiter other than ',' or ';' for an issued statement.
    """
    await check(ctx, Action.STATEMENT_VIEW, entity="client", entity_id=client_id)
    issued = await store.statement_of_period(ctx.db, client_id, period_from, period_to)
    if issued is None:
        return None
    key = fmt if fmt != "csv" or delimiter == "," else "csv;" if delimiter == ";" else ""
    if not key:
        raise DomainError(
            _("Statement {number} is kept as issued in CSV with ',' or ';' only.").format(
                number=issued.number
            )
        )
    kept = await store.document_of(ctx.db, issued.id, key)
    if kept is not None:
        return kept
    # Issued before documents were kept: the statement as built today is all there is.
    statement = await build_statement(ctx, client_id, period_from, period_to)
    return render(statement, fmt, delimiter)


@dataclass(frozen=True)
class AsIssued:
    """An issued statement's totals as on its document, and what changed in its period since.

    The statement screen shows these for an issued period: the document's net,
    VAT and gross (never today's recalculation), and apart from them the
    correction lines a later statement will carry for this one.
    """

    net: Decimal
    vat: Decimal
    gross: Decimal
    since: tuple[CorrectionLine, ...]
    """Changes to this period since issue, one line per entry (billed on a later statement)."""
    lines: tuple[StatementLine, ...] | None = None
    """The work lines as the document says them (times, hours, contracts, money), or None
    for a statement issued before documents were kept: corrections never show here."""
    contracts: tuple[ContractSubtotal, ...] | None = None
    """The document's contract summary (hours, money, a block's hours left), or None
    for a statement issued before documents were kept."""
    fees: tuple[MonthlyFee, ...] | None = None
    """The monthly fees the document billed (none when it billed none), or None for a
    statement issued before documents were kept."""


async def as_issued(ctx: Ctx, statement: Statement) -> AsIssued | None:
    """:class:`AsIssued` for an issued statement (None for a draft).

    The totals come from the kept JSON document; a statement issued before
    documents were kept has only today's totals to show.
    """
    if statement.number is None or statement.statement_id is None:
        return None
    kept = await issued_document(
        ctx, statement.client_id, statement.period_from, statement.period_to, "json"
    )
    net, vat, gross = statement.net, statement.vat, statement.gross
    lines = None
    contracts: tuple[ContractSubtotal, ...] | None = None
    fees: tuple[MonthlyFee, ...] | None = None
    if kept is not None:
        by_number = {
            c.number: c for c in await contract_store.contracts_of(ctx.db, statement.client_id)
        }
        with contextlib.suppress(ValueError, KeyError, TypeError, ArithmeticError):
            document = json.loads(kept)
            totals = document["totals"]
            net, vat, gross = (Decimal(totals[k]) for k in ("net", "vat", "gross"))
            lines = _issued_lines(statement, document["lines"])
            contracts, fees = _issued_summary(document, by_number)
    due = await corrections_due(ctx, statement.client_id, statement.period_to + timedelta(days=1))
    since = tuple(c for c in due if c.refers_to == statement.number)
    return AsIssued(
        net=net, vat=vat, gross=gross, since=since, lines=lines, contracts=contracts, fees=fees
    )


def _minutes(hours_text: str | None) -> int | None:
    """Minutes of a document's ``"1.75"`` hours (None stays None)."""
    if hours_text is None:
        return None
    return int((Decimal(hours_text) * 60).to_integral_value())


def _issued_summary(
    document: dict[str, Any], by_number: dict[str, Contract]
) -> tuple[tuple[ContractSubtotal, ...], tuple[MonthlyFee, ...]]:
    """The kept document's contract summary and fees, with the contracts they name.

    A fee keeps the monthly fee the document billed (the contract's own, as signed).
    A contract no longer found (never: contracts are not deleted) is skipped.

    Raises:
        KeyError, ValueError, TypeError, ArithmeticError: a document that cannot be read.
    """
    contracts = tuple(
        ContractSubtotal(
            contract=by_number[str(t["number"])],
            minutes=int(t["minutes"]),
            net=Decimal(t["net"]),
            left_before=_minutes(t["hours_left_before"]),
            left_after=_minutes(t["hours_left_after"]),
        )
        for t in document["contracts"]
        if str(t["number"]) in by_number
    )
    fees = tuple(
        MonthlyFee(
            replace(by_number[str(f["number"])], net=Decimal(f["monthly_fee"])), int(f["months"])
        )
        for f in document.get("fees", [])
        if str(f["number"]) in by_number
    )
    return contracts, fees


def _issued_lines(statement: Statement, kept: list[dict[str, Any]]) -> tuple[StatementLine, ...]:
    """The kept document's work lines: what was billed, not the entries as corrected since.

    Raises:
        KeyError, ValueError, TypeError, ArithmeticError: a document that cannot be read.
    """
    today = {ln.entry_id: ln for ln in statement.lines}
    ids = {c.contract_number: c.contract_id for ln in statement.lines for c in ln.charges}
    out = []
    for d in kept:
        entry_id = int(d["entry_id"])
        now = today.get(entry_id)
        start = now.started_at if now is not None else None
        out.append(
            StatementLine(
                entry_id=entry_id, day=date.fromisoformat(d["date"]), job_number=str(d["job"]),
                technician=str(d["technician"]), mode=JobMode(d["mode"]),
                description=str(d["description"]), actual_minutes=int(d["actual_minutes"]),
                billed_minutes=int(d["billed_minutes"]),
                charges=tuple(
                    ChargeRow(
                        contract_id=ids.get(c["contract"]), contract_number=c["contract"],
                        basis=ChargeBasis(c["basis"]), minutes=int(c["minutes"]),
                        rate=Decimal(c["hourly_rate"]), reason=str(c["reason"]),
                        fixed=None if c["fixed_price"] is None else Decimal(c["fixed_price"]),
                        amount=Decimal(c["net"]),
                    )
                    for c in d["charges"]
                ),
                started_at=start,
                ended_at=None if start is None else start + timedelta(
                    seconds=int(d["actual_seconds"])
                ),
                statement_id=statement.statement_id,
            )
        )  # fmt: skip
    return tuple(out)


def empty_message(statement: Statement) -> str:
    """What to say when a period has nothing to bill."""
    return _(
        "Nothing to bill for {client} from {start} to {end}: no work, fees or corrections."
    ).format(
        client=statement.client_name,
        start=format_date(statement.period_from),
        end=format_date(statement.period_to),
    )
