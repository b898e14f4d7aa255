"""`trace`: candidate generation, verification, stories, incremental runs, CLI."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.engines.core import TraceOptions, bucket_pairs, estimated_containment
from storytrace.engines.local import build_stories, run_trace
from storytrace.model import Article
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex

runner = CliRunner()
_rng = random.Random(3)
_VOCAB = [f"w{i}" for i in range(5000)]


def _body(words: int = 300) -> str:
    sentences, out = [], _rng.choices(_VOCAB, k=words)
    for i in range(0, words, 15):
        sentences.append(" ".join(out[i : i + 15]).capitalize() + ".")
    return " ".join(sentences)


def _edit(text: str, share: float) -> str:
    return " ".join(_rng.choice(_VOCAB) if _rng.random() < share else w for w in text.split())


@pytest.fixture()
def corpus() -> dict[str, Article]:
    src1, src2 = _body(), _body()
    arts = {
        "src1": Article(id="src1", text=src1, outlet="Wire"),
        "copy1": Article(id="copy1", text="Breaking. " + _edit(src1, 0.05), outlet="Daily"),
        "part1": Article(id="part1", text=_body(120) + " " + " ".join(src1.split()[:150])
                         + " " + _body(120), outlet="Herald"),
        "src2": Article(id="src2", text=src2, outlet="Wire"),
        "copy2": Article(id="copy2", text=_edit(src2, 0.1), outlet="Post"),
    }
    for i in range(15):
        arts[f"other{i}"] = Article(id=f"other{i}", text=_body(), outlet="Gazette")
    return arts


def _links(store: Store) -> set[frozenset[str]]:
    ids = {seq: id_ for id_, seq in store.db.execute("SELECT id, seq FROM articles")}
    return {frozenset((ids[x.a_seq], ids[x.b_seq])) for x in CorpusIndex(store).links()}


def test_reuse_is_found_and_unrelated_is_not(corpus):
    store = Store(":memory:")
    store.add(corpus.values())
    report = run_trace(store)
    assert report.signed == len(corpus)
    expected = {frozenset(p) for p in [("src1", "copy1"), ("src1", "part1"), ("copy1", "part1"),
                                       ("src2", "copy2")]}
    assert _links(store) == expected
    stories = build_stories(store)
    groups = sorted(sorted(a.id for a in s.articles) for s in stories)
    assert groups == [["copy1", "part1", "src1"], ["copy2", "src2"]]


def test_incremental_run_only_does_new_work_and_keeps_story_ids(corpus):
    store = Store(":memory:")
    first = [a for k, a in corpus.items() if k != "copy1"]
    store.add(first)
    run_trace(store)
    before = {s.id: sorted(a.id for a in s.articles) for s in build_stories(store)}
    verified_before = store.db.execute("SELECT COUNT(*) FROM checked").fetchone()[0]

    store.add([corpus["copy1"]])
    report = run_trace(store)
    assert report.signed == 1
    # Only pairs involving the new article were aligned.
    assert 1 <= report.verified <= 2
    assert store.db.execute("SELECT COUNT(*) FROM checked").fetchone()[0] == \
        verified_before + report.verified
    after = {s.id: sorted(a.id for a in s.articles) for s in build_stories(store)}
    story_of_src1 = next(k for k, v in before.items() if "src1" in v)
    assert "copy1" in after[story_of_src1]  # the story grew and kept its id
    assert set(before) == set(after)

    again = run_trace(store)  # nothing new: nothing signed, nothing re-verified
    assert (again.signed, again.verified) == (0, 0)


def test_index_survives_reopening(tmp_path, corpus):
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.add(list(corpus.values())[:10])
        run_trace(store)
    with Store(db) as store:
        store.add(list(corpus.values())[10:])
        report = run_trace(store)
        assert report.signed == len(corpus) - 10
        assert frozenset(("src1", "copy1")) in _links(store)


def test_index_parameters_cannot_change_silently(corpus):
    store = Store(":memory:")
    store.add(corpus.values())
    run_trace(store)
    with pytest.raises(ValueError, match="reindex"):
        run_trace(store, TraceOptions(num_perm=64))


def test_bucket_cap_is_reported():
    # 30 articles sharing every band: one huge bucket per band.
    hashes = np.tile(np.arange(8, dtype=np.uint64), (30, 1))
    pairs, capped = bucket_pairs(hashes, np.ones(30, dtype=bool), max_bucket=10)
    assert len(pairs) == 0 and capped == 8
    pairs, capped = bucket_pairs(hashes, np.ones(30, dtype=bool), max_bucket=30)
    assert len(pairs) == 30 * 29 // 2 and capped == 0


def test_containment_sees_a_short_text_inside_a_long_one():
    sig = np.arange(128, dtype=np.uint32)
    other = sig.copy()
    other[32:] += 1000  # Jaccard 0.25
    assert estimated_containment(sig, other, 100, 100) == pytest.approx(0.4)
    assert estimated_containment(sig, other, 40, 160) == pytest.approx(1.0)


def test_cli_trace_json_and_jsonl_out(tmp_path, corpus):
    src = tmp_path / "corpus.jsonl"
    with open(src, "w") as f:
        for a in corpus.values():
            f.write(json.dumps({"id": a.id, "text": a.text, "outlet": a.outlet}) + "\n")
        f.write("{not json\n")
    db, out = tmp_path / "t.db", tmp_path / "stories.jsonl"
    result = runner.invoke(app, ["trace", str(src), "--db", str(db), "--format", "json",
                                 "--out", str(out)])
    assert result.exit_code == 1  # one bad line, reported; the rest went through
    assert "corpus.jsonl:21" in result.stderr
    data = json.loads(result.stdout)
    assert data["articles"] == len(corpus) and data["stories_total"] == 2
    assert data["related_total"] == len(data["related"])  # links that join no story
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(len(x["articles"]) for x in lines) == [2, 3]
    assert all({"a", "b", "coverage_a", "evidence"} <= set(x["links"][0]) for x in lines)

    text = runner.invoke(app, ["trace", "--db", str(db)])
    assert text.exit_code == 0 and "0 newly indexed" in text.stdout


def test_cli_trace_rejects_bad_options(tmp_path):
    result = runner.invoke(app, ["trace", "--db", str(tmp_path / "x.db"), "--threshold", "2"])
    assert result.exit_code == 2 and "threshold" in result.stderr


def test_trace_cli_prints_family_trees_and_writes_them(tmp_path, corpus):
    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(a.to_json() + "\n" for a in corpus.values()), encoding="utf-8")
    out = tmp_path / "stories.jsonl"
    result = runner.invoke(app, ["trace", str(src), "--db", str(tmp_path / "t.db"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "family tree:" in result.stdout
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    trees = [r["tree"] for r in rows]
    assert all(t["nodes"] for t in trees)
    quiet = runner.invoke(app, ["trace", "--db", str(tmp_path / "t.db"), "--no-trees",
                                "--format", "json"])
    assert quiet.exit_code == 0, quiet.output
    assert all("tree" not in s for s in json.loads(quiet.stdout)["stories"])


def test_cap_notes_name_both_caps(monkeypatch):
    """Both engines print what the caps held back through one function."""
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from storytrace.cli import stories as trace_cli
    from storytrace.engines.core import TraceOptions

    buffer = io.StringIO()
    monkeypatch.setattr(trace_cli, "err", Console(file=buffer, width=300))
    report = SimpleNamespace(capped_buckets=2, capped_articles=1, capped_examples=[["a1", 250]])
    trace_cli.print_cap_notes(report, TraceOptions(max_bucket=50, max_candidates=200),
                              "300 articles (e.g. x9)")
    lines = buffer.getvalue().splitlines()
    assert lines == [
        "note: 2 LSH buckets held more than 50 articles (shared boilerplate?) and gave no "
        "candidates; largest: 300 articles (e.g. x9)",
        "note: 1 articles had more than 200 candidate pairs, e.g. a1 (250); the 200 most "
        "similar of each were aligned (raise --max-candidates)"]
    buffer.truncate(0)
    buffer.seek(0)
    trace_cli.print_cap_notes(SimpleNamespace(capped_buckets=0, capped_articles=0,
                                              capped_examples=[]), TraceOptions())
    assert buffer.getvalue() == ""


def test_parallel_verification_gives_the_same_links():
    """Two worker processes align the candidate pairs: the stored links (with their
    evidence) are those of one process, in the same order."""
    rng = random.Random(11)
    arts = []
    for f in range(6):
        src = _body()
        arts.append(Article(id=f"src{f}", text=src, outlet="Wire"))
        for c in range(3):
            text = " ".join(rng.choice(_VOCAB) if rng.random() < 0.08 else w
                            for w in src.split())
            arts.append(Article(id=f"copy{f}.{c}", text=text, outlet=f"Site{c}"))
    found = []
    for workers in (1, 2):
        store = Store(":memory:")
        store.add(arts)
        report = run_trace(store, TraceOptions(same_story=False), workers=workers)
        assert report.verified >= 30
        found.append(CorpusIndex(store).links())
    assert found[0] == found[1] and len(found[0]) == 36


@pytest.mark.slow
def test_cli_trace_semantic_keeps_embeddings_for_the_next_run(tmp_path, corpus):
    from storytrace.align.semantic import default_encoder
    from storytrace.store.embeddings import EmbeddingStore

    encoder = default_encoder()
    if encoder is None:
        pytest.skip("semantic extra not installed")
    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n"
                           for a in corpus.values()))
    db = tmp_path / "t.db"
    rows, calls = [], []
    for extra in ([str(src)], ["--reindex"]):
        encoder.forget()  # as a new process: only the store remembers
        before = encoder.calls
        result = runner.invoke(app, ["trace", *extra, "--db", str(db), "--semantic",
                                     "--format", "json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["stories_total"] == 2
        calls.append(encoder.calls - before)
        with Store(db) as store:
            rows.append(EmbeddingStore(store).count(encoder.model_id))
    assert rows[0] > 0 and rows[1] == rows[0]  # the second run embedded nothing new
    assert calls[0] > 0 and calls[1] == 0


def test_cli_trace_story_check_without_the_semantic_extra_is_one_error_line(tmp_path, monkeypatch):
    import storytrace.align.semantic as semantic  # read by the command when it runs

    monkeypatch.setattr(semantic, "default_encoder", lambda: None)
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "One two three four five six."}) + "\n")
    result = runner.invoke(app, ["trace", str(src), "--db", str(tmp_path / "t.db"),
                                 "--story-check"])
    assert result.exit_code != 0
    assert "need the sentence model" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_articles_own_headline_is_not_its_boilerplate_when_verifying():
    """A site's sidebar prints the headline of a short note on its other pages, so the
    headline is that site's boilerplate; a copy elsewhere keeps the headline and one more
    sentence. Only with the note's own headline kept (as the verify step does) do the two
    share enough for a reuse link; the sidebar lines of other pages stay boilerplate."""
    from storytrace.align import Aligner
    from storytrace.engines.core import VerifyOptions, verify_link, without_boilerplate
    from storytrace.text.boilerplate import Boilerplate, block_keys

    title = "Harbour board approves the new ferry terminal at Kilgarvan pier for 2027"
    body = ("Harbour board members voted eleven to two on Monday to build the terminal, "
            "which will take ferries from Vigo and Rotterdam three times a week.")
    keys = frozenset(("quay news", k) for _, _, k in block_keys(title))
    model = Boilerplate(keys)
    note = Article(id="n", title=title, text=f"{title}\n\n{body}", outlet="Quay News",
                   url="https://quay.example/n")
    other = Article(id="o", title="Fish prices fall", outlet="Quay News",
                    text=f"Fish prices fell again.\n\n{title}")
    copy = Article(id="c", title=title, text=f"{title} {body}", outlet="Elsewhere Post")
    articles = {1: note, 2: copy, 3: other}
    kept, aside = without_boilerplate(articles, model, keep_titles=True)
    assert kept[1].text == note.text and 1 not in aside
    assert kept[3].text.strip() == "Fish prices fell again." and aside[3] == len(title)
    masked, _ = without_boilerplate(articles, model)
    assert masked[1].text.strip() == body
    aligner, options = Aligner(semantic=False), VerifyOptions()
    assert verify_link(1, 2, masked[1], masked[2], aligner, options) is None
    link = verify_link(1, 2, kept[1], kept[2], aligner, options)
    assert link is not None and link.kind == "reuse"


def test_a_copied_transcript_is_two_versions_whatever_boilerplate_its_pages_carry():
    """Two pages whose story is one quoted exchange, copied whole, each page more than
    half its own site's boilerplate: the copy covers what each article says, so it is
    a reuse link (two versions of one text), not a shared quotation."""
    from storytrace.align import Aligner
    from storytrace.engines.core import VerifyOptions, verify_link, without_boilerplate
    from storytrace.text.boilerplate import Boilerplate, block_keys

    story = ("COOPER: \u201cOf course he did. He was taken to a bunker and he is embarrassed "
             "that people know that, so what does he do now, he goes out for a photo.\u201d\n\n"
             "BASH: \u201cThe only people they are laughing at is the president, and the "
             "whole of the capital knows it after a week like this one.\u201d")
    furniture = {
        "one": [f"The One Daily newsletter brings {w} stories to your inbox every morning."
                for w in ("the best", "more", "new", "fresh", "great", "daily")],
        "two": [f"Two Times is reader supported and {w} relies on your donations today."
                for w in ("always", "still", "now", "fully", "only", "truly")]}
    model = Boilerplate(frozenset((site, k) for site, lines in furniture.items()
                                  for line in lines for _, _, k in block_keys(line)))
    pages = {1: Article(id="a", outlet="One", text="\n\n".join([*furniture["one"], story])),
             2: Article(id="b", outlet="Two", text="\n\n".join([story, *furniture["two"]]))}
    masked, aside = without_boilerplate(pages, model)
    assert all(2 * aside[k] > len(pages[k].text) for k in pages)
    link = verify_link(1, 2, masked[1], masked[2], Aligner(semantic=False), VerifyOptions(),
                       aside)
    assert link is not None and link.kind == "reuse" and link.evidence["versions"] > 0.9


def test_two_pages_of_one_paywall_form_are_not_two_versions():
    """Two market-report stubs whose only text is a headline and the publisher's sign-up
    form: they share the form, small print, so however much of each it covers they are
    not two versions of one article (no reuse link)."""
    from storytrace.align import Aligner
    from storytrace.engines.core import VerifyOptions, verify_link

    form = " ".join([
        "TAKE A FREE TRIAL Registered users can read up to 3 reports.",
        "Enter your details below for immediate access.",
        "If you would like to request a full trial of our services, please fill in the "
        "trial request form instead.",
        "Note our system only accepts work email addresses (e.g. no Gmail, etc.).",
        "The password for your account must be at least 8 characters long and contain at "
        "least one number.",
        "Email address First Name Last Name Organisation Job Title Telephone City"])
    one = Article(id="a", outlet="Desk", text=f"Further slowdown in 2020 {form}")
    two = Article(id="b", outlet="Desk", text=f"Oil to outperform {form}")
    link = verify_link(1, 2, one, two, Aligner(semantic=False), VerifyOptions())
    assert link is None or link.kind != "reuse"


def test_links_that_join_no_story_are_listed_with_both_titles(tmp_path, capsys):
    """Same-event links and shared quotations join no story; `trace` lists them apart,
    in words, with both articles, so a reader sees them (they were only counted)."""
    from storytrace.cli.stories import print_loose
    from storytrace.engines.local import build_stories, loose_links
    from storytrace.model import Link
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

    arts = [Article(id=f"art{i}", text=f"Text number {i} of the test.", title=f"Title {i}",
                    outlet=f"Outlet {i}") for i in range(5)]
    with Store(tmp_path / "s.db") as store:
        store.add(arts)
        index = CorpusIndex(store)
        seq = index.seqs_of([a.id for a in arts])
        s0, s1, s2, s3, s4 = (seq[a.id] for a in arts)
        index.add_links([], [
            Link(s0, s1, "reuse", 0.9, 0.5, 0.5, {"passages": 1}),
            Link(s2, s3, "same_event", 0.7, 0, 0, {"why": "two reports of one site about "
                                                   "the same event: details"}),
            Link(s1, s4, "shared_quote", 0.1, 0, 0, {"quotes": [
                {"text": "word " * 30, "speaker": "Biden"}]})])
        build_stories(store)
        total, rows = loose_links(store)
        assert total == 2 and [x["kind"] for x in rows] == ["same_event", "shared_quote"]
        assert {rows[0]["a"], rows[0]["b"]} == {"art2", "art3"}
        assert {rows[0]["a_title"], rows[0]["b_outlet"]} == {"Title 2", "Outlet 3"}
        assert loose_links(store, limit=1)[0] == 2 and len(loose_links(store, limit=1)[1]) == 1
    capsys.readouterr()
    print_loose(total, rows)
    text = capsys.readouterr().out
    assert "joined into no story: 2 links" in text
    assert "— two reports of one site about the same event" in text and "details" not in text
    assert "(Biden)" in text and "word word …" in text and "Title 4" in text
