"""all-MiniLM-L6-v2 in plain torch: sentence-transformers' numbers without its import.

Importing sentence-transformers (and with it transformers and scikit-learn) costs about
five CPU-seconds, more than the model then spends embedding two news articles. The model
is a 6-layer BERT; this module runs it with torch alone, its weights read with
safetensors and its word pieces cut by the tokenizers library, op for op as
transformers' ``BertModel`` (sdpa attention) and sentence-transformers' mean pooling and
normalisation compute them, so embeddings and hidden states are the same floats
(``tests/test_minilm.py`` compares them where sentence-transformers is installed).

:class:`MiniLM` offers the slice of the two libraries that storytrace uses:
:meth:`MiniLM.encode` (``SentenceTransformer.encode`` with ``normalize_embeddings=True``),
calling it on ``input_ids``/``attention_mask`` for hidden states (``BertModel``), and
:attr:`MiniLM.tokenizer` for word pieces with offsets in overlapping chunks.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


class WordPieces:
    """The model's tokenizer, called as a Hugging Face fast tokenizer is for chunks:
    ``tokenizer(texts, return_offsets_mapping=True, truncation=True, max_length=n,
    stride=k, return_overflowing_tokens=True)`` gives ``input_ids``, ``offset_mapping``
    and ``overflow_to_sample_mapping`` (lists, unpadded)."""

    def __init__(self, path: Path, pad_token_id: int) -> None:
        import tokenizers

        self.backend = tokenizers.Tokenizer.from_file(str(path / "tokenizer.json"))
        self.backend.no_padding()
        self.pad_token_id = pad_token_id

    def encode(self, texts: list[str], max_length: int, stride: int = 0) -> list[Any]:
        """The backend's encodings of ``texts`` (special tokens added), truncated."""
        self.backend.enable_truncation(max_length, stride=stride, strategy="longest_first",
                                       direction="right")
        return self.backend.encode_batch(texts, add_special_tokens=True)

    def __call__(self, texts: list[str], *, return_offsets_mapping: bool = True,
                 truncation: bool = True, max_length: int, stride: int = 0,
                 return_overflowing_tokens: bool = True) -> dict[str, list]:
        if not (return_offsets_mapping and truncation and return_overflowing_tokens):
            raise ValueError("WordPieces only cuts texts into chunks with offsets")
        out: dict[str, list] = {"input_ids": [], "offset_mapping": [],
                                "overflow_to_sample_mapping": []}
        for i, first in enumerate(self.encode(list(texts), max_length, stride)):
            for e in (first, *first.overflowing):
                out["input_ids"].append(e.ids)
                out["offset_mapping"].append(e.offsets)
                out["overflow_to_sample_mapping"].append(i)
        return out


