"""Every table of the store, and the migrations that bring an older store up to date.

One place for the schema: :class:`~storytrace.store.Store` applies it when it opens a
file, so readers (the web UI opens the store query-only) never need to write.

``meta.schema_version`` says which migrations a store has had. Each migration is a
list of statements that only add (``CREATE … IF NOT EXISTS``, new columns), so a
store written by an older release opens and upgrades in place, nothing stored is
lost, and nothing computed is recomputed unless the migration says so.

Versions:

1. articles; the trace index (signatures, sketches, checked pairs, links, stories),
   created by the first ``trace``.
2. ``trees``: each story's family tree as ``trace`` built it, with a fingerprint of
   the story's members and links, so ``graph``, the report and the web only read.
3. ``blocks``: how many articles of each site print each text block (the boilerplate
   model, :mod:`storytrace.text.boilerplate`), ``article_sites``: each counted
   article's site and page (its URL: a page stored twice counts once). Articles traced
   before are counted by the next ``trace``.
4. ``articles.language``, detected at ingest (``""`` for articles stored before).
5. MinHash signatures are made again: a word now keeps its inner apostrophes, dots
   and hyphens ("it's" is one word, as the aligner reads it; see
   :data:`storytrace.text.words.WORD`), so signatures from before cannot be compared
   with new ones. The next ``trace`` signs every article again (seconds per 10,000);
   links, stories and trees are kept, and no pair is aligned again.
6. Boilerplate blocks are counted again: a block's key hashes the same words (and the
   four-word minimum counts them) as MinHash does. The next ``trace`` counts every
   article's blocks again; nothing else changes.
7. Story sketches are made again, from each text without its site's boilerplate.
8. ``embeddings``: sentence embeddings by the sentence's hash and the model's id
   (:mod:`storytrace.store.embeddings`), so ``trace --semantic`` embeds a sentence once
   across runs. Empty in an upgraded store; filled as sentences are embedded.
"""

from __future__ import annotations

VERSION_1 = """
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
CREATE TABLE IF NOT EXISTS signatures (
    seq       INTEGER PRIMARY KEY REFERENCES articles(seq),
    shingles  INTEGER NOT NULL,
    sig       BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sketches (
    seq     INTEGER PRIMARY KEY REFERENCES articles(seq),
    terms   BLOB NOT NULL,
    weights BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS story_checked (
    a_seq INTEGER NOT NULL,
    b_seq INTEGER NOT NULL,
    PRIMARY KEY (a_seq, b_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
    a_seq      INTEGER NOT NULL,
    b_seq      INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    score      REAL NOT NULL,
    coverage_a REAL NOT NULL,
    coverage_b REAL NOT NULL,
    evidence   TEXT NOT NULL,
    PRIMARY KEY (a_seq, b_seq)
);
CREATE TABLE IF NOT EXISTS checked (
    a_seq INTEGER NOT NULL,
    b_seq INTEGER NOT NULL,
    PRIMARY KEY (a_seq, b_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories (
    seq   INTEGER PRIMARY KEY,
    story TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_story ON stories(story);
"""

VERSION_2 = """
CREATE TABLE IF NOT EXISTS trees (
    story       TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    changes     INTEGER NOT NULL,
    tree        TEXT NOT NULL
);
"""

VERSION_3 = """
CREATE TABLE IF NOT EXISTS blocks (
    site     TEXT NOT NULL,
    key      INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (site, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_sites (
    seq  INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    page INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS article_sites_site ON article_sites(site, page);
CREATE INDEX IF NOT EXISTS article_sites_page ON article_sites(page);
"""

#: Columns added to existing tables (``ALTER TABLE ... ADD COLUMN`` is not idempotent in
#: SQLite, so each is added only where missing): ``(table, column, type and default)``.
ADDED_COLUMNS = [("articles", "language", "TEXT NOT NULL DEFAULT ''")]  # schema 4

VERSION_4 = ""  # articles.language, from ADDED_COLUMNS

VERSION_5 = ""  # signatures made again: see ONE_OFF
VERSION_6 = ""  # boilerplate blocks counted again: see ONE_OFF
VERSION_7 = ""  # story sketches made again, without site boilerplate: see ONE_OFF

VERSION_8 = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    key   TEXT NOT NULL,
    vec   BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID;
"""

#: ``MIGRATIONS[k]`` brings a store from schema ``k`` to ``k + 1`` (0: a new file).
MIGRATIONS: list[str] = [VERSION_1, VERSION_2, VERSION_3, VERSION_4, VERSION_5,
                         VERSION_6, VERSION_7, VERSION_8]

#: Statements run once, when a store written before schema ``k`` (and after none) is
#: upgraded past it: ``{k: script}``. Unlike the migrations, they may remove.
ONE_OFF: dict[int, str] = {
    5: "DELETE FROM signatures",  # words keep their joiners
    6: "DELETE FROM blocks; DELETE FROM article_sites; "  # block keys hash those words
       "DELETE FROM meta WHERE key = 'blocks_through'",
    7: "DELETE FROM sketches",  # sketched from the text without its site's boilerplate
}
SCHEMA_VERSION = len(MIGRATIONS)


def statements(script: str) -> list[str]:
    """The statements of one migration script (none of ours holds a ``;`` in a string)."""
    return [s for s in script.split(";") if s.strip()]
