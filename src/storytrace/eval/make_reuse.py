"""Generate PAN-format text-alignment sets from real articles, at several obfuscation levels.

Each suspicious document is an unrelated host article with one passage from a
source article inserted at a sentence boundary, rewritten according to its
level:

``none``        verbatim copy
``light``       about 10% of words edited (dropped, substituted, inserted, swapped)
``reordered``   the passage's sentences shuffled, plus a few light edits
``heavy``       about 30% of words edited and clauses shuffled inside sentences
``summarised``  about half the sentences kept, each cut to its main clause, lightly edited

Pairs with no reuse (host and an unrelated source) are added to measure false
positives. Truth offsets are exact by construction.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

from storytrace.eval.pan import Annotation, write_detections
from storytrace.text.segment import sentences

LEVELS = ("none", "light", "reordered", "heavy", "summarised")
_FILLERS = ("also", "reportedly", "now", "still", "indeed", "however", "really", "again")


def edit_words(sentence: str, rate: float, rng: random.Random, vocab: Sequence[str]) -> str:
    words = sentence.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        r = rng.random()
        if r >= rate or len(words) < 4:
            out.append(w)
        else:
            op = rng.randrange(5)
            if op == 0:  # drop
                pass
            elif op == 1:  # substitute with a word of the article's vocabulary
                out.append(rng.choice(vocab))
            elif op == 2:  # insert a filler
                out += [w, rng.choice(_FILLERS)]
            elif op == 3 and i + 1 < len(words):  # swap with the next word
                out += [words[i + 1], w]
                i += 1
            else:  # change a number or the case of a word
                out.append(re.sub(r"\d", lambda m: str((int(m.group()) + 3) % 10), w)
                           if any(c.isdigit() for c in w) else w.lower())
        i += 1
    return " ".join(x for x in out if x)


def shuffle_clauses(sentence: str, rng: random.Random) -> str:
    parts = [p.strip() for p in sentence.rstrip(".").split(",") if p.strip()]
    if len(parts) < 2:
        return sentence
    rng.shuffle(parts)
    return ", ".join(parts) + "."


def obfuscate(passage: list[str], level: str, rng: random.Random, vocab: Sequence[str]) -> str:
    """Rewrite a list of sentences according to ``level``."""
    if level == "none":
        return " ".join(passage)
    if level == "light":
        return " ".join(edit_words(s, 0.10, rng, vocab) for s in passage)
    if level == "reordered":
        shuffled = passage[:]
        while len(shuffled) > 1 and shuffled == passage:
            rng.shuffle(shuffled)
        return " ".join(edit_words(s, 0.03, rng, vocab) for s in shuffled)
    if level == "heavy":
        return " ".join(edit_words(shuffle_clauses(s, rng), 0.30, rng, vocab) for s in passage)
    if level == "summarised":
        keep = sorted(rng.sample(range(len(passage)), max(1, (len(passage) + 1) // 2)))
        cut = [passage[i].split(",")[0].rstrip(".") + "." for i in keep]
        return " ".join(edit_words(s, 0.08, rng, vocab) for s in cut)
    raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in sentences(text) if len(s.of(text).split()) >= 6]


def make_reuse_set(texts: Sequence[str], out_dir: Path, pairs_per_level: int = 40,
                   negatives: int = 40, seed: int = 13) -> dict:
    """Write ``src/``, ``susp/``, ``truth/`` and ``pairs`` under ``out_dir``; return counts."""
    rng = random.Random(seed)
    pool = [t for t in texts if len(_sentences(t)) >= 8]
    if len(pool) < 4:
        raise ValueError("need at least 4 articles with 8 or more sentences")
    out_dir = Path(out_dir)
    for sub in ("src", "susp", "truth"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    pairs: list[str] = []
    counts: dict[str, int] = {}
    n = 0
    for level in (*LEVELS, "negative"):
        for _ in range(negatives if level == "negative" else pairs_per_level):
            n += 1
            src_text, host = rng.sample(pool, 2)
            src_sents = _sentences(src_text)
            length = rng.randint(2, min(6, len(src_sents) - 1))
            first = rng.randrange(len(src_sents) - length + 1)
            chosen = src_sents[first : first + length]
            host_sents = _sentences(host)
            cut = host_sents[rng.randrange(1, len(host_sents))][0]
            susp_name, src_name = f"suspicious-document{n:05d}.txt", f"source-document{n:05d}.txt"
            cases = []
            if level == "negative":
                susp_text = host
            else:
                vocab = re.findall(r"[A-Za-z]{4,}", src_text) or ["word"]
                passage = obfuscate([src_text[s:e] for s, e in chosen], level, rng, vocab)
                susp_text = host[:cut] + passage + "\n\n" + host[cut:]
                s0, s1 = chosen[0][0], chosen[-1][1]
                cases.append(Annotation(susp_name, src_name, cut, len(passage), s0, s1 - s0,
                                        obfuscation=level))
            (out_dir / "src" / src_name).write_text(src_text, encoding="utf-8")
            (out_dir / "susp" / susp_name).write_text(susp_text, encoding="utf-8")
            write_detections(out_dir / "truth", susp_name, src_name, cases, truth=True)
            pairs.append(f"{susp_name} {src_name}")
            counts[level] = counts.get(level, 0) + 1
    (out_dir / "pairs").write_text("\n".join(pairs) + "\n", encoding="utf-8")
    return counts
