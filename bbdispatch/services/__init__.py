"""Use cases: plain async Python shared by the TUI, the CLI and tests.

Services own transactions and see only domain dataclasses; SQL stays in
:mod:`bbdispatch.storage`.
"""
