"""Banded locality-sensitive hashing over MinHash signatures: near-duplicate candidate pairs.

A signature of ``bands * rows`` slots is cut into ``bands`` bands; two documents become a
candidate pair when all ``rows`` slots of at least one band agree, which happens with
probability ``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``. Bands are hashed to 64
bits with numpy (a seeded xor-multiply chain and MurmurHash3's finaliser over the band's slot
values), so bucketing the whole corpus is a sort per band rather than a dict per document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import numpy as np

from storytrace.index.minhash import EMPTY, _fmix64

__all__ = ["LSHIndex", "optimal_params"]

_MAGIC = b"STLSH1\n"
_MIX = np.uint64(0x9FB21C651E98DF25)
_S29 = np.uint64(29)


def optimal_params(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """``(bands, rows)`` minimising the weighted false positive and false negative areas.

    As datasketch's ``MinHashLSH``: the false positive area is the integral of the
    candidate probability ``1 - (1 - s**r)**b`` over ``s`` in ``[0, threshold]``, the false
    negative area that of its complement over ``[threshold, 1]``; ``weights`` are
    ``(false_positive, false_negative)``. A near-duplicate *candidate generator* followed by
    exact verification can afford a larger false negative weight.

    >>> optimal_params(0.5, 128)
    (25, 5)
    >>> optimal_params(0.5, 128, weights=(0.1, 0.9))
    (32, 4)
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be in (0, 1)")
    wfp, wfn = weights
    grid_fp = np.linspace(0.0, threshold, 1001)
    grid_fn = np.linspace(threshold, 1.0, 1001)
    best, best_err = (1, 1), np.inf
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1)[:, None]
        fp = np.trapezoid(1.0 - (1.0 - grid_fp**r) ** b, grid_fp, axis=1)
        fn = np.trapezoid((1.0 - grid_fn**r) ** b, grid_fn, axis=1)
        err = wfp * fp + wfn * fn
        i = int(np.argmin(err))
        if err[i] < best_err:
            best, best_err = (b, i + 1), err[i]
    return best


