"""Train the framing models bundled in src/storytrace/data (framing_*.npz, framing_*.txt).

Run: .venv/bin/python bench/train_framing.py [--only clickbait,hyperpartisan,propaganda,words]
                                              [--no-write]

Reads ../shared/data (see storytrace.eval.framing for the formats and the split):

* ``framing_clickbait.npz``: hashed word 1–2-grams + char 2–5-grams (IDF from the
  training headlines of both sets, n-grams in < 2 of them dropped); ``headline`` head:
  logistic regression on Chakraborty (C by 3-fold CV on the training part);
  ``strength`` head: ridge on Webis-17 ``truth_mean`` (alpha by 3-fold CV). Trained on
  the items with ``held_out(text_key(text))`` false; the 32-bit hashes of their keys
  are stored so that evaluation skips them.
* ``framing_hyperpartisan.npz``: storytrace.framing.hyperpartisan.fit_hyperpartisan
  (n-gram TF-IDF + style numbers, logistic regression) on all 500 articles; the
  figures recorded are its stratified 5-fold CV with fold seed 0 and, to show how
  much a split moves them, the mean over fold seeds 0, 1 and 2.
* ``framing_propaganda.npz``: the three-stage tagger of storytrace.framing.propaganda,
  trained on PTC articles with ``held_out(id)`` false: sentence model (out-of-fold
  probabilities, 5 folds by article, feed the token tagger), token tagger (SGD
  log-loss; ``alpha`` and the span thresholds chosen by 4-fold out-of-fold span F1),
  technique labeller on the training articles' technique spans.
* ``framing_common_words.txt``: lower-case words seen at least 3 times in lower case in
  the four corpora (used to tell shouted words from acronyms).

Everything is seeded (seed 0): a rerun writes the same models. Each npz records its
data (paths, SHA-256), split, command, hyperparameter search and held-out scores in
its ``meta`` entry. About 5 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import KFold

from storytrace.eval.framing import (
    evaluate_clickbait,
    evaluate_hyperpartisan,
    evaluate_propaganda,
    held_out,
    key_hash,
    read_chakraborty,
    read_hyperpartisan,
    read_ptc,
    read_webis,
    si_score,
    text_key,
)
from storytrace.framing import clickbait as cb
from storytrace.framing import propaganda as pr
from storytrace.framing.hyperpartisan import article_text, fit_hyperpartisan
from storytrace.framing.linear import TextHasher, hasher_arrays, read_npz, save_npz
from storytrace.text.segment import sentences

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / "src" / "storytrace" / "data"
CHAKRABORTY = SHARED / "clickbait-chakraborty"
WEBIS = SHARED / "webis-clickbait17" / "train.json"
HYPERPARTISAN = SHARED / "hyperpartisan-semeval2019"
PTC = SHARED / "ptc-semeval2020-task11"
SEED = 0
CV_SEEDS = (0, 1, 2)  # hyperpartisan: fold seeds whose CV figures the model records
SPLIT = ("held out: xxh64(key) % 5 == 0 (storytrace.eval.framing.held_out); key = "
         "text_key(headline) for headlines, the article id for PTC; training uses the rest")

C_GRID = (3.0, 10.0, 30.0)
ALPHA_GRID = (1.0, 2.0, 4.0)
SGD_ALPHAS = (1e-5, 3e-5)
HIGH_GRID = (0.2, 0.25, 0.3, 0.35, 0.4)
LOW_GRID = (0.1, 0.15, 0.2, 0.25, 0.3)


def log(message: str) -> None:
    print(message, flush=True)


def fingerprint(path: Path) -> dict[str, str]:
    """Relative path and SHA-256 of a file, or of a folder's files in name order."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        h.update(p.relative_to(path if path.is_dir() else path.parent).as_posix().encode())
        h.update(p.read_bytes())
    return {"path": f"../shared/data/{path.relative_to(SHARED).as_posix()}",
            "sha256": h.hexdigest()}


