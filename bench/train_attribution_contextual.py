"""Train the contextual attribution tagger, src/storytrace/data/attribution_contextual.npz.

Run: .venv/bin/python bench/train_attribution_contextual.py [--holdout] [--epochs 4] [--no-write]

Needs the semantic extra (torch and the verified all-MiniLM-L6-v2). Data: the PolNeAR
train split only (../shared/data/polnear-attribution/train, 840 articles), read and
tagged as bench/train_attribution.py does (same windows, same gold BIO tags).

Model (storytrace.provenance.contextual): frozen MiniLM token states (layers 3 and 6,
768 numbers per token), a one-layer BiLSTM (``--hidden`` units each way) with dropout
0.2 on its input and output, a linear layer to the 7 tags; cross-entropy, Adam (lr
1e-3), batches of 16 windows, ``--epochs`` passes in a seeded order.

``--holdout`` trains on 4/5 of train and scores the whole extractor (rules merged with
this tagger) on every fifth article, which is how the epochs, the hidden size and
the outside-tag bias were chosen; dev is for reporting only. Takes about 8 minutes
on 2 CPU cores (4 to read the text through MiniLM, 4 to train).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from storytrace.eval.attribution import read_brat
from storytrace.provenance.attribution import TAGS, windows
from storytrace.provenance.contextual import (
    CONTEXTUAL_MODEL,
    ContextualTagger,
    TokenEncoder,
    build_network,
    network_weights,
    save,
)
from train_attribution import POLNEAR, SEED, Doc, gold_tags, score_tagger, split_holdout

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "storytrace" / "data" / CONTEXTUAL_MODEL
HIDDEN = 128  # chosen on the holdout fifth with 4 epochs (token Source F1 0.797)
# Outside-tag shift of the log-probabilities; chosen on the holdout fifth
# (whole-extractor Source overlap F1; tried -1.0, -0.5, 0, +0.5).
O_BIAS = 0.0


class CachedEncoder:
    """A TokenEncoder that reads each window once (scoring several biases re-reads it)."""

    def __init__(self, encoder: TokenEncoder) -> None:
        self.encoder = encoder
        self.dim = encoder.dim
        self.cache: dict[tuple[int, int, int], np.ndarray] = {}

    def states(self, text: str, tokens) -> np.ndarray:
        key = (hash(text), tokens[0][0], len(tokens)) if tokens else (0, 0, 0)
        if key not in self.cache:
            self.cache[key] = self.encoder.states(text, tokens)
        return self.cache[key]

    def states_of_windows(self, text: str, windows) -> list[np.ndarray]:
        return [self.states(text, tokens) for tokens in windows]


def read_windows(docs: dict[str, Doc], encoder, log) -> list[tuple[np.ndarray, np.ndarray]]:
    """(token states as float16, gold tag ids) for every tagger window of ``docs``."""
    out = []
    t0 = time.time()
    for i, (_, (text, anns)) in enumerate(sorted(docs.items())):
        for tokens in windows(text):
            out.append((encoder.states(text, tokens).astype(np.float16),
                        np.array(gold_tags(tokens, anns))))
        if i % 100 == 99:
            log(f"  read {i + 1}/{len(docs)} articles ({time.time() - t0:.0f} s)")
    return out


def train(data: list[tuple[np.ndarray, np.ndarray]], dim: int, hidden: int, epochs: int,
          log) -> tuple:
    import torch

    torch.manual_seed(SEED)
    lstm, out = build_network(dim, hidden)
    drop = torch.nn.Dropout(0.2)
    params = [*lstm.parameters(), *out.parameters()]
    opt = torch.optim.Adam(params, 1e-3)
    rng = np.random.default_rng(SEED)
    t0 = time.time()
    for epoch in range(epochs):
        order = rng.permutation(len(data))
        total = 0.0
        for i in range(0, len(order), 16):
            batch = [data[j] for j in order[i : i + 16]]
            n = max(len(y) for _, y in batch)
            x = torch.zeros(len(batch), n, dim)
            y = torch.full((len(batch), n), -100, dtype=torch.long)
            for k, (states, gold) in enumerate(batch):
                x[k, : len(gold)] = torch.from_numpy(states.astype(np.float32))
                y[k, : len(gold)] = torch.from_numpy(gold)
            logits = out(drop(lstm(drop(x))[0]))
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(TAGS)),
                                                     y.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(batch)
        log(f"  epoch {epoch + 1}/{epochs}: loss {total / len(data):.4f} "
            f"({time.time() - t0:.0f} s)")
    return lstm.eval(), out.eval()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=POLNEAR / "train")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--holdout", action="store_true",
                    help="train on 4/5 of train, score the other 1/5 (for tuning)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    def log(m: str) -> None:
        print(m, file=sys.stderr, flush=True)

    docs, held = split_holdout(read_brat(args.data), args.holdout)
    encoder = TokenEncoder()
    data = read_windows(docs, encoder, log)
    log(f"{len(docs)} articles, {len(data)} windows, {sum(len(y) for _, y in data)} tokens")
    lstm, out = train(data, encoder.dim, args.hidden, args.epochs, log)
    meta = {
        "trained_on": {
            "data": f"PolNeAR v1.0 train split ({len(docs)} articles)"
                    + (", minus every fifth article (holdout)" if held else ""),
            "command": "bench/train_attribution_contextual.py"
                       + f" --epochs {args.epochs} --hidden {args.hidden}"
                       + (" --holdout" if held else ""),
            "model": "frozen all-MiniLM-L6-v2 token states (layers 3+6), BiLSTM, BIO "
                     "Source/Cue/Content", "epochs": args.epochs, "seed": SEED},
        "hidden": args.hidden, "o_bias": O_BIAS,
    }
    weights = network_weights(lstm, out)
    tagger = ContextualTagger(weights, meta, encoder=CachedEncoder(encoder))
    sample = dict(sorted(docs.items())[::10])
    margins = [c for text, _ in sample.values() for _, _, c in tagger.tag(text)]
    meta["margin_scale"] = round(float(np.median(margins)) if margins else 1.0, 3)
    if held:
        scores = {}
        for bias in (-1.0, -0.5, 0.0, 0.5):
            tagger.o_bias = bias
            scores[bias] = score_tagger(tagger, held)
            log(f"o_bias {bias:+.1f}: " + json.dumps(
                {lb: s["overlap"]["f1"] for lb, s in scores[bias].items()}))
        meta["holdout_scores"] = scores[O_BIAS]
        for label, s in scores[O_BIAS].items():
            print(label, json.dumps(s))
    if not args.no_write:
        save(args.out, weights, meta)
        log(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
