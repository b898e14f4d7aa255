"""Word-level evidence for claims: which words of one sentence the other restates.

A sentence embedding averages a sentence into one vector, so two sentences on one topic
look alike whatever they state. BERTScore (Zhang et al. 2020) compares the encoder's
contextual word vectors instead: each word of one sentence is aligned, greedily, with the
most similar word of the other, and a statement restated in other words has every
content word aligned ("prohibited ... honoring ... detainer requests" ↔ "orders to hold a
defendant"), while a mere topic neighbour leaves some unmatched.

:func:`sentence_states` runs the sentence model once over a list of sentences and keeps,
for each, its unit-length embedding (mean of the last layer's word pieces, as
:meth:`~storytrace.align.minilm.MiniLM.encode` computes it) and one vector per word (the
mean of the word's pieces, unit length) with the word's offsets and whether it is a
content word. :func:`token_features` turns the word similarity matrix of two sentences
into :data:`TOKEN_FEATURES`: precision/recall/F1 of the greedy alignment, over all words
and over content words, the share of each side's content words aligned above two
similarities, and the lowest-aligned content word of each side (its similarity and
offsets through :func:`weakest_words`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from storytrace.text.words import STOPWORDS

ALIGNED = (0.5, 0.7)  # similarities from which a content word counts as restated
TOKEN_FEATURES = ("bs_precision", "bs_recall", "bs_f1", "bs_content_f1",
                  "bs_content_min_side", "bs_content_max_side",
                  "aligned50_min_side", "aligned50_max_side",
                  "aligned70_min_side", "aligned70_max_side",
                  "weakest_min_side", "weakest_max_side", "mutual_share")
BATCH = 64
RESTATED = 0.8  # similarity from which a word restates another (restated_words)


@dataclass(frozen=True)
class SentenceStates:
    """One sentence read by the model: ``embedding`` (unit length), ``words`` (one unit
    vector per word, ``n × d``), their character ``spans`` in the sentence, ``content``
    (a boolean per word: letters or digits, not a stop word) and ``plain`` (content words
    that are not names: not capitalised, or the sentence's first word; ``None``: as
    ``content``)."""

    embedding: np.ndarray
    words: np.ndarray
    spans: tuple[tuple[int, int], ...]
    content: np.ndarray
    plain: np.ndarray | None = None


_RECENT: OrderedDict[tuple[int, int, tuple[str, ...]], list[SentenceStates]] = OrderedDict()
KEPT = 2048  # sentences whose contextual states states_of keeps (~40 KB each: ~80 MB)
_KEPT: OrderedDict[tuple[int, str], SentenceStates] = OrderedDict()


def sentence_states(model: Any, sentences: Sequence[str], layer: int = -1
                    ) -> list[SentenceStates]:
    """Each sentence's embedding and word vectors from one pass of ``model`` (a
    :class:`~storytrace.align.minilm.MiniLM`); word vectors from hidden layer ``layer``
    (``-1``: the last). The last few lists are kept, so a repeat costs nothing."""
    key = (id(model), layer, tuple(sentences))
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    order = np.argsort([-len(s) for s in sentences], kind="stable")
    out: list[SentenceStates | None] = [None] * len(sentences)
    for start in range(0, len(order), BATCH):
        rows = order[start:start + BATCH]
        found = model.tokenizer.encode([sentences[i] for i in rows], model.max_seq_length)
        n = max(len(e.ids) for e in found)
        ids = np.full((len(found), n), model.tokenizer.pad_token_id, dtype=np.int64)
        mask = np.zeros((len(found), n), dtype=np.int64)
        for k, e in enumerate(found):
            ids[k, :len(e.ids)] = e.ids
            mask[k, :len(e.ids)] = 1
        result = _call(model, ids, mask, layer != -1)
        last = _array(result.last_hidden_state)
        chosen = last if layer == -1 else _array(result.hidden_states[layer])
        for k, (i, e) in enumerate(zip(rows, found, strict=True)):
            out[i] = _one(sentences[i], e, last[k, :len(e.ids)], chosen[k, :len(e.ids)])
    states = [s for s in out if s is not None]
    _RECENT[key] = states
    if len(_RECENT) > 4:
        _RECENT.popitem(last=False)
    return states


def static_states(model: Any, sentences: Sequence[str]) -> list[SentenceStates]:
    """Each sentence's words as the model's input word-piece vectors (no encoder pass: a
    table look-up, so free beside the pass that embeds the sentences); ``embedding`` is
    the mean of the word vectors, not the sentence model's."""
    table = model.weights["embeddings.word_embeddings.weight"]
    table = table if isinstance(table, np.ndarray) else _array(table)
    out = []
    for sentence, e in zip(sentences, model.tokenizer.encode(list(sentences),
                                                              model.max_seq_length),
                           strict=True):
        pieces = np.asarray(table[np.asarray(e.ids, dtype=np.int64)], dtype=np.float64)
        out.append(_one(sentence, e, pieces, pieces))
    return out