def provenance(command: str, data: list[Path]) -> dict[str, Any]:
    return {"command": command, "date": datetime.date.today().isoformat(),
            "scikit_learn": sklearn.__version__, "numpy": np.__version__, "seed": SEED,
            "data": [fingerprint(p) for p in data], "split": SPLIT}


def write(name: str, arrays: dict[str, np.ndarray], meta: dict[str, Any], dry: bool) -> Path:
    path = DATA / f"framing_{name}.npz"
    if dry:
        path = ROOT / "build" / f"framing_{name}.npz"
        path.parent.mkdir(exist_ok=True)
    save_npz(path, arrays, meta)
    log(f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.2f} MB)")
    return path


# --------------------------------------------------------------------------- clickbait

def train_clickbait(command: str, dry: bool) -> dict[str, Any]:
    start = time.perf_counter()
    chak = read_chakraborty(CHAKRABORTY)
    webis = read_webis(WEBIS)
    chak_tr = [h for h in chak if not held_out(text_key(h.text))]
    webis_tr = [h for h in webis if not held_out(text_key(h.text))]
    log(f"clickbait: training on {len(chak_tr)}/{len(chak)} Chakraborty headlines and "
        f"{len(webis_tr)}/{len(webis)} Webis posts")
    hasher = TextHasher(cb.BLOCKS).fit_idf([h.text for h in chak_tr + webis_tr], min_df=2)
    xc = hasher.transform([h.text for h in chak_tr])
    yc = np.array([h.label for h in chak_tr])
    xw = hasher.transform([h.text for h in webis_tr])
    tw = np.array([h.truth_mean for h in webis_tr])

    folds = list(KFold(3, shuffle=True, random_state=SEED).split(yc))
    cv_acc = {c: float(np.mean([np.mean(LogisticRegression(C=c, solver="liblinear")
                                        .fit(xc[a], yc[a]).predict(xc[b]) == yc[b])
                                for a, b in folds])) for c in C_GRID}
    c_best = max(cv_acc, key=cv_acc.__getitem__)
    folds = list(KFold(3, shuffle=True, random_state=SEED).split(tw))
    cv_mse = {a: float(np.mean([np.mean((np.clip(Ridge(alpha=a).fit(xw[i], tw[i])
                                                 .predict(xw[j]), 0, 1) - tw[j]) ** 2)
                                for i, j in folds])) for a in ALPHA_GRID}
    alpha_best = min(cv_mse, key=cv_mse.__getitem__)
    log(f"  CV accuracy by C {cv_acc} -> C={c_best}; CV MSE by alpha {cv_mse} -> "
        f"alpha={alpha_best}")
    head = LogisticRegression(C=c_best, solver="liblinear").fit(xc, yc)
    ridge = Ridge(alpha=alpha_best).fit(xw, tw)
    keys = np.unique(np.array([key_hash(text_key(h.text)) for h in chak_tr + webis_tr],
                              dtype=np.uint32))
    arrays = hasher_arrays(hasher, "features") | {
        "headline.coef": head.coef_[0], "headline.intercept": head.intercept_,
        "strength.coef": ridge.coef_, "strength.intercept": np.array([ridge.intercept_]),
        "trained_keys": keys,
    }
    meta: dict[str, Any] = {
        "model": "clickbait",
        "features": {"blocks": [dict(b) for b in cb.BLOCKS], "min_df": 2,
                     "idf_from": "training headlines of both sets"},
        "heads": {
            "headline": {"kind": "logistic_regression", "data": "Chakraborty", "C": c_best,
                         "cv_accuracy_by_C": cv_acc, "threshold": cb.THRESHOLD},
            "strength": {"kind": "ridge", "data": "Webis-17 truth_mean", "alpha": alpha_best,
                         "cv_mse_by_alpha": cv_mse, "clip": [0, 1]},
        },
        "training": provenance(command, [CHAKRABORTY, WEBIS]) | {
            "items": {"chakraborty": len(chak_tr), "webis": len(webis_tr)}},
    }
    path = write("clickbait", arrays, meta, dry)
    model = cb.ClickbaitModel(*read_npz(path.read_bytes()))
    scores = {"chakraborty": evaluate_clickbait(CHAKRABORTY, model),
              "webis": evaluate_clickbait(WEBIS, model)}
    for name, s in scores.items():
        log(f"  held out {name}: " + ", ".join(f"{k}={s[k]}" for k in (
            "n", "mse", "accuracy", "precision", "recall", "f1") if k in s))
    meta["scores"] = {k: {m: v for m, v in s.items() if m not in ("path", "seconds")}
                      for k, s in scores.items()}
    write("clickbait", arrays, meta, dry)
    log(f"  {time.perf_counter() - start:.0f} s")
    return meta["scores"]


