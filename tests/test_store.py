"""The SQLite store: idempotent adds, conflicts, persistence, batching, id prefixes."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest

from storytrace import Article, Store, ingest
from storytrace.store.sqlite import BATCH


def art(i: int, **kw) -> Article:
    defaults = {"title": f"Title {i}", "text": f"Body of article {i}.", "outlet": "Outlet"}
    return Article(**(defaults | kw))


def test_roundtrip_of_every_field(tmp_path):
    a = Article(text="Body “quoted” — ünïcödé 😀\n\nSecond paragraph.", title="T", outlet="O",
                url="https://o.example/a", published=datetime(2020, 5, 6, 7, 8, 9, tzinfo=UTC),
                authors=["A B", "C D"], raw="<html>raw 😀</html>", source="x.html",
                extra={"crawled": "2020-05-07T00:00:00+00:00", "n": [1, 2]})
    with Store(tmp_path / "s.db") as store:
        store.add([a])
        got = store.get(a.id)
    assert got == a
    assert got.published.tzinfo is not None
    assert store.path == str(tmp_path / "s.db")


def test_same_dir_twice_stores_once(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    (corpus / "feed.jsonl").write_text("".join(
        json.dumps({"title": f"T{i}", "text": f"Text {i}."}) + "\n" for i in range(5)))
    with Store(tmp_path / "s.db") as store:
        first = ingest([corpus], store)
        assert (first.read, first.added, first.unchanged, first.rejected) == (7, 7, 0, 0)
        ids = [a.id for a in store.articles()]
        second = ingest([corpus], store)
        assert (second.read, second.added, second.unchanged, second.rejected) == (7, 0, 7, 0)
        assert [a.id for a in store.articles()] == ids
        assert len(store) == 7
        # the same directory given twice in one run is also stored once
        third = ingest([corpus, corpus], store)
        assert (third.added, third.unchanged) == (0, 14)
        assert len(store) == 7


def test_duplicates_within_one_batch(tmp_path):
    with Store(tmp_path / "s.db") as store:
        report = store.add([art(1), art(1), art(2)])
        assert len(report.added) == 2 and len(report.unchanged) == 1
        assert len(store) == 2


def test_conflict_keeps_the_original(tmp_path):
    db = tmp_path / "s.db"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "story-1", "title": "Original", "text": "First text."})
                    + "\n")
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({"id": "story-1", "title": "Edited", "text": "Other text."})
                       + "\n" + json.dumps({"id": "story-2", "text": "New one."}) + "\n")
    with Store(db) as store:
        assert ingest([feed], store).added == 1
        seen = []
        summary = ingest([changed], store, on_error=seen.append)
        assert summary.added == 1 and summary.unchanged == 0
        assert summary.rejected == 1
        (error,) = summary.errors
        assert seen == [error]
        assert error.where == f"{changed}:1"
        assert error.reason == "id already stored with different content (id story-1)"
        kept = store.get("story-1")
        assert (kept.title, kept.text) == ("Original", "First text.")
        assert store.get("story-2").text == "New one."


def test_conflict_within_one_batch(tmp_path):
    with Store(tmp_path / "s.db") as store:
        report = store.add([art(1, id="same"), art(2, id="same")])
        assert report.added == ["same"]
        ((lost, reason),) = report.conflicts
        assert lost.title == "Title 2" and "different content" in reason
        assert store.get("same").title == "Title 1"


def test_persists_after_reopening(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add([art(i) for i in range(10)])
        ids = [a.id for a in store.articles()]
    with Store(db) as store:
        assert len(store) == 10
        assert [a.id for a in store.articles()] == ids
        assert store.get(ids[3]).title == "Title 3"
        assert store.integrity_ok()
        report = store.add([art(i) for i in range(12)])
        assert len(report.added) == 2 and len(report.unchanged) == 10
    with Store(db) as store:
        assert len(store) == 12


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(RuntimeError, match="newer storytrace"):
        Store(db)


@pytest.mark.parametrize("n", [BATCH - 1, BATCH, BATCH + 1])
def test_batch_size_boundaries(tmp_path, n):
    assert BATCH == 2000
    articles = [art(i) for i in range(n)]
    with Store(tmp_path / "s.db") as store:
        report = store.add(articles, batch_size=2000)
        assert len(report.added) == n and len(set(report.added)) == n
        assert len(store) == n
        # again, with the first article changed in content but not id: 1 conflict
        again = [art(i) for i in range(n + 1)]
        again[0] = art(10**6, id=articles[0].id)
        report = store.add(again, batch_size=2000)
        assert len(report.unchanged) == n - 1
        assert report.added == [again[-1].id]
        assert len(report.conflicts) == 1
        assert len(store) == n + 1


def test_pipeline_batches_2001_articles(tmp_path):
    feed = tmp_path / "big.jsonl"
    feed.write_text("".join(json.dumps({"id": f"a{i:05d}", "text": f"Text {i}."}) + "\n"
                            for i in range(2001)))
    calls = []
    with Store(tmp_path / "s.db") as store:
        summary = ingest([feed], store, batch_size=2000, on_record=lambda: calls.append(1))
        assert (summary.read, summary.added, summary.rejected) == (2001, 2001, 0)
        assert len(calls) == 2001
        assert len(store) == 2001
        assert [a.id for a in store.articles(limit=3, offset=1999)] == ["a01999", "a02000"]
        summary = ingest([feed], store, batch_size=7)
        assert (summary.added, summary.unchanged) == (0, 2001)


def test_articles_filters_and_paging(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.add([art(i, outlet="A" if i % 2 else "B") for i in range(6)])
        assert [a.title for a in store.articles(outlet="A")] == ["Title 1", "Title 3", "Title 5"]
        assert [a.title for a in store.articles(limit=2, offset=1)] == ["Title 1", "Title 2"]
        assert [a.title for a in store.articles(after_seq=4)] == ["Title 4", "Title 5"]
        assert store.get("nope") is None


def test_resolve_prefixes(tmp_path):
    ids = ["abc123", "abc456", "abd000", "ab%1", "ab_1", "abx1", "ABC999", "a\\b"]
    with Store(tmp_path / "s.db") as store:
        store.add([art(i, id=x) for i, x in enumerate(ids)])
        assert store.resolve("abc123") == ["abc123"]  # exact
        assert store.resolve("abc4") == ["abc456"]  # unique prefix
        assert store.resolve("abc") == ["abc123", "abc456"]  # ambiguous
        assert store.resolve("zzz") == []  # missing
        assert store.resolve("") == sorted(ids)  # everything is a prefix of ""
        # LIKE wildcards in the reference are literal characters
        assert store.resolve("ab%") == ["ab%1"]
        assert store.resolve("ab_") == ["ab_1"]
        assert store.resolve("%") == []
        assert store.resolve("_") == []
        assert store.resolve("a\\") == ["a\\b"]
        # ids are case-sensitive: a prefix matches only ids with the same case
        assert store.resolve("ABC") == ["ABC999"]
        assert store.resolve("Abc") == []


def test_resolve_returns_at_most_ten(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.add([art(i, id=f"same{i:02d}") for i in range(25)])
        assert store.resolve("same") == [f"same{i:02d}" for i in range(10)]


def test_memory_store():
    with Store(":memory:") as store:
        store.add([art(1)])
        assert len(store) == 1


def test_search_matches_fields_and_takes_wildcards_literally(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.add([art(1, id="x1", title="Bridge closes", text="Nothing else."),
                   art(2, id="x2", title="Other", text="The bridge is 100% shut.",
                       outlet="Wire"),
                   art(3, id="x3", title="Third", text="Nothing.")])
        total, items = store.search("BRIDGE")
        assert total == 2 and [i["id"] for i in items] == ["x1", "x2"]  # title match first
        assert set(items[0]) == {"id", "title", "outlet", "url", "published", "chars"}
        assert items[0]["chars"] == len("Nothing else.")
        assert [i["id"] for i in store.search("100%")[1]] == ["x2"]
        assert store.search("%")[0] == 1 and store.search("_")[0] == 0
        assert store.search("wire")[1][0]["id"] == "x2"  # outlet
        total, page = store.search("", limit=1, offset=1)
        assert total == 3 and [i["id"] for i in page] == ["x2"]


def test_read_only_store_refuses_writes(tmp_path):
    import sqlite3

    with Store(tmp_path / "s.db") as store:
        store.add([art(1)])
    with Store(tmp_path / "s.db", read_only=True) as store:
        assert len(store) == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.add([art(2)])


def test_corpus_index_reads_for_the_web(tmp_path):
    import numpy as np

    from storytrace.store.corpus import CorpusIndex

    with Store(tmp_path / "s.db") as store:
        store.add([art(i, id=f"a{i}", title="" if i == 0 else f"Title {i}",
                       published=datetime(2024, 1, 9 - i, tzinfo=UTC),
                       outlet="" if i == 2 else f"O{i % 2}") for i in range(5)])
        index = CorpusIndex(store)
        assert index.stored_params() is None and index.signatures_state() == (0, 0)
        assert index.last_seq() == 5 and index.seqs_of(["a3", "nope"]) == {"a3": 4}
        assert index.story_of("a0") is None and index.story_count() == 0
        index.params({"num_perm": 4})
        assert index.stored_params() == {"num_perm": 4}
        index.add_signatures([2, 4], [10, 20], np.zeros((2, 4), np.uint32))
        assert index.signatures_state() == (2, 4)
        index.set_stories({1: "s-big", 2: "s-big", 3: "s-big", 4: "s-small", 5: "s-small"})
        assert index.story_of("a3") == "s-small" and index.story_count() == 2
        assert index.stories(["s-small"]) == {4: "s-small", 5: "s-small"}
        big, small = index.story_summaries()
        assert big == {"story": "s-big", "articles": 3, "outlets": 2,
                       "first_published": "2024-01-07T00:00:00+00:00",
                       "last_published": "2024-01-09T00:00:00+00:00",
                       "title": "Title 2", "outlet": ""}  # earliest titled article
        assert small["articles"] == 2 and small["outlets"] == 2 and small["title"] == "Title 4"
        assert index.story_summaries(limit=1, offset=1) == [small]
