"""`storytrace dedup`: keep one article per near-duplicate cluster, as plain functions.

The rule (the same for both engines; the local runner here reads the store, the Spark
runner in :mod:`storytrace.engines.spark_dedup` calls these functions inside its tasks):

* **exact duplicates**: the same text once case, whitespace, Unicode forms, curly quotes
  and dashes are folded (:func:`exact_key`), at least :data:`EXACT_MIN_CHARS` characters
  long; a shorter text counts only with the same title (and title and text are not both
  empty). No trace is needed for these.
* **near duplicates**: a verified ``reuse`` link (``shared_quote`` and ``same_story``
  links never count) whose aligned passages cover at least ``min_overlap`` of *each*
  article, once the site boilerplate that trace set aside is left out of the length
  (:func:`duplicate_evidence`). A story quoting one paragraph of another is reuse, not a
  duplicate.
* **who is kept** (:func:`choose_keepers`): articles are ranked by publication time
  (dated before undated, earliest first), then length (longest first), then id; in rank
  order, an article not yet dropped is kept and drops every not-yet-dropped duplicate of
  it. So every dropped article is itself a duplicate of its keeper (no chaining: A~B and
  B~C with A and C unrelated never drops C for A), and its keeper is its best-ranked
  duplicate that is kept.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import xxhash

if TYPE_CHECKING:
    from storytrace.model import Article, Link
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

#: Default share of each article that shared passages must cover for a near duplicate.
DEFAULT_MIN_OVERLAP = 0.8
#: Shortest folded text that is an exact duplicate on its own (a reuse link's minimum).
EXACT_MIN_CHARS = 150
#: The fields of each kept article written out (both engines have them), then ``duplicates``.
EXPORT_FIELDS = ("id", "title", "text", "outlet", "url", "published")
#: The columns of the drop report.
DROP_FIELDS = ("dropped", "kept", "reason", "rule", "overlap_dropped", "overlap_kept",
               "evidence")

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                       "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
                       "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
                       "\u00ad": None})

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Entry:
    """What the keeper rule reads of one article: ``time`` is UTC seconds (``None``:
    undated), ``length`` characters of text, ``exact`` its :func:`exact_key`."""

    seq: int
    id: str
    time: float | None
    length: int
    exact: str | None = None


@dataclass
class DedupResult:
    """The articles read, and one drop record per dropped article (by dropped seq)."""

    articles: int = 0
    drops: list[dict] = field(default_factory=list)
    traced: int = 0  # articles traced first (local engine, a store not traced yet)
    min_overlap: float = DEFAULT_MIN_OVERLAP

    @property
    def kept(self) -> int:
        return self.articles - len(self.drops)

    def summary(self) -> dict:
        """Counts for people and machines: kept, dropped, dropped by reason and by rule.

        >>> DedupResult(3, [{"reason": "exact", "rule": "earlier"}]).summary()["by_reason"]
        {'exact': 1}
        """
        counts: dict[tuple[str, str], int] = {}
        for d in self.drops:
            counts[(d["reason"], d["rule"])] = counts.get((d["reason"], d["rule"]), 0) + 1
        return summarise(self.articles, counts, self.min_overlap, self.traced)


def summarise(articles: int, counts: dict[tuple[str, str], int],
              min_overlap: float = DEFAULT_MIN_OVERLAP, traced: int = 0) -> dict:
    """The summary of a run from its drops counted by ``(reason, rule)``.

    >>> summarise(5, {("near", "earlier"): 2, ("exact", "earlier"): 1})["by_rule"]
    {'earlier': 3}
    """
    by_reason: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    for (reason, rule), n in counts.items():
        by_reason[reason] = by_reason.get(reason, 0) + n
        by_rule[rule] = by_rule.get(rule, 0) + n
    dropped = sum(counts.values())
    return {"articles": articles, "kept": articles - dropped, "dropped": dropped,
            "by_reason": dict(sorted(by_reason.items())),
            "by_rule": dict(sorted(by_rule.items())), "min_overlap": min_overlap,
            "traced_first": traced}


def exact_key(title: str | None, text: str | None) -> str | None:
    """The key two exact duplicates share, or ``None`` (too short to tell).

    >>> exact_key("A", "Said “no”  — twice. " * 10) == exact_key("B", 'said "no" - TWICE. ' * 10)
    True
    >>> exact_key("A", "Short.") == exact_key("A", "short. "), exact_key("", "")
    (True, None)
    """
    body = _fold(text or "")
    if len(body) >= EXACT_MIN_CHARS:
        return xxhash.xxh3_64_hexdigest(body.encode("utf-8", "surrogatepass"))
    head = _fold(title or "")
    if not body and not head:
        return None
    return "t" + xxhash.xxh3_64_hexdigest(f"{head}\x1f{body}".encode("utf-8", "surrogatepass"))


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_FOLD).casefold().split())


def entry(seq: int, article_id: str, published: datetime | str | None, title: str | None,
          text: str | None) -> Entry:
    """The :class:`Entry` of one article (``published``: aware datetime or ISO 8601).

    >>> entry(1, "a", "2024-05-01T12:00:00+02:00", "T", "x" * 10).time
    1714557600.0
    """
    if isinstance(published, str):
        published = datetime.fromisoformat(published) if published else None
    return Entry(seq, article_id, published.timestamp() if published else None,
                 len(text or ""), exact_key(title, text))


def rank(e: Entry) -> tuple:
    """Sort key, best first: dated before undated, earliest, longest, then smallest id."""
    return (e.time is None, e.time or 0.0, -e.length, e.id)


def duplicate_evidence(kind: str, coverage_a: float, coverage_b: float, evidence: dict,
                       len_a: int, len_b: int, min_overlap: float = DEFAULT_MIN_OVERLAP
                       ) -> dict | None:
    """Whether a stored link makes its two articles near duplicates; the evidence if so.

    ``overlap`` is each article's share covered by the shared passages, counting only
    the characters trace did not set aside as boilerplate (``boilerplate_chars``).

    >>> duplicate_evidence("reuse", 0.9, 0.6, {"kinds": {"verbatim": 1}}, 1000, 1500)
    >>> ev = duplicate_evidence("reuse", 0.9, 0.6, {"boilerplate_chars": [0, 500]}, 1000, 1500)
    >>> ev["overlap"]
    [0.9, 0.9]
    >>> duplicate_evidence("shared_quote", 1.0, 1.0, {}, 500, 500)
    """
    if kind != "reuse":
        return None
    aside = evidence.get("boilerplate_chars") or [0, 0]
    overlap = [min(1.0, cov * n / max(1, n - off))
               for cov, n, off in ((coverage_a, len_a, aside[0]), (coverage_b, len_b, aside[1]))]
    if min(overlap) < min_overlap:
        return None
    return {"overlap": [round(x, 4) for x in overlap], "link": kind,
            "kinds": evidence.get("kinds", {}), "passages": evidence.get("passages"),
            "reused_chars": evidence.get("reused_chars")}


def choose_keepers(entries: Iterable[Entry], near: dict[tuple[int, int], dict]
                   ) -> list[dict]:
    """The drop records of a set of articles: who is dropped, for whom, and why.

    ``entries``: the articles (at least every end of a ``near`` pair and every member of
    an exact group); ``near``: ``(a_seq, b_seq) -> evidence`` of near-duplicate pairs
    (:func:`duplicate_evidence`). Returns one record per dropped article, by seq, with
    the seqs under ``dropped_seq``/``kept_seq`` (engines swap them for ids).

    >>> day = 86400.0
    >>> es = [Entry(1, "a", 2 * day, 900), Entry(2, "b", day, 800), Entry(3, "c", None, 990)]
    >>> ev = {"overlap": [0.9, 0.95]}
    >>> [(d["dropped"], d["kept"], d["rule"]) for d in choose_keepers(es, {(1, 2): ev,
    ...                                                                    (2, 3): ev})]
    [('a', 'b', 'earlier'), ('c', 'b', 'dated')]
    """
    by_seq = {e.seq: e for e in entries}
    neighbours: dict[int, list[int]] = {}
    for a, b in near:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    groups: dict[str, list[int]] = {}
    for e in by_seq.values():
        if e.exact is not None:
            groups.setdefault(e.exact, []).append(e.seq)
    keeper: dict[int, int] = {}  # dropped seq -> kept seq
    for e in sorted(by_seq.values(), key=rank):
        if e.seq in keeper:
            continue
        same = groups.get(e.exact, []) if e.exact is not None else []
        for other in (*same, *neighbours.get(e.seq, ())):
            if other != e.seq and other not in keeper:
                keeper[other] = e.seq
    drops = []
    for seq in sorted(keeper):
        kept, gone = by_seq[keeper[seq]], by_seq[seq]
        drops.append(_drop(gone, kept, near.get((min(seq, kept.seq), max(seq, kept.seq)))))
    return drops


def _drop(gone: Entry, kept: Entry, link: dict | None) -> dict:
    if gone.exact is not None and gone.exact == kept.exact:
        reason, overlap, evidence = "exact", [1.0, 1.0], {"same_text": True}
    else:
        assert link is not None
        first = gone.seq < kept.seq  # overlap is [a, b] with a the lower seq
        reason = "near"
        overlap = link["overlap"] if first else link["overlap"][::-1]
        evidence = {k: v for k, v in link.items() if k != "overlap"}
    if gone.time is not None and kept.time is not None and kept.time < gone.time:
        rule = "earlier"
    elif kept.time is not None and gone.time is None:
        rule = "dated"
    elif kept.length > gone.length and kept.time == gone.time:
        rule = "longer"
    else:
        rule = "id"
    return {"dropped": gone.id, "kept": kept.id, "reason": reason, "rule": rule,
            "overlap_dropped": overlap[0], "overlap_kept": overlap[1], "evidence": evidence,
            "dropped_seq": gone.seq, "kept_seq": kept.seq}


# -- output records (both engines write these) ----------------------------------------

def export_record(article: dict, duplicates: int) -> dict:
    """One kept article as written: :data:`EXPORT_FIELDS` and how many it stands for.

    >>> export_record({"id": "a", "title": "T", "text": "x", "outlet": None, "url": "",
    ...                "published": None}, 2)["duplicates"]
    2
    """
    return {**{k: article.get(k) or ("" if k != "published" else None)
               for k in EXPORT_FIELDS}, "duplicates": int(duplicates)}


def drop_row(drop: dict, parquet: bool = False) -> dict:
    """A drop record as written: :data:`DROP_FIELDS`; ``parquet``: evidence as JSON text."""
    row = {k: drop[k] for k in DROP_FIELDS}
    if parquet:
        row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False, sort_keys=True)
    return row


def json_line(row: dict) -> str:
    """A JSON Lines record, the same bytes from either engine (no newline)."""
    return json.dumps(row, ensure_ascii=False, sort_keys=False)


def output_format(path: str | Path, given: str | None = None) -> str:
    """``"jsonl"`` or ``"parquet"``: ``given``, else from the file name; ValueError else.

    >>> output_format("clean.parquet"), output_format("x.out", "jsonl")
    ('parquet', 'jsonl')
    """
    if given:
        if given not in ("jsonl", "parquet"):
            raise ValueError(f"--out-format must be jsonl or parquet, not {given!r}")
        return given
    name = str(path).rstrip("/").lower()
    for suffix, kind in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".parquet", "parquet")):
        if name.endswith(suffix):
            return kind
    raise ValueError(f"cannot tell the format of {path}: end it in .jsonl or .parquet, "
                     "or give --out-format")


def drops_path(out: str | Path, kind: str) -> str:
    """Where the drop report goes by default: beside ``out``, ``NAME.drops.EXT``.

    >>> drops_path("data/clean.jsonl", "jsonl"), drops_path("clean.parquet", "parquet")
    ('data/clean.drops.jsonl', 'clean.drops.parquet')
    """
    text = str(out).rstrip("/")
    stem = text.rsplit(".", 1)[0] if "." in Path(text).name else text
    return f"{stem}.drops.{kind}"


# -- the local runner -----------------------------------------------------------------

def dedup_store(store: Store, min_overlap: float = DEFAULT_MIN_OVERLAP, *,
                trace: bool = True, progress: Progress | None = None) -> DedupResult:
    """Choose the articles to keep from a store's articles and its verified links.

    ``trace``: first trace the articles no run has traced yet (default settings, the
    store ends as ``storytrace trace`` leaves it); else the links stored are used as
    they are. Reads the articles once (their text is not kept in memory).

    >>> from storytrace.store import Store
    >>> from storytrace.model import Article
    >>> body = " ".join(f"Item {i} of the council report on the bridge." for i in range(30))
    >>> store = Store(":memory:")
    >>> _ = store.add([Article(id="a", text=body), Article(id="b", text=body + " More.")])
    >>> [(d["dropped"], d["kept"], d["reason"]) for d in dedup_store(store).drops]
    [('a', 'b', 'near')]
    """
    from storytrace.store.corpus import CorpusIndex

    index = CorpusIndex(store)
    result = DedupResult(min_overlap=min_overlap)
    seqs = index.all_seqs()
    if trace and seqs and (index.unindexed_count() or index.traced_through() < seqs[-1]):
        from storytrace.engines.local import trace_store

        result.traced = len(seqs) - sum(1 for s in seqs if s <= index.traced_through())
        trace_store(store, progress=progress)
    entries = {}
    for done, (seq, article) in enumerate(_read(index, seqs), 1):
        entries[seq] = entry(seq, article.id, article.published, article.title, article.text)
        if progress and done % 1000 == 0:
            progress("read", done, len(seqs))
    result.articles = len(entries)
    near = near_pairs(index.links(), entries, min_overlap)
    involved = {s for pair in near for s in pair}
    counts: dict[str, int] = {}
    for e in entries.values():
        if e.exact is not None:
            counts[e.exact] = counts.get(e.exact, 0) + 1
    involved |= {s for s, e in entries.items() if e.exact is not None and counts[e.exact] > 1}
    result.drops = choose_keepers([entries[s] for s in sorted(involved)], near)
    return result


def near_pairs(links: Iterable[Link], entries: dict[int, Entry],
               min_overlap: float = DEFAULT_MIN_OVERLAP) -> dict[tuple[int, int], dict]:
    """``(a_seq, b_seq) -> evidence`` of the links that make near duplicates."""
    found = {}
    for x in links:
        if x.kind != "reuse" or x.a_seq not in entries or x.b_seq not in entries:
            continue
        ev = duplicate_evidence(x.kind, x.coverage_a, x.coverage_b, x.evidence,
                                entries[x.a_seq].length, entries[x.b_seq].length, min_overlap)
        if ev is not None:
            found[(x.a_seq, x.b_seq)] = ev
    return found


def _read(index: CorpusIndex, seqs: list[int], chunk: int = 1000) -> Iterator[tuple[int, Article]]:
    for start in range(0, len(seqs), chunk):
        batch = index.articles(seqs[start : start + chunk])
        for seq in seqs[start : start + chunk]:
            if seq in batch:
                yield seq, batch[seq]


def write_store_dedup(store: Store, result: DedupResult, out: str | Path, kind: str,
                      drops_out: str | Path) -> None:
    """Write the kept articles of ``store`` (in ingestion order) to ``out`` and the drop
    report to ``drops_out``, both as ``kind`` (``jsonl`` or ``parquet``, which needs
    pyarrow: ImportError otherwise)."""
    from storytrace.store.corpus import CorpusIndex

    index = CorpusIndex(store)
    gone = {d["dropped_seq"] for d in result.drops}
    stands_for: dict[int, int] = {}
    for d in result.drops:
        stands_for[d["kept_seq"]] = stands_for.get(d["kept_seq"], 0) + 1
    rows = (export_record(a.to_dict(), stands_for.get(seq, 0))
            for seq, a in _read(index, [s for s in index.all_seqs() if s not in gone]))
    write_rows(out, rows, kind, _ARTICLE_SCHEMA)
    write_rows(drops_out, (drop_row(d, kind == "parquet") for d in result.drops), kind,
               _DROP_SCHEMA)


_ARTICLE_SCHEMA = [("id", "string"), ("title", "string"), ("text", "string"),
                   ("outlet", "string"), ("url", "string"), ("published", "string"),
                   ("duplicates", "int64")]
_DROP_SCHEMA = [("dropped", "string"), ("kept", "string"), ("reason", "string"),
                ("rule", "string"), ("overlap_dropped", "float64"), ("overlap_kept", "float64"),
                ("evidence", "string")]


def write_rows(path: str | Path, rows: Iterable[dict], kind: str,
               schema: list[tuple[str, str]], batch: int = 2000) -> int:
    """Write dict rows as JSON Lines or Parquet (streamed in batches); the row count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    if kind == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json_line(row) + "\n")
                n += 1
        return n
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.schema([(name, getattr(pa, t)()) for name, t in schema])
    with pq.ParquetWriter(path, arrow) as writer:
        chunk: list[dict] = []
        for row in rows:
            chunk.append(row)
            n += 1
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=arrow))
                chunk = []
        if chunk or not n:
            writer.write_table(pa.Table.from_pylist(chunk, schema=arrow))
    return n
