"""The contextual attribution tagger (semantic extra): MiniLM token states and a BiLSTM."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from tests.conftest import count_operations, hang_guard

from storytrace.align.semantic import SemanticUnavailable, default_encoder
from storytrace.provenance import AttributionExtractor, extract_attributions
from storytrace.provenance import attribution as attribution_module
from storytrace.provenance.attribution import Tagger, tokenize, windows
from storytrace.provenance.contextual import CHUNK, LAYERS, STRIDE

needs_model = pytest.mark.skipif(default_encoder() is None,
                                 reason="semantic extra not installed")


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Torch on one thread: on a busy two-core machine its two spinning threads make each
    small LSTM call many times slower (the tests count work; this only saves time)."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def spans_ok(text: str, found) -> None:
    for a in found:
        for s in a.spans():
            assert 0 <= s.start < s.end <= len(text)
        assert 0.0 <= a.score <= 1.0


@needs_model
def test_token_states_cover_every_word_of_a_long_window() -> None:
    from storytrace.provenance.contextual import ContextualTagger

    # 350 words: more than one 256-piece chunk, so the chunks must be stitched.
    text = " ".join(f"Officials{k} said the plan{k} would work." for k in range(50))
    (tokens,) = list(windows(text))
    states = ContextualTagger.default().encoder.states(text, tokens)
    assert states.shape == (len(tokens), 768)
    assert np.all(np.abs(states).sum(axis=1) > 0)  # no token left without a state
    # A word's state depends on its context: the same word in two sentences differs.
    said = [k for k, (s, e) in enumerate(tokens) if text[s:e] == "said"]
    assert not np.allclose(states[said[0]], states[said[-1]])


@needs_model
def test_contextual_tagger_reads_sources_cues_and_contents() -> None:
    from storytrace.provenance.contextual import ContextualTagger

    t = ("The senator said the bill would pass. Critics of the plan, including two "
         "former mayors, have slammed it as a giveaway to developers.")
    found = [(lab, s.of(t)) for lab, s, _ in ContextualTagger.default().tag(t)]
    assert ("S", "The senator") in found and ("C", "said") in found
    assert ("T", "the bill would pass") in found
    assert any(lab == "C" and "slammed" in x for lab, x in found)


@needs_model
def test_semantic_extractor_on_the_seeds(seed_texts) -> None:
    a, b = seed_texts
    found = extract_attributions(a, semantic=True)
    spans_ok(a, found)
    aide = [x for x in found if x.source is not None
            and x.source.of(a) == "An administrative aide"]
    assert aide, [x.to_dict(a) for x in found]
    # Its cue is in its own sentence, after the source, not in the sentence before.
    cue = aide[0].cue
    assert cue is not None and aide[0].source.end <= cue.start
    assert "\n" not in a[aide[0].source.start : cue.end]
    named = {x.source.of(b) for x in extract_attributions(b, semantic=True) if x.source}
    assert {"US Herald", "New York Daily News"} <= named


class _CountingModel:
    """The encoder's transformer, counting the word pieces it reads (padding included).

    With ``fake`` it reads nothing and returns zero states: the windowing, chunking and
    the LSTM still run, at a fraction of the cost."""

    def __init__(self, model, fake: bool = False) -> None:
        self.model, self.fake, self.pieces, self.rows = model, fake, 0, []

    def __call__(self, *, input_ids, **kwargs):
        import torch

        self.pieces += input_ids.numel()
        self.rows.append(input_ids.shape[1])
        if not self.fake:
            return self.model(input_ids=input_ids, **kwargs)
        zeros = torch.zeros(*input_ids.shape, self.model.config.hidden_size)
        return SimpleNamespace(hidden_states=[zeros] * (max(LAYERS) + 1))


def _counting_model(monkeypatch, fake: bool = False) -> _CountingModel:
    from storytrace.provenance.contextual import ContextualTagger

    encoder = ContextualTagger.default().encoder
    counting = _CountingModel(encoder.model, fake)
    monkeypatch.setattr(encoder, "model", counting)
    return counting


@needs_model
@pytest.mark.parametrize("text", [
    "", "   ", '"' * 20_000, "\x00 said \x00 told \U0001F600 “hi,” 😀 said Bob.\n" * 200,
    "\ud800 lone surrogate said “x” \udfff " * 200, "Aa " * 1_000,
    "قال المتحدث إن الخطة فشلت. " * 100,  # right-to-left script
])
def test_hostile_input_gives_valid_offsets(text: str, monkeypatch) -> None:
    counting = _counting_model(monkeypatch)
    with hang_guard(600, "the contextual tagger on a hostile text"):
        found = extract_attributions(text, semantic=True)
    spans_ok(text, found)
    # The transformer reads each window in chunks of at most CHUNK pieces that overlap by
    # STRIDE, so it reads no more chunks than one per window plus one per CHUNK - STRIDE
    # - 2 pieces of text (a piece is at least a character): linear in the text, and
    # nothing at all for the wall of quote marks, which holds no words.
    found = list(windows(text))
    chars = sum(w[-1][1] - w[0][0] for w in found)
    assert all(n <= CHUNK for n in counting.rows)
    assert len(counting.rows) <= len(found) + chars // (CHUNK - STRIDE - 2), counting.rows


@needs_model
@pytest.mark.parametrize(("unit", "k"), [
    ("Aa ", 1_000),  # one long paragraph
    ("Officials said the plan would work. ", 300),
    ("قال المتحدث إن الخطة فشلت.\n", 150),  # many short right-to-left paragraphs
])
def test_contextual_work_grows_linearly(unit: str, k: int, monkeypatch) -> None:
    """Pieces through the transformer and lines run on k and 2k copies of a unit: twice
    the work, not four times (the transformer itself replaced by zeros: its cost per
    piece is fixed)."""
    extract_attributions("Warm-up, Smith said.", semantic=True)
    counting = _counting_model(monkeypatch, fake=True)
    work = []
    for copies in (k, 2 * k):
        counting.pieces = 0
        attribution_module._extracted.cache_clear()  # tag the text, not the cache's copy
        _, ops = count_operations(extract_attributions, unit * copies, semantic=True)
        work.append((counting.pieces, ops))
    (pieces_1, ops_1), (pieces_2, ops_2) = work
    assert 0 < pieces_2 <= 2.25 * pieces_1, work
    assert ops_2 <= 2.25 * ops_1 + 1_000, work


def test_auto_falls_back_to_the_word_tagger(monkeypatch) -> None:
    from storytrace.provenance import contextual

    monkeypatch.setattr(contextual, "default_encoder", lambda: None)
    # Not the cached tagger: build one, as a first call on a machine without the extra.
    monkeypatch.setattr(contextual, "_default_contextual",
                        lambda: contextual.ContextualTagger({}, {"hidden": 8}))
    attribution_module._learned_tagger.cache_clear()
    try:
        assert isinstance(AttributionExtractor(semantic="auto").learned, Tagger)
        with pytest.raises(SemanticUnavailable):
            AttributionExtractor(semantic=True).learned  # noqa: B018
        assert isinstance(AttributionExtractor().learned, Tagger)
        assert AttributionExtractor(use_tagger=False).learned is None
    finally:
        attribution_module._learned_tagger.cache_clear()


def test_model_file_records_its_training() -> None:
    from importlib import resources

    from storytrace.provenance.contextual import CONTEXTUAL_MODEL, load

    path = resources.files("storytrace") / "data" / CONTEXTUAL_MODEL
    weights, meta = load(path)
    assert "PolNeAR" in meta["trained_on"]["data"] and "holdout" not in meta["trained_on"]["data"]
    assert meta["hidden"] * 2 == weights["out.weight"].shape[1]
    assert weights["out.weight"].shape[0] == len(attribution_module.TAGS)
    assert path.stat().st_size < 4_000_000  # float16, compressed


def test_tokens_of_windows_are_the_tokenizer_s() -> None:
    t = "He said so.\nShe said no."
    assert [w for w in windows(t)] == [tokenize(t, 0, 11), tokenize(t, 12, len(t))]
