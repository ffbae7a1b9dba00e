"""Lets `python -m bbdispatch` behave exactly like the `bbdispatch` command."""

from bbdispatch.cli import command_line

raise SystemExit(command_line())
