"""Lets `python -m bbdispatch` behave exactly like the `bbdispatch` command."""

from bbdispatch.cli import main

raise SystemExit(main())
