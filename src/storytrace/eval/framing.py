"""Framing models against their public benchmarks: readers, split and official measures.

Data sets (see ../shared/data/*/README.txt):

* **Chakraborty et al. 2016 clickbait headlines**: a folder with
  ``clickbait_data[.gz]`` and ``non_clickbait_data[.gz]``, one headline a line.
* **Webis Clickbait Corpus 2017**: a JSON list (or JSON lines) of posts with
  ``post_text``/``postText``, ``truth_mean``/``truthMean`` and ``click_bait``/
  ``truthClass``.
* **SemEval-2019 Task 4 hyperpartisan (by article)**: ``articles*.xml`` and
  ``ground-truth*.xml``; bodies are HTML-ish (``<p>``, ``<a>``): when the XML parser
  fails, HTML named entities (``&nbsp;``) and bare ``&`` are turned into XML first.
* **SemEval-2020 Task 11 propaganda spans**: ``articles/article<ID>.txt`` and
  ``labels-SI/article<ID>.task1-SI.labels`` (``ID<TAB>start<TAB>end``).

**Held-out split.** An item is held out when ``xxh64(key) % 5 == 0`` (about 20%),
``key`` being a headline's case- and space-folded text (so a repeated headline is
never on both sides) or an article id. Training (``bench/train_framing.py``) only
sees the other 80%, and each shipped model records which items it saw (32-bit
hashes of headline keys; article ids): the evaluations score every item the model
did not see, which on the ../shared files is exactly the held-out 20%, and on a
file kept apart is all of it. Hyperpartisan is the exception: there the *recipe*
is measured by stratified 5-fold cross-validation, retraining on each fold.

**Span F1** (:func:`si_score`) is the SemEval-2020 Task 11 SI measure of the
official ``task-SI_scorer.py``: overlapping gold spans are merged (predicted ones
too, as with its ``-m`` flag); precision is the sum over predicted spans *s* and
gold spans *t* of |s ∩ t| / |s|, divided by the number of predicted spans; recall
the same sum with |s ∩ t| / |t| divided by the number of gold spans; F1 their
harmonic mean (1.0 when there are neither predicted nor gold spans).

Bad input raises ``ValueError`` with one line: ``PATH[:LINE]: reason``.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xxhash

from storytrace.eval.jsonl import json_lines

if TYPE_CHECKING:
    from storytrace.framing.clickbait import ClickbaitModel
    from storytrace.framing.propaganda import PropagandaTagger

__all__ = ["Headline", "PartisanArticle", "PtcArticle", "evaluate_clickbait",
           "evaluate_hyperpartisan", "evaluate_propaganda", "held_out", "key_hash",
           "read_chakraborty", "read_hyperpartisan", "read_ptc", "read_webis", "si_score",
           "text_key"]

FOLDS = 5
PathLike = str | Path


# --------------------------------------------------------------------------- split

def text_key(text: str) -> str:
    """The key a headline is split and deduplicated by: case and spacing folded.

    >>> text_key("  You Won't   BELIEVE ")
    "you won't believe"
    """
    return " ".join(text.split()).lower()


def held_out(key: str, folds: int = FOLDS) -> bool:
    """True for the ~1/``folds`` of keys that training never sees.

    >>> held_out("111111116"), held_out("111111117")
    (False, True)
    """
    return xxhash.xxh64_intdigest(key.encode("utf-8", "surrogatepass")) % folds == 0


def key_hash(key: str) -> int:
    """32-bit hash of a key, as stored in a model's ``trained_keys``."""
    return xxhash.xxh64_intdigest(key.encode("utf-8", "surrogatepass")) & 0xFFFFFFFF


def _seen(keys: Sequence[str], trained: np.ndarray | None) -> np.ndarray:
    if trained is None or len(trained) == 0:
        return np.zeros(len(keys), dtype=bool)
    h = np.array([key_hash(k) for k in keys], dtype=np.uint32)
    pos = np.minimum(np.searchsorted(trained, h), len(trained) - 1)
    return trained[pos] == h


