"""Sentence embeddings kept in the store, so a sentence is embedded once across runs.

The ``embeddings`` table (schema 8, :mod:`storytrace.store.schema`) holds one row per
sentence and model: the sentence's hash (``storytrace.align.semantic.sentence_key``),
the model's id and the embedding as little-endian float32 bytes. ``trace`` attaches an
:class:`EmbeddingStore` to the sentence encoder; the encoder reads it for every sentence
it does not hold in memory and writes what it had to embed.

>>> import numpy as np
>>> from storytrace.store import Store
>>> cache = EmbeddingStore(Store(":memory:"))
>>> cache.put_embeddings("m", {"k1": np.ones(3, dtype=np.float32)})
>>> cache.flush()
>>> {k: v.tolist() for k, v in cache.get_embeddings("m", ["k1", "k2"]).items()}
{'k1': [1.0, 1.0, 1.0]}
"""

from __future__ import annotations

import numpy as np

from storytrace.store.sqlite import Store

#: Rows buffered before they are written in one transaction.
FLUSH_ROWS = 256
#: Keys per ``IN (...)`` query (SQLite allows 32,766 parameters; few are needed).
READ_BATCH = 500


class EmbeddingStore:
    """The ``embeddings`` table of one :class:`~storytrace.store.Store`, as the sentence
    encoder's cache (``get_embeddings`` / ``put_embeddings``).

    Writes are buffered and go in one transaction of their own when ``FLUSH_ROWS`` are
    waiting, or at :meth:`flush`; inside a transaction the caller holds, they join it.
    A store opened read-only is only read.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.read_only = bool(self.db.execute("PRAGMA query_only").fetchone()[0])
        self._pending: dict[tuple[str, str], bytes] = {}

    def get_embeddings(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of ``keys`` (those found) for ``model``."""
        out: dict[str, np.ndarray] = {}
        for key in keys:
            raw = self._pending.get((model, key))
            if raw is not None:
                out[key] = np.frombuffer(raw, dtype="<f4").copy()
        todo = [k for k in keys if k not in out]
        for start in range(0, len(todo), READ_BATCH):
            part = todo[start : start + READ_BATCH]
            marks = ",".join("?" * len(part))
            for key, raw in self.db.execute(
                    f"SELECT key, vec FROM embeddings WHERE model = ? AND key IN ({marks})",
                    (model, *part)):
                out[key] = np.frombuffer(raw, dtype="<f4").copy()
        return out

    def put_embeddings(self, model: str, rows: dict[str, np.ndarray]) -> None:
        """Keep ``rows`` (key -> embedding) for ``model``; written by :meth:`flush`."""
        if self.read_only:
            return
        for key, vec in rows.items():
            self._pending[(model, key)] = np.asarray(vec, dtype="<f4").tobytes()
        if len(self._pending) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (a row already stored is kept as it is)."""
        if not self._pending:
            return
        rows = [(model, key, raw) for (model, key), raw in self._pending.items()]
        sql = "INSERT OR IGNORE INTO embeddings (model, key, vec) VALUES (?, ?, ?)"
        if self.db.in_transaction:
            self.db.executemany(sql, rows)
        else:
            with self.store.transaction():
                self.db.executemany(sql, rows)
        self._pending.clear()

    def count(self, model: str | None = None) -> int:
        """Rows stored (for ``model`` only, when given)."""
        if model is None:
            return self.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?",
                               (model,)).fetchone()[0]
