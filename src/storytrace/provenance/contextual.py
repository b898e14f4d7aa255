"""The contextual attribution tagger (``semantic`` extra): MiniLM token states, a BiLSTM.

The same BIO Source/Cue/Content tags as :class:`~storytrace.provenance.attribution.Tagger`,
read from context instead of hand-made word features:

1. each token window of the text (:func:`~storytrace.provenance.tagging.windows`)
   goes through the verified all-MiniLM-L6-v2 encoder (``storytrace.align.semantic``);
   a token's state is the mean of its word pieces' hidden states at layers 3 and 6
   (768 numbers), long windows are read in overlapping chunks of 256 pieces;
2. a one-layer bidirectional LSTM over those states scores the 7 tags per token;
3. Viterbi over the log-probabilities keeps the path BIO-valid.

The encoder stays frozen; only the LSTM is trained
(``bench/train_attribution_contextual.py``, PolNeAR train split), and its weights ship as
``storytrace/data/attribution_contextual.npz`` (float16). On PolNeAR it finds sources
and cues that the word-feature tagger misses (see docs/results.md), at the price of a
transformer pass over the text: 0.3–0.8 s per news article on a 2-core laptop, so
``storytrace trace`` keeps the fast tagger and ``compare``/``eval`` use this one when
the extra is installed.

>>> from storytrace.align.semantic import default_encoder
>>> t = "The senator said the bill would pass."
>>> tagger = ContextualTagger.default() if default_encoder() else None
>>> tagger is None or [lab for lab, _, _ in tagger.tag(t)] == ["S", "C", "T"]
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storytrace.align.semantic import SemanticUnavailable, default_encoder
from storytrace.model import Span
from storytrace.provenance.tagging import TAGS, labelled_spans, viterbi, windows

__all__ = ["CONTEXTUAL_MODEL", "LAYERS", "ContextualTagger", "TokenEncoder", "build_network",
           "load", "network_weights", "save"]

CONTEXTUAL_MODEL = "attribution_contextual.npz"
LAYERS = (3, 6)  # hidden layers whose states are averaged per token and joined
CHUNK = 256  # word pieces per encoder pass
STRIDE = 64  # word pieces shared by consecutive chunks of a long window
BATCH = 16  # chunks per encoder pass
# Lone surrogates cannot be encoded for the tokenizer; one replacement character each keeps
# every offset where it was.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The LSTM reads the neighbours itself: Viterbi only keeps the path BIO-valid.
_FREE_TRANSITIONS = np.zeros((len(TAGS) + 1, len(TAGS)))


class TokenEncoder:
    """Contextual states of word tokens from the verified MiniLM encoder.

    Raises :class:`~storytrace.align.semantic.SemanticUnavailable` when the
    ``semantic`` extra is missing or its model fails verification.
    """

    def __init__(self) -> None:
        encoder = default_encoder()
        if encoder is None:
            raise SemanticUnavailable("the contextual tagger needs the semantic extra")
        import torch

        self.torch = torch
        self.tokenizer = encoder.model.tokenizer
        self.model = encoder.model
        self.dim = self.model.config.hidden_size * len(LAYERS)

    def states(self, text: str, tokens: Sequence[tuple[int, int]]) -> np.ndarray:
        """``(len(tokens), dim)`` states of the tokens ``text[s:e]`` of one window."""
        return self.states_of_windows(text, [tokens])[0]

    def states_of_windows(self, text: str, windows: Sequence[Sequence[tuple[int, int]]]
                          ) -> list[np.ndarray]:
        """:meth:`states` of several windows of ``text``, read in batches of similar size
        (one encoder pass per short window would cost more than the reading itself)."""
        out = [np.zeros((len(w), self.dim), dtype=np.float32) for w in windows]
        count = [np.zeros(len(w)) for w in windows]
        todo = [k for k, w in enumerate(windows) if w]
        if not todo:
            return out
        encoded = self.tokenizer(
            [_SURROGATE.sub("\ufffd", text[windows[k][0][0] : windows[k][-1][1]]) for k in todo],
            return_offsets_mapping=True, truncation=True, max_length=CHUNK, stride=STRIDE,
            return_overflowing_tokens=True)
        chunks = [(todo[j], ids, offsets) for j, ids, offsets in zip(
            encoded["overflow_to_sample_mapping"], encoded["input_ids"],
            encoded["offset_mapping"], strict=True)]
        chunks.sort(key=lambda c: len(c[1]))
        pad = self.tokenizer.pad_token_id or 0
        for b in range(0, len(chunks), BATCH):
            group = chunks[b : b + BATCH]
            n = max(len(ids) for _, ids, _ in group)
            ids = np.full((len(group), n), pad, dtype=np.int64)
            mask = np.zeros((len(group), n), dtype=np.int64)
            for i, (_, chunk_ids, _) in enumerate(group):
                ids[i, : len(chunk_ids)] = chunk_ids
                mask[i, : len(chunk_ids)] = 1
            with self.torch.inference_mode():
                hidden = self.model(input_ids=self.torch.from_numpy(ids),
                                    attention_mask=self.torch.from_numpy(mask),
                                    token_type_ids=self.torch.zeros_like(
                                        self.torch.from_numpy(ids)),
                                    output_hidden_states=True).hidden_states
            pieces = self.torch.cat([hidden[k] for k in LAYERS], -1).numpy()
            for i, (k, chunk_ids, offsets) in enumerate(group):
                self._add_pieces(windows[k], np.asarray(offsets).reshape(-1, 2),
                                 pieces[i, : len(chunk_ids)], out[k], count[k])
        for states, c in zip(out, count, strict=True):
            seen = c > 0
            states[seen] /= c[seen, None]
        return out

    @staticmethod
    def _add_pieces(tokens: Sequence[tuple[int, int]], offsets: np.ndarray, pieces: np.ndarray,
                    total: np.ndarray, count: np.ndarray) -> None:
        """Add each word piece's state to the token its first character lies in."""
        first = tokens[0][0]
        starts = np.array([s - first for s, _ in tokens])
        ends = np.array([e - first for _, e in tokens])
        a, z = offsets[:, 0], offsets[:, 1]
        owner = np.searchsorted(starts, a, side="right") - 1
        real = (z > a) & (owner >= 0)  # special pieces have empty offsets
        real[real] &= a[real] < ends[owner[real]]
        np.add.at(total, owner[real], pieces[real])
        np.add.at(count, owner[real], 1)


