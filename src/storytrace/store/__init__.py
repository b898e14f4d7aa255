"""Embedded storage for articles and everything computed about them."""

from storytrace.store.sqlite import AddReport, Store

__all__ = ["AddReport", "Store"]
