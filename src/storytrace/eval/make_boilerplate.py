"""Generate a real-news corpus with site boilerplate, planted copies and labelled pairs.

The articles are real: the English pairs of SemEval-2022 Task 8 (two news articles each,
with a human "Overall" similarity, 1 = same story, 4 = unrelated). They are spread over
``outlets`` invented sites, and each site prints its own boilerplate on most of its pages,
as scraped sites do: a newsletter pitch, an ad for the editor's book, a legal disclaimer, a
donation appeal, a related-stories list made of the site's own headlines, a footer. Then
``copies`` articles are copied by another site (lightly edited: a sentence or two dropped,
a few words changed, that site's boilerplate around it), which is real reuse.

``LABELS.tsv`` (``a, b, label, note``, as ``storytrace eval links`` reads it) holds every
planted copy (``reuse``), every SemEval pair with Overall <= 1.5 (``same_story``) or
>= 3.0 (``unrelated``), the articles SemEval holds twice under two ids (``duplicate``:
most of their word 5-grams shared, :func:`same_articles`), and for each planted copy its
source's labelled pairs (a copy stands to a third article as its source does). No other
pair of the corpus is meant to reuse text, so the labels are complete for reuse (``eval
links --closed`` counts any other link as wrong; a few pairs of the source texts do share
text, such as two auto-generated stock notes of one template).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storytrace.eval.make_reuse import edit_words
from storytrace.text.boilerplate import furniture_blocks, mask
from storytrace.text.segment import sentences
from storytrace.text.words import WORD

_BLOCKS = (
    "Sign up for the {site} newsletter and get the stories the mainstream media won't "
    "tell you, delivered to your inbox every morning. It's free, and you can unsubscribe "
    "at any time.",
    "{editor}'s new book, {book}, is out now: the guide every patriot needs to understand "
    "what is really happening in Washington. Order your signed copy today while supplies "
    "last.",
    "Disclaimer: the views expressed in this article are those of the author and do not "
    "necessarily reflect the views of {site} or its editors. {site} is not responsible for "
    "the content of external sites.",
    "{site} is reader-supported. We rely on readers like you to keep our journalism "
    "independent and free of corporate influence. Please donate today, every dollar helps.",
    "Copyright {year} {site} Media Group. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed without permission.",
)
_SITES = ("Liberty Ledger", "Daily Sentinel", "Patriot Wire", "The Morning Beacon",
          "Capitol Dispatch", "Heartland Herald", "Progress Post", "The Civic Standard",
          "Freedom Tribune", "Metro Observer", "Eagle Report", "The People's Voice")
_EDITORS = ("John Carver", "Linda Marsh", "Pete Holloway", "Ruth Ebert", "Sam Whitfield",
            "Dana Kirk", "Tom Ashby", "Nora Quill", "Ben Stroud", "Carla Veit", "Ed Munro",
            "Ivy Lark")


@dataclass(frozen=True)
class Site:
    name: str
    domain: str
    blocks: tuple[str, ...]


def read_semeval_pairs(path: str | Path) -> list[dict]:
    """The English-English SemEval-2022 pairs with both texts, by pair id."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows
            if r["lang1"] == r["lang2"] == "en" and r["pair_id"].replace("_", "").isdigit()
            and r["text1"].strip() and r["text2"].strip()]


def _sites(rng: random.Random, n: int) -> list[Site]:
    sites = []
    for k in range(n):
        name = _SITES[k % len(_SITES)] + ("" if k < len(_SITES) else f" {k}")
        fill = {"site": name, "editor": _EDITORS[k % len(_EDITORS)],
                "book": rng.choice(("Hidden Agenda", "The Swamp Files", "Taking It Back",
                                    "What They Hide")), "year": 2020}
        blocks = tuple(b.format(**fill) for b in rng.sample(_BLOCKS, 4))
        domain = name.lower().replace("'", "").replace(" ", "") + ".example"
        sites.append(Site(name, domain, blocks))
    return sites


def _page(body: str, site: Site, latest: Sequence[str], rng: random.Random) -> str:
    """``body`` as ``site`` prints it: each of its blocks on most pages (before or after
    the story), and a related-stories list of the site's latest headlines, as a sidebar
    shows them (so consecutive pages print the same list)."""
    head = [b for b in site.blocks[:1] if rng.random() < 0.8]
    tail = [b for b in site.blocks[1:] if rng.random() < 0.8]
    related = ["Related stories:"] + [f"- {t}" for t in latest]
    return "\n\n".join([*head, body, *tail, "\n".join(related)])


def _copy_of(body: str, rng: random.Random, vocab: Sequence[str]) -> str:
    """A light rewrite: one or two sentences dropped, 3% of the words changed."""
    spans = sentences(body)
    keep = [s for s in spans]
    for _ in range(min(len(keep) - 3, rng.randint(1, 2))):
        keep.pop(rng.randrange(1, len(keep)))
    text = " ".join(body[s.start : s.end] for s in keep)
    return edit_words(text, 0.03, rng, vocab)


