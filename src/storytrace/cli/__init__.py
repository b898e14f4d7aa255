"""The `storytrace` command line."""

from storytrace.cli.main import app, main

__all__ = ["app", "main"]
