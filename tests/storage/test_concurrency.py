"""Several processes share one file: writes wait for each other, none fails."""

import asyncio
import sys
import textwrap
from pathlib import Path

from bbdispatch.storage.database import Database

WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from bbdispatch.storage.database import Database

    async def main(path, tag):
        db = await Database.open(path)
        for i in range(60):
            async with db.transaction():
                await db.execute(
                    "INSERT INTO audit_log (at, actor, entity, action) VALUES (?, ?, 'x', 'w')",
                    ("2026-11-24T09:00:00Z", f"{tag}-{i}"),
                )
        await db.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_parallel_writers_in_other_processes_all_land(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    db = await Database.open(path)
    before = await db.data_version()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, str(path), f"p{n}", stderr=asyncio.subprocess.PIPE
        )
        for n in range(3)
    ]
    for p in procs:
        _out, err = await asyncio.wait_for(p.communicate(), timeout=60)
        assert p.returncode == 0, err.decode()
    assert await db.fetch_value("SELECT COUNT(*) FROM audit_log") == 180
    assert await db.data_version() != before  # other processes' commits are visible to pollers
    await db.close()
