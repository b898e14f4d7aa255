"""Train the claim scorers in src/storytrace/data (claims_lexical.json, claims_semantic.json).

Run: .venv/bin/python bench/train_claims.py [--lexical-only] [--no-write]

Is sentence B a report of the same fact as sentence A? Two logistic regressions over
storytrace.diff.claims features, trained on MSRP train (Dolan & Brockett 2005; 4,076
news sentence pairs, ../shared/data/msrp; its test split is kept apart and not used):

* ``lexical``: the paraphrase model's 17 lexical features plus 4 numbers/names
  agreement features from the Doc (claims.LEXICAL_CLAIM_FEATURES); works without torch.
* ``semantic``: the same plus the all-MiniLM-L6-v2 embeddings of both sentences:
  their cosine, |u - v| and u * v (384 each), read by ClaimScorer as two weight vectors,
  and (``--words contextual``, the default) 13 word-level features of the two sentences
  (storytrace.diff.token_align: a BERTScore-like greedy alignment of the encoder's
  last-layer word vectors), which join the second stage of the stacked model.

2,000 random negatives (an s1 sentence with the s2 sentence of another pair of the same
fold) are added to the training folds only: MSRP's negatives are all near-paraphrases,
while most sentence pairs of two articles share little. Accuracy is reported on the real
MSRP pairs, by 10-fold stratified cross-validation with C chosen inside each training
fold (3-fold inner CV), decision at probability 0.5. The shipped model is fitted on all
pairs with C chosen by the same procedure on the whole set.

Then a small context model (claims.context_features) and the claim threshold (the
probability from which match_claims pairs two sentences of two articles) are fitted on
one labelled article pair: ``--calibrate-on heavy`` (the shipped semantic model) uses the
heavy paraphrase (bench/labels/claims_heavy.tsv), so the seeds stay held out;
``--calibrate-on seeds`` (the default, and the shipped lexical model) uses the seeds, so
their figures are in-sample. ``--recalibrate`` refits only these on the bundled models.
Embeddings and word states are cached under build/claims-cache.

Run: .venv/bin/python bench/train_claims.py --semantic-only --calibrate-on heavy
"""

from __future__ import annotations

import argparse
import datetime
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from storytrace.align.paraphrase import pair_features
from storytrace.diff.claims import LEXICAL_CLAIM_FEATURES, doc_features
from storytrace.diff.token_align import TOKEN_FEATURES, SentenceStates, token_features
from storytrace.eval.paraphrase import read_pairs

ROOT = Path(__file__).resolve().parents[1]
MSRP = ROOT.parent / "shared" / "data" / "msrp" / "msr_paraphrase_train.txt"
DATA = ROOT / "src" / "storytrace" / "data"
SEED_LABELS = ROOT / "bench" / "labels" / "claims_seeds.tsv"
CALIBRATION = {"seeds": SEED_LABELS, "heavy": ROOT / "bench" / "labels" / "claims_heavy.tsv"}
REAL_LABELS = ROOT / "bench" / "labels" / "claims_real.tsv"
LISTING_C = 1.0
LISTING_FLOOR = 0.5  # context probability from which a best-of-row/column pair is a candidate
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
# The semantic model's (C1, C2), from a 10-fold CV over C1 in (0.001, 0.003, 0.01) and
# C2 in (0.1, 1) on MSRP train (0.764-0.768 for all six; a one-layer model over all 790
# features reached 0.74 at best, the embedding block swamping the lexical features).
STACK_C = (0.001, 1.0)
CONTEXT_C = 0.3
CONTEXT_NAMES = ("logit", "logit_contrast", "tfidf", "row_best", "col_best", "cosine",
                 "cosine_contrast")
EMBEDDING_BLOCK = 1 + 2 * 384  # cosine, |u - v|, u * v
FOLDS, INNER = 10, 3
NEGATIVES = 2000
SEED = 0
DEAD = 1e-3  # a feature column varying less than this share of the median column's: dropped


