"""Generate provenance test corpora: families of versions copied from real articles.

Each family starts from one real article (its first sentences; the rest is kept
back as material the copies may add) and grows a tree of 2 to 6 versions in the
corpus. A new
version copies one earlier version and changes it: words edited (with
:mod:`storytrace.eval.make_reuse`'s edit operations), sentences dropped, sentences
added, the headline rewritten, and sometimes a line crediting the version it
copied ("according to <its outlet>", "Source: <its domain>"). Each version is
made from its parent's text, so every edit is inherited by its descendants, as
in a manuscript tradition. Times follow the tree (a copy appears 10 minutes to
two days after its parent, log-uniformly), and are sometimes missing or only a date.

Levels (:data:`LEVELS`) set how much changes per copy and how much evidence
survives; at ``hard`` the family's original is sometimes left out of the corpus
(an uncollected source), so its copies are roots with no parent in the corpus.

Output: ``corpus.jsonl`` (``id, title, text, outlet, url, published``; published
may be null), ``TRUTH.tsv`` (``child_id<TAB>parent_id``) and ``FAMILIES.tsv``
(``id, family, level, depth, original``: ``original`` says whether the family's
original is in the corpus; for reporting only: the evaluation reads it to group
scores, never to predict). Ids are random, and lines are shuffled, so
neither gives the tree away.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storytrace.eval.make_reuse import edit_words, shuffle_clauses
from storytrace.model import Article
from storytrace.text.segment import sentences

__all__ = ["LEVELS", "Level", "Version", "make_family", "make_provenance_set", "pick_roots"]


@dataclass(frozen=True)
class Level:
    """How a copy differs from its parent, and how much evidence it leaves.

    word_rate : share of words edited per copy (a range; each copy draws a value).
    drop : share of the parent's sentences a copy leaves out (a range).
    add : sentences a copy adds (a range, inclusive).
    shuffle : chance that a sentence has its clauses reordered.
    credit : chance that a copy credits its parent.
    missing_time : chance that a version has no publication time.
    date_only : chance that a version's time is only a date (midnight UTC).
    hidden_root : chance that the family's original is left out of the corpus.
    """

    word_rate: tuple[float, float]
    drop: tuple[float, float]
    add: tuple[int, int]
    shuffle: float
    credit: float
    missing_time: float
    date_only: float
    hidden_root: float


LEVELS: dict[str, Level] = {
    "easy": Level((0.01, 0.04), (0.0, 0.2), (0, 1), 0.0, 0.7, 0.1, 0.0, 0.0),
    "medium": Level((0.04, 0.08), (0.1, 0.3), (0, 2), 0.05, 0.4, 0.3, 0.15, 0.0),
    "hard": Level((0.08, 0.15), (0.15, 0.4), (1, 3), 0.15, 0.2, 0.5, 0.3, 0.3),
}

_FALLBACK_OUTLETS = (
    "Daily Sentinel", "Liberty Wire", "Patriot Journal", "Capitol Report", "Freedom Times",
    "The Morning Ledger", "National Courier", "Metro Dispatch", "Heartland Herald",
    "Coastal Observer", "The Civic Post", "Evening Bulletin", "Republic Monitor",
    "Truth Examiner", "Valley Gazette", "Independent Register", "Frontier Chronicle",
    "Citizen Tribune", "Union Press", "American Beacon",
)
_HEAD_PREFIXES = ("BREAKING: ", "WATCH: ", "REPORT: ", "JUST IN: ", "WOW: ")
_HEAD_SUFFIXES = (" (VIDEO)", " — Here's What Happened", " [DETAILS]", "!", " — Report")
_CREDITS = (
    "start:According to {name}, ",
    "start:As reported by {name}, ",
    "line:Source: {name}",
    "line:H/t {name}",
    "end:The story was first reported by {name}.",
    "end:{name} reported the story first.",
)


@dataclass
class Version:
    """One version of a family as it is being built (``parent`` is an index or None)."""

    index: int
    parent: int | None
    title: str
    sentences: list[tuple[str, str]]  # (sentence, separator after it)
    outlet: str
    domain: str
    published: datetime | None
    depth: int = 0
    date_only: bool = False  # its source gives only a date (the true time is hidden)

    @property
    def text(self) -> str:
        return "".join(s + sep for s, sep in self.sentences).strip()


def _split(text: str) -> list[tuple[str, str]]:
    """Sentences with the separator that followed each (a space or a paragraph break)."""
    spans = sentences(text)
    out = []
    for k, s in enumerate(spans):
        gap = text[s.end : spans[k + 1].start] if k + 1 < len(spans) else ""
        out.append((s.of(text), "\n\n" if "\n" in gap else " "))
    return out


def _domain(outlet: str) -> str:
    return (re.sub(r"[^a-z0-9]", "", outlet.lower())[:30] or "news") + ".com"


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8]) or "story"


def _shingles(text: str, n: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)}


def pick_roots(articles: Sequence[Article], n: int, rng: random.Random,
               min_sentences: int = 8, max_overlap: float = 0.05) -> list[Article]:
    """``n`` articles with at least ``min_sentences`` sentences of 6+ words that share
    (almost) no 5-word phrases with each other, so families do not overlap."""
    pool = [a for a in articles
            if sum(len(s.split()) >= 6 for s, _ in _split(a.text)) >= min_sentences]
    rng.shuffle(pool)
    chosen: list[Article] = []
    kept: list[set[int]] = []
    for a in pool:
        sh = _shingles(a.text)
        if not sh or any(len(sh & k) > max_overlap * min(len(sh), len(k)) for k in kept):
            continue
        chosen.append(a)
        kept.append(sh)
        if len(chosen) == n:
            break
    if len(chosen) < n:
        raise ValueError(f"only {len(chosen)} usable, mutually distinct articles with "
                         f"{min_sentences}+ sentences; asked for {n} families")
    return chosen


def _rewrite_headline(title: str, rng: random.Random, vocab: Sequence[str]) -> str:
    for p in _HEAD_PREFIXES:
        title = title.removeprefix(p)
    for s in _HEAD_SUFFIXES:
        title = title.removesuffix(s)
    title = edit_words(title, 0.2, rng, vocab)
    if rng.random() < 0.3:
        words = title.split()
        k = rng.randrange(len(words)) if words else 0
        if words:
            words[k] = words[k].upper()
        title = " ".join(words)
    if rng.random() < 0.4:
        title = rng.choice(_HEAD_PREFIXES) + title
    elif rng.random() < 0.4:
        title += rng.choice(_HEAD_SUFFIXES)
    return title


def _credit(sents: list[tuple[str, str]], name: str, rng: random.Random) -> None:
    where, template = rng.choice(_CREDITS).split(":", 1)
    line = template.format(name=name)
    if where == "start" and sents:
        first, sep = sents[0]
        # Lower-case the old first word unless it looks like a name ("The" -> "the").
        if len(first) > 1 and first[1].islower() and first.split(" ", 1)[0] in (
                "The", "A", "An", "In", "On", "At", "It", "This", "That", "There", "When",
                "According", "As"):
            first = first[0].lower() + first[1:]
        sents[0] = (line + first, sep)
    elif where == "line":
        if sents:
            sents[-1] = (sents[-1][0], "\n\n")
        sents.append((line, "\n\n"))
    else:
        sents.append((line, "\n\n"))


def _copy(parent: Version, index: int, level: Level, rng: random.Random, vocab: Sequence[str],
          reserve: list[str], outlet: str, when: datetime | None) -> Version:
    sents = list(parent.sentences)
    n_drop = min(round(rng.uniform(*level.drop) * len(sents)), max(0, len(sents) - 5))
    for k in sorted(rng.sample(range(len(sents)), n_drop), reverse=True):
        del sents[k]
    rate = rng.uniform(*level.word_rate)
    edited = []
    for s, sep in sents:
        if rng.random() < level.shuffle:
            s = shuffle_clauses(s, rng)
        edited.append((edit_words(s, rate, rng, vocab) or s, sep))
    for _ in range(rng.randint(*level.add)):
        if not reserve:
            break
        edited.insert(rng.randrange(len(edited) + 1), (reserve.pop(), " "))
    if rng.random() < level.credit:
        name = parent.outlet if rng.random() < 0.7 else parent.domain
        _credit(edited, name, rng)
    return Version(index, parent.index, _rewrite_headline(parent.title, rng, vocab), edited,
                   outlet, _domain(outlet), when, parent.depth + 1)


def _when(parent: datetime | None, rng: random.Random) -> datetime | None:
    if parent is None:
        return None
    # Log-uniform between 10 minutes and two days: most copies follow within hours.
    return parent + timedelta(seconds=math.exp(rng.uniform(math.log(600), math.log(172800))))


def make_family(article: Article, size: int, level: Level, rng: random.Random,
                outlets: Sequence[str]) -> tuple[list[Version], bool]:
    """Versions of one family (the original first) and whether the original is hidden.

    ``size`` counts the versions that go into the corpus.
    """
    all_sents = _split(article.text)
    keep = max(8, min(40, round(len(all_sents) * 0.7)))
    base, rest = all_sents[:keep], all_sents[keep:]
    reserve = [s for s, _ in rest if len(s.split()) >= 6][:15]
    rng.shuffle(reserve)
    vocab = re.findall(r"[A-Za-z]{4,}", article.text) or ["word"]
    mentioned = article.text.lower()
    names = [o for o in outlets if o.lower() not in mentioned and o != article.outlet]
    hidden = rng.random() < level.hidden_root
    total = size + hidden
    picked = rng.sample(names, total - 1)
    root_outlet = article.outlet or rng.choice([o for o in names if o not in picked])
    when = article.published or datetime(2016, 1, 1, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(2 * 365 * 86400))
    # A source time of midnight is a date only: the original appeared some time that day,
    # and its copies follow that hidden time, not midnight.
    date_only = when.hour == when.minute == when.second == when.microsecond == 0
    if date_only:
        when += timedelta(seconds=rng.randrange(86400))
    domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", article.url).split("/")[0]
    root = Version(0, None, article.title or " ".join(base[0][0].split()[:10]), base,
                   root_outlet, domain or _domain(root_outlet), when, date_only=date_only)
    versions = [root]
    for k in range(1, total):
        # Many copy the original; others copy a copy (a random recursive tree).
        parent = versions[0] if rng.random() < 0.4 else rng.choice(versions)
        versions.append(_copy(parent, k, level, rng, vocab, reserve, picked[k - 1],
                              _when(parent.published, rng)))
    return versions, hidden


def _published(v: Version, level: Level, rng: random.Random) -> str | None:
    if v.published is None or rng.random() < level.missing_time:
        return None
    t = v.published
    if v.date_only or rng.random() < level.date_only:
        t = t.replace(hour=0, minute=0, second=0, microsecond=0)
    return t.isoformat()


def make_provenance_set(articles: Sequence[Article], out_dir: Path, families: int = 300,
                        seed: int = 7, levels: Sequence[str] = tuple(LEVELS)) -> dict:
    """Write ``corpus.jsonl``, ``TRUTH.tsv`` and ``FAMILIES.tsv`` under ``out_dir``.

    Families are spread evenly over ``levels``; the same articles and seed give the
    same files. Returns counts (families, articles, derived, roots, by level).

    >>> import tempfile
    >>> words = [f"word{n}" for n in range(3000)]
    >>> def text(k):  # 14 sentences of 12 words; articles share no phrase
    ...     r = random.Random(k)
    ...     return "\\n\\n".join(" ".join(r.sample(words, 12)) + "." for _ in range(14))
    >>> arts = [Article(id=str(k), title=f"Title {k}", text=text(k)) for k in range(3)]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     counts = make_provenance_set(arts, Path(d), families=3, seed=1)
    ...     lines = (Path(d) / "corpus.jsonl").read_text().splitlines()
    >>> counts["families"], counts["articles"] == len(lines)
    (3, True)
    """
    rng = random.Random(seed)
    names = sorted({a.outlet for a in articles if a.outlet} | set(_FALLBACK_OUTLETS))
    roots = pick_roots(articles, families, rng)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows, truth, groups = [], [], []
    counts: dict = {"families": 0, "articles": 0, "derived": 0, "roots": 0, "hidden_roots": 0,
                    "by_level": {}}
    used_ids: set[str] = set()
    for f, article in enumerate(roots):
        name = levels[f % len(levels)]
        level = LEVELS[name]
        versions, hidden = make_family(article, rng.randint(2, 6), level, rng, names)
        ids = {}
        for v in versions:
            while (vid := f"{rng.getrandbits(48):012x}") in used_ids:
                pass
            used_ids.add(vid)
            ids[v.index] = vid
        for v in versions:
            if hidden and v.index == 0:
                continue
            vid = ids[v.index]
            rows.append({"id": vid, "title": v.title, "text": v.text, "outlet": v.outlet,
                         "url": f"https://{v.domain}/{_slug(v.title)}-{vid[:6]}",
                         "published": _published(v, level, rng)})
            parent = v.parent if not (hidden and v.parent == 0) else None
            if parent is not None:
                truth.append(f"{vid}\t{ids[parent]}")
                counts["derived"] += 1
            else:
                counts["roots"] += 1
            groups.append(f"{vid}\tf{f:04d}\t{name}\t{v.depth - hidden if v.depth else 0}\t"
                          f"{'missing' if hidden else 'collected'}")
        counts["families"] += 1
        counts["hidden_roots"] += hidden
        counts["by_level"][name] = counts["by_level"].get(name, 0) + 1
    rng.shuffle(rows)
    counts["articles"] = len(rows)
    with open(out_dir / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out_dir / "TRUTH.tsv").write_text("".join(t + "\n" for t in sorted(truth)),
                                       encoding="utf-8")
    (out_dir / "FAMILIES.tsv").write_text(
        "id\tfamily\tlevel\tdepth\toriginal\n" + "".join(g + "\n" for g in sorted(groups)),
        encoding="utf-8")
    return counts
