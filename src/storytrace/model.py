"""The records every stage of storytrace reads and writes.

An :class:`Article` keeps the text exactly as it was extracted; every span the
tool reports later is a ``(start, end)`` pair of character offsets into
``Article.text`` so that a person can check it with ``text[start:end]``, or in
the input file at ``text_offset`` characters further (a text file's title line
is not part of ``text``).
A :class:`Link` is a verified relation between two articles of a corpus, and a
:class:`Story` the articles that tell one story with the links among them; both
engines of ``trace`` make them, the store keeps them, and every view reads them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

import xxhash

ID_LENGTH = 16


def content_id(*parts: str | None) -> str:
    """Stable 16-hex-digit id from the article's content fields.

    >>> content_id("Title", "Body") == content_id("Title", "Body")
    True
    """
    h = xxhash.xxh3_64()
    for part in parts:
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")  # field separator, so ("ab", "c") != ("a", "bc")
    return h.hexdigest()


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of an article's text."""

    start: int
    end: int
    label: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span ({self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def of(self, text: str) -> str:
        """The characters this span covers in ``text``."""
        return text[self.start : self.end]


@dataclass
class Article:
    """One version of a news story.

    ``text`` is the article body as extracted (never normalised in place);
    ``raw`` is the original document it came from (an HTML page, a text file)
    when that differs from ``text``.

    >>> a = Article(title="Hello", text="World.")
    >>> len(a.id)
    16
    """

    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    id: str = ""
    raw: str | None = None
    source: str = ""  # where it was read from: "file.jsonl:12"
    extra: dict = field(default_factory=dict)
    language: str = ""  # ISO 639-1, detected at ingest; "" when unknown

    def __post_init__(self) -> None:
        if self.published is not None and self.published.tzinfo is None:
            raise ValueError("published must be timezone-aware")
        if not self.id:
            self.id = self.content_hash

    @property
    def text_offset(self) -> int | None:
        """Where ``text`` starts in ``raw``, the document as given, when it is a piece of it.

        Every offset the tool reports indexes ``text``; add ``text_offset`` to find the
        same characters in the input file (for a text file with a title line, the
        length of that line and of the blank lines after it). ``0`` without
        ``raw`` (``text`` is the input as given: a JSON, CSV or standard-input text);
        ``None`` when ``text`` is not a piece of ``raw`` (extracted from an HTML page:
        offsets then index the extracted text, which ``storytrace show ID --format
        json`` prints). Computed from ``raw``, so it holds for stored articles too.

        >>> Article(title="Hi", text="Body.", raw="Hi\\n\\nBody.\\n").text_offset
        4
        >>> Article(text="Body.").text_offset
        0
        """
        if self.raw is None:
            return 0
        # The last occurrence: a text file's body is followed by whitespace only.
        at = self.raw.rfind(self.text)
        return at if at >= 0 else None

    @property
    def title_offset(self) -> int | None:
        """Where ``title`` starts in ``raw`` (its first occurrence), as :attr:`text_offset`
        is for ``text``: spans of the title (framing signals with ``field: "title"``)
        are found in the input file that many characters further.

        >>> Article(title="Hi", text="Body.", raw="# Hi\\n\\nBody.\\n").title_offset
        2
        """
        if self.raw is None:
            return 0
        at = self.raw.find(self.title)
        return at if at >= 0 else None

    @property
    def content_hash(self) -> str:
        """Hash of what makes two records the same article."""
        return content_id(self.outlet, self.url, self.title, self.text)

    def to_dict(self, include_raw: bool = False) -> dict:
        """Plain JSON-ready dict (``published`` as ISO 8601 or ``None``)."""
        d = asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        if not include_raw:
            d.pop("raw")
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True)
class Link:
    """A verified relation between two stored articles (``a_seq < b_seq``).

    ``kind`` is ``"reuse"`` (aligned passages of copied article content),
    ``"same_story"`` (another report of one story, no reused passage), ``"same_event"``
    (the lexical model's same-story pair that the sentence check did not confirm: joins
    no story) or ``"shared_quote"`` (the two share only a third party's quotation: joins
    no story, no direction); ``evidence`` is a JSON-able dict.
    """

    a_seq: int
    b_seq: int
    kind: str
    score: float
    coverage_a: float
    coverage_b: float
    evidence: dict

    def __post_init__(self) -> None:
        if self.a_seq >= self.b_seq:
            raise ValueError("a Link is stored with a_seq < b_seq")


@dataclass
class Story:
    """Articles that tell one story, with the reuse links among them."""

    id: str
    articles: list[Article]
    links: list[Link]
    seqs: list[int]

    def to_dict(self) -> dict:
        by_seq = dict(zip(self.seqs, self.articles, strict=True))
        times = sorted(a.published for a in self.articles if a.published)
        return {
            "story": self.id,
            "articles": [{"id": a.id, "title": a.title, "outlet": a.outlet,
                          "published": a.published.isoformat() if a.published else None}
                         for a in self.articles],
            "outlets": sorted({a.outlet for a in self.articles if a.outlet}),
            "first_published": times[0].isoformat() if times else None,
            "last_published": times[-1].isoformat() if times else None,
            "links": [{"a": by_seq[x.a_seq].id, "b": by_seq[x.b_seq].id, "kind": x.kind,
                       "score": x.score, "coverage_a": x.coverage_a,
                       "coverage_b": x.coverage_b, "evidence": x.evidence}
                      for x in self.links],
        }
