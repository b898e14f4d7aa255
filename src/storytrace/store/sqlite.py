"""SQLite store: one file, no server, safe for a reader beside a writer (WAL)."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storytrace.model import Article
from storytrace.store.schema import (
    ADDED_COLUMNS,
    MIGRATIONS,
    ONE_OFF,
    SCHEMA_VERSION,
    statements,
)

DEFAULT_PATH = "storytrace.db"
BATCH = 2000
#: How long a write waits in all for another process's write lock before giving up.
LOCK_WAIT = 600.0


class StoreBusy(sqlite3.OperationalError):
    """Another process held the store's write lock for longer than we were willing to wait."""

_COLUMNS = ("id, content_hash, title, text, outlet, url, published, authors, raw, source, extra, "
            "language")


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

    def __init__(self, path: str | Path = DEFAULT_PATH, timeout: float = 60.0,
                 lock_wait: float = LOCK_WAIT, *, read_only: bool = False) -> None:
        """Open (and create, or upgrade) the store at ``path``.

        ``read_only``: after the schema is brought up to date, the connection refuses
        every write (``PRAGMA query_only``), for readers such as the web UI.
        """
        self.path = str(path)
        self.lock_wait = lock_wait
        self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self.db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if self.path != ":memory:":
            _retry_busy(lambda: self.db.execute("PRAGMA journal_mode = WAL"), self.path,
                        lock_wait)
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._migrate()
        if read_only:
            self.db.execute("PRAGMA query_only = ON")

    def _migrate(self) -> None:
        """Bring the file up to :data:`SCHEMA_VERSION`; refuse one from a newer release.

        Every migration only adds and is idempotent, so an upgrade runs them all: a
        version-1 store that was never traced gets the trace tables too. A store that
        is up to date is not written to (a reader may hold it query-only).
        """
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path} was written by a newer storytrace "
                               f"(schema {version} > {SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            for script in MIGRATIONS:
                for statement in statements(script):
                    self.db.execute(statement)
            for table, column, kind in ADDED_COLUMNS:
                have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            for k, script in ONE_OFF.items():
                if 0 < version < k:
                    for statement in statements(script):
                        self.db.execute(statement)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                            (str(SCHEMA_VERSION),))

    def schema_version(self) -> int:
        """The schema the file holds (0 for a new file)."""
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'meta'").fetchone():
            return 0
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self):
        """``with store.transaction():`` — BEGIN IMMEDIATE … COMMIT, rolled back on error.

        Taking the write lock waits while another process writes: SQLite's busy
        timeout first, then retries with a pause until ``lock_wait`` seconds have
        passed in all, so two ingests into one store never fail with "database is
        locked"; after that, :class:`StoreBusy` says which store was held.
        """
        return _Transaction(self.db, self.path, self.lock_wait)

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
        valid = []
        for a in batch:  # a lone surrogate cannot be stored; it must not sink the batch
            problem = _unencodable(a)
            if problem:
                report.conflicts.append((a, problem))
            else:
                valid.append(a)
        batch = valid
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
                f"(?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
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

    def search(self, query: str, limit: int = 50, offset: int = 0
               ) -> tuple[int, list[dict]]:
        """Articles whose title, outlet, text or id contains ``query`` (ASCII
        case-insensitive), titles and outlets that match first, then the newest; an empty
        query lists every article in ingestion order. Returns ``(total matches, one page
        of summaries)``, each summary ``{id, title, outlet, url, published, chars}``.

        >>> store = Store(":memory:")
        >>> _ = store.add([Article(id="a", title="Bridge", text="x"),
        ...                Article(id="b", title="Other", text="the 100% bridge")])
        >>> store.search("bridge")[0], [s["id"] for s in store.search("100%")[1]]
        (2, ['b'])
        """
        if query:
            where = ("WHERE title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\' "
                     "OR id LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\'")
            order = ("ORDER BY (title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\') "
                     "DESC, published DESC, seq")
            args: tuple = (_like(query),)
        else:
            where, order, args = "", "ORDER BY seq", ()
        total = self.db.execute(f"SELECT COUNT(*) FROM articles {where}", args).fetchone()[0]
        rows = self.db.execute(
            "SELECT id, title, outlet, url, published, length(text) FROM articles "
            f"{where} {order} LIMIT ? OFFSET ?", (*args, int(limit), int(offset))).fetchall()
        keys = ("id", "title", "outlet", "url", "published", "chars")
        return total, [dict(zip(keys, row, strict=True)) for row in rows]

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class _Transaction:
    def __init__(self, db: sqlite3.Connection, path: str = "", lock_wait: float = LOCK_WAIT
                 ) -> None:
        self.db = db
        self.path = path
        self.lock_wait = lock_wait

    def __enter__(self) -> sqlite3.Connection:
        _retry_busy(lambda: self.db.execute("BEGIN IMMEDIATE"), self.path, self.lock_wait)
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _retry_busy(step, path: str, lock_wait: float):
    """Run ``step()``, retrying while the database is locked by another connection."""
    deadline = time.monotonic() + lock_wait
    pause = 0.05
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(f"store {path} is locked by another process (waited "
                                f"{lock_wait:g} s for its write lock)") from None
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 1.0)


def _like(term: str) -> str:
    """``%term%`` for LIKE with ``\\`` as the escape, so % and _ in a query match themselves.

    >>> _like("50%_off")
    '%50\\\\%\\\\_off%'
    """
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _unencodable(a: Article) -> str:
    """Why ``a`` cannot be stored as UTF-8 (a lone surrogate in a field), or ``""``."""
    fields = {"id": a.id, "title": a.title, "text": a.text, "outlet": a.outlet, "url": a.url,
              "authors": json.dumps(a.authors, ensure_ascii=False),
              "extra": json.dumps(a.extra, ensure_ascii=False)}
    for name, value in fields.items():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"{name} is not valid Unicode ({exc.reason} at character {exc.start})"
    return ""


def _to_row(a: Article, content_hash: str) -> tuple:
    raw = zlib.compress(a.raw.encode("utf-8", "surrogatepass"), 6) if a.raw else None
    return (a.id, content_hash, a.title, a.text, a.outlet, a.url,
            a.published.isoformat() if a.published else None,
            json.dumps(a.authors, ensure_ascii=False), raw,
            # a file name that is not UTF-8 arrives with surrogate escapes; keep it readable
            a.source.encode("utf-8", "backslashreplace").decode("utf-8"),
            json.dumps(a.extra, ensure_ascii=False), a.language)


def _from_row(row: tuple) -> Article:
    (id_, _hash, title, text, outlet, url, published, authors, raw, source, extra,
     language) = row
    return Article(
        id=id_, title=title, text=text, outlet=outlet, url=url,
        published=datetime.fromisoformat(published) if published else None,
        authors=json.loads(authors),
        raw=zlib.decompress(raw).decode("utf-8", "surrogatepass") if raw else None,
        source=source, extra=json.loads(extra), language=language,
    )