# --------------------------------------------------------------------------- hyperpartisan

def train_hyperpartisan(command: str, dry: bool) -> dict[str, Any]:
    start = time.perf_counter()
    items = read_hyperpartisan(HYPERPARTISAN)
    log(f"hyperpartisan: {len(items)} articles, 5-fold CV then a model on all")
    measures = ("accuracy", "precision", "recall", "f1")
    runs = [evaluate_hyperpartisan(HYPERPARTISAN, folds=5, seed=s) for s in CV_SEEDS]
    cv = runs[CV_SEEDS.index(SEED)]
    for run in runs:
        log(f"  CV seed {run['seed']}: " + ", ".join(f"{k}={run[k]}" for k in measures))
    by_seed = {"seeds": list(CV_SEEDS),
               **{k: round(float(np.mean([r[k] for r in runs])), 4) for k in measures}}
    log("  CV mean: " + ", ".join(f"{k}={by_seed[k]}" for k in measures))
    arrays, meta = fit_hyperpartisan([article_text(a.title, a.text) for a in items],
                                     [a.label for a in items])
    meta |= {"model": "hyperpartisan",
             "training": provenance(command, [HYPERPARTISAN]) | {
                 "split": "all 500 articles (the figure is the recipe's 5-fold CV)"},
             "scores": {"cross_validated": {k: v for k, v in cv.items()
                                            if k not in ("path", "seconds")},
                        "cross_validated_mean_over_seeds": by_seed}}
    write("hyperpartisan", arrays, meta, dry)
    log(f"  {time.perf_counter() - start:.0f} s")
    return meta["scores"]


# --------------------------------------------------------------------------- propaganda

def _sentence_rows(articles):
    texts, labels, owner = [], [], []
    for k, a in enumerate(articles):
        mask = np.zeros(len(a.text) + 1, dtype=bool)
        for s, e in a.spans:
            mask[s:e] = True
        for s in sentences(a.text):
            texts.append(a.text[s.start : s.end])
            labels.append(bool(mask[s.start : s.end].any()))
            owner.append(k)
    return texts, np.array(labels, dtype=int), np.array(owner)


def _fit_sentence(texts, y):
    hasher = TextHasher(pr.SENTENCE_BLOCKS).fit_idf(texts, min_df=2)
    lr = LogisticRegression(C=1.0, solver="liblinear", max_iter=5000)
    return hasher, lr.fit(hasher.transform(texts), y)


def _sentence_probs(model, texts):
    hasher, lr = model
    return lr.predict_proba(hasher.transform(texts))[:, 1]


def _token_data(articles, p_by_article):
    mats, ys, toks_all = [], [], []
    for a, p in zip(articles, p_by_article, strict=True):
        sents = [(s.start, s.end) for s in sentences(a.text)]
        toks, rows, numeric = pr.token_rows(a.text, sents, p)
        mask = np.zeros(len(a.text) + 1, dtype=bool)
        for s, e in a.spans:
            mask[s:e] = True
        ys.append(np.array([mask[s:e].any() for s, e, _ in toks], dtype=int))
        mats.append(pr.token_matrix(rows, numeric))
        toks_all.append(toks)
    return sparse.vstack(mats, format="csr"), np.concatenate(ys), toks_all