def clear_states() -> None:
    """Forget the word states kept by :func:`sentence_states` and :func:`states_of` (for
    measuring their cost)."""
    _RECENT.clear()
    _KEPT.clear()


def _call(model: Any, ids: np.ndarray, mask: np.ndarray, hidden: bool) -> Any:
    """The model's forward pass on numpy inputs (a torch-run model gets tensors)."""
    if not hasattr(model, "torch"):
        return model(input_ids=ids, attention_mask=mask, output_hidden_states=hidden)
    torch = model.torch
    with torch.inference_mode():
        return model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                     output_hidden_states=hidden)


def _array(x: Any) -> np.ndarray:
    """Hidden states as float64 numpy (from a numpy array or a torch tensor)."""
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=np.float64)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def _one(sentence: str, encoding: Any, last: np.ndarray, chosen: np.ndarray) -> SentenceStates:
    """A sentence's states from its encoding's pieces (``[CLS]``/``[SEP]`` in the mean,
    not among the words)."""
    embedding = _unit(last.mean(axis=0))
    groups: dict[int, list[int]] = {}
    for p, w in enumerate(encoding.word_ids):
        if w is not None:
            groups.setdefault(w, []).append(p)
    words, spans, content, named = [], [], [], []
    for pieces in groups.values():
        start, end = encoding.offsets[pieces[0]][0], encoding.offsets[pieces[-1]][1]
        text = sentence[start:end]
        words.append(chosen[pieces].mean(axis=0))
        spans.append((start, end))
        content.append(any(ch.isalnum() for ch in text) and text.lower() not in STOPWORDS)
        named.append(text[:1].isupper() and (len(spans) > 1 or text.isupper()))
    for k in range(1, len(named) - 1):  # "de" in "Bill de Blasio"
        named[k] = named[k] or (named[k - 1] and named[k + 1]
                                and spans[k][1] - spans[k][0] <= 3)
    vectors = _unit(np.array(words)) if words else np.zeros((0, chosen.shape[1]))
    return SentenceStates(embedding, vectors, tuple(spans), np.array(content, dtype=bool),
                          np.array(content, dtype=bool) & ~np.array(named, dtype=bool))


