"""Count the word bigram model bundled as src/storytrace/data/word_bigrams.npz.

Run: .venv/bin/python bench/train_word_model.py [--no-write]

Reads ../shared/data: PolNeAR ``train/text`` (not ``dev``), the SemEval-2019
hyperpartisan ``articles.xml``, the PTC ``articles``, the English articles of the
SemEval-2022 task 8 sample, the LIAR statements and the MSRP sentences: about 2 million
words of English news. FakeNewsNet is left out on purpose: the provenance benchmark is built
from it, and a model that had read its originals would know their wording. Bigrams
seen once are dropped. The npz's ``meta`` records the files (with SHA-256) and counts.
About 10 seconds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.provenance.readings import WordModel  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "storytrace" / "data" / "word_bigrams.npz"


def sources() -> list[Path]:
    return [*sorted((DATA / "polnear-attribution" / "train" / "text").glob("*")),
            DATA / "hyperpartisan-semeval2019" / "articles.xml",
            *sorted((DATA / "ptc-semeval2020-task11" / "articles").glob("*.txt"))]


def extra_texts() -> list[str]:
    """English news text inside the tabular sets (one string per article or sentence)."""
    csv.field_size_limit(1 << 30)
    texts: dict[str, None] = {}
    with open(DATA / "semeval2022-task8" / "training_set.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for lang, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if lang == "en":
                    texts[text] = None
    for split in ("train", "valid", "test"):
        with open(DATA / "liar" / f"{split}.tsv", encoding="utf-8") as fh:
            texts.update((cols[2], None) for line in fh if len(cols := line.split("\t")) > 2)
    with open(DATA / "msrp" / "msr_paraphrase_train.txt", encoding="utf-8",
              errors="replace") as fh:
        next(fh)  # header
        for line in fh:
            texts.update((s, None) for s in line.rstrip("\n").split("\t")[3:5])
    return list(texts)


def read(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".xml":  # one file of articles: drop the markup, keep paragraphs
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="count and report only")
    args = parser.parse_args()
    paths = sources()
    if len(paths) < 3:
        sys.exit(f"training text not found under {DATA}")
    extra = extra_texts()
    model = WordModel.from_texts([*(read(p) for p in paths), *extra])
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.read_bytes())
    for text in extra:
        digest.update(text.encode("utf-8", "surrogatepass"))
    meta = {"files": len(paths), "sha256_of_all": digest.hexdigest(),
            "corpora": ["polnear-attribution/train/text", "hyperpartisan-semeval2019",
                        "ptc-semeval2020-task11/articles", "semeval2022-task8 (English texts)",
                        "liar (statements)", "msrp (sentences)"],
            "tokens": model.total, "unigrams": len(model.unigrams),
            "bigrams_kept": len(model.bigrams), "min_bigram": 2,
            "command": "python bench/train_word_model.py"}
    print(json.dumps(meta, indent=1))
    if not args.no_write:
        model.save(OUT, json.dumps(meta))
        print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
