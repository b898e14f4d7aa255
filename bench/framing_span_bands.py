"""How often a propaganda span is right, by its score: out of fold on PTC's training articles.

The tagger keeps a span whose best token reaches ``high`` (0.35, chosen for span F1 on the
same out-of-fold predictions). This script rebuilds those predictions (the training
script's folds, seed and shipped alpha) and reports, for spans whose score falls in each
band, how many there are and the SemEval span precision (share of the span's characters
inside a gold span), split by the shipped technique labeller into loaded language / name
calling and the other techniques. ``--held-out`` adds the same table for the shipped
model on the held-out articles (reported, never used to choose).

    python bench/framing_span_bands.py [--held-out]
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_framing as tf
from storytrace.eval.framing import held_out, read_ptc, si_score
from storytrace.framing import propaganda as pr

BANDS = (0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1.01)
KINDS = {"Loaded_Language": "loaded/name-calling", "Name_Calling,Labeling": "loaded/name-calling"}


def oof_token_probs(train):
    from scipy import sparse

    texts, y_sent, owner = tf._sentence_rows(train)
    oof = np.zeros(len(texts))
    for _, b_idx in KFold(5, shuffle=True, random_state=tf.SEED).split(train):
        b = np.isin(owner, b_idx)
        model = tf._fit_sentence([t for t, m in zip(texts, b, strict=True) if not m], y_sent[~b])
        oof[b] = tf._sentence_probs(model, [t for t, m in zip(texts, b, strict=True) if m])
    x, y, toks = tf._token_data(train, [oof[owner == k] for k in range(len(train))])
    df = np.bincount(x.indices, minlength=x.shape[1])
    keep = (df >= 2).astype(np.float32)
    keep[pr.TOKEN_FEATURES:] = 1.0
    x = (x @ sparse.diags(keep)).tocsr()
    row_owner = np.concatenate([np.full(len(t), k) for k, t in enumerate(toks)])
    alpha = float(pr.PropagandaTagger.default().meta["token"]["alpha"])
    p = np.zeros(len(y))
    for _, b_idx in KFold(4, shuffle=True, random_state=tf.SEED).split(train):
        b = np.isin(row_owner, b_idx)
        p[b] = tf._sgd(alpha).fit(x[~b], y[~b]).predict_proba(x[b])[:, 1]
    offsets = np.cumsum([0] + [len(t) for t in toks])
    return [(a, t, p[offsets[k] : offsets[k + 1]]) for k, (a, t) in enumerate(zip(train, toks,
                                                                              strict=True))]


def spans_of(items, tagger):
    """(article, start, end, score, kind) of every span at the shipped thresholds."""
    out = []
    for a, toks, p in items:
        found = pr.hysteresis(toks, p, tagger.high, tagger.low, text=a.text)
        labels = tagger.techniques_of([a.text[s:e] for s, e, _ in found])
        out += [(a, s, e, q, KINDS.get(lab, "other")) for (s, e, q), (lab, _) in
                zip(found, labels, strict=True)]
    return out


def table(title, spans):
    print(f"\n{title}\n| score band | kind | spans | precision (chars in gold) | any overlap |")
    print("|---|---|---|---|---|")
    for lo, hi in itertools.pairwise(BANDS):
        for kind in ("loaded/name-calling", "other", "all"):
            got = [x for x in spans if lo <= x[3] < hi and kind in ("all", x[4])]
            prec, hit = [], 0
            for a, s, e, _, _ in got:
                mask = np.zeros(len(a.text) + 1, dtype=bool)
                for gs, ge in a.spans:
                    mask[gs:ge] = True
                prec.append(mask[s:e].mean())
                hit += bool(mask[s:e].any())
            if got:
                print(f"| {lo:.2f}–{min(hi, 1):.2f} | {kind} | {len(got)} | "
                      f"{np.mean(prec):.3f} | {hit / len(got):.3f} |")


def thresholds(title, items, tagger):
    """Span precision, recall and F1 (the task's scorer) were ``high`` raised."""
    gold = {a.id: list(a.spans) for a, _, _ in items}
    print(f"\n{title}\n| high | precision | recall | F1 | spans |\n|---|---|---|---|---|")
    for high in (tagger.high, 0.4, 0.45, 0.5, 0.6):
        pred = {a.id: [(s, e) for s, e, _ in pr.hysteresis(toks, p, high, tagger.low,
                                                           text=a.text)]
                for a, toks, p in items}
        r = si_score(pred, gold)
        print(f"| {high} | {r['precision']} | {r['recall']} | {r['f1']} | {r['predicted']} |")


def main() -> None:
    start = time.process_time()
    tagger = pr.PropagandaTagger.default()
    items = read_ptc(tf.PTC, techniques=True)
    train = [a for a in items if not held_out(a.id)]
    oof = oof_token_probs(train)
    table(f"out of fold, {len(train)} training articles", spans_of(oof, tagger))
    thresholds("out of fold, model spans only (no lexicon)", oof, tagger)
    if "--held-out" in sys.argv:
        test = [a for a in items if held_out(a.id)]
        rows = []
        for a in test:
            toks, p, _, _ = tagger.token_scores(a.text)
            rows.append((a, toks, p))
        table(f"shipped model, {len(test)} held-out articles", spans_of(rows, tagger))
        thresholds("shipped model, held out, model spans only (no lexicon)", rows, tagger)
    print(f"\nCPU {time.process_time() - start:.0f} s")


if __name__ == "__main__":
    main()
