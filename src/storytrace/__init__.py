"""storytrace: trace how a news story travels.

Notebook use::

    import storytrace
    c = storytrace.compare(Path("a.html"), Path("b.txt"))   # or two texts, or Articles
    c.alignment.passages, c.details["direction"], c.details["diff"]

    result = storytrace.trace(["articles/"], db="news.db")  # stories and family trees
    result.stories, result.parents()

    doc = storytrace.Doc(text)     # words, sentences, names, numbers: offsets into text
    doc.words, doc.sentences, doc.names

    with storytrace.Store("news.db") as store:              # or step by step
        storytrace.ingest(["more/"], store)
        storytrace.Tracer(same_story=False).trace(store)

The names below are imported when first used, so ``import storytrace`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# `ingest` is both this function and the subpackage storytrace.ingest: importing it here,
# after the subpackage, keeps `storytrace.ingest` the function however the package is
# reached later.
from storytrace.pipeline import IngestSummary as IngestSummary
from storytrace.pipeline import ingest as ingest

#: public name -> the module that defines it
_EXPORTS = {
    "Article": "storytrace.model", "Span": "storytrace.model", "Link": "storytrace.model",
    "Story": "storytrace.model",
    "FieldMap": "storytrace.ingest", "IngestError": "storytrace.ingest",
    "IngestOptions": "storytrace.ingest", "read_sources": "storytrace.ingest",
    "Store": "storytrace.store",
    "Comparison": "storytrace.comparison",
    "TraceOptions": "storytrace.engines.core",
    "TraceResult": "storytrace.engines.local",
    "FamilyTree": "storytrace.provenance.tree",
    "Tracer": "storytrace.api", "compare": "storytrace.api", "trace": "storytrace.api",
    "read_article": "storytrace.api",
    "Doc": "storytrace.text.doc",
}

__all__ = sorted([*_EXPORTS, "IngestSummary", "ingest"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storytrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