class LSHIndex:
    """Bucket MinHash signatures by band; query one signature or list all candidate pairs.

    Parameters
    ----------
    num_perm : int
        Signature length the index accepts.
    threshold : float
        Jaccard similarity of interest; used when ``bands``/``rows`` are not given.
    bands, rows : int, optional
        Explicit banding (``bands * rows <= num_perm``); giving one derives the other.
    weights : tuple of float
        ``(false_positive, false_negative)`` weights for :func:`optimal_params`.
    max_bucket : int, optional
        :meth:`candidate_pairs` does not expand a bucket with more members than this into
        all its pairs (boilerplate shared by thousands of documents would give millions);
        the number of such buckets (over all bands) is left in ``capped_buckets`` and their
        members in ``capped_members``. ``None``: no cap.

    Examples
    --------
    >>> from storytrace.index import MinHasher
    >>> mh = MinHasher(num_perm=128, shingle=2)
    >>> lsh = LSHIndex(num_perm=128, threshold=0.5)
    >>> lsh.add_many(["a", "b", "c"], mh.sign_many([
    ...     "the mayor opened the new bridge on monday morning after years of delays",
    ...     "the mayor opened the new bridge on monday evening after years of delays",
    ...     "heavy rain is expected across the north of the country this weekend"]))
    >>> list(lsh.candidate_pairs())
    [('a', 'b')]
    >>> lsh.query(mh.sign("the mayor opened the new bridge on monday after years of delays"))
    ['a', 'b']
    >>> LSHIndex.from_bytes(lsh.to_bytes()).keys == lsh.keys
    True
    """

    def __init__(
        self,
        num_perm: int = 128,
        *,
        threshold: float = 0.5,
        bands: int | None = None,
        rows: int | None = None,
        weights: tuple[float, float] = (0.5, 0.5),
        max_bucket: int | None = None,
    ) -> None:
        if bands is None and rows is None:
            bands, rows = optimal_params(threshold, num_perm, weights)
        elif bands is None:
            bands = num_perm // rows
        elif rows is None:
            rows = num_perm // bands
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ValueError(f"need bands * rows <= num_perm, got {bands} x {rows} > {num_perm}")
        if max_bucket is not None and max_bucket < 2:
            raise ValueError("max_bucket must be at least 2")
        self.num_perm = num_perm
        self.threshold = threshold
        self.bands = bands
        self.rows = rows
        self.max_bucket = max_bucket
        self.capped_buckets = 0
        self.capped_members = 0
        self._keys: list[str] = []
        self._pos: dict[str, int] = {}
        self._chunks: list[np.ndarray] = []
        self._empty_chunks: list[np.ndarray] = []
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(bands)]
        self._indexed = 0
        self._salt = _fmix64(np.arange(1, bands + 1, dtype=np.uint64) * _MIX)

    def __repr__(self) -> str:
        return (f"LSHIndex(num_perm={self.num_perm}, bands={self.bands}, rows={self.rows}, "
                f"max_bucket={self.max_bucket}, size={len(self)})")

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._pos

    @property
    def keys(self) -> list[str]:
        """Keys in insertion order (candidate index pairs refer to these positions)."""
        return list(self._keys)

    def band_hashes(self, sigs: np.ndarray) -> np.ndarray:
        """``uint64`` hash of every band of every signature: shape ``(n, bands)``."""
        sigs = self._check(sigs)
        x = sigs[:, : self.bands * self.rows].reshape(len(sigs), self.bands, self.rows)
        h = np.repeat(self._salt[None, :], len(sigs), axis=0)
        tmp = np.empty_like(h)
        for t in range(self.rows):
            h ^= x[:, :, t]
            h *= _MIX
            np.right_shift(h, _S29, out=tmp)
            h ^= tmp
        return _fmix64(h)

    def add(self, key: str, sig: np.ndarray) -> None:
        """Index one signature under ``key`` (keys are unique)."""
        self.add_many([key], np.asarray(sig)[None, :])

    def add_many(self, keys: Sequence[str], sigs: np.ndarray) -> None:
        """Index ``sigs[i]`` under ``keys[i]``; empty-text signatures are kept but never match."""
        sigs = self._check(sigs)
        keys = list(keys)
        if len(keys) != len(sigs):
            raise ValueError(f"{len(keys)} keys for {len(sigs)} signatures")
        start = len(self._keys)
        for i, key in enumerate(keys):
            if self._pos.setdefault(key, start + i) != start + i:
                for k in keys[:i]:
                    del self._pos[k]
                raise ValueError(f"duplicate key {key!r}")
        self._keys.extend(keys)
        self._chunks.append(self.band_hashes(sigs))
        self._empty_chunks.append(np.all(sigs == EMPTY, axis=1))

    def query(self, sig: np.ndarray) -> list[str]:
        """Keys sharing at least one band with ``sig``, in insertion order (no cap applies)."""
        h = self.band_hashes(np.asarray(sig)[None, :])[0]
        if np.all(np.asarray(sig) == EMPTY):
            return []
        self._sync_tables()
        hits: set[int] = set()
        for table, value in zip(self._tables, h.tolist(), strict=True):
            hits.update(table.get(value, ()))
        return [self._keys[i] for i in sorted(hits)]

    def candidate_index_pairs(self) -> np.ndarray:
        """All candidate pairs as insertion positions: ``int64`` array ``(m, 2)``, ``i < j``,
        sorted and without repeats; sets ``capped_buckets`` and ``capped_members``."""
        hashes, empty = self._consolidate()
        n = len(hashes)
        ids = np.flatnonzero(~empty)
        capped = members = 0
        codes = [np.empty(0, dtype=np.int64)]
        for band in range(self.bands):
            col = hashes[ids, band]
            # Stable, so members of a bucket come out in ascending position.
            order = np.argsort(col, kind="stable")
            sc = col[order]
            starts = np.flatnonzero(np.concatenate(([True], sc[1:] != sc[:-1])))
            sizes = np.diff(np.append(starts, len(sc)))
            keep = sizes >= 2
            if self.max_bucket is not None:
                big = sizes > self.max_bucket
                capped += int(big.sum())
                members += int(sizes[big].sum())
                keep &= ~big
            for size in np.unique(sizes[keep]).tolist():
                first = starts[keep & (sizes == size)]
                group = ids[order[first[:, None] + np.arange(size)]]
                iu, ju = np.triu_indices(size, 1)
                codes.append((group[:, iu] * n + group[:, ju]).ravel())
        self.capped_buckets, self.capped_members = capped, members
        pairs = np.unique(np.concatenate(codes))
        return np.stack([pairs // max(n, 1), pairs % max(n, 1)], axis=1)

    def candidate_pairs(self) -> Iterator[tuple[str, str]]:
        """Candidate key pairs ``(earlier, later)``, each once (see
        :meth:`candidate_index_pairs`)."""
        keys = self._keys
        for i, j in self.candidate_index_pairs().tolist():
            yield keys[i], keys[j]

    def to_bytes(self) -> bytes:
        """Serialise (deterministic bytes: a JSON header, key offsets, keys, flags, hashes)."""
        hashes, empty = self._consolidate()
        encoded = [k.encode("utf-8", "surrogatepass") for k in self._keys]
        offsets = np.zeros(len(encoded) + 1, dtype="<i8")
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        header = json.dumps({
            "num_perm": self.num_perm, "threshold": self.threshold, "bands": self.bands,
            "rows": self.rows, "max_bucket": self.max_bucket, "n": len(encoded),
        }).encode()
        return b"".join([
            _MAGIC, len(header).to_bytes(4, "little"), header, offsets.tobytes(),
            b"".join(encoded), empty.astype(np.uint8).tobytes(),
            hashes.astype("<u8").tobytes(),
        ])

    @classmethod
    def from_bytes(cls, data: bytes) -> LSHIndex:
        """Rebuild an index written by :meth:`to_bytes`."""
        if not data.startswith(_MAGIC):
            raise ValueError("not a serialised LSHIndex")
        pos = len(_MAGIC)
        size = int.from_bytes(data[pos : pos + 4], "little")
        meta = json.loads(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
        n = meta["n"]
        offsets = np.frombuffer(data, dtype="<i8", count=n + 1, offset=pos)
        pos += 8 * (n + 1)
        blob = data[pos : pos + int(offsets[-1])]
        pos += int(offsets[-1])
        empty = np.frombuffer(data, dtype=np.uint8, count=n, offset=pos).astype(bool)
        pos += n
        hashes = np.frombuffer(data, dtype="<u8", count=n * meta["bands"], offset=pos)
        if pos + hashes.nbytes != len(data):
            raise ValueError("serialised LSHIndex has the wrong length")
        index = cls(meta["num_perm"], threshold=meta["threshold"], bands=meta["bands"],
                    rows=meta["rows"], max_bucket=meta["max_bucket"])
        index._keys = [blob[a:b].decode("utf-8", "surrogatepass")
                       for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
        index._pos = {k: i for i, k in enumerate(index._keys)}
        if n:
            index._chunks = [hashes.astype(np.uint64).reshape(n, meta["bands"])]
            index._empty_chunks = [empty]
        return index

    def _check(self, sigs: np.ndarray) -> np.ndarray:
        sigs = np.asarray(sigs)
        if sigs.ndim != 2 or sigs.shape[1] != self.num_perm:
            raise ValueError(f"expected signatures of shape (n, {self.num_perm}), "
                             f"got {sigs.shape}")
        return sigs

    def _consolidate(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self._chunks) != 1:
            if self._chunks:
                self._chunks = [np.concatenate(self._chunks)]
                self._empty_chunks = [np.concatenate(self._empty_chunks)]
            else:
                return np.empty((0, self.bands), dtype=np.uint64), np.empty(0, dtype=bool)
        return self._chunks[0], self._empty_chunks[0]

    def _sync_tables(self) -> None:
        """Bring the per-band dicts used by :meth:`query` up to date, only for new rows."""
        hashes, empty = self._consolidate()
        new = np.arange(self._indexed, len(hashes))
        new = new[~empty[new]]
        for table, column in zip(self._tables, hashes[new].T.tolist(), strict=True):
            for i, value in zip(new.tolist(), column, strict=True):
                table.setdefault(value, []).append(i)
        self._indexed = len(hashes)
