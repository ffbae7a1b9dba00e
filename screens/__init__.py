"""Textual screens of bbdispatch, one per file; they call services, never SQL."""
