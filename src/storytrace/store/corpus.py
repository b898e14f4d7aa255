"""What `trace` keeps beside the articles: MinHash signatures, verified pairs, links, stories.

These tables live in the same SQLite file as the articles, keyed by the
article's ``seq`` (its ingestion number), so later runs sign and verify only
what is new, and everything survives restarts. LSH buckets are not stored: they
are recomputed from the signatures in a second (a sort of ``n × bands``
integers), which costs less than reading them back from disk. Every write is
one transaction per batch: a run killed half-way leaves all of a batch or none.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from storytrace.model import Article, Link
from storytrace.store.sqlite import _COLUMNS, Store, _from_row

_CACHE_LOCK = threading.Lock()
_SIGNATURE_CACHE: dict = {}  # "key": (path, signatures state, params), "value": arrays


class CorpusIndex:
    """The index tables of one :class:`Store`.

    >>> from storytrace.store import Store
    >>> store = Store(":memory:")
    >>> index = CorpusIndex(store)
    >>> index.params({"num_perm": 128, "bands": 32})
    {'num_perm': 128, 'bands': 32}
    >>> index.unindexed_count()
    0
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db  # the tables are the store's own (store/schema.py)

    # -- parameters ----------------------------------------------------------
    def params(self, wanted: dict) -> dict:
        """Record the index parameters on first use; refuse different ones later.

        Signatures made with other parameters cannot be compared, so a store
        indexed one way stays that way (``storytrace trace --reindex`` drops it).
        """
        row = self.db.execute("SELECT value FROM meta WHERE key = 'index_params'").fetchone()
        if row is None:
            with self.store.transaction():
                self.db.execute("INSERT INTO meta VALUES ('index_params', ?)",
                                (json.dumps(wanted, sort_keys=True),))
            return wanted
        stored = json.loads(row[0])
        if stored != json.loads(json.dumps(wanted, sort_keys=True)):
            raise ValueError(f"this store was indexed with {stored}, not {wanted}; "
                             "use --reindex to rebuild the index")
        return stored

    def stored_params(self) -> dict | None:
        """The index parameters recorded by the first ``trace`` (``None`` before any),
        read without recording anything."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'index_params'").fetchone()
        return json.loads(row[0]) if row else None

    def reset(self) -> None:
        """Drop every signature, bucket, link and story (the articles stay)."""
        with self.store.transaction():
            for table in ("signatures", "sketches", "links", "checked", "story_checked",
                          "stories", "trees", "blocks", "article_sites"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.execute("DELETE FROM meta WHERE key IN ('index_params', 'traced_through', "
                            "'blocks_through')")

    # -- signatures and buckets ---------------------------------------------
    def unindexed_count(self) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN signatures s USING (seq) "
            "WHERE s.seq IS NULL").fetchone()[0]

    def unindexed(self, batch: int = 2000) -> Iterator[list[tuple[int, Article]]]:
        """Batches of ``(seq, article)`` not yet signed, in ingestion order."""
        last = 0
        cols = ", ".join(f"a.{c.strip()}" for c in _COLUMNS.split(","))
        while True:
            rows = self.db.execute(
                f"SELECT a.seq, {cols} FROM articles a LEFT JOIN signatures s USING (seq) "
                "WHERE s.seq IS NULL AND a.seq > ? ORDER BY a.seq LIMIT ?",
                (last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [(r[0], _from_row(r[1:])) for r in rows]

    def add_signatures(self, seqs: Sequence[int], shingles: Sequence[int],
                       signatures: np.ndarray) -> None:
        """Store the MinHash signature and shingle count of each article."""
        with self.store.transaction():
            self.db.executemany("INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)",
                                [(int(seq), int(n), np.asarray(sig, dtype=np.uint32).tobytes())
                                 for seq, n, sig in zip(seqs, shingles, signatures, strict=True)])

    def all_signatures(self, *, cached: bool = False
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(seqs, shingle counts, signatures)`` of every signed article, by seq.

        ``cached``: kept in memory for the store file last asked, until its signatures
        change (:meth:`signatures_state`), for a long-lived reader such as the web UI.
        """
        if cached and self.store.path != ":memory:":
            key = (self.store.path, self.signatures_state(), json.dumps(self.stored_params()))
            with _CACHE_LOCK:
                if _SIGNATURE_CACHE.get("key") != key:
                    _SIGNATURE_CACHE.update(key=key, value=self.all_signatures())
                return _SIGNATURE_CACHE["value"]
        rows = self.db.execute("SELECT seq, shingles, sig FROM signatures ORDER BY seq").fetchall()
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.uint32)
        seqs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        counts = np.fromiter((r[1] for r in rows), np.int64, len(rows))
        sigs = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint32).reshape(len(rows), -1)
        return seqs, counts, sigs

    def signatures_state(self) -> tuple[int, int]:
        """``(signed articles, highest signed seq)``: changes whenever signatures are added
        or dropped, so a reader can keep :meth:`all_signatures` until it does."""
        count, last = self.db.execute("SELECT COUNT(*), MAX(seq) FROM signatures").fetchone()
        return count, last or 0

    def signatures(self, seqs: Iterable[int]) -> dict[int, tuple[int, np.ndarray]]:
        """``seq -> (shingle count, signature)`` for the given articles."""
        return {seq: (n, np.frombuffer(blob, dtype=np.uint32)) for seq, n, blob in self._rows_in(
            "SELECT seq, shingles, sig FROM signatures WHERE seq IN ({marks})", seqs)}

    # -- story sketches -----------------------------------------------------
    def unsketched(self) -> list[int]:
        """Signed articles without a story sketch (older stores, or a run stopped between)."""
        return [r[0] for r in self.db.execute(
            "SELECT s.seq FROM signatures s LEFT JOIN sketches k USING (seq) "
            "WHERE k.seq IS NULL ORDER BY s.seq")]

    def add_sketches(self, seqs: Sequence[int],
                     sketches: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        with self.store.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO sketches VALUES (?, ?, ?)",
                [(int(seq), np.asarray(t, dtype=np.uint32).tobytes(),
                  np.asarray(w, dtype=np.float32).tobytes())
                 for seq, (t, w) in zip(seqs, sketches, strict=True)])

    def all_sketches(self) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """``(seqs, sketches)`` of every sketched article, by seq."""
        rows = self.db.execute("SELECT seq, terms, weights FROM sketches ORDER BY seq").fetchall()
        seqs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
        return seqs, [(np.frombuffer(t, dtype=np.uint32), np.frombuffer(w, dtype=np.float32))
                      for _, t, w in rows]

    # -- links ---------------------------------------------------------------
    def unchecked(self, pairs: Iterable[tuple[int, int]], *, table: str = "checked"
                  ) -> list[tuple[int, int]]:
        """The pairs not yet verified by an earlier run (``table="story_checked"``: not yet
        scored for same-story)."""
        if table not in ("checked", "story_checked"):
            raise ValueError(f"unknown table {table!r}")
        done = self.db.execute
        return [(a, b) for a, b in pairs
                if not done(f"SELECT 1 FROM {table} WHERE a_seq = ? AND b_seq = ?",
                            (a, b)).fetchone()]

    def linked(self) -> set[tuple[int, int]]:
        """Pairs that already have a link of any kind."""
        return set(self.db.execute("SELECT a_seq, b_seq FROM links"))

    def add_links(self, checked: Iterable[tuple[int, int]], links: Iterable[Link], *,
                  table: str = "checked") -> None:
        """Record verified pairs and the links found among them, in one transaction.

        A reuse link replaces a same-story link of the same pair; a same-story link
        never replaces a reuse link.
        """
        if table not in ("checked", "story_checked"):
            raise ValueError(f"unknown table {table!r}")
        links = list(links)
        with self.store.transaction():
            self.db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?)", list(checked))
            if table == "story_checked":
                reuse = set(self.db.execute("SELECT a_seq, b_seq FROM links WHERE kind = 'reuse'"))
                links = [x for x in links if (x.a_seq, x.b_seq) not in reuse]
            self.db.executemany(
                "INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(x.a_seq, x.b_seq, x.kind, x.score, x.coverage_a, x.coverage_b,
                  json.dumps(x.evidence, ensure_ascii=False)) for x in links])

    def links(self) -> list[Link]:
        return [Link(a, b, k, s, ca, cb, json.loads(e)) for a, b, k, s, ca, cb, e in
                self.db.execute("SELECT * FROM links ORDER BY a_seq, b_seq")]

    def links_touching(self, seqs: Iterable[int], kind: str | None = None) -> list[Link]:
        """Links with at least one end in ``seqs`` (of one ``kind``, or any), by pair."""
        found = {(a, b): Link(a, b, k, s, ca, cb, json.loads(e))
                 for a, b, k, s, ca, cb, e in self._rows_in(
                     "SELECT * FROM links WHERE a_seq IN ({marks}) OR b_seq IN ({marks})",
                     sorted(set(seqs)), repeat=2)
                 if kind is None or k == kind}
        return [found[p] for p in sorted(found)]

    # -- stories -------------------------------------------------------------
    def stories(self, only: Iterable[str] | None = None) -> dict[int, str]:
        """``seq -> story id`` from the last run (``only``: the members of these stories)."""
        if only is None:
            return dict(self.db.execute("SELECT seq, story FROM stories"))
        return dict(self._rows_in("SELECT seq, story FROM stories WHERE story IN ({marks})",
                                  set(only)))

    def story_of(self, article_id: str) -> str | None:
        """The story of the article with this id in the last run, or ``None``."""
        row = self.db.execute("SELECT s.story FROM stories s JOIN articles a USING (seq) "
                              "WHERE a.id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def story_count(self) -> int:
        """How many stories the last run stored."""
        return self.db.execute("SELECT COUNT(DISTINCT story) FROM stories").fetchone()[0]

    def story_summaries(self, limit: int = 50, offset: int = 0) -> list[dict]:
        """One page of the stored stories, largest first (then by id): each story's id,
        ``articles``, distinct named ``outlets``, first and last ``published`` (as stored),
        and the ``title`` and ``outlet`` of its earliest titled article."""
        rows = self.db.execute(
            "SELECT s.story, COUNT(*) AS n, MIN(a.published), MAX(a.published), "
            "COUNT(DISTINCT NULLIF(a.outlet, '')) FROM stories s JOIN articles a USING (seq) "
            "GROUP BY s.story ORDER BY n DESC, s.story LIMIT ? OFFSET ?",
            (int(limit), int(offset))).fetchall()
        out = []
        for story, n, first, last, outlets in rows:
            head = self.db.execute(
                "SELECT a.title, a.outlet FROM stories s JOIN articles a USING (seq) "
                "WHERE s.story = ? ORDER BY a.title = '', a.published IS NULL, a.published, "
                "a.seq LIMIT 1", (story,)).fetchone()
            out.append({"story": story, "articles": n, "outlets": outlets,
                        "first_published": first, "last_published": last,
                        "title": head[0] if head else "", "outlet": head[1] if head else ""})
        return out

    def set_stories(self, assignment: dict[int, str]) -> None:
        """Replace the stories; the trees of stories that are gone go with them."""
        with self.store.transaction():
            self.db.execute("DELETE FROM stories")
            self.db.executemany("INSERT INTO stories VALUES (?, ?)", sorted(assignment.items()))
            self.db.execute("DELETE FROM trees WHERE story NOT IN (SELECT story FROM stories)")

    # -- family trees --------------------------------------------------------
    def tree_fingerprints(self) -> dict[str, tuple[str, bool]]:
        """``story id -> (fingerprint, has changes)`` of every stored tree."""
        return {s: (f, bool(c)) for s, f, c in
                self.db.execute("SELECT story, fingerprint, changes FROM trees")}

    def trees(self, stories: Iterable[str] | None = None) -> dict[str, dict]:
        """Stored family trees (``FamilyTree.to_dict()`` form) by story id: all of them, or
        those of ``stories`` that have one."""
        if stories is None:
            rows = self.db.execute("SELECT story, tree FROM trees")
            return {s: json.loads(t) for s, t in rows}
        return {s: json.loads(t) for s, t in self._rows_in(
            "SELECT story, tree FROM trees WHERE story IN ({marks})", stories)}

    def set_trees(self, trees: Iterable[tuple[str, str, bool, dict]]) -> None:
        """Store ``(story id, fingerprint, has changes, tree dict)`` rows, replacing any."""
        with self.store.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO trees VALUES (?, ?, ?, ?)",
                [(s, f, int(c), json.dumps(t, ensure_ascii=False)) for s, f, c, t in trees])

    # -- articles by seq -----------------------------------------------------
    def articles(self, seqs: Iterable[int]) -> dict[int, Article]:
        return {row[0]: _from_row(row[1:]) for row in self._rows_in(
            f"SELECT seq, {_COLUMNS} FROM articles WHERE seq IN ({{marks}})", seqs)}

    def article_ids(self, seqs: Iterable[int]) -> dict[int, str]:
        """``seq -> article id`` for the given articles."""
        return dict(self._rows_in("SELECT seq, id FROM articles WHERE seq IN ({marks})", seqs))

    def seqs_of(self, ids: Iterable[str]) -> dict[str, int]:
        """``article id -> seq`` for the given ids that are stored."""
        return dict(self._rows_in("SELECT id, seq FROM articles WHERE id IN ({marks})", ids))

    def last_seq(self) -> int:
        """The highest seq given to an article (0 for an empty store): an article stored
        now would get a higher one."""
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]

    def _rows_in(self, sql: str, keys: Iterable, repeat: int = 1) -> Iterator[tuple]:
        """The rows of ``sql`` for ``keys``, which fill its ``{marks}`` (``repeat`` times),
        in chunks that keep under SQLite's limit of bound parameters."""
        keys = list(keys)
        step = 900 // repeat
        for i in range(0, len(keys), step):
            chunk = keys[i : i + step]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))),
                                       chunk * repeat)

    # -- boilerplate ---------------------------------------------------------
    def blocks_through(self) -> int:
        """The highest article seq whose blocks are counted (0: none)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'blocks_through'").fetchone()
        return int(row[0]) if row else 0

    def uncounted(self, batch: int = 2000) -> Iterator[list[tuple[int, Article]]]:
        """Batches of ``(seq, article)`` whose blocks are not counted yet, by seq."""
        last = self.blocks_through()
        while True:
            rows = self.db.execute(f"SELECT seq, {_COLUMNS} FROM articles WHERE seq > ? "
                                   "ORDER BY seq LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [(r[0], _from_row(r[1:])) for r in rows]

    def counted_pages(self, pages: Iterable[int]) -> set[tuple[str, int]]:
        """Which of these pages are counted already, as ``(site, page)`` pairs."""
        return set(self._rows_in(
            "SELECT DISTINCT site, page FROM article_sites WHERE page IN ({marks})",
            set(pages)))

    def add_block_counts(self, sites: Sequence[tuple[int, str, int]],
                         counts: dict[tuple[str, int], int]) -> None:
        """Add one batch's articles (``(seq, site, page)``) and block counts
        (``(site, key) -> articles``), and move ``blocks_through`` past them, in one
        transaction."""
        with self.store.transaction():
            self.db.executemany("INSERT OR REPLACE INTO article_sites VALUES (?, ?, ?)", sites)
            self.db.executemany(
                "INSERT INTO blocks VALUES (?, ?, ?) ON CONFLICT (site, key) "
                "DO UPDATE SET articles = articles + excluded.articles",
                [(site, key, n) for (site, key), n in counts.items()])
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('blocks_through', ?)",
                            (str(max(seq for seq, _, _ in sites)),))

    def boilerplate(self, min_articles: int, corpus_min: int
                    ) -> tuple[dict[tuple[str, int], int], dict[int, int]]:
        """``(site blocks, corpus blocks)`` with the number of articles printing each: the
        ``(site, key)`` pairs printed by at least ``min_articles`` articles of a site
        (sites with a name only), and the keys printed by at least ``corpus_min``
        articles in all."""
        site = {(s, k): n for s, k, n in self.db.execute(
            "SELECT site, key, articles FROM blocks WHERE articles >= ? AND site != ''",
            (min_articles,))}
        corpus = dict(self.db.execute(
            "SELECT key, SUM(articles) FROM blocks WHERE site NOT LIKE '*%' GROUP BY key "
            "HAVING SUM(articles) >= ?", (corpus_min,)))
        return site, corpus

    def seqs_of_sites(self, sites: Iterable[str]) -> list[int]:
        """The counted articles of these sites, by seq."""
        return sorted(s for (s,) in self._rows_in(
            "SELECT seq FROM article_sites WHERE site IN ({marks})", sites))

    def forget_links(self, seqs: Iterable[int]) -> None:
        """Drop the links and the verified-pair marks that touch ``seqs``, so that a run
        that treats them as new verifies their pairs again."""
        seqs = sorted(set(seqs))
        with self.store.transaction():
            for table in ("links", "checked", "story_checked"):
                for i in range(0, len(seqs), 400):
                    chunk = seqs[i : i + 400]
                    marks = ",".join("?" * len(chunk))
                    self.db.execute(f"DELETE FROM {table} WHERE a_seq IN ({marks}) "
                                    f"OR b_seq IN ({marks})", chunk * 2)

    # -- run state -----------------------------------------------------------
    def traced_through(self) -> int:
        """The highest article seq whose candidates a finished run has verified (0: none)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'traced_through'").fetchone()
        return int(row[0]) if row else 0

    def set_traced_through(self, seq: int) -> None:
        with self.store.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('traced_through', ?)",
                            (str(int(seq)),))

    def all_seqs(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT seq FROM articles ORDER BY seq")]
