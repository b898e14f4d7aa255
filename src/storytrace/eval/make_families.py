"""Family benchmarks built independently of ``make-bench provenance``: two edit models.

``storytrace make-bench families --model cutadd|rewrite`` writes the same files as
:mod:`storytrace.eval.make_provenance` (``corpus.jsonl``, ``TRUTH.tsv``,
``FAMILIES.tsv``), so ``storytrace eval provenance`` scores them, but the copies are
made another way, so weights chosen on one set can be checked on the others.

Each family is rooted in one real article (all of its text: nothing is held back as
material for the copies) and grows 2 to 5 derived versions, down to depth 4: chains
(copies of copies) and siblings. Sentences a copy adds come from *other* articles
that are not in the corpus (English SemEval-2022 Task 8 texts), as a rewrite site
pads a story with its own background; some of those sentences credit a source of
their own ("according to the Associated Press"). About a quarter of the versions
have no publication time. ``unrelated`` real articles that share no phrase with the
families (nor with each other) are mixed in; they are roots.

Edit models (one function each):

``cutadd`` (:func:`cutadd_copy`)
    drops 5–25% of the parent's sentences, makes light copying slips in the rest
    (a word dropped, doubled, swapped with the next, a name put in lower case, at
    2–8% of the words) or, in 40% of copies, heavy edits (a quarter of the words:
    deleted, shuffled in runs of three, replaced by a story word of the same length),
    inserts 1–4 outside sentences, usually changes the headline,
    and credits the parent's outlet in 60% of copies as "Source: X", "As reported by
    X:" or "…, according to X."
``rewrite`` (:func:`rewrite_copy`)
    rewords heavily (15–30% of the words: deleted, replaced by a word of the same
    length from the story, swapped, or a filler added), moves sentences around
    (adjacent swaps and one sentence moved far), drops up to 15% and inserts up to 2
    outside sentences, rewrites the headline, and credits the parent in 55% of copies
    in one of eight forms ("(via X)", "H/T X", "X first reported the story.", …);
    15% of its times are a date only.

Ids are random and lines shuffled. ``FAMILIES.tsv`` columns: ``id, family, level,
depth, original`` (``level`` is the model, or ``unrelated``; for reporting only).
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storytrace.model import Article

__all__ = ["MODELS", "Doc", "cutadd_copy", "make_families_set", "outside_sentences",
           "rewrite_copy"]

SEMEVAL = Path("../shared/data/semeval2022-task8/training_set.csv")
_OUTLETS = (
    "Rally Point News", "The Liberty Ledger", "Heartland Wire", "Red State Digest",
    "Union Street Journal", "The Grassroots Post", "Lakeside Courier", "The Daily Plains",
    "Patriot Pulse", "Commonwealth Times", "North Star Report", "The Open Square",
    "Pinewood Gazette", "Bluewater Review", "The Town Crier Online", "Summit Daily News",
    "Granite Press", "The National Forum", "Old Glory Herald", "Riverbend Chronicle",
    "The Citizen Voice", "Prairie Dispatch", "The Capitol Insider", "Keystone Bulletin",
    "Harbor Light News", "The Frontline Daily", "Sunbelt Observer", "Ironwood Post",
    "Eastgate Times", "The Common Sense Review", "Maple Leaf Wire", "Westfield Sentinel",
    "The American Tribune Online", "Bayou Telegraph", "Crossroads Report", "Highland Record",
)
_FILLERS = ("also", "now", "reportedly", "still", "even", "just", "actually", "indeed")
_PREFIXES = ("SHOCK: ", "EXCLUSIVE: ", "Must See: ", "UPDATE: ", "Breaking News: ")
_SUFFIXES = (" (Details Inside)", " – Video", "...", " | Full Story", " [REPORT]")
_CREDIT_RE = re.compile(r"\b(?:according to|reported|told|said)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass
class Doc:
    """One version being built: sentences (with the separator after each), outlet, time."""

    index: int
    parent: int | None
    title: str
    sents: list[tuple[str, str]]
    outlet: str
    domain: str
    when: datetime | None
    depth: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(s + sep for s, sep in self.sents).strip()


def _split(text: str) -> list[tuple[str, str]]:
    """Sentences, stripped, with the separator after each; empty ones left out."""
    from storytrace.eval.make_provenance import _split as separated

    return [(s.strip(), sep) for s, sep in separated(text) if s.strip()]


def _phrases(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[i : i + 4])) for i in range(len(words) - 3)}


def outside_sentences(path: Path = SEMEVAL, limit: int = 4000) -> list[str]:
    """Sentences of 8 to 40 words from the English SemEval-2022 Task 8 texts: material
    from articles that are not in the corpus."""
    seen: set[str] = set()
    out: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for lang, text in ((row.get("lang1"), row.get("text1")),
                               (row.get("lang2"), row.get("text2"))):
                if lang != "en" or not text:
                    continue
                for s, _ in _split(text[:6000]):
                    s = " ".join(s.split())
                    if 8 <= len(s.split()) <= 40 and s[-1:] in ".!?" and s not in seen:
                        seen.add(s)
                        out.append(s)
            if len(out) >= limit:
                break
    return out


def _domain(outlet: str) -> str:
    return re.sub(r"[^a-z0-9]", "", outlet.lower())[:28] + ".com"


# ----------------------------------------------------------------------- word edits


def _walk(sentence: str, step: Callable[[list[str], int, list[str]], int]) -> str:
    """The words of a sentence of five words or more, each edited by ``step``: it appends
    what word ``i`` becomes to ``out`` and returns how many words it consumed."""
    words = sentence.split(" ")
    if len(words) < 5:
        return sentence
    out: list[str] = []
    i = 0
    while i < len(words):
        i += step(words, i, out)
    return " ".join(out)


def _slips(sentence: str, rate: float, rng: random.Random) -> str:
    """Light copying slips: a word dropped, doubled, swapped, or a name lower-cased."""

    def step(words: list[str], i: int, out: list[str]) -> int:
        w = words[i]
        if rng.random() >= rate or i == len(words) - 1:
            out.append(w)
            return 1
        kind = rng.randrange(4)  # 0: dropped
        if kind == 1:
            out += [w, w.lower().strip(".,;:")]
        elif kind == 2:
            out += [words[i + 1], w]
            return 2
        elif kind == 3:
            out.append(w.lower())
        return 1

    return _walk(sentence, step)


def _scramble(sentence: str, rate: float, rng: random.Random, vocab: Sequence[str]) -> str:
    """Heavy edits of another kind: words deleted, short runs of three words shuffled, and
    words replaced by a story word of exactly the same length."""

    def step(words: list[str], i: int, out: list[str]) -> int:
        r = rng.random()
        if r >= rate or i == 0:
            out.append(words[i])
        elif r < rate / 3:
            pass  # deleted
        elif r < 2 * rate / 3 and i + 3 <= len(words):
            run = words[i : i + 3]
            rng.shuffle(run)
            out += run
            return 3
        else:
            core = words[i].strip(".,;:!?\"“”")
            same = [v for v in vocab if len(v) == len(core)]
            out.append(words[i].replace(core, rng.choice(same)) if same and core else words[i])
        return 1

    return _walk(sentence, step)


def _reword(sentence: str, rate: float, rng: random.Random, vocab: Sequence[str]) -> str:
    """Heavy rewording: words deleted, replaced by a word of about the same length, swapped
    with the next, or a filler added."""
    words = sentence.split(" ")
    if len(words) < 4:
        return sentence
    by_len: dict[int, list[str]] = {}
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if rng.random() >= rate or i == 0:
            out.append(w)
            i += 1
            continue
        kind = rng.random()
        if kind < 0.25:
            pass
        elif kind < 0.65:
            core = w.strip(".,;:!?\"“”")
            pool = by_len.setdefault(len(core), [v for v in vocab if abs(len(v) - len(core)) <= 1])
            out.append(w.replace(core, rng.choice(pool)) if pool and core else w)
        elif kind < 0.85 and i + 1 < len(words) - 1:
            out += [words[i + 1], w]
            i += 1
        else:
            out += [rng.choice(_FILLERS), w]
        i += 1
    text = " ".join(out)
    return text[0].upper() + text[1:] if text else sentence


# -------------------------------------------------------------------------- credits


def _credit(sents: list[tuple[str, str]], name: str, form: str, rng: random.Random) -> None:
    """Put a credit naming ``name`` into the copy, in the given form."""
    if form == "according":
        k = rng.randrange(min(3, len(sents)))
        s, sep = sents[k]
        sents[k] = (re.sub(r"[.!?]?$", f", according to {name}.", s, count=1), sep)
    elif form.startswith("start:"):
        line = form[6:].format(name=name)
        sents.insert(0, (line, "\n\n"))
    elif form.startswith("inline:"):
        s, sep = sents[0]
        sents[0] = (form[7:].format(name=name) + s[0].lower() + s[1:]
                    if s[1:2].islower() else form[7:].format(name=name) + s, sep)
    else:  # "end:..."
        if sents:
            sents[-1] = (sents[-1][0], "\n\n")
        sents.append((form[4:].format(name=name), "\n\n"))


_CUTADD_CREDITS = ("end:Source: {name}", "start:As reported by {name}:", "according")
_REWRITE_CREDITS = ("end:(via {name})", "end:H/T {name}", "end:{name} first reported the story.",
                    "end:Source: {name}", "inline:As reported by {name}, ", "according",
                    "end:This story originally appeared on {name}.",
                    "end:Read more at {name}")


def _insert(sents: list[tuple[str, str]], n: int, pool: list[str], rng: random.Random,
            credited: float) -> int:
    """Insert ``n`` outside sentences; each is one that credits a source of its own with
    chance ``credited``. Returns how many went in."""
    done = 0
    for _ in range(n):
        if not pool:
            break
        want = rng.random() < credited
        pick = next((k for k in rng.sample(range(len(pool)), min(40, len(pool)))
                     if bool(_CREDIT_RE.search(pool[k])) == want), len(pool) - 1)
        sents.insert(rng.randrange(1, len(sents) + 1), (pool.pop(pick), " "))
        done += 1
    return done


def _drop(sents: list[tuple[str, str]], share: float, rng: random.Random, keep: int = 5) -> None:
    n = min(round(share * len(sents)), max(0, len(sents) - keep))
    for k in sorted(rng.sample(range(len(sents)), n), reverse=True):
        del sents[k]


def _headline(title: str, rng: random.Random, heavy: bool, vocab: Sequence[str]) -> str:
    for p in _PREFIXES:
        title = title.removeprefix(p)
    for s in _SUFFIXES:
        title = title.removesuffix(s)
    if heavy:
        title = _reword(title, 0.3, rng, vocab)
    elif rng.random() < 0.5:
        title = _slips(title, 0.15, rng)
    if rng.random() < 0.4:
        title = rng.choice(_PREFIXES) + title
    elif rng.random() < 0.4:
        title += rng.choice(_SUFFIXES)
    return title


# ---------------------------------------------------------------------- edit models


def cutadd_copy(parent: Doc, rng: random.Random, pool: list[str], vocab: Sequence[str]
                ) -> tuple[list[tuple[str, str]], str, dict]:
    """A cut-and-add copy: 5–25% of sentences dropped, 1–4 outside sentences inserted, the
    rest edited lightly (slips at 2–8% of words) or, in 40% of copies, heavily (25%:
    deletions, short shuffles, same-length substitutions); the parent credited in 60%."""
    sents = list(parent.sents)
    _drop(sents, rng.uniform(0.05, 0.25), rng)
    heavy = rng.random() < 0.4
    rate = 0.25 if heavy else rng.uniform(0.02, 0.08)
    sents = [(_scramble(s, rate, rng, vocab) if heavy else _slips(s, rate, rng), sep)
             for s, sep in sents]
    added = _insert(sents, rng.randint(1, 4), pool, rng, credited=0.3)
    info = {"added": added, "credit": None, "heavy": heavy}
    if rng.random() < 0.6:
        name = parent.outlet if rng.random() < 0.75 else parent.domain
        form = rng.choice(_CUTADD_CREDITS)
        _credit(sents, name, form, rng)
        info["credit"] = form
    title = _headline(parent.title, rng, False, vocab) if rng.random() < 0.8 else parent.title
    return sents, title, info


def rewrite_copy(parent: Doc, rng: random.Random, pool: list[str], vocab: Sequence[str]
                 ) -> tuple[list[tuple[str, str]], str, dict]:
    """A heavy rewrite: 15–30% of words reworded, sentences moved, up to 15% dropped and
    up to 2 outside sentences inserted, the parent credited in 55% of copies."""
    sents = list(parent.sents)
    _drop(sents, rng.uniform(0.0, 0.15), rng)
    rate = rng.uniform(0.15, 0.3)
    sents = [(_reword(s, rate, rng, vocab), sep) for s, sep in sents]
    for _ in range(rng.randint(1, 3)):  # adjacent swaps
        k = rng.randrange(len(sents) - 1)
        sents[k], sents[k + 1] = sents[k + 1], sents[k]
    if rng.random() < 0.5:  # one sentence moved far
        sents.insert(rng.randrange(len(sents)), sents.pop(rng.randrange(len(sents))))
    added = _insert(sents, rng.randint(0, 2), pool, rng, credited=0.4)
    info = {"added": added, "credit": None}
    if rng.random() < 0.55:
        name = parent.outlet if rng.random() < 0.7 else parent.domain
        form = rng.choice(_REWRITE_CREDITS)
        _credit(sents, name, form, rng)
        info["credit"] = form
    return sents, _headline(parent.title, rng, True, vocab), info


MODELS: dict[str, Callable[..., tuple[list[tuple[str, str]], str, dict]]] = {
    "cutadd": cutadd_copy, "rewrite": rewrite_copy}
_DATE_ONLY = {"cutadd": 0.0, "rewrite": 0.15}


# ------------------------------------------------------------------------ the set


def _pick(articles: Sequence[Article], n_roots: int, n_unrelated: int, rng: random.Random
          ) -> tuple[list[Article], list[Article]]:
    """Roots (10+ sentences of 6+ words) and unrelated articles (3+), sharing no 4-word
    phrase beyond 2% with each other."""
    pool = [a for a in articles if len(a.text) > 400]
    rng.shuffle(pool)
    roots: list[Article] = []
    others: list[Article] = []
    kept: list[set[int]] = []
    for a in pool:
        sh = _phrases(a.text)
        if len(sh) < 30 or any(len(sh & k) > 0.02 * min(len(sh), len(k)) for k in kept):
            continue
        long_ = sum(len(s.split()) >= 6 for s, _ in _split(a.text)) >= 10
        if long_ and len(roots) < n_roots:
            roots.append(a)
        elif len(others) < n_unrelated:
            others.append(a)
        else:
            continue
        kept.append(sh)
        if len(roots) == n_roots and len(others) == n_unrelated:
            break
    if len(roots) < n_roots or len(others) < n_unrelated:
        raise ValueError(f"only {len(roots)} roots and {len(others)} unrelated articles "
                         f"usable; asked for {n_roots} and {n_unrelated}")
    return roots, others


def _family(article: Article, model: str, rng: random.Random, pool: list[str],
            outlets: list[str]) -> list[Doc]:
    """The original and 2–5 derived versions, down to depth 4."""
    sents = _split(article.text)[:45]
    vocab = sorted(set(_WORD.findall(article.text))) or ["word"]
    domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", article.url).split("/")[0]
    outlet = article.outlet or domain or outlets.pop()
    when = article.published or datetime(2016, 6, 1, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(300 * 86400))
    title = article.title or " ".join(sents[0][0].split()[:10])
    docs = [Doc(0, None, title, sents, outlet, domain or _domain(outlet), when)]
    for k in range(1, rng.randint(2, 5) + 1):
        open_ = [d for d in docs if d.depth < 4]
        # Half the time the newest version is copied (chains), else any (siblings).
        parent = docs[-1] if rng.random() < 0.5 and docs[-1].depth < 4 else rng.choice(open_)
        text, head, info = MODELS[model](parent, rng, pool, vocab)
        name = outlets.pop()
        delay = timedelta(hours=math.exp(rng.uniform(math.log(0.25), math.log(72))))
        docs.append(Doc(k, parent.index, head, text, name, _domain(name),
                        parent.when + delay if parent.when else None, parent.depth + 1,
                        info))
    return docs


def _stamp(when: datetime | None, model: str, rng: random.Random) -> str | None:
    if when is None or rng.random() < 0.25:
        return None
    if rng.random() < _DATE_ONLY[model]:
        when = when.replace(hour=0, minute=0, second=0, microsecond=0)
    return when.isoformat()


def make_families_set(articles: Sequence[Article], out_dir: Path, *, model: str = "cutadd",
                      families: int = 60, unrelated: int = 100, seed: int = 1,
                      outside: Sequence[str] | None = None) -> dict:
    """Write ``corpus.jsonl``, ``TRUTH.tsv`` and ``FAMILIES.tsv`` under ``out_dir``.

    ``outside`` are sentences of articles not in the corpus, for copies to insert
    (default: :func:`outside_sentences`). Same inputs and seed, same files. Returns
    counts: families, articles, derived, roots, credited copies, untimed versions.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    rng = random.Random(f"{model}:{seed}")
    roots, others = _pick(articles, families, unrelated, rng)
    pool = list(outside if outside is not None else outside_sentences())
    rng.shuffle(pool)
    rows, truth, groups = [], [], []
    counts = dict.fromkeys(("families", "articles", "derived", "roots", "credited",
                            "untimed", "max_depth"), 0)
    used: set[str] = set()

    def new_id() -> str:
        while (x := f"{rng.getrandbits(48):012x}") in used:
            pass
        used.add(x)
        return x

    for f, article in enumerate(roots):
        names = [o for o in _OUTLETS if o.lower() not in article.text.lower()]
        rng.shuffle(names)
        docs = _family(article, model, rng, pool, names)
        ids = [new_id() for _ in docs]
        for d in docs:
            stamp = _stamp(d.when, model, rng)
            rows.append({"id": ids[d.index], "title": d.title, "text": d.text,
                         "outlet": d.outlet, "url": f"https://{d.domain}/{f:03d}-{d.index}",
                         "published": stamp})
            counts["untimed"] += stamp is None
            if d.parent is not None:
                truth.append(f"{ids[d.index]}\t{ids[d.parent]}")
                counts["derived"] += 1
                counts["credited"] += d.extra.get("credit") is not None
            else:
                counts["roots"] += 1
            counts["max_depth"] = max(counts["max_depth"], d.depth)
            groups.append(f"{ids[d.index]}\tf{f:03d}\t{model}\t{d.depth}\tcollected")
        counts["families"] += 1
    for k, a in enumerate(others):
        vid = new_id()
        rows.append({"id": vid, "title": a.title, "text": a.text, "outlet": a.outlet,
                     "url": a.url, "published": a.published.isoformat() if a.published else None})
        counts["roots"] += 1
        groups.append(f"{vid}\tu{k:03d}\tunrelated\t0\tcollected")
    rng.shuffle(rows)
    counts["articles"] = len(rows)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out_dir / "TRUTH.tsv").write_text("".join(t + "\n" for t in sorted(truth)), encoding="utf-8")
    (out_dir / "FAMILIES.tsv").write_text(
        "id\tfamily\tlevel\tdepth\toriginal\n" + "".join(g + "\n" for g in sorted(groups)),
        encoding="utf-8")
    return counts
