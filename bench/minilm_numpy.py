"""A numpy all-MiniLM-L6-v2 (no torch), timed against storytrace's torch one: issue 23 item 1.

Run: .venv/bin/python bench/minilm_numpy.py [--shared ../shared] [--runs 3]

Embeds the seeds' sentences (batches of 16) with each backend in its own process,
interleaved, and prints the median CPU seconds of the embedding (after loading), and the
largest difference from torch's embeddings. Backends: ``torch``
(``storytrace.align.minilm.MiniLM``), ``numpy`` (this module: the same BERT op for op in
float32, BERT's exact GELU by Abramowitz and Stegun 7.1.26 in blocks of 64 rows, within
4.2e-7 of the float64 GELU) and ``numpy-ndtr`` (the GELU by scipy's ``ndtr``). Not used by
storytrace: its floats are within 2e-7 of torch's, not equal (see docs/results.md,
"Start-up and the language shortcut", session 14).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from storytrace.align.minilm import WordPieces, model_config  # no torch

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the enclosed numpy products on one BLAS thread (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        yield
        return
    with threadpool_limits(1, user_api="blas"):
        yield


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(-1, keepdims=True)
    var = np.mean(x * x, axis=-1, keepdims=True)
    x *= 1 / np.sqrt(var + np.float32(eps))
    x *= weight
    x += bias
    return x


_F = np.float32
_AS = [_F(v) for v in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
NDTR = False  # the --backend numpy-ndtr switch


def _gelu_block(y: np.ndarray) -> None:
    """``y · Φ(y)`` in place, Φ from erfc by Abramowitz and Stegun 7.1.26."""
    z = np.abs(y)
    z *= _F(0.7071067811865476)
    t = z * _F(0.3275911)
    t += _F(1)
    np.reciprocal(t, out=t)
    q = _AS[0] * t
    for a in _AS[1:]:
        q += a
        q *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    q *= z
    q *= _F(0.5)  # Φ(-|y|)
    y *= np.where(y < 0, q, _F(1) - q)


def _gelu(y: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, ``y · Φ(y)``, in place (blocks of 64 rows stay in cache)."""
    if NDTR:
        from scipy.special import ndtr

        y *= ndtr(y)
        return y
    flat = y.reshape(-1, y.shape[-1])
    for s in range(0, len(flat), 64):
        _gelu_block(flat[s : s + 64])
    return y


