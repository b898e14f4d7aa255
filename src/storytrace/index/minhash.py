"""Vectorised word-shingle MinHash signatures for corpus-scale near-duplicate search.

Pipeline, all in numpy over one flat buffer per batch of documents (no Python work per word):

1. Each text is UTF-8 encoded and the batch (about 1 MiB) joined with spaces. A 256-entry
   table lower-cases ASCII, zeroes non-word bytes and marks the ASCII joiners; the few
   non-ASCII characters are decoded and looked up in per-code-point tables, filled the first
   time a code point is met (a word character is what ``re`` calls ``\\w``:
   ``str.isalnum()`` or ``_``; its bytes are replaced by those of the lower-cased character;
   a wide joiner is marked). A joiner (an apostrophe, dot or hyphen, or a look-alike:
   :data:`storytrace.text.words.JOINERS`) between two word characters is then deleted, so a
   word is what :data:`storytrace.text.words.WORD` matches, without its joiners ("it's" is
   "its", "U.S." "us"): a maximal run of non-zero bytes.
2. Word hashes: the word's bytes read 8 at a time as little-endian uint64 (two aligned loads
   and shifts per word, for all words at once), chained through MurmurHash3's 64-bit
   finaliser; words of up to 8 bytes, most of them, cannot collide.
3. Shingle hashes: a rolling polynomial over ``k`` consecutive word hashes, a seed, and the same
   finaliser. A text with fewer than ``k`` words is one shingle of all its words.
4. Signatures use one-permutation hashing with optimal densification (Li, Owen & Zhang 2012;
   Shrivastava 2017): each shingle hash is used once, its high 32 bits pick one of
   ``num_perm`` bins and its low 32 bits are the value whose per-bin minimum is kept
   (``np.minimum.at`` over the flat batch). Empty bins borrow the value of a bin chosen by a
   document-independent hash sequence, which keeps the per-slot collision probability equal
   to the Jaccard similarity of the shingle sets. That costs O(shingles) per document instead
   of the O(shingles * num_perm) of one hash function per slot, which is also available as
   ``scheme="classic"`` (multiply-add-shift hash functions, permutations processed in chunks,
   minima with ``np.minimum.reduceat``).

Shingles made elsewhere are signed by :meth:`MinHasher.sign_shingles` (strings, hashed as
words are) and :meth:`MinHasher.sign_hashes` (64-bit hashes, e.g. :func:`shingle_hashes`
output computed on another machine), which run steps 2 and 4 or only 4.

Signatures are ``uint32`` and depend only on the text and the parameters (no ``hash()``, no
process state). A text without words gets the all-``EMPTY`` signature, which :func:`jaccard`
scores 0.0 against everything and :class:`~storytrace.index.lsh.LSHIndex` never buckets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from storytrace.text.words import JOINERS, WORD

__all__ = ["EMPTY", "MinHasher", "is_empty", "jaccard", "shingle_count", "shingle_hashes",
           "words"]

EMPTY = np.uint32(0xFFFFFFFF)
"""Value of every slot of an empty document's signature (and of no slot of any other)."""

_U64 = np.uint64
_M1 = _U64(0xFF51AFD7ED558CCD)
_M2 = _U64(0xC4CEB9FE1A85EC53)
_S33 = _U64(33)
_S32 = _U64(32)
# Odd multiplier of the rolling shingle polynomial over word hashes.
_P = _U64(0xD6E8FEB86659FD93)
# Bytes joined per batch: large enough that the fixed numpy calls per batch (densification
# above all) cost little, small enough that the working arrays (about 10x the batch) stay
# near the cache. 1 MiB signs 12-15% faster than 256 KiB (bench/minhash_speed.py).
_CHUNK_BYTES = 1 << 20
# Shingle hashes signed per step by MinHasher.sign_hashes.
_CHUNK_HASHES = 1 << 17
_DENSIFY_ATTEMPTS = 2048
# Densification looks at about this many (try, bin) pairs per numpy step.
_DENSIFY_BLOCK = 1 << 14
# Signature lengths up to this keep every bin's tries in a table (<= 16 MiB) and the try at
# which each bin borrows from each other (<= 2 MiB).
_DENSIFY_TABLE_MAX_PERM = 1024
# Empty bins times signature length below which the bins left are settled from that table.
_DENSIFY_RANKED = 1 << 20


