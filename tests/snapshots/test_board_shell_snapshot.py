from bbdispatch.app import BBDispatch
from tests.ui.test_board_shell import DISPATCHER


def test_board_at_80x24(snap_compare, ctx_factory) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = BBDispatch(ctx_factory(), DISPATCHER)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
