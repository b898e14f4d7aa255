"""`match_article`: the links a trace of one article would make, with nothing stored."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from storytrace.engines.core import TraceOptions
from storytrace.engines.local import match_article, run_trace
from storytrace.model import Article, Link
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex

_rng = random.Random(7)
_VOCAB = [f"w{i}" for i in range(5000)]
OPTIONS = TraceOptions(same_story=False, trees=False)


def _body(words: int = 300) -> str:
    out = _rng.choices(_VOCAB, k=words)
    return " ".join(" ".join(out[i : i + 15]).capitalize() + "." for i in range(0, words, 15))


def _edit(text: str, share: float) -> str:
    return " ".join(_rng.choice(_VOCAB) if _rng.random() < share else w for w in text.split())


@pytest.fixture(scope="module")
def traced(tmp_path_factory) -> tuple[Path, dict[str, Article]]:
    src = _body()
    arts = [Article(id="src", text=src, outlet="Wire"),
            Article(id="copy", text="Breaking. " + _edit(src, 0.05), outlet="Daily"),
            Article(id="part", text=_body(120) + " " + " ".join(src.split()[:150]) + " "
                    + _body(120), outlet="Herald"),
            *(Article(id=f"other{i}", text=_body(), outlet="Gazette") for i in range(12))]
    db = tmp_path_factory.mktemp("match") / "store.db"
    with Store(db) as store:
        store.add(arts)
        run_trace(store, OPTIONS)
    return db, {a.id: a for a in arts}


def _key(x: Link) -> tuple:
    return x.a_seq, x.b_seq, x.kind, x.score, x.coverage_a, x.coverage_b, x.evidence


def test_a_stored_article_matches_the_links_trace_stored(traced):
    db, arts = traced
    with Store(db, read_only=True) as store:
        index = CorpusIndex(store)
        for ident in ("src", "copy", "part", "other3"):
            seq = index.seqs_of([ident])[ident]
            found = match_article(store, arts[ident], OPTIONS)
            assert sorted(_key(m.link) for m in found.matches) == sorted(
                _key(x) for x in index.links_touching([seq])), ident
            assert ident not in {m.article.id for m in found.matches}
            assert found.searched == len(arts) - 1 and found.not_searched == 0


def test_a_new_article_gets_the_links_a_trace_of_it_stores(traced, tmp_path):
    db, arts = traced
    pasted = Article(id="pasted", text="Press release. " + _edit(arts["src"].text, 0.02))
    with Store(db, read_only=True) as store:
        found = match_article(store, pasted, OPTIONS)
    assert {m.article.id for m in found.matches} == {"src", "copy", "part"}
    best = found.matches[0]
    assert best.coverage_checked > 0.9 and best.link.b_seq == len(arts) + 1
    for m in found.matches:  # passages turned to the pasted side: a is the pasted text
        p = m.passages[0]
        assert pasted.text[p.a_start:p.a_end].split()[:3] == \
            m.article.text[p.b_start:p.b_end].split()[:3]
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    with Store(copy) as store:
        store.add([pasted])
        run_trace(store, OPTIONS)
        index = CorpusIndex(store)
        stored = index.links_touching([index.seqs_of(["pasted"])["pasted"]])
    assert sorted(_key(m.link) for m in found.matches) == sorted(_key(x) for x in stored)


def test_articles_not_traced_yet_are_signed_on_the_fly_up_to_a_cap(traced, tmp_path):
    db, arts = traced
    live = tmp_path / "live.db"
    shutil.copy(db, live)
    late = [Article(id=f"late{i}", text=_edit(arts["other1"].text, 0.03)) for i in range(3)]
    with Store(live) as store:
        store.add(late)
    with Store(live, read_only=True) as store:
        everything = match_article(store, arts["other1"], OPTIONS)
        capped = match_article(store, arts["other1"], OPTIONS, max_unsigned=1)
    assert {m.article.id for m in everything.matches} == {"late0", "late1", "late2"}
    assert (everything.searched, everything.not_searched) == (len(arts) + 2, 0)
    assert {m.article.id for m in capped.matches} == {"late0"} and capped.not_searched == 2
    tight = match_article(Store(live, read_only=True), arts["other1"],
                          TraceOptions(max_candidates=1))
    assert len(tight.matches) == 1 and tight.aligned == 1


def test_an_empty_or_untraced_store(tmp_path):
    with Store(tmp_path / "empty.db") as store:
        assert match_article(store, Article(text="Anything at all.")).matches == []
        text = _body()
        store.add([Article(id="x", text=text)])
        found = match_article(store, Article(text="Intro. " + text))
        assert [m.article.id for m in found.matches] == ["x"]
        assert CorpusIndex(store).stored_params() is None  # nothing was written