class ContextualTagger:
    """BIO Source/Cue/Content tagger over contextual token states.

    ``ContextualTagger.default()`` loads ``storytrace/data/attribution_contextual.npz``;
    :meth:`tag` returns ``(label, Span, confidence)`` like the word-feature ``Tagger``.
    """

    name = "contextual"

    def __init__(self, weights: dict[str, np.ndarray], meta: dict[str, Any],
                 encoder: TokenEncoder | None = None) -> None:
        self.encoder = encoder or TokenEncoder()  # first: it sets how torch loads
        import torch

        self.meta = meta
        self.lstm, self.out = build_network(self.encoder.dim, int(meta["hidden"]))
        state = {k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in weights.items()}
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.out.load_state_dict({k[4:]: v for k, v in state.items() if k.startswith("out.")})
        self.lstm.eval()
        self.out.eval()
        # Added to the "outside" tag's log-probability: below 0 trades precision for recall.
        self.o_bias = float(meta.get("o_bias", 0.0))

    @classmethod
    def default(cls) -> ContextualTagger:
        return _default_contextual()

    def scores(self, states: np.ndarray) -> np.ndarray:
        """Log-probabilities of the 7 tags for one window's token states."""
        import torch

        with torch.inference_mode():
            x = torch.from_numpy(np.asarray(states, dtype=np.float32))[None]
            logits = self.out(self.lstm(x)[0])[0]
            return torch.log_softmax(logits, -1).numpy().astype(np.float64)

    def tag(self, text: str) -> list[tuple[str, Span, float]]:
        out: list[tuple[str, Span, float]] = []
        found = list(windows(text))
        for tokens, states in zip(found, self.encoder.states_of_windows(text, found),
                                  strict=True):
            tags, e = self._decode(states)
            out += labelled_spans(tokens, tags, e)
        return out

    def _decode(self, states: np.ndarray) -> tuple[list[str], np.ndarray]:
        e = self.scores(states)
        e[:, 0] += self.o_bias
        return [TAGS[t] for t in viterbi(e, _FREE_TRANSITIONS)], e


def build_network(dim: int, hidden: int) -> tuple[Any, Any]:
    """The untrained BiLSTM and its output layer (the shapes the weights file holds)."""
    import torch

    return (torch.nn.LSTM(dim, hidden, batch_first=True, bidirectional=True),
            torch.nn.Linear(2 * hidden, len(TAGS)))


def network_weights(lstm: Any, out: Any) -> dict[str, np.ndarray]:
    """The weights of a network from :func:`build_network`, keyed as the file keeps them."""
    return {f"{part}.{k}": v.detach().numpy()
            for part, net in (("lstm", lstm), ("out", out)) for k, v in net.state_dict().items()}


def save(path: Any, weights: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write ``weights`` (from :func:`network_weights`) as float16 arrays and ``meta`` as
    JSON, in one ``.npz``."""
    arrays = {k: np.asarray(v).astype(np.float16) for k, v in weights.items()}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


def load(path: Any) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Weights and metadata written by :func:`save`."""
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        return {k: z[k] for k in z.files if k != "meta"}, meta


@lru_cache(maxsize=1)
def _default_contextual() -> ContextualTagger:
    with resources.as_file(resources.files("storytrace") / "data" / CONTEXTUAL_MODEL) as p:
        weights, meta = load(p)
    return ContextualTagger(weights, meta)
