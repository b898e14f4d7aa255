"""The Python API for notebooks and scripts: compare two versions, trace a corpus.

Both run exactly what the CLI runs (``storytrace compare``, ``storytrace trace``), so
their numbers are the CLI's. Articles may be given as :class:`~storytrace.model.Article`
objects, as text (a ``str``) or as files (a :class:`pathlib.Path`: its first article, in
any format ``storytrace ingest`` reads).

>>> import storytrace
>>> body = ("The city council voted on Tuesday to close the old river bridge for two years "
...         "of repairs, after engineers found cracks in three of its steel supports.")
>>> c = storytrace.compare(body, "Breaking: " + body + " Drivers were furious.",
...                        semantic=False)
>>> [(p.kind, c.b.text[p.b_start:p.b_end][:20]) for p in c.alignment.passages]
[('verbatim', 'The city council vot')]
>>> sorted(c.details)
['attributions', 'diff', 'direction', 'framing', 'language']
>>> tracer = storytrace.Tracer(same_story=False)
>>> tracer.get_params()["threshold"]
0.2
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storytrace.comparison import DETAILS, Comparison
from storytrace.engines.core import TraceOptions
from storytrace.model import Article

if TYPE_CHECKING:
    from storytrace.engines.local import TraceResult
    from storytrace.store import Store

ArticleLike = Article | str | os.PathLike

__all__ = ["ArticleLike", "Tracer", "compare", "read_article", "trace"]


def read_article(x: ArticleLike) -> Article:
    """``x`` as an :class:`Article`: itself, a text, or a file's first article.

    Raises ValueError naming the file and the reason when a file holds no article.

    >>> read_article("Some text.").text
    'Some text.'
    """
    if isinstance(x, Article):
        return x
    if isinstance(x, os.PathLike):
        from storytrace.ingest import IngestError, read_sources

        for result in read_sources([os.fspath(x)]):
            if isinstance(result, IngestError):
                raise ValueError(str(result))
            return result
        raise ValueError(f"{os.fspath(x)}: no article found")
    if isinstance(x, str):
        return Article(text=x)
    raise TypeError(f"expected an Article, a str or a path, not {type(x).__name__}")


def compare(a: ArticleLike, b: ArticleLike, *, semantic: bool | str = "auto",
            details: Iterable[str] = DETAILS) -> Comparison:
    """What ``b`` and ``a`` share and how they differ, as ``storytrace compare`` shows it.

    semantic : sentence embeddings in alignment (``"auto"``: when the semantic extra is
        installed, as the CLI does; ``False``: lexical only, as ``--lexical``).
    details : the analyses to add beside the passages (``attributions``, ``direction``,
        ``diff``, ``framing``; all by default, none for ``--passages-only``).

    Offsets in the result index ``result.a.text`` and ``result.b.text``.
    """
    from storytrace.align import Aligner
    from storytrace.comparison import compare as compare_articles

    return compare_articles(read_article(a), read_article(b), Aligner(semantic=semantic),
                            details=tuple(details))


@dataclass
class Tracer:
    """Finds reuse and same-story links in a store, groups the articles into stories and
    draws each story's family tree: ``storytrace trace`` as an object.

    Parameters are those of ``storytrace trace`` (see :class:`TraceOptions`).

    >>> Tracer(threshold=0.3).set_params(max_bucket=50)
    Tracer(threshold=0.3, max_bucket=50)
    """

    threshold: float = 0.2
    min_containment: float = 0.1
    max_bucket: int = 200
    max_candidates: int = 200
    same_story: bool = True
    story_min_score: float = 0.5
    trees: bool = True
    changes: bool = False
    semantic: bool | str = False

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters and their values (scikit-learn's convention)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def set_params(self, **params: Any) -> Tracer:
        unknown = set(params) - set(self.get_params())
        if unknown:
            raise ValueError(f"unknown parameters {sorted(unknown)}; choose from "
                             f"{list(self.get_params())}")
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        changed = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                   if getattr(self, f.name) != f.default]
        return f"Tracer({', '.join(changed)})"

    def options(self) -> TraceOptions:
        """The :class:`TraceOptions` these parameters make (checked)."""
        options = replace(TraceOptions(), **self.get_params())
        problems = options.problems()
        if problems:
            raise ValueError("; ".join(f"{name} {what}" for name, what in problems))
        return options

    def trace(self, store: Store, sources: Iterable[str | os.PathLike] = ()) -> TraceResult:
        """Ingest ``sources`` into ``store`` (bad records are skipped and counted in
        ``result.ingest``), then trace it: incremental, as the CLI is."""
        from storytrace.engines.local import trace_store
        from storytrace.pipeline import ingest

        options = self.options()
        summary = ingest(list(sources), store) if sources else None
        result = trace_store(store, options)
        result.ingest = summary
        return result


def trace(sources: Iterable[str | os.PathLike] = (), *, db: str | os.PathLike = ":memory:",
          **params: Any) -> TraceResult:
    """Trace ``sources`` (files, folders) in the store at ``db`` (an in-memory store by
    default, gone afterwards): reuse and same-story links, stories, family trees.

    ``params`` are :class:`Tracer`'s. The result's ``stories`` hold the articles, links
    and (``trees``) each story's :class:`~storytrace.provenance.tree.FamilyTree`.
    """
    from storytrace.store import Store

    tracer = Tracer(**params)
    with Store(Path(db) if not isinstance(db, str) else db) as store:
        return tracer.trace(store, sources)