def model_config(path: Path) -> tuple[SimpleNamespace, int]:
    """A sentence-transformers model folder's BERT config (``config.json``) and its
    ``max_seq_length`` (``sentence_bert_config.json``)."""
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    return SimpleNamespace(**config), int(json.loads(
        (path / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])


class MiniLM:
    """The BERT encoder and its tokenizer, from a sentence-transformers model folder."""

    def __init__(self, path: str | Path) -> None:
        import safetensors.torch
        import torch

        self.torch = torch
        path = Path(path)
        self.config, self.max_seq_length = model_config(path)
        weights = safetensors.torch.load_file(str(path / "model.safetensors"))
        self.weights = {k.removeprefix("bert."): v for k, v in weights.items()}
        self.tokenizer = WordPieces(path, int(getattr(self.config, "pad_token_id", 0) or 0))

    def __call__(self, *, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                 token_type_ids: torch.Tensor | None = None,
                 output_hidden_states: bool = False) -> SimpleNamespace:
        """``BertModel.forward`` without the pooler: ``last_hidden_state`` and, with
        ``output_hidden_states``, ``hidden_states`` (the embeddings, then every layer)."""
        import torch.nn.functional as F

        torch, w, cfg = self.torch, self.weights, self.config
        d, eps = cfg.hidden_size, cfg.layer_norm_eps
        head = d // cfg.num_attention_heads
        batch, length = input_ids.shape
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = F.embedding(input_ids, w["embeddings.word_embeddings.weight"])
        x = x + F.embedding(token_type_ids, w["embeddings.token_type_embeddings.weight"])
        x = x + F.embedding(torch.arange(length)[None], w["embeddings.position_embeddings.weight"])
        x = F.layer_norm(x, (d,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                         eps)
        # transformers' sdpa mask: (batch, 1, query, key), True where the key is a real piece.
        mask = attention_mask.bool()[:, None, None, :].expand(batch, 1, length, length)
        mask = mask.contiguous()
        states = [x]
        for i in range(cfg.num_hidden_layers):
            p = f"encoder.layer.{i}."

            def linear(t: torch.Tensor, name: str, p: str = p) -> torch.Tensor:
                return F.linear(t, w[f"{p}{name}.weight"], w[f"{p}{name}.bias"])

            shape = (batch, length, -1, head)
            q = linear(x, "attention.self.query").view(shape).transpose(1, 2)
            k = linear(x, "attention.self.key").view(shape).transpose(1, 2)
            v = linear(x, "attention.self.value").view(shape).transpose(1, 2)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.0,
                                               scale=head**-0.5, is_causal=False)
            a = a.transpose(1, 2).contiguous().reshape(batch, length, -1).contiguous()
            x = F.layer_norm(linear(a, "attention.output.dense") + x, (d,),
                             w[p + "attention.output.LayerNorm.weight"],
                             w[p + "attention.output.LayerNorm.bias"], eps)
            y = F.gelu(linear(x, "intermediate.dense"))
            x = F.layer_norm(linear(y, "output.dense") + x, (d,), w[p + "output.LayerNorm.weight"],
                             w[p + "output.LayerNorm.bias"], eps)
            states.append(x)
        return SimpleNamespace(last_hidden_state=x,
                               hidden_states=tuple(states) if output_hidden_states else None)

    def encode(self, sentences: list[str], batch_size: int = 64,
               pieces: list[Any] | None = None) -> np.ndarray:
        """Unit-length sentence embeddings: the mean of each sentence's piece states, read
        longest first in batches, as ``SentenceTransformer.encode(...,
        normalize_embeddings=True)`` gives them.

        ``pieces``, a list as long as ``sentences``, receives at each sentence's place
        its word-piece encoding (ids, offsets) and last-layer piece states (float32,
        pieces × 384), from the same pass: word-level readers need not run it again."""
        import torch.nn.functional as F

        torch = self.torch
        order = np.argsort([-len(s) for s in sentences])
        ranked = [sentences[i] for i in order]
        rows: list[torch.Tensor] = []
        with torch.inference_mode():
            for start in range(0, len(ranked), batch_size):
                found = self.tokenizer.encode(ranked[start:start + batch_size],
                                              self.max_seq_length)
                n = max(len(e.ids) for e in found)
                ids = torch.full((len(found), n), self.tokenizer.pad_token_id, dtype=torch.long)
                mask = torch.zeros((len(found), n), dtype=torch.long)
                for j, e in enumerate(found):
                    ids[j, :len(e.ids)] = torch.tensor(e.ids, dtype=torch.long)
                    mask[j, :len(e.ids)] = 1
                states = self(input_ids=ids, attention_mask=mask,
                              token_type_ids=torch.zeros_like(ids)).last_hidden_state
                if pieces is not None:
                    for j, e in enumerate(found):
                        pieces[order[start + j]] = (e, states[j, :len(e.ids)].numpy().copy())
                weight = mask.unsqueeze(-1).to(states.dtype)
                total = (states * weight).sum(dim=1, dtype=states.dtype)
                count = torch.clamp(weight.sum(dim=1, dtype=states.dtype), min=1e-9)
                mean = (total / count).to(states.dtype)
                # The model's Normalize module, then encode's normalize_embeddings.
                rows.extend(F.normalize(F.normalize(mean, p=2, dim=-1), p=2, dim=1))
        rows = [rows[i] for i in np.argsort(order)]
        return torch.stack(rows).numpy()