def embeddings(sentences: list[str], cache: Path) -> np.ndarray:
    """MiniLM embeddings of ``sentences``, cached by sentence in one ``.npz``."""
    from storytrace.align.semantic import default_encoder

    path = cache / "minilm.npz"
    known: dict[str, np.ndarray] = {}
    if path.is_file():
        z = np.load(path)
        known = dict(zip(z["sents"].tolist(), z["emb"], strict=True))
    missing = sorted({s for s in sentences if s not in known})
    if missing:
        encoder = default_encoder()
        if encoder is None:
            sys.exit("the semantic extra is unavailable: cannot train the semantic model")
        start = time.process_time()
        print(f"  encoding {len(missing)} sentences ...", end="", flush=True)
        known.update(zip(missing, encoder.encode(missing), strict=True))
        print(f" {time.process_time() - start:.0f} CPU-s", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(path, sents=np.array(list(known), dtype=str),
                 emb=np.stack(list(known.values())).astype(np.float32))
    return np.stack([known[s] for s in sentences]).astype(np.float64)


def word_states(sentences: list[str], kind: str, cache: Path) -> dict[str, SentenceStates]:
    """Each sentence's word states (token_align), ``contextual`` ones cached in one pickle
    (word vectors kept as float16)."""
    from storytrace.align.semantic import default_encoder
    from storytrace.diff.token_align import states_of

    encoder = default_encoder()
    if encoder is None:
        sys.exit("the semantic extra is unavailable: cannot train the word features")
    wanted = sorted(set(sentences))
    if kind == "static":
        return dict(zip(wanted, states_of(encoder, wanted, "static"), strict=True))
    path = cache / "states_L-1.pkl"
    known = pickle.loads(path.read_bytes()) if path.is_file() else {}
    missing = [s for s in wanted if s not in known]
    if missing:
        start = time.process_time()
        print(f"  word states of {len(missing)} sentences ...", end="", flush=True)
        for k in range(0, len(missing), 512):
            chunk = missing[k:k + 512]
            for s, st in zip(chunk, states_of(encoder, chunk), strict=True):
                known[s] = (st.embedding.astype(np.float32), st.words.astype(np.float16),
                            st.spans, st.content)
        print(f" {time.process_time() - start:.0f} CPU-s", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(known))
    return {s: SentenceStates(known[s][0].astype(np.float64), known[s][1].astype(np.float64),
                              known[s][2], known[s][3]) for s in wanted}


def features(a: list[str], b: list[str], semantic: bool, cache: Path,
             words: str | None = None) -> np.ndarray:
    """Rows of claim features for aligned pairs, in ClaimScorer's order: lexical, [cosine,
    |u - v|, u * v, [word features (token_align.TOKEN_FEATURES) from ``words`` states]]."""
    x = [pair_features(a, b), doc_features(a, b)]
    if semantic:
        ea, eb = embeddings(a, cache), embeddings(b, cache)
        x += [(ea * eb).sum(axis=1, keepdims=True), np.abs(ea - eb), ea * eb]
    if semantic and words:
        states = word_states(a + b, words, cache)
        x.append(np.array([token_features(states[p], states[q]) for p, q in zip(a, b,
                                                                                  strict=True)]))
    return np.hstack(x)


def folds_of(y: np.ndarray, k: int, seed: int = SEED) -> np.ndarray:
    fold = np.zeros(len(y), dtype=int)
    split = StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)
    for f, (_, held) in enumerate(split):
        fold[held] = f
    return fold


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    return scaler, LogisticRegression(C=c, max_iter=3000).fit(scaler.transform(x), y)


