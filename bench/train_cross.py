"""A cross-encoder claim scorer: all-MiniLM-L6-v2 reading both sentences at once, fine-tuned
on MSRP train with LoRA (hand-written, torch only), measured by cross-validation.

Run: .venv/bin/python bench/train_cross.py --folds 0,1 --epochs 2 --threads 1 --save --tag b_
(held-out folds of the shipped model's 10, ``train_claims.msrp_split``: the same seeded
StratifiedKFold; about 225 CPU-s a fold with one thread; two threads cost several times
the CPU on a busy machine). ``--final`` trains on every pair and writes the adapters and
head to build/cross/claims_cross.npz.

The two sentences go through the shipped sentence model as one input (``[CLS] a [SEP] b
[SEP]``, token types 0/1). Every layer's attention projections named by ``--targets``
get a low-rank update ``W + (alpha / r) B A`` (A: r x 384, B: 384 x r, B starts at zero),
and a linear head reads the mean of the last-layer piece states (the pooling the model
was trained with). Only A, B and the head are trained; the base weights stay frozen, so
the model is the adapters and the head (282 KB for rank 8 on query and value), to be
merged into the base weights at load (W + scale B A: no new runtime dependency).
Accuracy is reported on the held-out fold(s) at probability 0.5, with
CPU seconds (user + system) per fold.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from storytrace.align.minilm import MiniLM
from storytrace.align.semantic import model_dir
from train_claims import msrp_split

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "cross"
MAX_LEN = 128


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class LoraCross(torch.nn.Module):
    """MiniLM with LoRA on ``targets`` of every layer and a linear head on the mean state."""

    def __init__(self, base: MiniLM, targets: tuple[str, ...], rank: int, alpha: float,
                 dropout: float, start: int = 0) -> None:
        super().__init__()
        self.base, self.targets, self.scale = base, targets, alpha / rank
        self.dropout = dropout
        d = base.config.hidden_size
        self.lora = torch.nn.ParameterDict()
        self.start = start
        for i in range(start, base.config.num_hidden_layers):
            for t in targets:
                out, inp = base.weights[f"encoder.layer.{i}.{t}.weight"].shape
                key = f"{i}_{t.replace('.', '_')}"
                a = torch.empty(rank, inp)
                torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
                self.lora[key + "_A"] = torch.nn.Parameter(a)
                self.lora[key + "_B"] = torch.nn.Parameter(torch.zeros(out, rank))
        self.head = torch.nn.Linear(d, 1)

    def embed(self, ids: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        w, cfg = self.base.weights, self.base.config
        x = F.embedding(ids, w["embeddings.word_embeddings.weight"])
        x = x + F.embedding(types, w["embeddings.token_type_embeddings.weight"])
        x = x + F.embedding(torch.arange(ids.shape[1])[None],
                            w["embeddings.position_embeddings.weight"])
        return F.layer_norm(x, (cfg.hidden_size,), w["embeddings.LayerNorm.weight"],
                            w["embeddings.LayerNorm.bias"], cfg.layer_norm_eps)

    def layer(self, i: int, x: torch.Tensor, att: torch.Tensor) -> torch.Tensor:
        w, cfg = self.base.weights, self.base.config
        d, eps = cfg.hidden_size, cfg.layer_norm_eps
        head = d // cfg.num_attention_heads
        batch, length = x.shape[:2]
        p = f"encoder.layer.{i}."

        def linear(t: torch.Tensor, name: str) -> torch.Tensor:
            y = F.linear(t, w[f"{p}{name}.weight"], w[f"{p}{name}.bias"])
            key = f"{i}_{name.replace('.', '_')}"
            if key + "_A" in self.lora:
                u = F.dropout(t, self.dropout, self.training)
                y = y + (u @ self.lora[key + "_A"].T @ self.lora[key + "_B"].T) * self.scale
            return y

        shape = (batch, length, -1, head)
        q = linear(x, "attention.self.query").view(shape).transpose(1, 2)
        k = linear(x, "attention.self.key").view(shape).transpose(1, 2)
        v = linear(x, "attention.self.value").view(shape).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=att, scale=head**-0.5)
        a = a.transpose(1, 2).reshape(batch, length, -1)
        x = F.layer_norm(linear(a, "attention.output.dense") + x, (d,),
                         w[p + "attention.output.LayerNorm.weight"],
                         w[p + "attention.output.LayerNorm.bias"], eps)
        y = F.gelu(linear(x, "intermediate.dense"))
        return F.layer_norm(linear(y, "output.dense") + x, (d,),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, start: int = 0) -> torch.Tensor:
        """The logit from the input of layer ``start`` (the embeddings when 0)."""
        batch, length = mask.shape
        att = mask.bool()[:, None, None, :].expand(batch, 1, length, length)
        for i in range(start, self.base.config.num_hidden_layers):
            x = self.layer(i, x, att)
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(F.dropout(pooled, self.dropout, self.training)).squeeze(-1)


def encode_pairs(base: MiniLM, a: list[str], b: list[str]) -> list[tuple[list, list]]:
    tok = base.tokenizer.backend
    tok.enable_truncation(MAX_LEN, strategy="longest_first")
    return [(e.ids, e.type_ids) for e in tok.encode_batch(list(zip(a, b, strict=True)))]


def ids_batch(enc: list[tuple[list, list]], rows: np.ndarray
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    n = max(len(enc[r][0]) for r in rows)
    ids = torch.zeros((len(rows), n), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for j, r in enumerate(rows):
        i, t = enc[r]
        ids[j, :len(i)] = torch.tensor(i)
        types[j, :len(t)] = torch.tensor(t)
        mask[j, :len(i)] = 1
    return ids, types, mask


class Inputs:
    """Each pair's input to the first adapted layer: the embeddings (``start`` 0, made
    per batch) or the frozen lower layers' output, computed once (float16)."""

    def __init__(self, model: LoraCross, enc: list, start: int) -> None:
        self.model, self.enc, self.start = model, enc, start
        self.states: list[torch.Tensor] = []
        if start:
            model.eval()
            order = np.argsort([len(e[0]) for e in enc])
            self.states = [torch.empty(0)] * len(enc)
            with torch.inference_mode():
                for s in range(0, len(order), 64):
                    part = order[s:s + 64]
                    ids, types, mask = ids_batch(enc, part)
                    x = model.embed(ids, types)
                    n = ids.shape[1]
                    att = mask.bool()[:, None, None, :].expand(len(part), 1, n, n)
                    for i in range(start):
                        x = model.layer(i, x, att)
                    for j, r in enumerate(part):
                        self.states[r] = x[j, :len(enc[r][0])].to(torch.float16).clone()

    def __call__(self, rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        ids, types, mask = ids_batch(self.enc, rows)
        if not self.start:
            return self.model.embed(ids, types), mask
        x = torch.zeros((len(rows), ids.shape[1], self.states[rows[0]].shape[1]))
        for j, r in enumerate(rows):
            x[j, :len(self.states[r])] = self.states[r].float()
        return x, mask


def batches(enc: list, rows: np.ndarray, size: int, rng: np.random.Generator | None
            ) -> list[np.ndarray]:
    """Length-bucketed batches: rows sorted by length within chunks of 50 batches (shuffled
    when ``rng``), so padding stays small."""
    rows = rng.permutation(rows) if rng is not None else rows
    out = []
    chunk = size * 50
    for s in range(0, len(rows), chunk):
        part = rows[s:s + chunk]
        part = part[np.argsort([len(enc[r][0]) for r in part], kind="stable")]
        out += [part[k:k + size] for k in range(0, len(part), size)]
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def predict(model: LoraCross, inputs: Inputs, rows: np.ndarray) -> np.ndarray:
    model.eval()
    logits = np.zeros(len(rows))
    where = {r: k for k, r in enumerate(rows)}
    with torch.inference_mode():
        for part in batches(inputs.enc, rows, 64, None):
            out = model(*inputs(part), inputs.start).numpy()
            for r, v in zip(part, out, strict=True):
                logits[where[r]] = v
    return logits


def train(model: LoraCross, inputs: Inputs, y: np.ndarray, rows: np.ndarray,
          args: argparse.Namespace, log: str) -> None:
    rng = np.random.default_rng(args.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * math.ceil(len(rows) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    target = torch.tensor(y, dtype=torch.float32)
    step, t0 = 0, cpu()
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for part in batches(inputs.enc, rows, args.batch, rng):
            loss = F.binary_cross_entropy_with_logits(model(*inputs(part), inputs.start),
                                                      target[part])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            total += float(loss.detach()) * len(part)
            if step % 50 == 0:
                print(f"  {log} epoch {epoch} step {step}/{steps} loss {float(loss):.3f} "
                      f"cpu {cpu() - t0:.0f}s", flush=True)
        print(f"  {log} epoch {epoch} mean loss {total / len(rows):.4f} cpu {cpu() - t0:.0f}s",
              flush=True)


def export(model: LoraCross, args: argparse.Namespace, extra: dict) -> dict[str, np.ndarray]:
    """The adapters (float32) and the head as storytrace.diff.cross reads them."""
    bundle: dict[str, np.ndarray] = {}
    adapted = []
    for key, value in model.lora.items():
        layer, rest = key.split("_", 1)
        target, part = rest.rsplit("_", 1)
        name = f"encoder.layer.{layer}.{target.replace('_', '.')}"
        if part == "A":
            adapted.append(name)
        bundle[f"{name}.{part}"] = value.detach().numpy().astype(np.float32)
    bundle["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    bundle["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    meta = {"adapted": adapted, "scale": model.scale, "rank": args.rank,
            "base": "sentence-transformers/all-MiniLM-L6-v2", "pooling": "mean",
            "trained": "MSRP train, all 4,076 pairs", "args": vars(args), **extra}
    bundle["meta"] = np.array(json.dumps(meta))
    return bundle


def final(base: MiniLM, inputs: Inputs, y: np.ndarray, args: argparse.Namespace) -> None:
    """Train on all pairs and write the adapters and head to build/cross/claims_cross.npz
    (not shipped: see docs/results.md, "Cross-encoder trial")."""
    torch.manual_seed(args.seed)
    model = LoraCross(base, tuple(args.targets.split(",")), args.rank, args.alpha,
                      args.dropout, args.adapt_from)
    inputs.model = model
    t0 = cpu()
    train(model, inputs, y, np.arange(len(y)), args, "final")
    bundle = export(model, args, {"train_cpu_s": round(cpu() - t0)})
    path = OUT / "claims_cross.npz"
    np.savez_compressed(path, **bundle)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", default="0", help="held-out folds, e.g. 0 or 0,1,2 or all")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--targets", default="attention.self.query,attention.self.value")
    ap.add_argument("--limit", type=int, default=0, help="train on this many pairs (timing)")
    ap.add_argument("--adapt-from", type=int, default=0,
                    help="adapt layers from this one up; the lower ones run once, frozen")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save", action="store_true", help="keep each fold's held-out logits")
    ap.add_argument("--tag", default="", help="prefix of the saved logits' file names")
    ap.add_argument("--final", action="store_true",
                    help="train on every pair and write build/cross/claims_cross.npz")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    (a, b, y), (fold, *_) = msrp_split()
    y = np.asarray(y, dtype=int)
    base = MiniLM(model_dir())
    for v in base.weights.values():
        v.requires_grad_(False)
    enc = encode_pairs(base, a, b)
    folds = range(10) if args.folds == "all" else [int(f) for f in args.folds.split(",")]
    targets = tuple(args.targets.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    t0 = cpu()
    cached = OUT / f"inputs{args.adapt_from}.pt"
    if args.adapt_from and cached.exists():
        inputs = Inputs(LoraCross(base, (), 1, 1.0, 0.0), enc, 0)
        inputs.start, inputs.states = args.adapt_from, torch.load(cached)
    else:
        inputs = Inputs(LoraCross(base, (), 1, 1.0, 0.0), enc, args.adapt_from)
        if args.adapt_from:
            torch.save(inputs.states, cached)
    print(f"inputs to layer {args.adapt_from}: cpu {cpu() - t0:.0f}s", flush=True)
    if args.final:
        final(base, inputs, y, args)
        return
    for f in folds:
        torch.manual_seed(args.seed + f)
        model = LoraCross(base, targets, args.rank, args.alpha, args.dropout, args.adapt_from)
        inputs.model = model
        rows = np.flatnonzero(fold != f)
        if args.limit:
            rows = np.random.default_rng(args.seed).permutation(rows)[: args.limit]
        held = np.flatnonzero(fold == f)
        t0, w0 = cpu(), time.time()
        train(model, inputs, y, rows, args, f"fold {f}")
        logits = predict(model, inputs, held)
        acc = float(((logits >= 0) == y[held]).mean())
        results.append({"fold": f, "accuracy": round(acc, 4), "n": len(held),
                        "cpu_s": round(cpu() - t0, 1), "wall_s": round(time.time() - w0, 1)})
        print(json.dumps(results[-1]), flush=True)
        if args.save:
            np.savez(OUT / f"{args.tag}fold{f}.npz", rows=held, logits=logits)
    n = sum(r["n"] for r in results)
    mean = sum(r["accuracy"] * r["n"] for r in results) / n
    print(json.dumps({"folds": [r["fold"] for r in results], "accuracy": round(mean, 4),
                      "args": vars(args)}))


if __name__ == "__main__":
    main()