def _fmix64_int(x: int) -> int:
    """MurmurHash3's 64-bit finaliser on a Python int."""
    x &= (1 << 64) - 1
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & ((1 << 64) - 1)
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & ((1 << 64) - 1)
    return x ^ (x >> 33)


def _fmix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, in place on a uint64 array (returned for chaining)."""
    tmp = np.empty_like(x)
    for mult in (_M1, _M2):
        np.right_shift(x, _S33, out=tmp)
        x ^= tmp
        x *= mult
    np.right_shift(x, _S33, out=tmp)
    x ^= tmp
    return x


def _seed_key(seed: int, salt: int = 0) -> np.uint64:
    return _U64(_fmix64_int(_fmix64_int(seed * 0x9E3779B97F4A7C15 + salt) ^ 0x5851F42D4C957F2D))


def _is_word_char(ch: str) -> bool:
    # What the re module's \w matches in a str pattern.
    return ch.isalnum() or ch == "_"


# Byte value that marks a joiner until :func:`_drop_joiners` has decided whether it joins two
# words (no word byte is below 0x30).
_JOIN = 1


def _word_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint8)
    for c in range(128):
        if _is_word_char(chr(c)):
            table[c] = ord(chr(c).lower())
        elif chr(c) in JOINERS:
            table[c] = _JOIN
    return table


# ASCII byte -> lower-cased byte, _JOIN for a joiner, 0 for other non-word bytes; bytes
# >= 0x80 are handled apart.
_ASCII_WORD = _word_table()
_LOW_MASK = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def _fold(cp: int) -> int:
    """Lower-cased code point of a word character, 0 for any other character."""
    ch = chr(cp)
    if not _is_word_char(ch):
        return 0
    # Per character: the first character where str.lower() expands ("İ" -> "i"), final sigma
    # folded to sigma, repeated to a fixed point, so a word hashes the same in any case.
    for _ in range(4):
        low = ch.lower()[0]
        low = "σ" if low == "ς" else low
        if low == ch or not _is_word_char(low):
            break
        ch = low
    return ord(ch)


# What each code point is, learnt the first time a batch holds it: _UNSEEN until then; a
# character that is not a word character (_OTHER), a joiner, a word character whose folded
# form has its UTF-8 length (_WORD, its bytes in _CP_UTF8, little-endian) or another length
# (_RESIZED: "İ", the Kelvin sign). Looked up per character, no sorting; np.zeros leaves
# the pages of code points never met unallocated.
_UNSEEN, _OTHER, _JOINER, _WORD, _RESIZED = 0, 1, 2, 3, 4
_CP_KIND = np.zeros(0x110000, dtype=np.uint8)
_CP_UTF8 = np.zeros(0x110000, dtype=np.uint32)


def _learn(cps: np.ndarray) -> None:
    """Classify the code points ``cps`` and fill in their folded bytes (once each)."""
    for cp in np.unique(cps).tolist():
        f = _fold(cp)
        if chr(cp) in JOINERS:
            kind = _JOINER
        elif not f:
            kind = _OTHER
        else:
            utf8 = chr(f).encode("utf-8", "surrogatepass")
            same = len(utf8) == len(chr(cp).encode("utf-8", "surrogatepass"))
            kind = _WORD if same else _RESIZED
            _CP_UTF8[cp] = int.from_bytes(utf8, "little")
        _CP_KIND[cp] = kind


def _code_points(buf: np.ndarray, leads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code points and UTF-8 lengths of the characters whose lead bytes are at ``leads``.

    The buffer comes from str.encode, so every sequence is complete.
    """
    lb = buf[leads].astype(np.uint32)
    cp = (lb & 0x1F) << 6
    cp |= buf[leads + 1] & 0x3F
    width = 2 + (lb >= 0xE0) + (lb >= 0xF0)
    wide = np.flatnonzero(lb >= 0xE0)
    if len(wide):
        at, lw = leads[wide], lb[wide]
        c = (lw & 0x0F) << 12
        c |= (buf[at + 1] & 0x3F).astype(np.uint32) << 6
        c |= buf[at + 2] & 0x3F
        four = np.flatnonzero(lw >= 0xF0)
        if len(four):
            at4 = at[four]
            c4 = (lw[four] & 0x07) << 18
            for i, shift in ((1, 12), (2, 6), (3, 0)):
                c4 |= (buf[at4 + i] & 0x3F).astype(np.uint32) << shift
            c[four] = c4
        cp[wide] = c
    return cp, width