class MiniLM:
    """The BERT encoder and its tokenizer, from a sentence-transformers model folder."""

    model_id = MODEL_ID

    def __init__(self, path: str | Path) -> None:
        import safetensors.numpy

        path = Path(path)
        self.config, self.max_seq_length = model_config(path)
        config = vars(self.config)
        weights = safetensors.numpy.load_file(str(path / "model.safetensors"))
        self.weights = {k.removeprefix("bert."): np.ascontiguousarray(v, dtype=np.float32)
                        for k, v in weights.items()}
        # Linear layers as (in, out) matrices, so a product is ``x @ w``.
        for name in [k for k in self.weights if k.startswith("encoder.") and
                     k.endswith(".weight") and self.weights[k].ndim == 2]:
            self.weights[name] = np.ascontiguousarray(self.weights[name].T)
        self.tokenizer = WordPieces(path, int(config.get("pad_token_id") or 0))

    def __call__(self, *, input_ids: Any, attention_mask: Any, token_type_ids: Any = None,
                 output_hidden_states: bool = False) -> SimpleNamespace:
        """``BertModel.forward`` without the pooler: ``last_hidden_state`` and, with
        ``output_hidden_states``, ``hidden_states`` (the embeddings, then every layer), as
        float32 arrays. Inputs are ``(batch, length)`` integer arrays (or tensors)."""
        ids = np.asarray(input_ids, dtype=np.int64)
        keep = np.asarray(attention_mask).astype(bool)
        types = np.zeros_like(ids) if token_type_ids is None else np.asarray(token_type_ids)
        with one_blas_thread():
            states = self._forward(ids, keep, types)
        return SimpleNamespace(last_hidden_state=states[-1],
                               hidden_states=tuple(states) if output_hidden_states else None)

    def _forward(self, ids: np.ndarray, keep: np.ndarray, types: np.ndarray) -> list[np.ndarray]:
        w, cfg = self.weights, self.config
        d, eps = cfg.hidden_size, cfg.layer_norm_eps
        heads = cfg.num_attention_heads
        head = d // heads
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.token_type_embeddings.weight"][types]
             + w["embeddings.position_embeddings.weight"][:length][None])
        x = _layer_norm(x.reshape(batch * length, d), w["embeddings.LayerNorm.weight"],
                        w["embeddings.LayerNorm.bias"], eps)
        # Added to the attention scores: -inf where the key is padding.
        mask = np.where(keep, np.float32(0), np.float32(-np.inf))[:, None, None, :]
        scale = np.float32(head ** -0.5)
        states = [x.reshape(batch, length, d)]
        for i in range(cfg.num_hidden_layers):
            p = f"encoder.layer.{i}."

            def linear(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                out = t @ w[f"{p}{name}.weight"]
                out += w[f"{p}{name}.bias"]
                return out

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, heads, head).transpose(0, 2, 1, 3)

            q = split(linear(x, "attention.self.query"))
            k = split(linear(x, "attention.self.key"))
            v = split(linear(x, "attention.self.value"))
            scores = (q * scale) @ k.transpose(0, 1, 3, 2)
            scores += mask
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            a = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, d)
            x = _layer_norm(linear(a, "attention.output.dense") + x, w[p + "attention.output."
                            "LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            y = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(linear(y, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"], eps)
            states.append(x.reshape(batch, length, d))
        return states

    def encode(self, sentences: list[str], batch_size: int = 64,
               max_length: int | None = None) -> np.ndarray:
        """Unit-length sentence embeddings (float32): the mean of each sentence's piece
        states, read longest first in batches, as ``SentenceTransformer.encode(...,
        normalize_embeddings=True)`` gives them. Pieces past ``max_length`` (default the
        model's 256) are cut."""
        limit = max_length or self.max_seq_length
        order = np.argsort([-len(s) for s in sentences], kind="stable")
        rows = np.zeros((len(sentences), self.config.hidden_size), dtype=np.float32)
        pad = self.tokenizer.pad_token_id
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            found = self.tokenizer.encode([sentences[i] for i in chosen], limit)
            n = max(len(e.ids) for e in found)
            ids = np.full((len(found), n), pad, dtype=np.int64)
            mask = np.zeros((len(found), n), dtype=np.float32)
            for j, e in enumerate(found):
                ids[j, :len(e.ids)] = e.ids
                mask[j, :len(e.ids)] = 1
            states = self(input_ids=ids, attention_mask=mask).last_hidden_state
            total = np.einsum("bld,bl->bd", states, mask)
            mean = total / np.maximum(mask.sum(1, keepdims=True), np.float32(1e-9))
            # The model's Normalize module, then encode's normalize_embeddings.
            for _ in range(2):
                mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True),
                                   np.float32(1e-12))
            rows[chosen] = mean
        return rows


def _one(backend: str, shared: Path, out: Path) -> None:
    """Embed the seeds' sentences with one backend; write CPU seconds and embeddings."""
    import time

    global NDTR
    from storytrace.align.semantic import model_dir
    from storytrace.text.doc import Doc

    sentences = [s for p in sorted((shared / "examples" / "seeds").glob("*.txt"))
                 for s in Doc(p.read_text(encoding="utf-8")).sentence_texts()]
    if backend == "torch":
        import os

        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from storytrace.align.minilm import MiniLM as TorchMiniLM

        model: Any = TorchMiniLM(model_dir())
    else:
        NDTR = backend == "numpy-ndtr"
        model = MiniLM(model_dir())
    start = time.process_time()
    rows = model.encode(sentences, batch_size=16)
    spent = time.process_time() - start
    np.save(out, rows)
    print(json.dumps({"cpu": spent, "sentences": len(sentences)}))


def main() -> None:
    import argparse
    import statistics
    import subprocess
    import sys
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args.one, args.shared, args.out)
        return
    backends = ("torch", "numpy", "numpy-ndtr")
    cpu: dict[str, list[float]] = {b: [] for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for b in backends:
                done = subprocess.run([sys.executable, __file__, "--one", b, "--shared",
                                       str(args.shared), "--out", f"{tmp}/{b}.npy"],
                                      capture_output=True, text=True, check=True)
                found = json.loads(done.stdout.strip().splitlines()[-1])
                cpu[b].append(found["cpu"])
        ref = np.load(f"{tmp}/torch.npy")
        print(f"{found['sentences']} sentences, medians of {args.runs} interleaved runs")
        for b in backends:
            diff = float(np.abs(np.load(f"{tmp}/{b}.npy") - ref).max())
            print(f"{b:<11} embedding CPU s {statistics.median(cpu[b]):.2f}  "
                  f"max |difference from torch| {diff:.2e}")


if __name__ == "__main__":
    main()
