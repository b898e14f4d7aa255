"""The contextual attribution tagger (semantic extra): MiniLM token states and a BiLSTM."""

from __future__ import annotations

import time

import numpy as np
import pytest

from storytrace.align.semantic import SemanticUnavailable, default_encoder
from storytrace.provenance import AttributionExtractor, extract_attributions
from storytrace.provenance import attribution as attribution_module
from storytrace.provenance.attribution import Tagger, tokenize, windows

needs_model = pytest.mark.skipif(default_encoder() is None,
                                 reason="semantic extra not installed")


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


@needs_model
@pytest.mark.parametrize("text", [
    "", "   ", '"' * 20_000, "\x00 said \x00 told \U0001F600 “hi,” 😀 said Bob.\n" * 200,
    "\ud800 lone surrogate said “x” \udfff " * 200, "Aa " * 20_000,
    "قال المتحدث إن الخطة فشلت. " * 100,  # right-to-left script
])
def test_hostile_input_gives_valid_offsets(text: str) -> None:
    t0 = time.perf_counter()
    found = extract_attributions(text, semantic=True)
    assert time.perf_counter() - t0 < 30.0
    spans_ok(text, found)


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
