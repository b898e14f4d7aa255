"""storytrace: trace how a news story travels.

Notebook use::

    from storytrace import Store, ingest
    store = Store("storytrace.db")
    ingest(["articles/"], store)
"""

from storytrace.ingest import FieldMap, IngestError, IngestOptions, read_sources
from storytrace.model import Article, Span
from storytrace.pipeline import IngestSummary, ingest
from storytrace.store import Store

__version__ = "0.1.0"

__all__ = ["Article", "FieldMap", "IngestError", "IngestOptions", "IngestSummary", "Span",
           "Store", "ingest", "read_sources"]
