"""Where labelled same-story pairs go in a traced store (issue 21, same-story recall).

Run: .venv/bin/python bench/story_recall.py LABELS --db DB [--label same_story]
       [--format json]

For each labelled pair (``--label``, default ``same_story``) of a store that ``trace``
made (``bench/story_mixing.py --db NEW`` or ``bench/trace_same_story.py``), says where it
went, first match wins:

- ``one story``: both articles are in one story (by a link of theirs or through others);
- ``reuse`` / ``same_story`` / ``same_event`` / ``shared_quote``: the kind of the link
  between them (a story link the clustering did not follow, or a link that joins none);
- ``not a candidate``: tier 2 never proposed the pair (their sketch cosine, and the rank
  of each among the other's nearest sketches, are printed: ``story_k`` nearest with
  cosine >= ``story_min_cosine`` are proposed);
- the gate of ``engines.story_links.story_gates`` that stopped it (``names``, ``days``,
  ``hollow``, ``language``);
- ``below the bar``: the lexical model's probability under ``story_min_score``.

For every pair the lexical probability and, where the sentence model is installed, the
sentence check's probability are printed, so a signal that would recover lost pairs can
be read beside the ones already linked. The store's boilerplate model blanks each text
first, as the trace did.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from storytrace.engines.core import TraceOptions, without_boilerplate
from storytrace.engines.local import boilerplate_model
from storytrace.engines.story_links import sentence_check, story_gates, story_text
from storytrace.eval.links import read_labels
from storytrace.index.sketch import _tfidf_rows, sketch_candidates
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.stories import StorySimilarity


def sketch_standing(index: CorpusIndex, pairs: list[tuple[int, int]], options: TraceOptions
                    ) -> dict[tuple[int, int], tuple[float, int, int]]:
    """Each pair's sketch cosine and the rank of each article among the other's nearest
    sketches (1 = nearest): for a pair tier 2 proposes, the cosine it was scored with
    (``sketch_candidates`` over the whole store, as one trace of the corpus runs it);
    for any other, the TF-IDF cosine of the two sketches."""
    seqs, sketches = index.all_sketches()
    row = {int(s): i for i, s in enumerate(seqs)}
    proposed = {(int(seqs[i]), int(seqs[j])): v for i, j, v in sketch_candidates(
        sketches, np.ones(len(seqs), dtype=bool), k=options.story_k,
        min_cosine=options.story_min_cosine, max_df=options.max_bucket)}
    m = _tfidf_rows(sketches, options.max_bucket).tocsr()
    out = {}
    for a, b in pairs:
        if a not in row or b not in row:
            out[a, b] = (0.0, -1, -1)
            continue
        sims = {s: (m[row[s]] @ m.T).toarray().ravel() for s in (a, b)}
        for s in (a, b):
            sims[s][row[s]] = -1.0  # not its own neighbour
        cos = float(sims[a][row[b]])
        out[a, b] = (proposed.get((a, b), cos), int((sims[a] > cos).sum()) + 1,
                     int((sims[b] > cos).sum()) + 1)
    return out


def where(index: CorpusIndex, pairs: list[tuple[int, int]], options: TraceOptions
          ) -> list[dict]:
    """Each pair's fate (see the module's docstring) and its scores."""
    stories = index.stories()
    kinds: dict[frozenset[int], list[str]] = {}
    for x in index.links():
        kinds.setdefault(frozenset((x.a_seq, x.b_seq)), []).append(x.kind)
    candidates = set(pairs) - set(index.unchecked(pairs, table="story_checked"))
    model = boilerplate_model(index.store, options.boilerplate)
    articles, _ = without_boilerplate(index.articles({s for p in pairs for s in p}), model)
    gates = story_gates(pairs, articles, options)
    near = sketch_standing(index, pairs, options)
    texts = [(story_text(articles[a]), story_text(articles[b])) for a, b in pairs]
    lexical = StorySimilarity(semantic=options.semantic).probabilities(
        texts, [near[p][0] for p in pairs])
    check = sentence_check("auto")
    checked = (check.probability_features(check.features(texts)) if check is not None
               else np.full(len(pairs), np.nan))
    out = []
    for k, (a, b) in enumerate(pairs):
        linked = kinds.get(frozenset((a, b)), [])
        if a in stories and stories.get(a) == stories.get(b):
            fate = "one story"
        elif linked:
            fate = linked[0]
        elif (a, b) not in candidates:
            fate = "not a candidate"
        elif gates[a, b] is not None:
            fate = gates[a, b]
        elif lexical[k] < options.story_min_score:
            fate = "below the bar"
        else:
            fate = "no link (verify or tier)"
        out.append({"a": a, "b": b, "fate": fate, "kinds": linked,
                    "cosine": round(near[a, b][0], 4), "ranks": near[a, b][1:],
                    "gate": gates[a, b], "lexical": round(float(lexical[k]), 4),
                    "check": round(float(checked[k]), 4)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--label", default="same_story")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    index = CorpusIndex(Store(str(args.db)))
    wanted = [tuple(sorted(p)) for p, label in read_labels(args.labels).items()
              if label == args.label]
    seqs = index.seqs_of({i for p in wanted for i in p})
    pairs = sorted((min(seqs[a], seqs[b]), max(seqs[a], seqs[b])) for a, b in wanted
                   if a in seqs and b in seqs)
    options = TraceOptions()  # the options the trace ran with (bench scripts use these)
    rows = where(index, pairs, options)
    ids = index.article_ids({s for p in pairs for s in p})
    for r in rows:
        r["a"], r["b"] = ids[r["a"]], ids[r["b"]]
    if args.format == "json":
        print(json.dumps(rows, indent=1))
        return
    print(f"{len(rows)} {args.label} pairs: " + ", ".join(
        f"{fate} {n}" for fate, n in Counter(r["fate"] for r in rows).most_common()))
    for r in sorted(rows, key=lambda r: (r["fate"], -r["lexical"])):
        print(f"  {r['fate']:16} {r['a']}-{r['b']} cosine {r['cosine']:.3f} ranks "
              f"{r['ranks'][0]}/{r['ranks'][1]} lexical {r['lexical']:.3f} check "
              f"{r['check']:.3f} {','.join(r['kinds'])}")


if __name__ == "__main__":
    main()
