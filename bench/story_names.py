"""Rare names as event evidence for a same-story link (issue 21 item 3), measured on traced
stores: would "the two must share at least K names that each appear in at most F of the
corpus's articles" refuse the wrong same-story links without the right ones?

Run: .venv/bin/python bench/story_names.py LABELS DB [--closed] [LABELS DB [--closed]] ...

Each ``LABELS DB`` (``--closed`` after a generated corpus's pair: any unlabelled link is
``unrelated``) is a labelled corpus traced by ``trace``'s default (``bench/story_mixing.py
LABELS --corpus CORPUS --db DB``, or ``storytrace trace``). A name is a word of a name
(:func:`storytrace.stories.similarity.entity_words`) of an article's story text with its
site's boilerplate blanked; its document frequency is counted over every article of the
store. Read are the ``same_story`` links (those that join stories; a pair is right when
labelled ``same_story``, ``reuse`` or ``duplicate``): each with its label, both models'
probabilities, how many names the two share and how many of them are rare, then, for each
rule, the right and wrong same-story links it would keep.
"""

from __future__ import annotations

import collections
from pathlib import Path

from storytrace.engines.core import without_boilerplate
from storytrace.engines.local import boilerplate_model
from storytrace.engines.story_links import story_text
from storytrace.eval.links import read_labels
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.stories.similarity import entity_words

#: (K, F) rules tried: at least K shared names, each in at most F of the articles.
RULES = [(k, f) for f in (0.02, 0.05, 0.10) for k in (1, 2, 3)]


def story_links(db: Path, labels: Path, closed: bool) -> list[dict]:
    """Each labelled ``same_story`` link of ``db`` with its shared names' document
    frequencies (shares of the store's articles)."""
    truth = read_labels(labels)
    store = Store(str(db))
    index = CorpusIndex(store)
    seqs = index.all_seqs()
    ids = index.article_ids(seqs)
    articles, _ = without_boilerplate(index.articles(seqs), boilerplate_model(store))
    names = {seq: entity_words(story_text(a)) for seq, a in articles.items()}
    df = collections.Counter(w for found in names.values() for w in found)
    out = []
    for x in index.links():
        if x.kind != "same_story":
            continue
        label = truth.get(frozenset((ids[x.a_seq], ids[x.b_seq])),
                          "unrelated" if closed else None)
        if label is None:
            continue
        shared = names[x.a_seq] & names[x.b_seq]
        check = (x.evidence.get("without_quotes", {}).get("sentence_check")
                 or x.evidence.get("sentence_check") or {})
        out.append({"pair": f"{ids[x.a_seq]}-{ids[x.b_seq]}", "label": label,
                    "right": label in ("same_story", "reuse", "duplicate"),
                    "lexical": x.evidence["same_story_score"],
                    "check": check.get("probability"),
                    "df": sorted((df[w] / len(articles), w) for w in shared)})
    return out


def main() -> None:
    from story_signals import labelled_runs  # the sibling bench script

    for labels, db, closed in labelled_runs(__doc__.split("\n\n")[0]):
        links = story_links(db, labels, closed)
        print(f"{db} ({labels}): {len(links)} labelled same-story links, "
              f"{sum(x['right'] for x in links)} right")
        for x in sorted(links, key=lambda x: (x["right"], x["lexical"])):
            rare = [w for share, w in x["df"] if share <= 0.05]
            check = "-" if x["check"] is None else f"{x['check']:.2f}"
            print(f"  {'right' if x['right'] else 'WRONG'} {x['pair']:24} lexical "
                  f"{x['lexical']:.2f} check {check} names {len(x['df']):3d} "
                  f"in <=5%: {len(rare):2d} {', '.join(rare[:6])}")
        for k, f in RULES:
            kept = [x for x in links if sum(share <= f for share, _ in x["df"]) >= k]
            right = sum(x["right"] for x in kept)
            print(f"  rule >= {k} names in <= {f:.0%} of articles: keeps {right} right, "
                  f"{len(kept) - right} wrong (of {sum(x['right'] for x in links)} right, "
                  f"{sum(not x['right'] for x in links)} wrong)")


if __name__ == "__main__":
    main()
