"""Read-only queries the web UI needs beyond what :class:`Store` offers.

Each request opens its own :class:`Store` (SQLite connections belong to one
thread) and switches it to ``PRAGMA query_only`` at once, so nothing the web UI
does can change the store. Everything here is parameterised SQL over the store's
own tables; nothing reads a file other than the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storytrace.model import Link, Story
from storytrace.store import Store


@contextmanager
def read_store(db_path: Path) -> Iterator[Store]:
    """The store at ``db_path``, refusing writes for as long as it is open."""
    store = Store(db_path)
    try:
        store.db.execute("PRAGMA query_only = ON")
        yield store
    finally:
        store.close()


def has_table(store: Store, name: str) -> bool:
    return store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (name,)).fetchone() is not None


def _like(term: str) -> str:
    """``%term%`` for LIKE with ``\\`` as the escape, so % and _ in a query match themselves."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def summary(row: tuple) -> dict:
    ident, title, outlet, url, published, chars = row
    return {"id": ident, "title": title, "outlet": outlet, "url": url, "published": published,
            "chars": chars}


_SUMMARY = "id, title, outlet, url, published, length(text)"


def search(store: Store, query: str, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    """Articles whose title, outlet, text or id contains ``query`` (ASCII case-insensitive).

    Titles and outlets that match come first. An empty query lists every article.
    Returns ``(total matches, one page of summaries)``.
    """
    if query:
        pattern = _like(query)
        where = ("WHERE title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\' "
                 "OR id LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\'")
        order = ("ORDER BY (title LIKE ?1 ESCAPE '\\' OR outlet LIKE ?1 ESCAPE '\\') DESC, "
                 "published DESC, seq")
        args: tuple = (pattern,)
    else:
        where, order, args = "", "ORDER BY seq", ()
    total = store.db.execute(f"SELECT COUNT(*) FROM articles {where}", args).fetchone()[0]
    rows = store.db.execute(
        f"SELECT {_SUMMARY} FROM articles {where} {order} LIMIT {int(limit)} OFFSET {int(offset)}",
        args).fetchall()
    return total, [summary(r) for r in rows]


def story_of(store: Store, article_id: str) -> str | None:
    if not has_table(store, "stories"):
        return None
    row = store.db.execute("SELECT s.story FROM stories s JOIN articles a USING (seq) "
                           "WHERE a.id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def stories(store: Store, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    """Stories from the last ``trace`` run, largest first: id, size, outlets, time span, title."""
    if not has_table(store, "stories"):
        return 0, []
    total = store.db.execute("SELECT COUNT(DISTINCT story) FROM stories").fetchone()[0]
    rows = store.db.execute(
        "SELECT s.story, COUNT(*) AS n, MIN(a.published), MAX(a.published), "
        "COUNT(DISTINCT NULLIF(a.outlet, '')) FROM stories s JOIN articles a USING (seq) "
        f"GROUP BY s.story ORDER BY n DESC, s.story LIMIT {int(limit)} OFFSET {int(offset)}"
    ).fetchall()
    out = []
    for story, n, first, last, outlets in rows:
        head = store.db.execute(
            "SELECT a.title, a.outlet FROM stories s JOIN articles a USING (seq) "
            "WHERE s.story = ? ORDER BY a.title = '', a.published IS NULL, a.published, a.seq "
            "LIMIT 1", (story,)).fetchone()
        out.append({"story": story, "articles": n, "outlets": outlets,
                    "first_published": first, "last_published": last,
                    "title": head[0] if head else "", "outlet": head[1] if head else ""})
    return total, out


def story(store: Store, story_id: str) -> Story | None:
    """One story of the last ``trace`` run, with its articles and links, or ``None``."""
    if not has_table(store, "stories"):
        return None
    members = store.db.execute(
        "SELECT s.seq, a.id FROM stories s JOIN articles a USING (seq) WHERE s.story = ? "
        "ORDER BY s.seq", (story_id,)).fetchall()
    if not members:
        return None
    seqs = [seq for seq, _ in members]
    articles = {ident: store.get(ident) for _, ident in members}
    links: list[Link] = []
    if has_table(store, "links"):
        inside = set(seqs)
        marks = ",".join("?" * len(seqs))
        for a, b, kind, score, ca, cb, evidence in store.db.execute(
                "SELECT a_seq, b_seq, kind, score, coverage_a, coverage_b, evidence FROM links "
                f"WHERE a_seq IN ({marks}) ORDER BY a_seq, b_seq", seqs):
            if b in inside:
                links.append(Link(a, b, kind, score, ca, cb, json.loads(evidence)))
    return Story(story_id, [articles[i] for _, i in members], links, seqs)


def counts(store: Store) -> dict:
    """Articles, signed articles and stories in the store (for the home page)."""
    signed = store.db.execute("SELECT COUNT(*) FROM signatures").fetchone()[0] \
        if has_table(store, "signatures") else 0
    n_stories = store.db.execute("SELECT COUNT(DISTINCT story) FROM stories").fetchone()[0] \
        if has_table(store, "stories") else 0
    return {"articles": len(store), "indexed": signed, "stories": n_stories}