def same_articles(bodies: dict[str, str], min_share: float = 0.8, n: int = 5,
                  min_common: int = 50) -> list[tuple[str, str, float]]:
    """Pairs of ``bodies`` that are one article (a source corpus may hold an article under
    two ids): at least ``min_share`` of the smaller one's word ``n``-grams, and
    ``min_common`` of them, are in the other, small print and forms
    (:func:`~storytrace.text.boilerplate.furniture_blocks`) left out (two paywall pages
    share their sign-up form, not their story); ``(a, b, share)`` in id order.

    >>> t = " ".join(f"the mayor said on day {k} that the bridge would close" for k in range(9))
    >>> same_articles({"1": t, "2": t + " indeed", "3": "other words entirely here now"})
    [('1', '2', 1.0)]
    """
    grams: dict[str, set[tuple[str, ...]]] = {}
    holders: dict[tuple[str, ...], list[str]] = {}
    for key, body in bodies.items():
        body = mask(body, furniture_blocks(body))
        words = [w.lower() for w in WORD.findall(body)]
        grams[key] = {tuple(words[k : k + n]) for k in range(len(words) - n + 1)}
        for g in grams[key]:
            holders.setdefault(g, []).append(key)
    common: dict[tuple[str, str], int] = {}
    for keys in holders.values():
        if len(keys) <= 20:  # a stock phrase in many articles says nothing
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    pair = (a, b) if a < b else (b, a)
                    common[pair] = common.get(pair, 0) + 1
    out = []
    for (a, b), k in sorted(common.items()):
        share = k / max(1, min(len(grams[a]), len(grams[b])))
        if share >= min_share and k >= min_common:
            out.append((a, b, round(share, 4)))
    return out


def make_boilerplate_set(semeval_csv: str | Path, out_dir: str | Path, *, outlets: int = 10,
                         copies: int = 40, seed: int = 7, pairs: int | None = None) -> dict:
    """Write ``corpus.jsonl`` and ``LABELS.tsv`` under ``out_dir`` (from the first ``pairs``
    SemEval pairs, or all); return counts."""
    rng = random.Random(seed)
    pairs = read_semeval_pairs(semeval_csv)[:pairs]
    if not pairs:
        raise ValueError(f"{semeval_csv}: no English SemEval-2022 pairs with texts")
    sites = _sites(rng, outlets)
    articles: dict[str, dict] = {}
    labels: list[tuple[str, str, str, str]] = []
    start = datetime(2020, 3, 1, tzinfo=UTC)
    for row in pairs:
        ids = row["pair_id"].split("_")  # one article may be in several pairs
        for key, side in zip(ids, ("1", "2"), strict=True):
            if key in articles:
                continue
            text = row[f"text{side}"].strip()
            first = sentences(text)
            title = text[first[0].start : first[0].end][:120] if first else text[:120]
            articles[key] = {"id": key, "title": title, "body": text,
                             "site": rng.randrange(len(sites)),
                             "published": start + timedelta(hours=rng.randrange(24 * 14))}
        overall = float(row["Overall"])
        if overall <= 1.5:
            labels.append((ids[0], ids[1], "same_story", f"SemEval Overall {overall:g}"))
        elif overall >= 3.0:
            labels.append((ids[0], ids[1], "unrelated", f"SemEval Overall {overall:g}"))
    originals = list(articles)
    labels += [(a, b, "duplicate", f"the same article twice in SemEval ({share:.0%} of "
                f"its word 5-grams shared)") for a, b, share in same_articles(
                    {k: a["body"] for k, a in articles.items()})]
    vocab = sorted({w for a in articles.values() for w in a["body"].split()[:200]})
    copied: dict[str, str] = {}
    for k, source in enumerate(rng.sample(originals, min(copies, len(originals)))):
        src = articles[source]
        site = rng.choice([i for i in range(len(sites)) if i != src["site"]])
        key = f"copy{k:03d}"
        body = _copy_of(src["body"], rng, vocab)
        articles[key] = {"id": key, "title": src["title"], "body": body, "site": site,
                         "published": src["published"] + timedelta(hours=rng.uniform(1, 48))}
        labels.append((source, key, "reuse", f"planted copy on {sites[site].name}"))
        copied[source] = key
    # a copy stands to every other article as its source does
    labels += [(x, y, label, f"{note}, as its source")
               for a, b, label, note in list(labels) if label != "reuse"
               for x in (a, copied.get(a)) for y in (b, copied.get(b))
               if x and y and (x, y) != (a, b)]
    by_time = sorted(articles.values(), key=lambda a: a["published"])
    latest: dict[str, list[str]] = {}
    for i in range(len(sites)):
        # a site's sidebar changes a few times a week: the headlines of its latest
        # stories as of the start of the page's half-week (articles span two weeks)
        pages = [a for a in by_time if a["site"] == i]
        for a in pages:
            cut = a["published"].replace(hour=0, minute=0, second=0, microsecond=0) \
                - timedelta(days=a["published"].weekday() % 4)
            older = [b["title"] for b in pages if b["published"] < cut]
            latest[a["id"]] = older[-4:]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as f:
        for a in articles.values():
            site = sites[a["site"]]
            f.write(json.dumps({
                "id": a["id"], "title": a["title"],
                "text": _page(a["body"], site, latest[a["id"]], rng), "outlet": site.name,
                "url": f"https://{site.domain}/{a['id']}",
                "published": a["published"].isoformat()}, ensure_ascii=False) + "\n")
    with open(out / "LABELS.tsv", "w", encoding="utf-8") as f:
        f.write("a\tb\tlabel\tnote\n")
        f.writelines("\t".join(row) + "\n" for row in labels)
    counts: dict[str, int] = {}
    for *_, label, _ in labels:
        counts[label] = counts.get(label, 0) + 1
    return {"articles": len(articles), "outlets": len(sites), **counts}
