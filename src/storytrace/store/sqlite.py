"""SQLite store: one file, no server, safe for a reader beside a writer (WAL)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storytrace.model import Article

SCHEMA_VERSION = 1
DEFAULT_PATH = "storytrace.db"
BATCH = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    outlet       TEXT NOT NULL,
    url          TEXT NOT NULL,
    published    TEXT,
    authors      TEXT NOT NULL,
    raw          BLOB,
    source       TEXT NOT NULL,
    extra        TEXT NOT NULL,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
"""
_COLUMNS = "id, content_hash, title, text, outlet, url, published, authors, raw, source, extra"


@dataclass
class AddReport:
    """What :meth:`Store.add` did with each article it was given."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[Article, str]] = field(default_factory=list)

    def merge(self, other: AddReport) -> None:
        self.added += other.added
        self.unchanged += other.unchanged
        self.conflicts += other.conflicts


class Store:
    """Articles in a SQLite file (``storytrace.db`` by default).

    Adding is idempotent: an article whose id is already stored with the same
    content is left alone; one whose id is stored with *different* content is
    reported as a conflict and not written, so nothing stored is ever lost.

    >>> from storytrace.model import Article
    >>> with Store(":memory:") as store:
    ...     r1 = store.add([Article(title="T", text="Body.")])
    ...     r2 = store.add([Article(title="T", text="Body.")])
    ...     (len(r1.added), len(r2.unchanged), len(store))
    (1, 1, 1)
    """

    def __init__(self, path: str | Path = DEFAULT_PATH, timeout: float = 60.0) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                            (str(SCHEMA_VERSION),))
        version = int(self.db.execute(
            "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer storytrace "
                               f"(schema {version} > {SCHEMA_VERSION})")

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self):
        """``with store.transaction():`` — BEGIN IMMEDIATE … COMMIT, rolled back on error."""
        return _Transaction(self.db)

    # -- writing -----------------------------------------------------------
    def add(self, articles: Iterable[Article], batch_size: int = BATCH) -> AddReport:
        """Store ``articles`` in batches of ``batch_size`` per transaction."""
        report = AddReport()
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                report.merge(self._add_batch(batch))
                batch = []
        if batch:
            report.merge(self._add_batch(batch))
        return report

    def _add_batch(self, batch: list[Article]) -> AddReport:
        report = AddReport()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction():
            known = self._hashes([a.id for a in batch])
            rows = []
            for a in batch:
                h = a.content_hash
                if a.id in known:
                    if known[a.id] == h:
                        report.unchanged.append(a.id)
                    else:
                        report.conflicts.append((a, "id already stored with different content"))
                    continue
                known[a.id] = h
                rows.append((*_to_row(a, h), now))
                report.added.append(a.id)
            self.db.executemany(
                f"INSERT INTO articles ({_COLUMNS}, ingested_at) VALUES "
                f"(?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        return report

    def _hashes(self, ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for i in range(0, len(ids), 900):  # SQLite's bound-parameter limit
            chunk = ids[i : i + 900]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"SELECT id, content_hash FROM articles WHERE id IN ({marks})", chunk))
        return found

    # -- reading -----------------------------------------------------------
    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def get(self, article_id: str) -> Article | None:
        """The article with this exact id, or ``None``."""
        row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?",
                              (article_id,)).fetchone()
        return _from_row(row) if row else None

    def resolve(self, ref: str) -> list[str]:
        """Ids equal to ``ref``, else ids starting with it (as git resolves hashes)."""
        if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (ref,)).fetchone():
            return [ref]
        # substr, not LIKE: LIKE ignores ASCII case, and ids are case-sensitive
        return [r[0] for r in self.db.execute(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 10",
            (len(ref), ref))]

    def articles(self, limit: int | None = None, offset: int = 0, outlet: str | None = None,
                 after_seq: int = 0) -> Iterator[Article]:
        """Articles in ingestion order, optionally filtered by outlet."""
        sql = f"SELECT {_COLUMNS} FROM articles WHERE seq > ?"
        args: list = [after_seq]
        if outlet:
            sql += " AND outlet = ?"
            args.append(outlet)
        sql += " ORDER BY seq LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        for row in self.db.execute(sql, args):
            yield _from_row(row)

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _to_row(a: Article, content_hash: str) -> tuple:
    raw = zlib.compress(a.raw.encode("utf-8", "surrogatepass"), 6) if a.raw else None
    return (a.id, content_hash, a.title, a.text, a.outlet, a.url,
            a.published.isoformat() if a.published else None,
            json.dumps(a.authors, ensure_ascii=False), raw, a.source,
            json.dumps(a.extra, ensure_ascii=False))


def _from_row(row: tuple) -> Article:
    (id_, _hash, title, text, outlet, url, published, authors, raw, source, extra) = row
    return Article(
        id=id_, title=title, text=text, outlet=outlet, url=url,
        published=datetime.fromisoformat(published) if published else None,
        authors=json.loads(authors),
        raw=zlib.decompress(raw).decode("utf-8", "surrogatepass") if raw else None,
        source=source, extra=json.loads(extra),
    )