# --------------------------------------------------------------------------- readers

@dataclass(frozen=True)
class Headline:
    """A headline or post: ``label`` 1 for clickbait; ``truth_mean`` for Webis posts."""

    text: str
    label: int
    truth_mean: float | None = None
    where: str = ""


@dataclass(frozen=True)
class PartisanArticle:
    """A by-article hyperpartisan item: ``label`` 1 when hyperpartisan."""

    id: str
    title: str
    text: str
    label: int


@dataclass(frozen=True)
class PtcArticle:
    """A propaganda-corpus article: its text and gold ``(start, end)`` spans."""

    id: str
    text: str
    spans: tuple[tuple[int, int], ...]
    techniques: tuple[tuple[int, int, str], ...] = ()


def _read_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
            return [line.strip() for line in f]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read as UTF-8 text ({exc})") from None


def _one_of(folder: Path, names: Iterable[str]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


def read_chakraborty(folder: PathLike) -> list[Headline]:
    """The Chakraborty folder's headlines (blank lines skipped), clickbait first."""
    folder = Path(folder)
    out: list[Headline] = []
    for name, label in (("clickbait_data", 1), ("non_clickbait_data", 0)):
        path = _one_of(folder, (f"{name}.gz", name, f"{name}.txt"))
        if path is None:
            raise ValueError(f"{folder}: no {name}.gz or {name} (expected the Chakraborty "
                             f"clickbait folder)")
        for i, line in enumerate(_read_lines(path), 1):
            if line:
                out.append(Headline(line, label, None, f"{path}:{i}"))
    return out


def _webis_record(obj: object, where: str) -> Headline:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("post_text", obj.get("postText"))
    if isinstance(text, list):
        text = " ".join(str(t) for t in text)
    if not isinstance(text, str):
        raise ValueError(f"{where}: no post_text/postText string")
    mean = obj.get("truth_mean", obj.get("truthMean"))
    if isinstance(mean, bool) or not isinstance(mean, int | float) or not 0 <= mean <= 1:
        raise ValueError(f"{where}: truth_mean/truthMean must be a number in [0, 1], "
                         f"got {mean!r}")
    label = obj.get("click_bait", obj.get("truthClass"))
    if label in ("clickbait", 1, True):
        label = 1
    elif label in ("no-clickbait", 0, False):
        label = 0
    elif label is None:
        label = int(mean >= 0.5)
    else:
        raise ValueError(f"{where}: click_bait/truthClass must be 0/1 or "
                         f"'clickbait'/'no-clickbait', got {label!r}")
    return Headline(text, label, float(mean), where)


def read_webis(path: PathLike) -> list[Headline]:
    """Webis-Clickbait-17 posts from a JSON list or JSON lines file."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    if raw.lstrip().startswith("["):
        try:
            records = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
        out = [_webis_record(r, f"{path}: item {i}") for i, r in enumerate(records, 1)]
    else:
        out = [_webis_record(obj, f"{path}:{i}")
               for i, obj in json_lines(raw.splitlines(), str(path))]
    if not out:
        raise ValueError(f"{path}: no posts")
    return out


_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _html_entities_to_text(raw: str) -> str:
    """HTML named entities (``&nbsp;``) as characters, stray ``&`` escaped: XML again."""
    def entity(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _XML_ENTITIES or name.startswith("#"):
            return m.group(0)
        text = html.unescape(m.group(0))
        return "&amp;" + m.group(0)[1:] if text == m.group(0) else html.escape(text)
    raw = re.sub(r"&(#?\w+);", entity, raw)
    return re.sub(r"&(?!#?\w+;)", "&amp;", raw)


def _parse_xml(path: Path) -> ET.Element:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    try:
        return ET.fromstring(raw)
    except ET.ParseError as first:
        try:  # HTML-ish bodies: named HTML entities and bare ampersands
            return ET.fromstring(_html_entities_to_text(raw))
        except ET.ParseError:
            raise ValueError(f"{path}: not well-formed XML ({first})") from None


def _body(article: ET.Element) -> str:
    paragraphs = [" ".join("".join(p.itertext()).split()) for p in article.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    return "\n".join(paragraphs) if paragraphs else " ".join("".join(article.itertext()).split())


def read_hyperpartisan(folder: PathLike) -> list[PartisanArticle]:
    """Articles of ``articles*.xml`` with their labels from ``ground-truth*.xml``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder (expected articles.xml + ground-truth.xml)")
    truths = sorted(folder.glob("ground-truth*.xml"))
    articles = sorted(p for p in folder.glob("articles*.xml"))
    if len(truths) != 1 or len(articles) != 1:
        raise ValueError(f"{folder}: expected one articles*.xml and one ground-truth*.xml, "
                         f"found {len(articles)} and {len(truths)}")
    labels: dict[str, int] = {}
    for el in _parse_xml(truths[0]).iter("article"):
        value = (el.get("hyperpartisan") or "").lower()
        if el.get("id") is None or value not in ("true", "false"):
            raise ValueError(f"{truths[0]}: article {el.get('id')!r} has no id or no "
                             f"hyperpartisan='true'/'false'")
        labels[el.get("id", "")] = int(value == "true")
    out = []
    for el in _parse_xml(articles[0]).iter("article"):
        aid = el.get("id")
        if aid is None:
            raise ValueError(f"{articles[0]}: an <article> has no id")
        if aid not in labels:
            raise ValueError(f"{articles[0]}: article {aid} has no label in {truths[0].name}")
        out.append(PartisanArticle(aid, el.get("title") or "", _body(el), labels[aid]))
    if not out:
        raise ValueError(f"{articles[0]}: no <article> elements")
    return out


_PTC_ARTICLES = ("articles", "train-articles", "dev-articles")
_PTC_SI = ("labels-SI", "train-labels-task1-span-identification",
           "dev-labels-task1-span-identification")
_PTC_TC = ("labels-TC", "train-labels-task2-technique-classification",
           "dev-labels-task2-technique-classification")


def _labels(path: Path, aid: str, size: int, columns: int) -> list[tuple]:
    rows = []
    for i, line in enumerate(_read_lines(path), 1):
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != columns:
            raise ValueError(f"{path}:{i}: expected {columns} tab-separated columns, "
                             f"found {len(parts)}")
        if parts[0] != aid:
            raise ValueError(f"{path}:{i}: article id {parts[0]!r} is not {aid!r}")
        try:
            start, end = int(parts[-2]), int(parts[-1])
        except ValueError:
            raise ValueError(f"{path}:{i}: offsets must be integers") from None
        if not 0 <= start < end <= size:
            raise ValueError(f"{path}:{i}: span {start}-{end} outside the article "
                             f"({size} characters)")
        rows.append((start, end, *parts[1:-2]))
    return rows


def read_ptc(folder: PathLike, *, techniques: bool = False) -> list[PtcArticle]:
    """Articles of a PTC folder with their span (and optionally technique) labels.

    An article without a labels file has no propaganda spans, as in the task.
    """
    folder = Path(folder)
    art_dir = next((folder / n for n in _PTC_ARTICLES if (folder / n).is_dir()), None)
    si_dir = next((folder / n for n in _PTC_SI if (folder / n).is_dir()), None)
    if art_dir is None or si_dir is None:
        raise ValueError(f"{folder}: expected articles/ and labels-SI/ folders "
                         f"(SemEval-2020 Task 11 layout)")
    tc_dir = next((folder / n for n in _PTC_TC if (folder / n).is_dir()), None)
    out = []
    for path in sorted(art_dir.glob("article*.txt")):
        m = re.fullmatch(r"article(\d+)\.txt", path.name)
        if not m:
            continue
        aid = m.group(1)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read ({exc})") from None
        si = next(iter(si_dir.glob(f"article{aid}.*labels")), None)
        spans = tuple((s, e) for s, e in _labels(si, aid, len(text), 3)) if si else ()
        tcs: tuple[tuple[int, int, str], ...] = ()
        if techniques and tc_dir is not None:
            tc = next(iter(tc_dir.glob(f"article{aid}.*labels")), None)
            if tc:
                tcs = tuple((s, e, k) for s, e, k in _labels(tc, aid, len(text), 4))
        out.append(PtcArticle(aid, text, spans, tcs))
    if not out:
        raise ValueError(f"{art_dir}: no article<ID>.txt files")
    return out


# --------------------------------------------------------------------------- measures

def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def si_score(predicted: dict[str, Sequence[tuple[int, int]]],
             gold: dict[str, Sequence[tuple[int, int]]]) -> dict[str, float | int]:
    """SemEval-2020 Task 11 span-identification precision, recall and F1.

    >>> si_score({"1": [(0, 10)]}, {"1": [(5, 15)]})["f1"]
    0.5
    >>> si_score({"1": [(0, 4), (6, 8)]}, {"1": [(0, 8)]})
    {'precision': 1.0, 'recall': 0.75, 'f1': 0.8571, 'predicted': 2, 'gold': 1}
    """
    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for aid in sorted(set(predicted) | set(gold)):
        pred = _merge(predicted.get(aid, ()))
        true = _merge(gold.get(aid, ()))
        n_pred += len(pred)
        n_gold += len(true)
        for s in pred:
            for t in true:
                inter = min(s[1], t[1]) - max(s[0], t[0])
                if inter > 0:
                    p_sum += inter / (s[1] - s[0])
                    r_sum += inter / (t[1] - t[0])
    p = p_sum / n_pred if n_pred else 0.0
    r = r_sum / n_gold if n_gold else 0.0
    f1 = 1.0 if n_pred == n_gold == 0 else (2 * p * r / (p + r) if p > 0 and r > 0 else 0.0)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "predicted": n_pred, "gold": n_gold}


