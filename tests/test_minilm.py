"""storytrace.align.minilm gives sentence-transformers' and transformers' very floats (the
paraphrase, similarity and attribution models were tuned on those), without importing
either library."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from storytrace.align.semantic import default_encoder, model_dir
from storytrace.provenance.contextual import CHUNK, STRIDE

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(default_encoder() is None, reason="semantic extra unavailable")]

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seeds"
HOSTILE = ["", "   ", "x " * 600, "Zürich naïve 東京 😀 don't U.S. $4.5m « » straße İstanbul ﬁne",
           "قال المتحدث إن الخطة فشلت. " * 30, "\x00 said \x00 told “hi,” said Bob.\n" * 40,
           "The senator said the bill would pass.", "ALL CAPS, SAID THE MAYOR!"]


@pytest.fixture(scope="module")
def reference():
    st = pytest.importorskip("sentence_transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return st.SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)


def _sentence_lists() -> list[list[str]]:
    from storytrace.text.doc import Doc

    lists = [HOSTILE, [" "], ["word"] * 3, [f"Sentence number {i} of a long list." * (i % 7 + 1)
                                            for i in range(150)]]
    lists += [Doc(p.read_text(encoding="utf-8")).sentence_texts()
              for p in sorted(SEEDS.glob("*.txt"))]
    return lists


def test_embeddings_match_sentence_transformers(reference):
    model = default_encoder().model
    for sentences in _sentence_lists():
        ours = model.encode(sentences, batch_size=64)
        ref = reference.encode(sentences, batch_size=64, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        assert ours.dtype == ref.dtype and np.array_equal(ours, ref)


def test_hidden_states_and_chunks_match_transformers(reference):
    import torch

    model = default_encoder().model
    kwargs = {"return_offsets_mapping": True, "truncation": True, "max_length": CHUNK,
              "stride": STRIDE, "return_overflowing_tokens": True}
    texts = [*HOSTILE, "Aa " * 1_000]
    ours, ref = model.tokenizer(texts, **kwargs), reference.tokenizer(texts, **kwargs)
    for key in ("input_ids", "offset_mapping", "overflow_to_sample_mapping"):
        assert [list(map(tuple, x)) if key == "offset_mapping" else x for x in ours[key]] == \
            [list(map(tuple, x)) if key == "offset_mapping" else x for x in ref[key]], key
    rows = ours["input_ids"]
    n = max(map(len, rows))
    ids = torch.zeros((len(rows), n), dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    args = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids),
            "output_hidden_states": True}
    with torch.inference_mode():
        mine = model(**args).hidden_states
        theirs = reference[0].auto_model.eval()(**args).hidden_states
    assert len(mine) == len(theirs)
    assert all(torch.equal(a, b) for a, b in zip(mine, theirs, strict=True))


def test_read_gives_the_embedding_pass_pieces_without_another_call():
    from storytrace.align.semantic import SentenceEncoder

    encoder = SentenceEncoder()
    sentences = _sentence_lists()[-1]
    embeddings = encoder.encode(sentences)
    calls = encoder.calls
    read = encoder.read(sentences)
    assert encoder.calls == calls  # the pass that embedded them kept their pieces
    model = encoder.model
    for sentence, (encoding, states), embedding in zip(sentences, read, embeddings,
                                                       strict=True):
        assert list(encoding.ids) == model.tokenizer.encode([sentence],
                                                            model.max_seq_length)[0].ids
        assert states.shape == (len(encoding.ids), 384)
        mean = states.mean(axis=0)
        assert np.allclose(mean / np.linalg.norm(mean), embedding, atol=1e-5)
    encoder.forget()
    again = encoder.read(sentences[:3])
    assert encoder.calls == calls + 1
    assert all(np.allclose(x[1], y[1], atol=1e-5) for x, y in zip(again, read, strict=False))
