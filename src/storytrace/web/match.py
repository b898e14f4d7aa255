"""Trace one pasted article against the corpus: which stored articles share text with it.

The churnalism question: paste a press release or an article and see who printed
it. This is ``trace``'s own path for one new article, run in memory: the text is
signed with the store's MinHash parameters, its LSH band hashes are looked up
among the stored signatures (articles ingested but not yet traced are signed on
the fly, up to a cap), candidates are kept by estimated containment, and the
best are aligned with the passage aligner and kept when ``trace`` would link
them. Nothing is written to the store.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import numpy as np

from storytrace.align import Aligner, Alignment
from storytrace.engines.core import (
    TraceOptions,
    VerifyOptions,
    estimated_containment,
    reuse_evidence,
)
from storytrace.index import LSHIndex, MinHasher
from storytrace.model import Article
from storytrace.store import Store
from storytrace.web.queries import has_table

MAX_ON_THE_FLY = 5000  # unsigned articles signed per request before asking for a trace run


@dataclass
class Match:
    """A stored article that shares text with the pasted one (pasted = A, stored = B)."""

    article: Article
    alignment: Alignment
    evidence: dict
    containment: float

    def to_dict(self) -> dict:
        a = self.article
        return {"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url,
                "published": a.published.isoformat() if a.published else None,
                "coverage_pasted": round(self.alignment.coverage_a, 4),
                "coverage_stored": round(self.alignment.coverage_b, 4),
                "estimated_containment": round(self.containment, 4),
                "evidence": self.evidence,
                "passages": [p.to_dict() for p in self.alignment.passages]}


@dataclass
class MatchReport:
    matches: list[Match] = field(default_factory=list)
    searched: int = 0  # stored articles whose signatures were looked at
    not_searched: int = 0  # unsigned articles beyond the on-the-fly cap
    candidates: int = 0  # sharing an LSH band with the pasted text
    aligned: int = 0

    def to_dict(self) -> dict:
        return {"matches": [m.to_dict() for m in self.matches], "searched": self.searched,
                "not_searched": self.not_searched, "candidates": self.candidates,
                "aligned": self.aligned}


class _Signatures:
    """Stored signatures, read once and kept until the signatures table changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.value: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def get(self, store: Store, params: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(seqs, shingle counts, signatures)`` of every signed article."""
        if not has_table(store, "signatures"):
            return (np.zeros(0, np.int64), np.zeros(0, np.int64),
                    np.zeros((0, params["num_perm"]), np.uint32))
        key = (store.path, json.dumps(params, sort_keys=True),
               *store.db.execute("SELECT COUNT(*), MAX(seq) FROM signatures").fetchone())
        with self.lock:
            if key != self.key or self.value is None:
                rows = store.db.execute(
                    "SELECT seq, shingles, sig FROM signatures ORDER BY seq").fetchall()
                seqs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
                counts = np.fromiter((r[1] for r in rows), np.int64, len(rows))
                sigs = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint32)
                sigs = sigs.reshape(len(rows), -1) if rows else \
                    np.zeros((0, params["num_perm"]), np.uint32)
                self.key = key
                self.value = (seqs, counts, sigs)
            return self.value


SIGNATURES = _Signatures()


def index_params(store: Store) -> dict:
    """The MinHash parameters the store was traced with (``trace``'s defaults if never)."""
    if has_table(store, "meta"):
        row = store.db.execute("SELECT value FROM meta WHERE key = 'index_params'").fetchone()
        if row:
            return json.loads(row[0])
    return TraceOptions().index_params()


def find_reuse(store: Store, article: Article, *, exclude: str | None = None,
               max_aligned: int = 25, semantic: bool | str = False,
               options: TraceOptions = TraceOptions()) -> MatchReport:
    """Stored articles that share passages with ``article``, most shared first."""
    params = index_params(store)
    hasher = MinHasher(num_perm=params["num_perm"], shingle=params["shingle"],
                       seed=params.get("seed", 1), scheme=params.get("scheme", "oph"))
    lsh = LSHIndex(num_perm=params["num_perm"], threshold=options.threshold, weights=(0.1, 0.9))
    shingles = max(1, len(article.text.split()) - params["shingle"] + 1)
    sig = hasher.sign(article.text)
    report = MatchReport()

    seqs, counts, sigs = SIGNATURES.get(store, params)
    extra_seqs, extra_counts, extra_sigs = _unsigned(store, hasher, params, report)
    if len(extra_seqs):
        seqs = np.concatenate([seqs, extra_seqs])
        counts = np.concatenate([counts, extra_counts])
        sigs = np.concatenate([sigs, extra_sigs]) if len(sigs) else extra_sigs
    report.searched = len(seqs)
    if not len(seqs):
        return report
    hits = np.flatnonzero((lsh.band_hashes(sigs) == lsh.band_hashes(sig[None, :])).any(axis=1))
    report.candidates = len(hits)
    scored = sorted(((estimated_containment(sig, sigs[i], shingles, int(counts[i])), int(i))
                     for i in hits), reverse=True)
    keep = [(c, int(seqs[i])) for c, i in scored if c >= options.min_containment]
    ids = dict(store.db.execute(
        f"SELECT seq, id FROM articles WHERE seq IN ({','.join('?' * len(keep))})",
        [s for _, s in keep]).fetchall()) if keep else {}
    aligner = Aligner(semantic=semantic)
    for containment, seq in keep:
        if report.aligned >= max_aligned:
            break
        stored = store.get(ids[seq]) if seq in ids else None
        if stored is None or stored.id == exclude:
            continue
        report.aligned += 1
        alignment = aligner.align(article, stored, repeats=False)
        evidence = reuse_evidence(alignment, len(article.text), len(stored.text),
                                  VerifyOptions())
        if evidence is not None:
            report.matches.append(Match(stored, alignment, evidence, containment))
    report.matches.sort(key=lambda m: -max(m.alignment.coverage_a, m.alignment.coverage_b))
    return report


def _unsigned(store: Store, hasher: MinHasher, params: dict, report: MatchReport
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Articles stored since the last ``trace`` run, signed here (not stored), up to a cap."""
    join = ("LEFT JOIN signatures s USING (seq) WHERE s.seq IS NULL"
            if has_table(store, "signatures") else "")
    total = store.db.execute(f"SELECT COUNT(*) FROM articles a {join}").fetchone()[0]
    rows = store.db.execute(f"SELECT a.seq, a.text FROM articles a {join} ORDER BY a.seq "
                            f"LIMIT {MAX_ON_THE_FLY}").fetchall()
    report.not_searched = total - len(rows)
    if not rows:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64),
                np.zeros((0, params["num_perm"]), np.uint32))
    texts = [t for _, t in rows]
    return (np.fromiter((s for s, _ in rows), np.int64, len(rows)),
            np.array([max(1, len(t.split()) - params["shingle"] + 1) for t in texts], np.int64),
            hasher.sign_many(texts))
