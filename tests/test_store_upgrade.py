"""Stores written by an earlier release open, upgrade in place and keep everything; trace
stores family trees, rebuilds only the changed ones, and readers only read them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import storytrace.engines.local as tree_module
from storytrace.align.semantic import default_encoder
from storytrace.cli import app
from storytrace.engines.local import stored_stories, update_trees
from storytrace.model import Article, Link
from storytrace.provenance.tree import FamilyTree
from storytrace.report.extras import story_dict
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.store.schema import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture()
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "v1.db"
    shutil.copy(DATA / "store_v1.db", path)
    return path


def _counts(path: Path) -> dict:
    import sqlite3

    db = sqlite3.connect(path)
    tables = ("articles", "signatures", "sketches", "links", "checked", "story_checked",
              "stories")
    out = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    out["meta"] = dict(db.execute("SELECT key, value FROM meta WHERE key != 'schema_version'"))
    db.close()
    return out


def _parents(trees: dict[str, dict]) -> dict[str, str | None]:
    return {n["id"]: n["parent"] for t in trees.values() for n in t["nodes"]
            if n["kind"] == "article" and not n["context"]}


def test_a_version_1_store_upgrades_in_place_and_loses_nothing(old_store):
    before = _counts(old_store)
    with Store(old_store) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert CorpusIndex(store).trees() == {}
    after = _counts(old_store)
    # Schema 5: a MinHash word keeps its joiners ("it's"), so the signatures of the old
    # release are dropped, to be made again by the next trace; schema 7: story sketches
    # are made without site boilerplate, so the old ones go too; everything else stays.
    assert after.pop("signatures") == 0 and before.pop("signatures") == 15
    assert after.pop("sketches") == 0 and before.pop("sketches") == 15
    assert after == before
    assert before["articles"] == 15 and before["links"] == 27 and before["stories"] == 15
    with Store(old_store) as store:  # upgraded once: opening again changes nothing
        pass
    zero = {"signatures": 0, "sketches": 0}
    assert _counts(old_store) | zero == after | zero


def test_trace_on_an_upgraded_store_recomputes_only_the_trees(old_store):
    before = _counts(old_store)
    result = runner.invoke(app, ["trace", "--db", str(old_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    # Signed again (schema 5's new word); a pair checked before is never aligned again
    # (the new signatures may propose a pair the old ones did not).
    after = _counts(old_store)
    assert report["signed"] == 15
    assert report["verified"] == after["checked"] - before["checked"] <= 1
    assert after["links"] >= 27
    with Store(old_store) as store:
        trees = CorpusIndex(store).trees()
    assert len(trees) == 4
    # the same trees as the release that wrote the store drew for it
    assert _parents(trees) == json.loads((DATA / "store_v1_parents.json").read_text())


def test_trees_are_rebuilt_only_for_stories_that_changed(old_store, monkeypatch):
    calls: list[str] = []
    real = tree_module.tree_for_story

    def counting(store, story, **kw):
        calls.append(story.id)
        return real(store, story, **kw)

    monkeypatch.setattr(tree_module, "tree_for_story", counting)
    with Store(old_store) as store:
        stories = stored_stories(store)
        first = update_trees(store, stories)
        assert sorted(calls) == sorted(s.id for s in stories)
        calls.clear()
        again = update_trees(store, stories)
        assert calls == []  # read back, not built
        assert {k: t.to_dict() for k, t in again.items()} == \
            {k: t.to_dict() for k, t in first.items()}
        # a new link touching one story changes that story's fingerprint only
        index = CorpusIndex(store)
        story = stories[-1]
        stranger = store.add([Article(id="stranger", text="Unrelated words here.")]).added
        assert stranger
        seq = store.db.execute("SELECT seq FROM articles WHERE id = 'stranger'").fetchone()[0]

        index.add_links([], [Link(story.seqs[0], seq, "same_story", 0.8, 0.0, 0.0, {})],
                        table="story_checked")
        update_trees(store, stories)
        assert calls == [story.id]


def test_graph_and_story_pages_read_the_stored_tree_without_writing(old_store, monkeypatch):
    assert runner.invoke(app, ["trace", "--db", str(old_store)]).exit_code == 0
    with Store(old_store) as store:
        stored = CorpusIndex(store).trees()

    def fail(*_a, **_k):
        raise AssertionError("a reader built a tree that trace stored")

    monkeypatch.setattr(tree_module, "tree_for_story", fail)
    result = runner.invoke(app, ["graph", "--db", str(old_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    drawn = {t["story"]: t for t in json.loads(result.stdout)["trees"]}
    assert _parents(drawn) == _parents(stored)
    with Store(old_store) as store:
        store.db.execute("PRAGMA query_only = ON")  # as the web opens it
        for story in stored_stories(store):
            assert story_dict(story, store)["tree"] == stored[story.id]


def test_family_tree_round_trips_through_its_dict(old_store):
    assert runner.invoke(app, ["trace", "--db", str(old_store)]).exit_code == 0
    with Store(old_store) as store:
        for d in CorpusIndex(store).trees().values():
            assert FamilyTree.from_dict(d).to_dict() == d


def test_a_store_from_a_newer_release_is_refused(old_store):
    import sqlite3

    db = sqlite3.connect(old_store)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
               (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="newer storytrace"):
        Store(old_store)


def test_an_upgraded_store_has_an_empty_embeddings_table(old_store):
    from storytrace.store.embeddings import EmbeddingStore

    with Store(old_store) as store:
        cache = EmbeddingStore(store)
        assert cache.count() == 0
        cache.put_embeddings("m", {"k": np.arange(4, dtype=np.float32)})
        cache.flush()
    with Store(old_store, read_only=True) as store:
        cache = EmbeddingStore(store)
        assert cache.get_embeddings("m", ["k", "other"])["k"].tolist() == [0, 1, 2, 3]
        cache.put_embeddings("m", {"new": np.ones(4, dtype=np.float32)})
        cache.flush()  # a read-only store is only read
        assert cache.count() == 1 and cache.get_embeddings("other-model", ["k"]) == {}


@pytest.mark.slow
@pytest.mark.skipif(default_encoder() is None, reason="semantic extra not installed")
def test_a_second_semantic_trace_embeds_nothing(old_store):
    from storytrace.engines.core import TraceOptions
    from storytrace.engines.local import trace_store
    from storytrace.store.embeddings import EmbeddingStore

    options = TraceOptions(semantic=True)
    runs = []
    for _ in range(2):
        # the encoder forgets, as a new process would: only the store remembers
        encoder = default_encoder()
        encoder.forget()
        calls, read = encoder.calls, encoder.embedded
        with Store(old_store) as store:
            CorpusIndex(store).reset()  # every candidate pair is aligned again
            result = trace_store(store, options)
            runs.append((result.report.verified, encoder.calls - calls, encoder.embedded - read,
                         EmbeddingStore(store).count(encoder.model_id),
                         _parents({k: t.to_dict() for k, t in result.trees.items()})))
    (verified1, calls1, read1, rows1, trees1), (verified2, calls2, read2, rows2, trees2) = runs
    assert verified1 == verified2 > 0
    assert calls1 > 0 and read1 == rows1 > 0
    assert calls2 == read2 == 0 and rows2 == rows1
    assert trees2 == trees1