def _fold_bytes(buf: np.ndarray) -> np.ndarray | dict[int, str]:
    """Lower-cased UTF-8 bytes of a batch buffer with every non-word byte set to 0, except
    the first byte of each joiner, which is :data:`_JOIN` (the joiners are found in the same
    pass as the words, for :func:`_drop_joiners`).

    The result has at least 16 zero bytes of padding and a length divisible by 8 (it is read
    8 bytes at a time). When a character folds to one of a different UTF-8 length (a handful,
    such as "İ" or the Kelvin sign) the bytes cannot be rewritten in place: the mapping for
    those characters is returned instead, for the caller to apply to the texts first.
    """
    n = len(buf)
    vals = np.zeros((n + 23) // 8 * 8, dtype=np.uint8)
    np.take(_ASCII_WORD, buf, out=vals[:n])
    leads = np.flatnonzero(buf >= 0xC0)
    if not len(leads):
        return vals
    cp, width = _code_points(buf, leads)
    kind = _CP_KIND[cp]
    if not kind.all():
        _learn(cp[kind == _UNSEEN])
        kind = _CP_KIND[cp]
    resized = kind == _RESIZED
    if resized.any():
        return {c: chr(_fold(c)) for c in np.unique(cp[resized]).tolist()}
    word = kind == _WORD
    at, width, utf8 = leads[word], width[word], _CP_UTF8[cp[word]]
    for i in range(4):
        if i > 1:  # every character takes 2 bytes or more
            more = width > i
            at, width, utf8 = at[more], width[more], utf8[more]
        vals[at + i] = (utf8 >> (8 * i)).astype(np.uint8)  # byte i, little-endian
    vals[leads[kind == _JOINER]] = _JOIN
    return vals


# _drop_joiners reads a joiner's length off its lead byte: 1, 2 or 3 bytes.
assert all(len(c.encode("utf-8")) <= 3 for c in JOINERS)


def _drop_joiners(buf: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Delete the joiners that sit between two word characters from :func:`_fold_bytes`'s
    ``vals`` ("it's" -> "its") and zero the others; in place, ``vals`` keeps its length and
    zero padding. Returns ``vals`` and the sorted byte offsets deleted.

    A joiner is marked by :data:`_JOIN` on its first byte (its other bytes are 0): one byte
    for the ASCII ones, two (led by 0xC2) or three (led by 0xE2) for the wide ones.
    """
    n = len(buf)
    cand = np.flatnonzero(vals[:n] == _JOIN)
    if not len(cand):
        return vals, cand
    vals[cand] = 0
    lead = buf[cand]
    width = 1 + (lead >= 0xC0) + (lead >= 0xE0)
    # The byte before offset 0 is the zero padding at the end of vals.
    joins = (vals[cand - 1] != 0) & (vals[cand + width] != 0)
    cand, width = cand[joins], width[joins]
    if not len(cand):
        return vals, cand
    drop = np.concatenate([cand, cand[width > 1] + 1, cand[width > 2] + 2])
    drop.sort()
    keep = np.ones(n, dtype=bool)
    keep[drop] = False
    size = n - len(drop)
    vals[:size] = vals[:n][keep]
    vals[size:n] = 0
    return vals, drop


def _read_u64(words: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The 8 bytes at byte offsets ``pos`` of the buffer viewed as ``words``, little-endian."""
    q = pos >> 3
    r = (pos & 7).astype(np.uint64)
    r <<= _U64(3)
    lo = words[q]
    lo >>= r
    hi = words[q + 1]
    # numpy defines shifts by >= 64 bits as 0, which is what r == 0 needs here.
    hi <<= _U64(64) - r
    lo |= hi
    return lo


def _word_hashes(vals: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hash every word (maximal run of non-zero bytes in ``vals[:n]``) of a batch.

    A word's hash is fmix64 over its bytes packed little-endian 8 at a time, chained as
    ``h = fmix64(h) ^ next8``; words of up to 8 bytes therefore never collide. Returns the
    uint64 word hashes and the byte offset of each word.
    """
    is_word = np.zeros(n + 2, dtype=bool)
    np.not_equal(vals[:n], 0, out=is_word[1:-1])
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    words = vals.view("<u8")
    length = ends - starts
    h = _read_u64(words, starts)
    h &= _LOW_MASK[np.minimum(length, 8)]
    long = np.flatnonzero(length > 8)
    offset = 8
    while len(long):
        rest = length[long] - offset
        chunk = _read_u64(words, starts[long] + offset)
        chunk &= _LOW_MASK[np.minimum(rest, 8)]
        h[long] = _fmix64(h[long]) ^ chunk
        offset += 8
        long = long[rest > 8]
    return _fmix64(h), starts


def _batch_shingles(
    encoded: list[bytes], k: int, key: np.uint64
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded shingle hashes of a batch and the index of the document owning each.

    Windows that straddle two documents are kept (slicing them out costs a copy) with owner
    ``len(encoded)``. Shingles of one document are contiguous, except that the one shingle of
    a text shorter than ``k`` words comes after all the windows.
    """
    n = len(encoded)
    while True:
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
        buf = np.frombuffer(b" ".join(encoded), dtype=np.uint8)
        vals = _fold_bytes(buf)
        if isinstance(vals, np.ndarray):
            break
        # Rare: characters whose lower case has another UTF-8 length; fold them in the text.
        trans = str.maketrans(vals)
        encoded = [_encode(e.decode("utf-8", "surrogatepass").translate(trans))
                   for e in encoded]
    doc_starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=doc_starts[1:])
    # "it's" -> "its": joiners leave the words they join, which close up.
    vals, drop = _drop_joiners(buf, vals)
    size = len(buf) - len(drop)
    if len(drop):
        doc_starts -= np.searchsorted(drop, doc_starts)
    wh, wstarts = _word_hashes(vals, size)
    counts = np.diff(np.searchsorted(wstarts, doc_starts))
    m = len(wh)
    owner = np.repeat(np.arange(n, dtype=np.int64), counts)
    nwin = max(m - k + 1, 0)
    sh = wh[:nwin].copy()
    for t in range(1, k):
        sh *= _P
        sh += wh[t : t + nwin]
    owner = owner[:nwin]
    word_end = np.cumsum(counts)
    if nwin:
        # Windows that run past the end of their document: the last k-1 word positions of
        # every document (and every position of a document shorter than k).
        tail = (word_end[:, None] - np.arange(1, k)[None, :]).ravel()
        tail = tail[(tail >= np.repeat(word_end - counts, k - 1)) & (tail < nwin)]
        owner[tail] = n
    short = np.flatnonzero((counts > 0) & (counts < k))
    if len(short):
        extra = np.empty(len(short), dtype=np.uint64)
        for i, d in enumerate(short.tolist()):
            lo, hi = int(word_end[d] - counts[d]), int(word_end[d])
            acc = wh[lo : lo + 1].copy()
            for t in range(lo + 1, hi):
                acc *= _P
                acc += wh[t : t + 1]
            extra[i] = acc[0]
        sh = np.concatenate([sh, extra])
        owner = np.concatenate([owner, short])
    sh ^= key
    return _fmix64(sh), owner


def _encode(text: str) -> bytes:
    # surrogatepass: a lone surrogate (broken input) must not abort a whole batch.
    return text.encode("utf-8", "surrogatepass")


def words(text: str) -> list[str]:
    """The words :class:`MinHasher` shingles: what :data:`~storytrace.text.words.WORD`
    matches, lower-cased, without the joiners inside ("it's" is "its").

    A pure-Python reference for the vectorised tokeniser (for tests and tooling).

    >>> words("The Senate's vote, 52–48. The U.S. re-entered")
    ['the', 'senates', 'vote', '5248', 'the', 'us', 'reentered']
    """
    out = []
    for m in WORD.finditer(text):
        folded = (_fold(ord(ch)) for ch in m.group())
        out.append("".join(chr(f) for f in folded if f))
    return out


def shingle_count(text: str, k: int) -> int:
    """How many shingles :class:`MinHasher` with ``shingle=k`` makes of ``text``: one per
    run of ``k`` words, and one for a text of fewer words (at least 1).

    >>> shingle_count("It's the U.S. vote, 52–48, on Friday.", 3)
    5
    """
    return max(1, len(WORD.findall(text)) - k + 1)


def shingle_hashes(text: str, k: int = 5, seed: int = 1) -> np.ndarray:
    """64-bit hashes of the lower-cased word ``k``-grams of ``text``, in text order.

    A text with fewer than ``k`` words gives one shingle of all its words; a text without
    words gives an empty array. ``MinHasher(shingle=k, seed=seed)`` signs exactly this set:
    every slot of its signature is the low 32 bits of one of these hashes.

    Parameters
    ----------
    text : str
        Any text; its words are those of :func:`words`.
    k : int
        Words per shingle.
    seed : int
        Selects an independent hash function (the default matches :class:`MinHasher`).

    Returns
    -------
    numpy.ndarray
        ``uint64`` array of length ``max(len(words) - k + 1, 1)`` (0 for no words).

    Examples
    --------
    >>> h = shingle_hashes("One two three four five six", k=5)
    >>> h.dtype, len(h), len(shingle_hashes("One two", k=5)), len(shingle_hashes("  ", k=5))
    (dtype('uint64'), 2, 1, 0)
    >>> bool(h[0] == shingle_hashes("ONE two, three... four five")[0])
    True
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    sh, owner = _batch_shingles([_encode(text)], k, _seed_key(seed))
    return sh[owner == 0]


def is_empty(sig: np.ndarray) -> bool:
    """Whether ``sig`` is the signature of a text without words."""
    return bool(np.all(np.asarray(sig) == EMPTY))


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures.

    The fraction of slots where the two agree; 0.0 when either text had no words.

    >>> mh = MinHasher(num_perm=64)
    >>> a = mh.sign("the quick brown fox jumps over the lazy dog again and again")
    >>> jaccard(a, a), jaccard(a, mh.sign("")), jaccard(mh.sign(""), mh.sign(""))
    (1.0, 0.0, 0.0)
    """
    a, b = np.asarray(sig_a), np.asarray(sig_b)
    if a.shape != b.shape:
        raise ValueError(f"signature shapes differ: {a.shape} vs {b.shape}")
    if is_empty(a) or is_empty(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size


class MinHasher:
    """MinHash signatures of word-shingle sets, one document or a whole batch at a time.

    Parameters
    ----------
    num_perm : int
        Signature length (slots).
    shingle : int
        Words per shingle.
    seed : int
        Selects the hash functions; signatures are comparable only with equal parameters.
    scheme : {"oph", "classic"}
        ``"oph"`` (default): one-permutation hashing with optimal densification, O(shingles)
        per document. ``"classic"``: ``num_perm`` multiply-add-shift hash functions, kept
        for comparison; it gives different signature values.

    Examples
    --------
    >>> mh = MinHasher(num_perm=128, shingle=3, seed=1)
    >>> a = "Officials said the storm would reach the coast by Friday evening."
    >>> b = "Officials said the storm could reach the coast by Friday evening."
    >>> sigs = mh.sign_many([a, b, ""])
    >>> sigs.shape, sigs.dtype
    ((3, 128), dtype('uint32'))
    >>> bool(np.array_equal(sigs[0], mh.sign(a)))
    True
    >>> 0.3 < jaccard(sigs[0], sigs[1]) < 0.8, jaccard(sigs[0], sigs[2])
    (True, 0.0)
    """

    def __init__(
        self,
        num_perm: int = 128,
        shingle: int = 5,
        seed: int = 1,
        scheme: Literal["oph", "classic"] = "oph",
    ) -> None:
        if not 1 <= num_perm <= 1 << 16:
            raise ValueError("num_perm must be in [1, 65536]")
        if shingle < 1:
            raise ValueError("shingle must be at least 1")
        if scheme not in ("oph", "classic"):
            raise ValueError(f"unknown scheme {scheme!r}")
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self.scheme = scheme
        self._key = _seed_key(seed)
        self._dens_key = _seed_key(seed, salt=1)
        # Tries of every bin's sequence, extended on demand (see _tries), and the try at which
        # each bin borrows from each other (see _ranks).
        self._rank: np.ndarray | None = None
        self._dens_table = self._dens_bins(np.arange(num_perm)[None, :], np.arange(32)[:, None])
        if scheme == "classic":
            rng = np.random.default_rng(np.random.SeedSequence([seed & ((1 << 64) - 1), 0x6D68]))
            self._a = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * _U64(2) + _U64(1)
            self._b = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64)

    def __repr__(self) -> str:
        return (f"MinHasher(num_perm={self.num_perm}, shingle={self.shingle}, "
                f"seed={self.seed}, scheme={self.scheme!r})")

    def sign(self, text: str) -> np.ndarray:
        """Signature of one text: ``uint32`` array of shape ``(num_perm,)``."""
        return self.sign_many([text])[0]

    def sign_many(self, texts: Iterable[str]) -> np.ndarray:
        """Signatures of many texts: ``uint32`` array of shape ``(len(texts), num_perm)``.

        Row ``i`` equals ``sign(texts[i])``; batching only amortises the numpy calls. Texts
        are encoded and signed about 1 MiB at a time, so a generator over a large corpus
        needs memory only for the signatures.
        """
        parts: list[np.ndarray] = []
        batch: list[bytes] = []
        size = 0
        for text in texts:
            batch.append(_encode(text))
            size += len(batch[-1]) + 1
            if size >= _CHUNK_BYTES:
                parts.append(self._sign_batch(batch))
                batch, size = [], 0
        if batch or not parts:
            parts.append(self._sign_batch(batch))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def sign_shingles(self, shingle_sets: Iterable[Sequence[str]]) -> np.ndarray:
        """Signatures of documents given as shingles built elsewhere (word n-gram strings,
        say): ``uint32`` array of shape ``(len(shingle_sets), num_perm)``.

        Each shingle's UTF-8 bytes are hashed as a word is (8 bytes a step, seeded) and the
        set signed as :meth:`sign_many` signs a text's shingles; the values differ from
        those of the text itself. Shingles must not contain NUL; empty ones are ignored,
        and a document without shingles gets the all-``EMPTY`` signature.

        >>> mh = MinHasher(num_perm=64)
        >>> sigs = mh.sign_shingles([["a b", "b c"], ["b c", "a b", "a b"], []])
        >>> bool(np.array_equal(sigs[0], sigs[1])), is_empty(sigs[2])
        (True, True)
        """
        parts: list[np.ndarray] = []
        batch: list[bytes] = []
        size = 0
        for shingles in shingle_sets:
            batch.append(_encode("\0".join(shingles)))
            size += len(batch[-1]) + 1
            if size >= _CHUNK_BYTES:
                parts.append(self._sign_shingle_batch(batch))
                batch, size = [], 0
        if batch or not parts:
            parts.append(self._sign_shingle_batch(batch))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def sign_hashes(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of documents given as 64-bit shingle hashes: document ``i`` is
        ``hashes[offsets[i]:offsets[i + 1]]``; ``uint32`` array ``(len(offsets) - 1,
        num_perm)``.

        The hashes are used as they are (their high half picks the bin, the low half is the
        value), so they must be well mixed, as :func:`shingle_hashes` and xxh3 are; the
        seed plays no part. ``sign_hashes(shingle_hashes(text, k, seed), [0, n])`` is
        ``MinHasher(shingle=k, seed=seed).sign(text)``.

        >>> mh = MinHasher(num_perm=64, shingle=3)
        >>> h = shingle_hashes("one two three four", k=3)
        >>> bool(np.array_equal(mh.sign_hashes(h, [0, len(h)])[0], mh.sign("one two three four")))
        True
        """
        hashes = np.asarray(hashes, dtype=np.uint64)
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.ndim != 1 or len(offsets) < 1 or np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must be a non-decreasing 1-d array of length n + 1")
        if len(offsets) > 1 and (offsets[0] < 0 or offsets[-1] > len(hashes)):
            raise ValueError("offsets run outside the hashes")
        parts = []
        lo = 0
        while lo < len(offsets) - 1 or not parts:
            # Documents whose hashes fit in one chunk (at least one document).
            hi = max(int(np.searchsorted(offsets, offsets[lo] + _CHUNK_HASHES, "right")) - 1,
                     lo + 1) if len(offsets) > 1 else lo
            counts = np.diff(offsets[lo : hi + 1])
            sh = hashes[offsets[lo] : offsets[hi]] if hi > lo else hashes[:0]
            owner = np.repeat(np.arange(hi - lo, dtype=np.int64), counts)
            parts.append(self._sign_hashed(sh, owner, hi - lo))
            lo = hi
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _sign_shingle_batch(self, encoded: list[bytes]) -> np.ndarray:
        n = len(encoded)
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
        doc_starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths + 1, out=doc_starts[1:])
        size = int(doc_starts[-1])
        vals = np.zeros((size + 23) // 8 * 8, dtype=np.uint8)
        vals[:size] = np.frombuffer(b"\0".join([*encoded, b""]), dtype=np.uint8)
        wh, starts = _word_hashes(vals, size)
        owner = np.repeat(np.arange(n, dtype=np.int64),
                          np.diff(np.searchsorted(starts, doc_starts)))
        wh ^= self._key
        return self._sign_hashed(_fmix64(wh), owner, n)

    def _sign_hashed(self, sh: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
        if self.scheme == "classic":
            return self._classic(sh, owner, n)
        return self._oph(sh, owner, n)

    def _sign_batch(self, encoded: list[bytes]) -> np.ndarray:
        if not encoded:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        sh, owner = _batch_shingles(encoded, self.shingle, self._key)
        return self._sign_hashed(sh, owner, len(encoded))

    def _oph(self, sh: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
        p = self.num_perm
        # Bin from the high half (multiply-shift range reduction works for any num_perm; for
        # a power of two it is the top bits), value from the independent low half.
        if p & (p - 1):
            idx = sh >> _S32
            idx *= _U64(p)
            idx >>= _S32
            idx = idx.view(np.int64)
            idx += owner * p
        else:
            bits = p.bit_length() - 1
            idx = (sh >> _U64(64 - bits)).view(np.int64)
            idx |= owner << bits
        val = sh.astype(np.uint32)
        # EMPTY is reserved for "no shingle in this bin".
        np.minimum(val, EMPTY - np.uint32(1), out=val)
        flat = np.full((n + 1) * p, EMPTY, dtype=np.uint32)  # row n collects invalid windows
        np.minimum.at(flat, idx, val)
        flat = flat[: n * p]
        self._densify(flat, n)
        return flat.reshape(n, p)

    def _densify(self, flat: np.ndarray, n: int) -> None:
        """Optimal densification, in place on the flat signatures of ``n`` documents: fill
        each empty bin from the first non-empty bin of its own fixed pseudo-random sequence
        of bins (the same sequence in every document).

        Tries are looked at a block at a time: one try for the many empty bins of a full
        batch (most are filled by it), more for fewer bins. Once few bins are left (those of
        documents with a handful of shingles, which can need hundreds of tries each), each
        is settled at once from :meth:`_ranks`.
        """
        p = self.num_perm
        empty = flat == EMPTY
        # Flat positions of the empty bins of documents with at least one shingle.
        pos = np.flatnonzero(empty)
        blank = np.count_nonzero(empty.reshape(n, p), axis=1) == p
        if blank.any():
            pos = pos[~blank[pos // p]]
        b = pos % p
        done = 0
        while len(pos) and done < _DENSIFY_ATTEMPTS:
            if done and p <= _DENSIFY_TABLE_MAX_PERM and len(pos) * p <= _DENSIFY_RANKED:
                pos, b = self._borrow_ranked(flat, empty, pos, b)
                break
            step = min(max(1, _DENSIFY_BLOCK // len(pos)), _DENSIFY_ATTEMPTS - done)
            src = self._tries(done, done + step, b)  # (step, len(b)) bins to borrow from
            src += pos - b
            ok = empty[src]
            np.logical_not(ok, out=ok)
            if step == 1:
                hit, src = ok[0], src[0]
            else:
                first = ok.argmax(axis=0)
                col = np.arange(len(pos))
                hit = ok[first, col]
                src = src[first, col]
            flat[pos[hit]] = flat[src[hit]]
            miss = ~hit
            pos, b = pos[miss], b[miss]
            done += step
        # Practically unreachable (probability < (1 - 1/p) ** 2048 per bin): take the next
        # non-empty bin to the right, still a function of the bin and the emptiness pattern.
        for row, col in zip((pos // p).tolist(), b.tolist(), strict=True):
            full = np.flatnonzero(~empty[row * p : (row + 1) * p])
            flat[row * p + col] = flat[row * p + full[np.searchsorted(full, col) % len(full)]]

    def _borrow_ranked(self, flat: np.ndarray, empty: np.ndarray, pos: np.ndarray,
                       b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fill the empty bins at flat positions ``pos`` (bin ``b`` of their row) from the
        non-empty bin that comes first in their sequence of tries, all tries at once; returns
        the positions and bins that no try reaches."""
        p = self.num_perm
        rank = self._ranks()[b]  # (bins, p): the try at which each bin borrows from each
        rank[empty.reshape(-1, p)[pos // p]] = _DENSIFY_ATTEMPTS  # empty sources never
        src = rank.argmin(axis=1)
        ok = np.take_along_axis(rank, src[:, None], axis=1)[:, 0] < _DENSIFY_ATTEMPTS
        flat[pos[ok]] = flat[(pos - b + src)[ok]]
        return pos[~ok], b[~ok]

    def _ranks(self) -> np.ndarray:
        """``(num_perm, num_perm)`` table: the first try (< 2048) at which bin ``i`` borrows
        from bin ``j``, or 2048 if none does. Made on first use."""
        if self._rank is None:
            p = self.num_perm
            self._tries(0, _DENSIFY_ATTEMPTS, np.arange(p))
            tries = self._dens_table[:_DENSIFY_ATTEMPTS]
            rank = np.full(p * p, _DENSIFY_ATTEMPTS, dtype=np.int16)
            pair = (tries + np.arange(0, p * p, p)).ravel()  # row i, column tries[t, i]
            np.minimum.at(rank, pair, np.arange(_DENSIFY_ATTEMPTS, dtype=np.int16).repeat(p))
            self._rank = rank.reshape(p, p)
        return self._rank

    def _tries(self, lo: int, hi: int, bins: np.ndarray) -> np.ndarray:
        """Bins that empty ``bins`` borrow from at tries ``lo`` .. ``hi - 1``, shape
        ``(hi - lo, len(bins))``: from a table of every bin's tries, grown on demand, unless
        that table would be large."""
        if self.num_perm > _DENSIFY_TABLE_MAX_PERM:
            return self._dens_bins(bins[None, :], np.arange(lo, hi)[:, None])
        have = len(self._dens_table)
        if hi > have:
            more = max(hi, min(2 * have, _DENSIFY_ATTEMPTS))
            extra = self._dens_bins(np.arange(self.num_perm)[None, :],
                                    np.arange(have, more)[:, None])
            self._dens_table = np.concatenate([self._dens_table, extra])
        return self._dens_table[lo:hi, bins]

    def _dens_bins(self, bins: np.ndarray, attempt: int | np.ndarray) -> np.ndarray:
        """Bin that empty bin ``bins`` borrows from at try ``attempt`` (any document);
        broadcasts over arrays of bins and tries."""
        h = _fmix64((bins.astype(np.uint64) << _S32) ^ np.asarray(attempt, dtype=np.uint64)
                    ^ self._dens_key)
        h >>= _S32
        h *= _U64(self.num_perm)
        h >>= _S32
        return h.astype(np.int64)

    def _classic(self, sh: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
        p = self.num_perm
        out = np.full((n, p), EMPTY, dtype=np.uint32)
        keep = owner < n
        sh, owner = sh[keep], owner[keep]
        if len(owner) and np.any(owner[1:] < owner[:-1]):
            order = np.argsort(owner, kind="stable")
            sh, owner = sh[order], owner[order]
        docs, first = np.unique(owner, return_index=True)
        if not len(docs):
            return out
        # Bound the (chunk, shingles) temporary to about 8 MiB.
        step = max(1, (1 << 20) // max(len(sh), 1))
        tmp = np.empty((min(step, p), len(sh)), dtype=np.uint64)
        for lo in range(0, p, step):
            hi = min(lo + step, p)
            t = tmp[: hi - lo]
            np.multiply(self._a[lo:hi, None], sh[None, :], out=t)
            t += self._b[lo:hi, None]
            t >>= _S32
            mins = np.minimum.reduceat(t, first, axis=1)
            out[docs, lo:hi] = np.minimum(mins, _U64(EMPTY - np.uint32(1))).T
        return out
