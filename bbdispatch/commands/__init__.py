"""Subcommands of ``bbdispatch``; each module offers ``register(subparsers)``.

None of them imports Textual, so scripts, cron and the phone system start fast.
"""