def _sgd(alpha: float) -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=1e-4,
                         random_state=SEED)


def _best_thresholds(articles, toks, p):
    gold = {a.id: list(a.spans) for a in articles}
    offsets = np.cumsum([0] + [len(t) for t in toks])
    results = {}
    for high in HIGH_GRID:
        for low in LOW_GRID:
            if low > high:
                continue
            pred = {a.id: [(s, e) for s, e, _ in pr.hysteresis(
                        t, p[offsets[k] : offsets[k + 1]], high, low, text=a.text)]
                    for k, (a, t) in enumerate(zip(articles, toks, strict=True))}
            results[(high, low)] = si_score(pred, gold)
    best = max(results, key=lambda k: results[k]["f1"])
    return best, results[best]


def train_propaganda(command: str, dry: bool) -> dict[str, Any]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    start = time.perf_counter()
    items = read_ptc(PTC, techniques=True)
    train = [a for a in items if not held_out(a.id)]
    log(f"propaganda: training on {len(train)}/{len(items)} articles")

    # 1. sentence model, with out-of-fold probabilities for the tagger's training rows
    texts, y_sent, owner = _sentence_rows(train)
    oof = np.zeros(len(texts))
    for _, b_idx in KFold(5, shuffle=True, random_state=SEED).split(train):
        b = np.isin(owner, b_idx)
        model = _fit_sentence([t for t, m in zip(texts, b, strict=True) if not m], y_sent[~b])
        oof[b] = _sentence_probs(model, [t for t, m in zip(texts, b, strict=True) if m])
    sent_hasher, sent_lr = _fit_sentence(texts, y_sent)
    log(f"  sentence model: {len(texts)} sentences ({y_sent.mean():.0%} with a span), "
        f"{time.perf_counter() - start:.0f} s")

    # 2. token tagger: alpha and thresholds by 4-fold out-of-fold span F1
    x, y, toks = _token_data(train, [oof[owner == k] for k in range(len(train))])
    df = np.bincount(x.indices, minlength=x.shape[1])
    keep = (df >= 2).astype(np.float32)
    keep[pr.TOKEN_FEATURES:] = 1.0  # numeric columns
    x = (x @ sparse.diags(keep)).tocsr()
    row_owner = np.concatenate([np.full(len(t), k) for k, t in enumerate(toks)])
    log(f"  token rows: {x.shape[0]} ({y.mean():.0%} inside a span), "
        f"{time.perf_counter() - start:.0f} s")
    search = {}
    for alpha in SGD_ALPHAS:
        p = np.zeros(len(y))
        for _, b_idx in KFold(4, shuffle=True, random_state=SEED).split(train):
            b = np.isin(row_owner, b_idx)
            p[b] = _sgd(alpha).fit(x[~b], y[~b]).predict_proba(x[b])[:, 1]
        (high, low), figures = _best_thresholds(train, toks, p)
        search[alpha] = {"high": high, "low": low, **figures}
        log(f"  alpha={alpha}: out-of-fold span F1 {figures['f1']} at high={high}, low={low} "
            f"({time.perf_counter() - start:.0f} s)")
    alpha = max(search, key=lambda a: search[a]["f1"])
    tagger = _sgd(alpha).fit(x, y)

    # 3. technique labeller on the training articles' technique spans
    spans = [(pr.technique_input(a.text[s:e]), k) for a in train for s, e, k in a.techniques]
    tech_hasher = TextHasher(pr.TECHNIQUE_BLOCKS).fit_idf([t for t, _ in spans], min_df=2)
    tech = LogisticRegression(C=3.0, max_iter=3000).fit(
        tech_hasher.transform([t for t, _ in spans]), [k for _, k in spans])
    log(f"  technique labeller: {len(spans)} spans, {len(tech.classes_)} techniques")

    arrays = (hasher_arrays(sent_hasher, "sentence") | hasher_arrays(tech_hasher, "technique")
              | {"sentence.coef": sent_lr.coef_[0], "sentence.intercept": sent_lr.intercept_,
                 "token.coef": tagger.coef_[0] * np.r_[keep],
                 "token.intercept": tagger.intercept_,
                 "technique.coef": tech.coef_, "technique.intercept": tech.intercept_})
    meta: dict[str, Any] = {
        "model": "propaganda",
        "sentence": {"blocks": [dict(b) for b in pr.SENTENCE_BLOCKS], "min_df": 2,
                     "kind": "logistic_regression", "C": 1.0,
                     "target": "sentence overlaps a gold span"},
        "token": {"kind": "sgd_log_loss", "alpha": alpha, "n_hashed": pr.TOKEN_FEATURES,
                  "numeric": list(pr.NUMERIC), "min_df": 2, "high": search[alpha]["high"],
                  "low": search[alpha]["low"],
                  "search": {str(k): v for k, v in search.items()}},
        "technique": {"blocks": [dict(b) for b in pr.TECHNIQUE_BLOCKS], "min_df": 2,
                      "kind": "multinomial_logistic_regression", "C": 3.0,
                      "classes": [str(c) for c in tech.classes_]},
        "trained_articles": sorted(a.id for a in train),
        "training": provenance(command, [PTC]),
    }
    path = write("propaganda", arrays, meta, dry)
    model = pr.PropagandaTagger(*read_npz(path.read_bytes()))
    scores = evaluate_propaganda(PTC, model)
    for label in ("with_lexicon", "model_only"):
        s = scores[label]
        log(f"  held out ({scores['n']} articles), {label}: precision={s['precision']} "
            f"recall={s['recall']} f1={s['f1']}")
    meta["scores"] = {"held_out": {k: v for k, v in scores.items()
                                   if k not in ("path", "seconds")},
                      "out_of_fold_train": search[alpha]}
    write("propaganda", arrays, meta, dry)
    log(f"  {time.perf_counter() - start:.0f} s")
    return meta["scores"]


