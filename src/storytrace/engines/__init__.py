"""Engines that run `trace`: local (one process, SQLite) and, later, Spark."""