def with_negatives(x: np.ndarray, y: np.ndarray, neg: np.ndarray, keep: np.ndarray,
                   neg_keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (np.vstack([x[keep], neg[neg_keep]]),
            np.concatenate([y[keep], np.zeros(int(neg_keep.sum()), dtype=bool)]))


def choose_c(x, y, neg, neg_fold, fold_ids, rows) -> float:
    """C with the best inner-CV accuracy (at 0.5) over the real pairs ``rows``."""
    inner = folds_of(y[rows], INNER, SEED + 1)
    inner_of = np.full(len(y), -1)
    inner_of[rows] = inner
    best = (-1.0, C_GRID[0])
    for c in C_GRID:
        right = 0
        for f in range(INNER):
            train = rows & (inner_of != f)
            test = rows & (inner_of == f)
            neg_keep = np.isin(neg_fold, np.unique(fold_ids[train])) & \
                (np.arange(len(neg_fold)) % INNER != f)
            scaler, model = fit(*with_negatives(x, y, neg, train, neg_keep), c)
            right += int((model.predict(scaler.transform(x[test])) == y[test]).sum())
        best = max(best, (right / int(rows.sum()), c))
    return best[1]


def live_columns(x: np.ndarray, floor: float = DEAD) -> np.ndarray:
    """The columns of ``x`` that vary: standard deviation at least ``floor`` times the
    median column's. MiniLM has output dimensions that are all but constant (127 and 223
    are about 1e-32 in every sentence, 319 about 1e-8): standardised, their tiny spread
    became weights of 1e30 to 1e62 that multiply float noise; such a column gets no
    weight."""
    std = x.std(axis=0)
    return std >= floor * float(np.median(std))


class Stacked:
    """The semantic model: a logistic regression over the embedding block (cosine,
    |u - v|, u * v; C1) whose logit joins the lexical features and the cosine in a second
    one (C2), trained on out-of-fold logits (5 folds) so it learns how far to trust them.
    The word features (token_align), when present, join the second stage.
    Both stages are linear, so the pair is one linear model (:meth:`linear`)."""

    def __init__(self, c1: float = 0.001, c2: float = 1.0) -> None:
        self.c1, self.c2 = c1, c2

    def fit(self, x: np.ndarray, y: np.ndarray) -> Stacked:
        n = len(LEXICAL_CLAIM_FEATURES)
        emb, words = x[:, n:n + EMBEDDING_BLOCK], x[:, n + EMBEDDING_BLOCK:]
        self.live = live_columns(emb)
        emb = emb[:, self.live]
        z = np.zeros(len(y))
        inner = folds_of(y, 5, SEED + 2)
        for f in range(5):
            s1, m1 = fit(emb[inner != f], y[inner != f], self.c1)
            z[inner == f] = m1.decision_function(s1.transform(emb[inner == f]))
        self.stage1 = fit(emb, y, self.c1)
        self.stage2 = fit(np.c_[x[:, :n + 1], z, words], y, self.c2)
        return self

    def linear(self) -> tuple[np.ndarray, float]:
        """``(w, b)`` with ``decision(x) = x @ w + b`` over the raw features."""
        n = len(LEXICAL_CLAIM_FEATURES)
        (s1, m1), (s2, m2) = self.stage1, self.stage2
        w1 = np.zeros(len(self.live))
        w1[self.live] = m1.coef_[0] / s1.scale_
        b1 = float(m1.intercept_[0] - w1[self.live] @ s1.mean_)
        w2 = m2.coef_[0] / s2.scale_
        b2 = float(m2.intercept_[0] - w2 @ s2.mean_)
        w = np.zeros(n + len(w1) + len(w2) - n - 2)
        w[:n + 1] = w2[:n + 1]
        w[n:n + len(w1)] += w2[n + 1] * w1
        w[n + len(w1):] = w2[n + 2:]
        return w, b2 + w2[n + 1] * b1

    def predict(self, x: np.ndarray) -> np.ndarray:
        w, b = self.linear()
        return x @ w + b >= 0


def cross_validate(x, y, neg, neg_fold, semantic: bool = False) -> dict:
    """10-fold CV accuracy/F1 on the real MSRP pairs; the lexical model's C is chosen
    inside each fold, the semantic model's (C1, C2) are fixed (see STACK_C)."""
    fold = folds_of(y, FOLDS)
    predicted = np.zeros(len(y), dtype=bool)
    chosen = []
    for f in range(FOLDS):
        train = fold != f
        if semantic:
            model = Stacked(*STACK_C).fit(*with_negatives(x, y, neg, train, neg_fold != f))
            predicted[~train] = model.predict(x[~train])
            chosen.append(list(STACK_C))
        else:
            c = choose_c(x, y, neg, neg_fold, fold, train)
            chosen.append(c)
            scaler, lr = fit(*with_negatives(x, y, neg, train, neg_fold != f), c)
            predicted[~train] = lr.predict_proba(scaler.transform(x[~train]))[:, 1] >= 0.5
        print(f"    fold {f}: accuracy {(predicted[~train] == y[~train]).mean():.4f}",
              flush=True)
    tp = int((predicted & y).sum())
    precision, recall = tp / max(int(predicted.sum()), 1), tp / max(int(y.sum()), 1)
    return {"accuracy": round(float((predicted == y).mean()), 4),
            "f1": round(2 * precision * recall / (precision + recall), 4),
            "always_paraphrase": round(float(y.mean()), 4), "folds": FOLDS,
            "C_chosen": chosen}


def export(name: str, w: np.ndarray, b: float, mean: np.ndarray, scale: np.ndarray,
           selection: dict, cv: dict, command: str, words: str | None = None) -> dict:
    """The JSON ClaimScorer reads, from the model's weights ``w``/``b`` over raw features:
    ``coef`` on standardised values for the named features, and for the semantic model
    ``abs_diff`` and ``product`` on raw embedding values."""
    semantic = len(w) > len(LEXICAL_CLAIM_FEATURES)
    n = len(LEXICAL_CLAIM_FEATURES) + (1 if semantic else 0)
    out = {"model": name,
           "description": "Probability that two news sentences report the same fact: "
                          "1 / (1 + exp(-z)), z = intercept + sum(coef * (x - mean) / scale) "
                          "over features [+ abs_diff . |u - v| + product . (u * v) of the "
                          "two sentence embeddings].",
           "features": [*LEXICAL_CLAIM_FEATURES, *(["embedding_cosine"] if semantic else [])],
           "coef": (w[:n] * scale[:n]).round(6).tolist(), "mean": mean[:n].round(6).tolist(),
           "scale": scale[:n].round(6).tolist(),
           "intercept": round(b + float(w[:n] @ mean[:n]), 6), "threshold": 0.5}
    if semantic:
        out["abs_diff"] = w[n:n + 384].round(6).tolist()
        out["product"] = w[n + 384:n + 768].round(6).tolist()
    if semantic and words:
        wt, mt, st = w[n + 768:], mean[n:], scale[n:]
        out["token"] = {"features": list(TOKEN_FEATURES), "states": words,
                        "coef": (wt * st).round(6).tolist(), "mean": mt.round(6).tolist(),
                        "scale": st.round(6).tolist()}
        out["intercept"] = round(out["intercept"] + float(wt @ mt), 6)
    out["training"] = {
        "data": "MSRP train (Dolan & Brockett 2005), 4,076 news sentence pairs, plus "
                f"{NEGATIVES} random negatives (an s1 with another pair's s2)",
        "command": command, "date": datetime.date.today().isoformat(),
        "scikit_learn": sklearn.__version__, **selection, "msrp_cv": cv}
    return out


def train_final(x: np.ndarray, y: np.ndarray, neg: np.ndarray, neg_fold: np.ndarray,
                fold: np.ndarray, semantic: bool) -> tuple[np.ndarray, float, dict]:
    """The shipped model on every pair: ``(w, b, selection)``."""
    everything = np.ones(len(y), dtype=bool)
    xs, ys = with_negatives(x, y, neg, everything, neg_fold >= 0)
    if semantic:
        w, b = Stacked(*STACK_C).fit(xs, ys).linear()
        return w, b, {"C1_C2": list(STACK_C), "selection": "stacked logistic regressions "
                      "(embedding block, then lexical features + its out-of-fold logit)"}
    c = choose_c(x, y, neg, neg_fold, fold, everything)
    scaler, lr = fit(xs, ys, c)
    w = lr.coef_[0] / scaler.scale_
    return w, float(lr.intercept_[0] - w @ scaler.mean_), {
        "C": c, "selection": f"C from {list(C_GRID)} by {INNER}-fold CV accuracy at 0.5"}


def seed_pairs(path: Path = SEED_LABELS) -> tuple:
    """The labelled article pair of ``path`` (the seeds by default), their Docs and labels
    by sentence pair (1 same, -1 related: left out of fitting, 0 any other pair)."""
    from storytrace.api import read_article
    from storytrace.eval.claims import read_labels
    from storytrace.text.doc import Doc

    labels = read_labels(path)
    a, b = read_article(labels[0].a), read_article(labels[0].b)
    da, db = Doc.of(a.text), Doc.of(b.text)
    y = np.zeros((len(da.sentence_spans), len(db.sentence_spans)), dtype=int)
    starts_a = [s for s, _ in da.sentence_spans]
    starts_b = [s for s, _ in db.sentence_spans]
    for x in labels:
        i, j = starts_a.index(x.a_span[0]), starts_b.index(x.b_span[0])
        y[i, j] = 1 if x.label == "same" else -1
    return labels, a, b, da, db, y


def calibrate(weights: dict, path: Path = SEED_LABELS, clauses: bool = False,
              windows: bool = False) -> dict:
    """Fit the context weights (claims.CONTEXT_FEATURES) on the labelled seed pair, then
    the claim threshold that finds the most labelled pairs for the fewest false claims
    (objective: found - false / 2; ties go to the higher threshold), with the facts
    diff's sentence counterparts as claims as diff_versions gives them. With
    ``clauses``, a pair's probability is the best of its sentences' and of their clauses'
    (claims.pair_matrix), in fitting and in use. In-sample for the labelled pair."""
    from storytrace.align import Aligner
    from storytrace.align.similarity import lexical_similarity
    from storytrace.diff.claims import ClaimScorer, context_features, match_claims, pair_matrix
    from storytrace.diff.core import diff_versions
    from storytrace.eval.claims import score_pairs

    labels, a, b, da, db, y = seed_pairs(path)
    where = str(path.relative_to(ROOT))
    scorer = ClaimScorer(weights=weights | {"context": {"clauses": clauses,
                                                        "windows": windows}})
    ta, tb = da.sentence_texts(), db.sentence_texts()
    ea, eb = scorer.embed(ta), scorer.embed(tb)
    x = context_features(pair_matrix(ta, tb, scorer, ea, eb), lexical_similarity(da, db),
                         None if ea is None else ea @ eb.T)
    keep = y.ravel() >= 0
    lr = LogisticRegression(C=CONTEXT_C, class_weight="balanced", max_iter=3000).fit(
        x.reshape(-1, x.shape[2])[keep], y.ravel()[keep])
    context = {"features": list(CONTEXT_NAMES[:x.shape[2]]), "clauses": clauses,
               "windows": windows,
               "coef": lr.coef_[0].round(6).tolist(),
               "intercept": round(float(lr.intercept_[0]), 6),
               "fitted_on": f"{where}: its {int((y == 1).sum())} same pairs against "
                            "every other sentence pair (related pairs left out), C="
                            f"{CONTEXT_C}, balanced classes"}
    scorer = ClaimScorer(weights=weights | {"context": context})
    aligner = Aligner(semantic=scorer.semantic)
    passages = aligner.align(a, b, repeats=False).passages
    diff = diff_versions(a, b, aligner=aligner, spacy=False, claims=False)
    known = [(k.index, k.counterpart) for k in diff.a_sentences if k.counterpart is not None]
    known += [(k.counterpart, k.index) for k in diff.b_sentences if k.counterpart is not None]
    best: tuple[float, float, dict] = (-1e9, 0.0, {})
    for t in np.round(np.arange(0.05, 0.996, 0.005), 3):
        found = match_claims(da, db, passages, scorer, threshold=float(t), counterparts=known)
        spans = [((c.a_start, c.a_end), (c.b_start, c.b_end)) for c in found.claims]
        r = score_pairs(spans, labels)
        best = max(best, (r["found"] - r["false"] / 2, float(t),
                          {k: r[k] for k in ("labelled", "found", "claims", "false")}))
    print(f"  context {context['coef']}; claim threshold {best[1]} on {where}: {best[2]}")
    return {"context": context, "claim_threshold": best[1],
            "claim_threshold_selection": {"labels": where,
                                          "objective": "found - false / 2",
                                          "at_threshold": best[2]}}


def listing_rows(weights: dict, paths: list[Path], leave_out: Path = SEED_LABELS
                 ) -> list[tuple[str, np.ndarray, int]]:
    """Every candidate pair (claims.claim_candidates) of the labelled article pairs in
    ``paths`` but those of ``leave_out`` (the seeds): ``(article pair, features,
    label)`` with label 1 (a same pair overlaps it), 0 (a wrong pair, or no labelled
    pair: every candidate of these files was read) or -1 (related only: left out)."""
    from storytrace.align import Aligner
    from storytrace.api import read_article
    from storytrace.diff.claims import ClaimScorer, claim_candidates, listing_features
    from storytrace.diff.core import diff_versions
    from storytrace.eval.claims import _without_promotion, read_labels
    from storytrace.text.doc import Doc

    scorer = ClaimScorer(weights={k: v for k, v in weights.items() if k != "listing"})
    aligner = Aligner(semantic=scorer.semantic)
    held_out = {(x.a.resolve(), x.b.resolve()) for x in read_labels(leave_out)}
    out = []
    for path in paths:
        by_pair: dict[tuple[Path, Path], list] = {}
        for x in read_labels(path):
            if (x.a.resolve(), x.b.resolve()) not in held_out:
                by_pair.setdefault((x.a, x.b), []).append(x)
        for (pa, pb), labels in by_pair.items():
            a, b = (_without_promotion(read_article(p)) for p in (pa, pb))
            da, db = Doc.of(a.text), Doc.of(b.text)
            passages = aligner.align(a, b, repeats=False).passages
            diff = diff_versions(a, b, aligner=aligner, spacy=False, claims=False)
            known = [(k.index, k.counterpart) for k in diff.a_sentences
                     if k.counterpart is not None]
            known += [(k.counterpart, k.index) for k in diff.b_sentences
                      if k.counterpart is not None]
            prob, how, found = claim_candidates(da, db, passages, scorer, known,
                                                LISTING_FLOOR)
            pairs = sorted(found)
            x = listing_features(da, db, scorer, prob, how, pairs)
            for (i, j), row in zip(pairs, x, strict=True):
                sa, sb = da.sentence_spans[i], db.sentence_spans[j]
                hit = {y.label for y in labels if y.a_span[0] < sa[1] and sa[0] < y.a_span[1]
                       and y.b_span[0] < sb[1] and sb[0] < y.b_span[1]}
                label = 1 if "same" in hit else -1 if "related" in hit else 0
                out.append((f"{pa.name} ~ {pb.name}", row, label))
    return out


def fit_listing(weights: dict) -> dict:
    """The listing weights (claims.LISTING_FEATURES): a logistic regression over every
    candidate pair of the heavy paraphrase and the five FakeNewsNet pairs of
    claims_real.tsv (the seeds left out, so their figures stay held out), with each
    FakeNewsNet pair's precision at 0.5 when it is left out of the fit."""
    from storytrace.diff.claims import LISTING_FEATURES

    rows = [r for r in listing_rows(weights, [CALIBRATION["heavy"], REAL_LABELS])
            if r[2] >= 0]
    x, y = np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
    groups = np.array([r[0] for r in rows])
    for g in sorted(set(groups)):
        lr = LogisticRegression(C=LISTING_C, max_iter=3000).fit(x[groups != g], y[groups != g])
        shown = lr.predict_proba(x[groups == g])[:, 1] >= 0.5
        print(f"  listing, {g} left out: {int((shown & (y[groups == g] == 1)).sum())} right "
              f"of {int(shown.sum())} shown ({int((y[groups == g] == 1).sum())} right "
              f"candidates of {int((groups == g).sum())})")
    lr = LogisticRegression(C=LISTING_C, max_iter=3000).fit(x, y)
    print(f"  listing weights {lr.coef_[0].round(3).tolist()} {lr.intercept_[0]:.3f} "
          f"({int(y.sum())} right of {len(y)} candidates)")
    return {"listing": {
        "features": list(LISTING_FEATURES), "coef": lr.coef_[0].round(6).tolist(),
        "intercept": round(float(lr.intercept_[0]), 6), "threshold": 0.5,
        "floor": LISTING_FLOOR,
        "fitted_on": f"every candidate pair of {CALIBRATION['heavy'].name} and of the "
                     f"FakeNewsNet pairs of {REAL_LABELS.name} (seeds left out): "
                     f"{int(y.sum())} right of {len(y)} (related pairs left out), "
                     f"C={LISTING_C}"}}


def msrp_split() -> tuple[tuple, tuple]:
    """MSRP train's pairs ``(a, b, y)`` and ``(fold, neg_a, neg_b, neg_fold)``: the
    10 folds and the random negatives (indices of the s1 and s2 sentences), drawn within one
    fold so that held-out folds stay unseen."""
    a, b, y = read_pairs(MSRP)
    fold = folds_of(y, FOLDS)
    rng = np.random.default_rng(SEED)
    neg_a, neg_b = [], []
    for f in range(FOLDS):
        members = rng.permutation(np.flatnonzero(fold == f))[: NEGATIVES // FOLDS]
        neg_a += members.tolist()
        neg_b += np.roll(members, -1).tolist()
    return (a, b, y), (fold, neg_a, neg_b, fold[neg_a])


def msrp_with_features(cache: Path) -> tuple:
    """MSRP train ready for a feature trial (the setup the ``claims_msrp_*`` scripts
    share): ``(a, b, y, x, neg_a_text, neg_b_text, neg, neg_fold)``, with ``x`` and
    ``neg`` the shipped semantic features (contextual word states) of the pairs and of
    the random negatives of :func:`msrp_split`."""
    (a, b, y), (_, neg_a, neg_b, neg_fold) = msrp_split()
    nb_a, nb_b = [a[i] for i in neg_a], [b[j] for j in neg_b]
    x = features(a, b, True, cache, "contextual")
    neg = features(nb_a, nb_b, True, cache, "contextual")
    return a, b, y, x, nb_a, nb_b, neg, neg_fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexical-only", action="store_true", help="skip the semantic model")
    parser.add_argument("--semantic-only", action="store_true", help="skip the lexical model")
    parser.add_argument("--no-write", action="store_true", help="print scores only")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "claims-cache")
    parser.add_argument("--words", choices=("contextual", "static", "none"),
                        default="contextual", help="the semantic model's word features "
                        "(token_align): contextual (the encoder's last layer), static (its "
                        "input word-piece vectors) or none")
    parser.add_argument("--calibrate-on", choices=tuple(CALIBRATION), default="seeds",
                        help="the labelled article pair the context weights and the claim "
                        "threshold are fitted on (the other is then held out)")
    parser.add_argument("--clauses", action="store_true", help="a pair's probability is "
                        "the best of its sentences' and of each clause of one against the "
                        "other (claims.pair_matrix), in fitting the context weights and in use")
    parser.add_argument("--windows", action="store_true", help="... and of each two "
                        "adjacent sentences of one against a sentence of the other (a "
                        "statement split over two sentences)")
    parser.add_argument("--recalibrate", action="store_true", help="keep the bundled "
                        "models' MSRP weights; fit only the context weights and threshold")
    parser.add_argument("--listing", action="store_true", help="semantic model: also fit "
                        "the listing weights (which candidates are shown as claims, with a "
                        "calibrated score) on claims_heavy.tsv and claims_real.tsv")
    args = parser.parse_args()
    (a, b, y), (fold, neg_a, neg_b, neg_fold) = msrp_split()
    names = ("lexical",) if args.lexical_only else \
        ("semantic",) if args.semantic_only else ("lexical", "semantic")
    for name in names:
        if args.recalibrate:
            from storytrace.diff.claims import load_claim_weights

            weights = load_claim_weights(name)
        else:
            weights = train(name, args, (a, b, y), (fold, neg_a, neg_b, neg_fold))
        weights = {k: v for k, v in weights.items() if k != "listing"}
        weights |= calibrate(weights, CALIBRATION[args.calibrate_on], args.clauses,
                             args.windows)
        if args.listing and name == "semantic":
            weights |= fit_listing(weights)
        command = weights["training"]["command"].split(" --calibrate-on")[0]
        weights["training"]["command"] = command + (
            "" if args.calibrate_on == "seeds" else f" --calibrate-on {args.calibrate_on}") + (
            " --listing" if "listing" in weights else "")
        if not args.no_write:
            out = DATA / f"claims_{name}.json"
            out.write_text(json.dumps(weights) + "\n", encoding="utf-8")
            print(f"  wrote {out.relative_to(ROOT)}")


def train(name: str, args: argparse.Namespace, pairs: tuple, split: tuple) -> dict:
    """The claim model ``name`` fitted on MSRP train, with its cross-validated scores."""
    command = "python bench/train_claims.py"
    (a, b, y), (fold, neg_a, neg_b, neg_fold) = pairs, split
    semantic = name == "semantic"
    start = time.process_time()
    words = None if args.words == "none" else args.words
    x = features(a, b, semantic, args.cache, words)
    neg = features([a[i] for i in neg_a], [b[j] for j in neg_b], semantic, args.cache,
                   words)
    print(f"{name}: {x.shape[1]} features ({time.process_time() - start:.0f} CPU-s)")
    cv = cross_validate(x, y, neg, neg_fold, semantic)
    print(f"  MSRP train {FOLDS}-fold CV: {cv}", flush=True)
    w, bias, selection = train_final(x, y, neg, neg_fold, fold, semantic)
    n = len(LEXICAL_CLAIM_FEATURES)
    xs = np.c_[x[:, :n + 1], x[:, n + EMBEDDING_BLOCK:]] if semantic else x
    weights = export(name, w, bias, xs.mean(axis=0), xs.std(axis=0) + 1e-12, selection, cv,
                     command + (f" --words {args.words}" if semantic else ""),
                     words if semantic else None)
    return weights


if __name__ == "__main__":
    main()