# --------------------------------------------------------------------------- word list

def build_common_words(command: str, dry: bool) -> None:
    counts: Counter[str] = Counter()
    word = re.compile(r"\b[a-z]+(?:'[a-z]+)?\b")
    texts = [h.text for h in read_chakraborty(CHAKRABORTY)] + [h.text for h in read_webis(WEBIS)]
    texts += [a.title + "\n" + a.text for a in read_hyperpartisan(HYPERPARTISAN)]
    texts += [a.text for a in read_ptc(PTC)]
    for t in texts:
        counts.update(word.findall(t.replace("’", "'")))
    words = sorted(w for w, n in counts.items() if n >= 3 and len(w) >= 2)
    path = (ROOT / "build" if dry else DATA) / "framing_common_words.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"# {len(words)} lower-case words seen 3+ times in lower case in "
                    f"Chakraborty, Webis-17, hyperpartisan-semeval2019 and PTC; built by "
                    f"`{command}`\n" + "\n".join(words) + "\n", encoding="utf-8")
    log(f"common words: {len(words)} -> {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="words,clickbait,hyperpartisan,propaganda",
                        help="comma-separated models to train")
    parser.add_argument("--no-write", action="store_true",
                        help="write into build/ instead of src/storytrace/data")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED}: not found (../shared must sit beside the project)")
    command = "python bench/train_framing.py" + (
        f" --only {args.only}" if args.only != parser.get_default("only") else "")
    start = time.perf_counter()
    steps = {"words": build_common_words, "clickbait": train_clickbait,
             "hyperpartisan": train_hyperpartisan, "propaganda": train_propaganda}
    for name in args.only.split(","):
        if name not in steps:
            sys.exit(f"unknown model {name!r}; choose from {', '.join(steps)}")
        steps[name](command, args.no_write)
    log(f"done in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
