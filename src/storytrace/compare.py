"""Comparing two versions of a story: the result object behind `storytrace compare`."""

from __future__ import annotations

from dataclasses import dataclass

from storytrace.align import Aligner, Alignment
from storytrace.model import Article


@dataclass
class Comparison:
    """Two articles and what they share. Offsets index ``a.text`` and ``b.text``."""

    a: Article
    b: Article
    alignment: Alignment

    def to_dict(self) -> dict:
        def head(x: Article) -> dict:
            return {"id": x.id, "title": x.title, "outlet": x.outlet, "url": x.url,
                    "published": x.published.isoformat() if x.published else None,
                    "chars": len(x.text)}

        return {"a": head(self.a), "b": head(self.b)} | self.alignment.to_dict()


def compare(a: Article, b: Article, aligner: Aligner | None = None) -> Comparison:
    """Align two articles.

    >>> x = Article(text="The city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> y = Article(text="He said the city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> compare(x, y).alignment.passages[0].kind
    'verbatim'
    """
    return Comparison(a, b, (aligner or Aligner()).align(a, b))
