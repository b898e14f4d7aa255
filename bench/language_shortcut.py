"""How often language detection can skip the model, and whether it then agrees with it.

`storytrace.text.language.detect_language` calls a text English without loading py3langid
when at least ENGLISH_SHARE of its words are English function words. This prints, over
SemEval-2022 Task 8's texts (ten languages) and FakeNewsNet, each language's range of that
share, how many texts take the shortcut, and on how many the model says otherwise.

Run: .venv/bin/python bench/language_shortcut.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from storytrace.ingest import read_sources
from storytrace.text import language
from storytrace.text.words import WORD


def share(text: str) -> tuple[float, int]:
    words = [w.lower() for w in WORD.findall(text[:20_000])]
    hits = sum(w in language._FUNCTION_WORDS for w in words)
    return hits / max(1, len(words)), len(words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." /
                                            "shared"))
    args = ap.parse_args()
    data = Path(args.shared) / "data"
    csv.field_size_limit(10**9)
    with open(data / "semeval2022-task8" / "training_set.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    labelled = [(r[f"text{k}"], r[f"lang{k}"]) for r in rows for k in (1, 2)]
    by_lang: dict[str, list[float]] = {}
    for text, lang in labelled:
        s, n = share(text)
        if n >= language.MIN_WORDS:
            by_lang.setdefault(lang, []).append(s)
    for lang, values in sorted(by_lang.items()):
        values.sort()
        print(f"{lang}: {len(values)} texts, share min {values[0]:.3f}, "
              f"5th percentile {values[len(values) // 20]:.3f}, max {values[-1]:.3f}")
    others = sum(len(v) for k, v in by_lang.items() if k != "en")
    above = sum(s >= language.ENGLISH_SHARE for k, v in by_lang.items() if k != "en" for s in v)
    print(f"non-English texts at or above {language.ENGLISH_SHARE}: {above} of {others}")
    texts = [a.text for a in read_sources([str(data / "fakenewsnet-v1-2018")])
             if hasattr(a, "text")] + [t for t, _ in labelled]
    total = shortcut = disagree = 0
    for text in texts:
        s, n = share(text)
        if n < language.MIN_WORDS:
            continue
        total += 1
        if s >= language.ENGLISH_SHARE:
            shortcut += 1
            found, _ = language._identifier().classify(text[:20_000])
            disagree += found != "en"
    print(f"texts {total}, shortcut {shortcut}, the model says other than English on "
          f"{disagree}")


if __name__ == "__main__":
    main()
