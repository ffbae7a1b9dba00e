"""The docs show no schema number that a new migration would make wrong.

``init`` prints the database's schema version, which grows with every
migration; a page that copies the number goes stale with the next one (a
tester found ``schema 15`` when ``init`` printed 21).
"""

from __future__ import annotations

import re
from pathlib import Path

from bbdispatch.storage.database import latest_schema_version

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_no_page_copies_the_schema_number_init_prints() -> None:
    stale = []
    for page in sorted(DOCS.rglob("*.md")):
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            # init's own line: "firm.db: schema 21" / "firma.db: schemat 21"
            if re.search(r"\.db: schemat? \d+\s*$", line):
                stale.append(f"{page.name}:{n}: {line.strip()}")
    assert not stale, (
        f"write 'schema N' (the version is {latest_schema_version()} today):\n" + "\n".join(stale)
    )