def token_features(x: SentenceStates, y: SentenceStates) -> np.ndarray:
    """:data:`TOKEN_FEATURES` of two sentences (symmetric where named ``min/max_side``).

    >>> e = np.eye(3)
    >>> s = SentenceStates(e[0], e, ((0, 1), (2, 3), (4, 5)), np.array([True, True, False]))
    >>> token_features(s, s).round(2).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    if not len(x.words) or not len(y.words):
        return np.zeros(len(TOKEN_FEATURES))
    sim = x.words @ y.words.T
    best_x, best_y = sim.max(axis=1), sim.max(axis=0)
    p, r = float(best_x.mean()), float(best_y.mean())
    cx = best_x[x.content] if x.content.any() else best_x
    cy = best_y[y.content] if y.content.any() else best_y
    c_p, c_r = float(cx.mean()), float(cy.mean())
    out = [p, r, _f1(p, r), _f1(c_p, c_r), min(c_p, c_r), max(c_p, c_r)]
    for t in ALIGNED:
        sx, sy = float((cx >= t).mean()), float((cy >= t).mean())
        out += [min(sx, sy), max(sx, sy)]
    wx, wy = float(cx.min()), float(cy.min())
    mutual = (sim >= best_x[:, None]) & (sim >= best_y[None, :])
    out += [min(wx, wy), max(wx, wy),
            2 * float(mutual.any(axis=1).sum()) / (len(x.words) + len(y.words))]
    return np.array(out)


def token_matrix(xs: Sequence[SentenceStates], ys: Sequence[SentenceStates]) -> np.ndarray:
    """:func:`token_features` of every pair ``(xs[i], ys[j])``: ``len(xs) × len(ys) × k``."""
    out = np.zeros((len(xs), len(ys), len(TOKEN_FEATURES)))
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            out[i, j] = token_features(x, y)
    return out


def states_of(encoder: Any, sentences: Sequence[str], kind: str = "contextual"
              ) -> list[SentenceStates]:
    """The word states of ``sentences`` read by ``encoder``'s model (a
    :class:`~storytrace.align.semantic.SentenceEncoder` or anything with a ``model``
    attribute that is a :class:`~storytrace.align.minilm.MiniLM`): ``contextual`` (the
    last layer) or ``static`` (:func:`static_states`).

    Contextual states are kept by sentence text (the last :data:`KEPT` sentences, word
    vectors as float32), so a version compared with many others (a source in a batch) is
    read once: a sentence not kept comes from the encoder's ``read`` where it has one
    (the pieces of the pass that embedded it, no new pass while the encoder still holds
    them), else from :func:`sentence_states` (one encoder pass)."""
    model = getattr(encoder, "model", None)
    if model is None or not hasattr(model, "tokenizer"):
        raise ValueError("word-level claim features need the MiniLM sentence encoder")
    if kind == "static":
        return static_states(model, sentences)
    if kind != "contextual":
        raise ValueError(f"unknown word states {kind!r}: contextual or static")
    found = {}
    for s in dict.fromkeys(sentences):
        kept = _KEPT.get((id(model), s))
        if kept is not None:
            _KEPT.move_to_end((id(model), s))
            found[s] = kept
    todo = [s for s in dict.fromkeys(sentences) if s not in found]
    if todo:
        read = getattr(encoder, "read", None)
        if callable(read):  # the pieces of the pass that embedded the sentences
            fresh = [_one(s, e, np.asarray(h, dtype=np.float64), np.asarray(h, dtype=np.float64))
                     for s, (e, h) in zip(todo, read(todo), strict=True)]
        else:
            fresh = sentence_states(model, todo)
        for s, st in zip(todo, fresh, strict=True):
            found[s] = _KEPT[id(model), s] = replace(st, words=st.words.astype(np.float32))
        while len(_KEPT) > KEPT:
            _KEPT.popitem(last=False)
    return [found[s] for s in sentences]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def restated_words(x: SentenceStates, y: SentenceStates, at: float = RESTATED) -> int:
    """How many plain words (content words, not names: ``SentenceStates.plain``) each
    sentence has that a plain word of the other restates (similarity at least ``at``):
    the smaller of the two counts. Two statements of one fact restate some of each
    other's words; two sentences that only share a name ("This goes against everything
    Mayor de Blasio has worked for." ~ "Mayor Bill de Blasio is a huge proponent of
    illegal immigration.") restate none.

    >>> e = np.eye(3)
    >>> s = SentenceStates(e[0], e, ((0, 1), (2, 3), (4, 5)), np.array([True, True, False]))
    >>> restated_words(s, s), restated_words(s, SentenceStates(e[2], e[2:], ((0, 1),),
    ...                                                         np.array([True])))
    (2, 0)
    """
    px = x.content if x.plain is None else x.plain
    py = y.content if y.plain is None else y.plain
    if not px.any() or not py.any():
        return 0
    sim = x.words[px] @ y.words[py].T
    return min(int((sim.max(axis=1) >= at).sum()), int((sim.max(axis=0) >= at).sum()))


def weakest_words(x: SentenceStates, y: SentenceStates, below: float = ALIGNED[0]
                  ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The content words of each sentence that no word of the other restates (best
    similarity under ``below``): their character spans in ``x``'s and in ``y``'s
    sentence."""
    if not len(x.words) or not len(y.words):
        return list(x.spans), list(y.spans)
    sim = x.words @ y.words.T
    weak_x = [x.spans[i] for i in np.flatnonzero(x.content & (sim.max(axis=1) < below))]
    weak_y = [y.spans[j] for j in np.flatnonzero(y.content & (sim.max(axis=0) < below))]
    return weak_x, weak_y
