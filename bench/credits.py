"""Credits that are a pronoun or a bare title, counted over real news articles.

Run: .venv/bin/python bench/credits.py [PATH ...] [--semantic] [--sample 30 --seed 1]

A credit is what `storytrace compare` lists under ``attributions`` for one article
(``storytrace.comparison.attributions_of``): a source of information, shown by the name it
stands for (``refers_to`` where the source is a pronoun or a title and was resolved). This
counts, over every article of the given inputs (default: the FakeNewsNet articles and the
two seeds in ``../shared``), the credits whose shown name is a pronoun ("he", "it",
"they") or a bare title ("President", "the governor", "Sen."), by rules of its own (not the
extractor's), and prints them; ``--sample N`` also prints N credits drawn at random, with
their sentence, to be read by eye. ``--semantic`` reads with the contextual tagger, as
`compare` does with the semantic extra; without it, the word-feature tagger (`trace`, web).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.comparison import attributions_of  # noqa: E402
from storytrace.ingest import read_sources  # noqa: E402
from storytrace.model import Article  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT = [SHARED / "data" / "fakenewsnet-v1-2018", SHARED / "examples" / "seeds"]

PRONOUNS = frozenset(
    "he she it they i we you him her them his hers its their theirs this that these those "
    "who which one someone everyone anyone me us myself himself herself itself themselves "
    "ourselves".split())
TITLES = frozenset(
    "president senator sen rep representative governor gov mayor secretary spokesman "
    "spokeswoman spokesperson chairman chairwoman chair director judge justice attorney "
    "general minister ambassador congressman congresswoman speaker mr mrs ms miss dr "
    "officer chief commissioner sheriff leader candidate nominee sir lord lady pope "
    "premier chancellor councilman councilwoman lt col gen capt sgt rev professor prof "
    "superintendent commander".split())
MODIFIERS = frozenset("former then acting vice deputy prime attorney".split())
DETERMINERS = frozenset("the his her their our its your my this that".split())


def shown_name(credit: dict) -> str:
    """The name a credit is shown by: what it refers to, else its source's words."""
    ref = credit.get("refers_to")
    return (ref or credit["source"])["text"]


def problem(name: str) -> str | None:
    """``"pronoun"`` or ``"bare title"`` when ``name`` is one (a title with no name, or "the"
    and a phrase ending in a title: "the former governor of Ohio"), else ``None``."""
    words = [w.strip(".,’'\"“”()").lower() for w in name.split()]
    words = [w for w in words if w]
    if not words:
        return "pronoun"
    if len(words) == 1 and words[0] in PRONOUNS:
        return "pronoun"
    determined = words[0] in DETERMINERS
    while words and words[0] in DETERMINERS:
        words = words[1:]
    if words and all(w in TITLES | MODIFIERS for w in words) and set(words) & TITLES:
        return "bare title"
    head = _words_before_of(name)
    if determined and head and head[-1] in TITLES:
        return "bare title"  # "the former New Mexico governor", "the secretary of state"
    return None


def _words_before_of(name: str) -> list[str]:
    head = re.split(r"\b(?:of|for|at|in|from|who|that)\b", name)[0]
    return [w for w in (x.strip(".,’'\"“”()").lower() for x in head.split()) if w]


def context(text: str, start: int, end: int, width: int = 110) -> str:
    """The characters around a span, on one line, the span in brackets."""
    lo, hi = max(0, start - width), min(len(text), end + width // 2)
    snip = f"{text[lo:start]}[{text[start:end]}]{text[end:hi]}"
    return " ".join(snip.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--semantic", action="store_true",
                        help="the contextual tagger, as compare reads with the semantic extra")
    parser.add_argument("--sample", type=int, default=0, help="print N random credits")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="no list of the bad credits")
    args = parser.parse_args()
    articles = [r for r in read_sources(args.paths) if isinstance(r, Article)
                and "readme" not in Path(r.source).name.lower()]  # the data sets' notes
    rows: list[tuple[Article, dict]] = []
    bad: dict[str, list[str]] = {"pronoun": [], "bare title": []}
    for article in articles:
        for credit in attributions_of(article, semantic=args.semantic or False):
            if credit.get("source") is None:
                continue
            rows.append((article, credit))
            kind = problem(shown_name(credit))
            if kind:
                src = credit["source"]
                bad[kind].append(f"{article.id} {shown_name(credit)!r}: "
                                 f"{context(article.text, src['start'], src['end'], 60)}")
    tagger = "contextual" if args.semantic else "word features"
    print(f"{len(articles)} articles, {len(rows)} credits with a source ({tagger} tagger)")
    for kind, items in bad.items():
        print(f"{kind}: {len(items)}")
        if not args.quiet:
            for line in items:
                print(f"  {line}")
    if args.sample:
        print(f"\n{args.sample} credits drawn at random (seed {args.seed}):")
        for article, credit in random.Random(args.seed).sample(rows, min(args.sample,
                                                                         len(rows))):
            src = credit["source"]
            ref = credit.get("refers_to")
            name = f"{src['text']!r}" + (f" -> {ref['text']!r}" if ref else "")
            print(f"- {name} ({credit['source_type']}, {credit['kind']}) {article.id}: "
                  f"{context(article.text, src['start'], src['end'])}")


if __name__ == "__main__":
    main()
