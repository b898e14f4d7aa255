"""Comparing two versions of a story: the result object behind `storytrace compare`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storytrace.align import Aligner, Alignment
from storytrace.model import Article

#: What `compare` adds beside the aligned passages, each one step of its own.
DETAILS = ("attributions", "direction", "diff", "framing")


@dataclass
class Comparison:
    """Two articles and what they share. Offsets index ``a.text`` and ``b.text``.

    ``details`` holds the optional analyses by name (``attributions``: credited
    sources and quotes of each side; ``direction``: who copied whom, or "unknown",
    with the evidence; ``diff``: the facts diff; ``framing``: each side's framing signals
    and what the second adds over the first), each JSON-ready.
    """

    a: Article
    b: Article
    alignment: Alignment
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        def head(x: Article) -> dict:
            return {"id": x.id, "title": x.title, "outlet": x.outlet, "url": x.url,
                    "published": x.published.isoformat() if x.published else None,
                    "chars": len(x.text)}

        return {"a": head(self.a), "b": head(self.b)} | self.alignment.to_dict() | self.details


def attributions_of(article: Article) -> list[dict]:
    """Credited sources and quotes of one article, with offsets and the quoted characters."""
    from storytrace.provenance import extract_attributions

    return [x.to_dict(article.text) for x in extract_attributions(article.text)]


def compare(a: Article, b: Article, aligner: Aligner | None = None, *,
            details: tuple[str, ...] = ()) -> Comparison:
    """Align two articles, and add the named ``details`` (see :data:`DETAILS`).

    >>> x = Article(text="The city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> y = Article(text="He said the city will not cooperate with federal immigration agents "
    ...                  "who ask for help locating people facing deportation orders.")
    >>> compare(x, y).alignment.passages[0].kind
    'verbatim'
    >>> sorted(compare(x, y, details=("attributions",)).details["attributions"])
    ['a', 'b']
    """
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise ValueError(f"unknown details {sorted(unknown)}; choose from {DETAILS}")
    aligner = aligner or Aligner()
    result = Comparison(a, b, aligner.align(a, b))
    if "attributions" in details:
        result.details["attributions"] = {"a": attributions_of(a), "b": attributions_of(b)}
    if "direction" in details:
        from storytrace.provenance import infer_direction

        result.details["direction"] = infer_direction(a, b, result).to_dict()
    if "diff" in details:
        from storytrace.diff import diff_versions

        result.details["diff"] = diff_versions(a, b, result, aligner=aligner).to_dict()
    if "framing" in details:
        from storytrace.framing import analyze_article, framing_delta

        fa, fb = analyze_article(a), analyze_article(b)
        result.details["framing"] = {"a": fa.to_dict(), "b": fb.to_dict(),
                                     "delta": framing_delta(fa, fb)}
    return result
