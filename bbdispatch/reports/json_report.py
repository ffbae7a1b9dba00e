"""A statement as JSON for other systems: ISO dates, amounts as ``"3628.50"`` strings."""

from __future__ import annotations

from typing import Any

from bbdispatch.clock import local, to_db
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.messages import shown
from bbdispatch.domain.statements import Statement
from bbdispatch.money import format_plain
from bbdispatch.reports.common import contract_label, hours_plain, rules_pl
from bbdispatch.text import json_text


def statement_dict(s: Statement) -> dict[str, Any]:
    """The statement as plain JSON-ready data (keys ``lines``, ``contracts``, ``totals``)."""
    return {
        "client": {
            "id": s.client_id,
            "name": s.client_name,
            "nip": s.client_nip,
            "address": s.client_address,
        },
        "period": {"from": s.period_from.isoformat(), "to": s.period_to.isoformat()},
        "statement_id": s.statement_id,
        "number": s.number,
        "issued_at": to_db(s.issued_at) if s.issued_at else None,
        "issued_on": local(s.issued_at).date().isoformat() if s.issued_at else None,
        "seller": (
            {"name": s.seller.name, "address": s.seller.address, "nip": s.seller.nip}
            if s.seller
            else None
        ),
        "rules": rules_pl(s),
        "lines": [
            {
                "entry_id": ln.entry_id,
                "date": ln.day.isoformat(),
                "job": ln.job_number,
                "technician": ln.technician,
                "mode": ln.mode.value,
                "description": ln.description,
                "actual_minutes": ln.actual_minutes,
                "actual_seconds": ln.actual_seconds,
                "billed_minutes": ln.billed_minutes,
                "billed_hours": hours_plain(ln.billed_minutes),
                "contract": contract_label(ln, polish=False),
                "uncovered": ln.uncovered,
                "net": format_plain(ln.net),
                "charges": [
                    {
                        "contract": c.contract_number,
                        "basis": c.basis.value,
                        "minutes": c.minutes,
                        "hourly_rate": format_plain(c.rate),
                        "fixed_price": None if c.fixed is None else format_plain(c.fixed),
                        "net": format_plain(c.net),
                        "reason": shown(c.reason, "en"),
                    }
                    for c in ln.charges
                ],
            }
            for ln in s.lines
        ],
        "contracts": [
            {
                "contract_id": t.contract.id,
                "number": t.contract.number,
                "code": t.contract.product_code,
                "title": t.contract.title,
                "kind": t.contract.kind.value,
                "minutes": t.minutes,
                "hours": hours_plain(t.minutes),
                "net": format_plain(t.net),
                "hours_included": None
                if t.contract.minutes_included is None
                else hours_plain(t.contract.minutes_included),
                "hours_used_opening": hours_plain(t.contract.opening_used_minutes),
                "hours_left_before": None if t.left_before is None else hours_plain(t.left_before),
                "hours_left_after": None if t.left_after is None else hours_plain(t.left_after),
            }
            for t in s.contracts
        ],
        "uncovered": {
            "minutes": s.minutes_of(ChargeBasis.UNCOVERED),
            "hours": hours_plain(s.minutes_of(ChargeBasis.UNCOVERED)),
            "net": format_plain(s.net_of(ChargeBasis.UNCOVERED)),
        },
        "agreed": {
            "minutes": s.minutes_of(ChargeBasis.AGREED),
            "hours": hours_plain(s.minutes_of(ChargeBasis.AGREED)),
            "net": format_plain(s.net_of(ChargeBasis.AGREED)),
        },
        "rates": [
            {
                "basis": r.basis.value,
                "contract": r.contract_number,
                "hourly_rate": format_plain(r.rate),
                "minutes": r.minutes,
                "hours": hours_plain(r.minutes),
                "net": format_plain(r.net),
            }
            for r in s.rates
        ],
        "fixed_prices": [
            {
                "job": p.job_number,
                "minutes": p.minutes,
                "hours": hours_plain(p.minutes),
                "net": format_plain(p.net),
            }
            for p in s.prices
        ],
        "rounding_minutes": s.rounding_minutes,
        "fees": [
            {
                "number": f.contract.number,
                "title": f.contract.title,
                "months": f.months,
                "monthly_fee": format_plain(f.contract.net),
                "net": format_plain(f.net),
            }
            for f in s.fees
        ],
        "corrections": [
            {
                "date": c.made_on.isoformat(),
                "entry_id": c.entry_id,
                "job": c.job_number,
                "reason": c.reason,
                "refers_to": c.refers_to or None,
                "minutes_delta": c.minutes_delta,
                "net_delta": format_plain(c.net_delta),
                "fee_contract": c.fee_contract or None,
                "fee_months": [m.strftime("%Y-%m") for m in c.fee_months],
            }
            for c in s.corrections
        ],
        "totals": {
            "actual_minutes": s.actual_minutes,
            "actual_seconds": s.actual_seconds,
            "billed_minutes": s.billed_minutes,
            "billed_hours": hours_plain(s.billed_minutes),
            "net": format_plain(s.net),
            "vat_rate": f"{s.vat_rate:.2f}",
            "vat": format_plain(s.vat),
            "gross": format_plain(s.gross),
        },
    }


def render_json(s: Statement) -> str:
    """The statement as an indented UTF-8 JSON document."""
    return json_text(statement_dict(s)) + "\n"