def _binary(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int(np.sum((pred == 1) & (y == 1)))
    fp = int(np.sum((pred == 1) & (y == 0)))
    fn = int(np.sum((pred == 0) & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": round(float(np.mean(pred == y)), 4), "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


# --------------------------------------------------------------------------- evaluations

def evaluate_clickbait(path: PathLike, model: ClickbaitModel | None = None
                       ) -> dict[str, Any]:
    """Score the clickbait model on a Chakraborty folder or a Webis JSON file.

    Items the model was trained on are skipped (see the module docstring). A folder
    is scored with the shipped decision (headline head and typography rule,
    ``decide() >= 0.5``: accuracy, precision, recall, F1) and with the headline head
    alone (``model_only``); a Webis file with the strength head (MSE against
    ``truthMean``; accuracy, precision, recall, F1 of ``strength >= 0.5`` against the
    corpus's class; ``mse_of_predicting_mean`` for scale).
    """
    from storytrace.framing.clickbait import ClickbaitModel

    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file or folder")
    model = model or ClickbaitModel.default()
    dataset = "chakraborty" if path.is_dir() else "webis"
    items = read_chakraborty(path) if dataset == "chakraborty" else read_webis(path)
    seen = _seen([text_key(h.text) for h in items], getattr(model, "trained_keys", None))
    test = [h for h, s in zip(items, seen, strict=True) if not s]
    if not test:
        raise ValueError(f"{path}: all {len(items)} items were used in training; "
                         f"nothing held out to score")
    start = time.perf_counter()
    y = np.array([h.label for h in test])
    result: dict[str, Any] = {"path": str(path), "dataset": dataset, "items": len(items),
                              "skipped_trained": int(seen.sum()), "n": len(test)}
    if dataset == "chakraborty":
        texts = [h.text for h in test]
        decided = model.decide(texts) if hasattr(model, "decide") else model.score(texts)
        result |= {"head": "headline + typography rule",
                   **_binary(y, (decided >= 0.5).astype(int)),
                   "model_only": _binary(y, (model.score(texts) >= 0.5).astype(int))}
    else:
        strength = model.strength([h.text for h in test])
        truth = np.array([h.truth_mean for h in test])
        result |= {"head": "strength",
                   "mse": round(float(np.mean((strength - truth) ** 2)), 4),
                   "mse_of_predicting_mean": round(float(np.var(truth)), 4),
                   **_binary(y, (strength >= 0.5).astype(int))}
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def evaluate_hyperpartisan(folder: PathLike, folds: int = FOLDS, seed: int = 0
                           ) -> dict[str, Any]:
    """Accuracy, precision, recall and F1 of the hyperpartisan recipe under k-fold CV.

    Stratified folds (shuffled with ``seed``); each fold retrains
    :func:`storytrace.framing.hyperpartisan.fit_hyperpartisan` on the others, and the
    pooled out-of-fold predictions are scored.
    """
    from sklearn.model_selection import StratifiedKFold

    from storytrace.framing.hyperpartisan import (
        HyperpartisanModel,
        article_text,
        fit_hyperpartisan,
    )

    items = read_hyperpartisan(folder)
    y = np.array([a.label for a in items])
    if folds < 2 or min(np.bincount(y, minlength=2)) < folds:
        raise ValueError(f"{folder}: need at least {max(folds, 2)} articles of each class "
                         f"for {folds}-fold cross-validation")
    texts = [article_text(a.title, a.text) for a in items]
    pred = np.zeros(len(items), dtype=int)
    fold_accuracy = []
    start = time.perf_counter()
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        model = HyperpartisanModel(*fit_hyperpartisan([texts[i] for i in train], y[train]))
        pred[test] = (model.score([texts[i] for i in test]) >= 0.5).astype(int)
        fold_accuracy.append(float(np.mean(pred[test] == y[test])))
    return {"path": str(folder), "articles": len(items), "hyperpartisan": int(y.sum()),
            "folds": folds, "seed": seed, **_binary(y, pred),
            "fold_accuracy": [round(a, 4) for a in fold_accuracy],
            "seconds": round(time.perf_counter() - start, 2)}


def evaluate_propaganda(folder: PathLike, tagger: PropagandaTagger | None = None, *,
                        lexicon: bool = True
                        ) -> dict[str, Any]:
    """SemEval-2020 Task 11 span F1 of the propaganda spans on articles not trained on.

    Reports the shipped detector (tagger and lexicon) and the tagger alone.
    """
    from storytrace.framing.propaganda import PropagandaTagger

    items = read_ptc(folder)
    tagger = tagger or PropagandaTagger.default()
    trained = set(tagger.meta.get("trained_articles", ()))
    test = [a for a in items if a.id not in trained]
    if not test:
        raise ValueError(f"{folder}: all {len(items)} articles were used in training; "
                         f"nothing held out to score")
    start = time.perf_counter()
    gold = {a.id: list(a.spans) for a in test}
    with_lexicon: dict[str, list[tuple[int, int]]] = {}
    model_only: dict[str, list[tuple[int, int]]] = {}
    for a in test:
        spans = tagger.spans(a.text, lexicon=True)
        with_lexicon[a.id] = [(s.start, s.end) for s in spans]
        model_only[a.id] = [(s.start, s.end) for s in tagger.spans(a.text, lexicon=False)]
    primary = with_lexicon if lexicon else model_only
    return {"path": str(folder), "articles": len(items), "skipped_trained": len(items) - len(test),
            "n": len(test), "lexicon": lexicon, **si_score(primary, gold),
            "model_only": si_score(model_only, gold),
            "with_lexicon": si_score(with_lexicon, gold),
            "seconds": round(time.perf_counter() - start, 2)}
