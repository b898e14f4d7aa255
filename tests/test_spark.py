"""The Spark engine gives the local engine's answers (parity), and survives skew.

Runs Spark in local mode (``local[2]``, 4 shuffle partitions); skipped when
pyspark or Java is missing. The whole file takes about three minutes on two cores,
most of it Spark's fixed cost per stage.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed")
pytest.importorskip("pandas", reason="pyspark's applyInPandas needs pandas")
pytest.importorskip("pyarrow", reason="pyspark's applyInPandas needs pyarrow")
if shutil.which("java") is None:
    pytest.skip("no java on PATH: Spark needs a JVM", allow_module_level=True)

from storytrace.engines.core import TraceOptions, story_record
from storytrace.engines.local import build_stories, run_trace
from storytrace.engines.spark import (
    connected_components,
    nearest_in_block,
    run_trace_spark,
    weigh_sketches,
)
from storytrace.index.sketch import StorySketcher, sketch_candidates
from storytrace.pipeline import ingest
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _generator():
    """bench/trace_scale.py's corpus generator (news-like text with planted reuse)."""
    spec = importlib.util.spec_from_file_location("trace_scale", ROOT / "bench" / "trace_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def _options(**changes) -> TraceOptions:
    # Tier 2 has its own parity test on a corpus made for it (generated reuse corpora
    # have no names, so it finds nothing there but costs a model call per candidate);
    # so do family trees (test_family_tree_parity_with_local_engine).
    changes.setdefault("same_story", False)
    changes.setdefault("trees", False)
    return dataclasses.replace(TraceOptions(), **changes)


def _story_corpus(path: Path, seed: int, n_stories: int = 8, copies: int = 7,
                  noise: int = 60) -> None:
    """Tier 2's test corpus: reports of one story worded apart, plus what makes it hard.

    Each story has five names and eight key words, which every report of it uses
    (with filler from bench/trace_scale.py's vocabulary, so reports share little
    wording). Story 0 also has ``copies`` verbatim copies of one report (tier 1 links,
    and exactly tied sketch cosines, more than ``story_k`` of them, for the others);
    story 1's long reports share one quoted passage (reuse that MinHash misses and
    only tier 2's alignment finds). ``noise`` generated reuse-corpus articles go first.
    """
    spec = importlib.util.spec_from_file_location("trace_scale", ROOT / "bench" / "trace_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(path, noise, 0.2, seed)
    rng = random.Random(seed + 1000)  # not generate's stream: no copies of the noise
    writer = module._Writer(rng)
    vocab = writer.vocab[60:]

    def report(names: list[str], keys: list[str], numbers: list[str], n: int,
               quote: list[str]) -> dict:
        sentences = []
        for _ in range(n):
            words = writer.sentences(rng.randint(12, 20))[0].rstrip(".").split()
            for x in rng.sample(names, 2) + rng.sample(keys, 3) + [rng.choice(numbers)]:
                words.insert(rng.randrange(1, len(words)), x)
            sentences.append(" ".join(words) + ".")
        for q in quote:
            sentences.insert(rng.randrange(1, len(sentences)), q)
        return {"title": " ".join([names[0], rng.choice(keys), names[1], rng.choice(keys)]),
                "text": " ".join(sentences), "outlet": f"outlet{rng.randrange(20)}"}

    records = []
    for s in range(n_stories):
        names = [rng.choice(vocab).capitalize() for _ in range(5)]
        keys = rng.sample(vocab[:3000], 8)
        numbers = [str(rng.randrange(10, 999)) for _ in range(3)]
        quote = [" ".join(["Said", names[2], *writer.sentences(45)])] if s == 1 else []
        for v in range(3 if s < 2 else rng.randint(2, 4)):
            records.append({"id": f"s{s:02d}v{v}"} | report(
                names, keys, numbers, 40 if s == 1 else rng.randint(8, 14), quote[: 2 - v]))
        if s == 0:
            # copies printed by other outlets (one outlet printing it 8 times over
            # would make it that outlet's boilerplate)
            records += [records[-1] | {"id": f"s00copy{c}", "outlet": f"copier{c}"}
                        for c in range(copies)]
    rng.shuffle(records)
    with open(path, "a", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def _local(sources: list[str], db: Path, options: TraceOptions) -> tuple[dict, list, list]:
    """The local engine on a fresh store: (report, links as dicts, story dicts)."""
    with Store(db) as store:
        summary = ingest(sources, store)
        report = run_trace(store, options).to_dict()
        stories = [s.to_dict() for s in build_stories(store)]
        ids = dict(store.db.execute("SELECT seq, id FROM articles"))
        links = [{"a": ids[x.a_seq], "b": ids[x.b_seq], "kind": x.kind, "score": x.score,
                  "coverage_a": x.coverage_a, "coverage_b": x.coverage_b,
                  "evidence": x.evidence} for x in CorpusIndex(store).links()]
        report |= {"articles": len(store), "rejected": summary.rejected}
    return report, links, stories


def _parts(folder: Path) -> list[str]:
    return [line for part in sorted(folder.glob("part-*"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def test_parity_with_local_engine(spark, tmp_path: Path) -> None:
    """5,000 articles, 20% planted copies: identical links, stories and output file."""
    corpus = tmp_path / "corpus.jsonl"
    planted = _generator()(corpus, 5000, 0.2, 11)
    options = _options()
    local_report, local_links, local_stories = _local([str(corpus)], tmp_path / "t.db", options)

    result = run_trace_spark([str(corpus)], options, spark=spark,
                             output=str(tmp_path / "stories.jsonl"))
    report = result.report
    for key in ("signed", "candidates", "capped_buckets", "below_containment", "verified",
                "links_added"):
        assert report.to_dict()[key] == local_report[key], key
    assert report.signed == local_report["articles"] == 5000
    assert len(planted) == 1000 and len(local_links) >= 950  # the corpus does exercise reuse
    assert result.link_dicts() == local_links
    assert result.story_dicts() == local_stories
    assert max(len(s["articles"]) for s in local_stories) >= 3  # Louvain ran on some
    # The part files, concatenated, are the local engine's --out stories.jsonl.
    assert _parts(tmp_path / "stories.jsonl") == [json.dumps(s, ensure_ascii=False)
                                                  for s in local_stories]
    assert report.stories == len(local_stories)
    assert report.rejected == 0 and report.cc_iterations >= 1


def test_same_story_parity_with_local_engine(spark, tmp_path: Path) -> None:
    """Tier 2 on: identical same-story links (scores, evidence), tier-2 reuse links, the
    choice among tied sketch cosines, stories and output file."""
    corpus = tmp_path / "stories.jsonl"
    _story_corpus(corpus, 3)
    options = _options(max_bucket=50, same_story=True)  # some terms over max_df
    assert options.same_story
    local_report, local_links, local_stories = _local([str(corpus)], tmp_path / "t.db",
                                                      options)
    result = run_trace_spark([str(corpus)], options, spark=spark,
                             output=str(tmp_path / "out.jsonl"))
    report = result.report.to_dict()
    for key in ("signed", "candidates", "verified", "links_added", "story_candidates",
                "story_links_added"):
        assert report[key] == local_report[key], key
    links = result.link_dicts()
    assert links == local_links
    assert result.story_dicts() == local_stories
    assert _parts(tmp_path / "out.jsonl") == [json.dumps(s, ensure_ascii=False)
                                              for s in local_stories]
    # The corpus does exercise tier 2: many same-story links, all inside a story.
    tier2 = [x for x in links if x["kind"] == "same_story" or "same_story" in x["evidence"]]
    assert len(tier2) == report["story_links_added"] >= 30
    assert all(x["a"][0] == "s" and x["a"][:3] == x["b"][:3] for x in tier2)
    # Story 1's shared quote: found by tier 2's alignment only (a reuse link).
    assert ({tuple(sorted((x["a"], x["b"]))) for x in tier2 if x["kind"] == "reuse"}
            == {("s01v0", "s01v1")})
    # s00v0 and s00v1 each see eight sketches with one cosine (s00v2 and its copies)
    # and propose five: which five is decided by the order of the tie, as locally.
    for report_id in ("s00v0", "s00v1"):
        tied = {x["a"] if x["b"] == report_id else x["b"] for x in tier2
                if report_id in (x["a"], x["b"])} - {"s00v0", "s00v1"}
        assert 0 < len(tied) < 8


def test_family_tree_parity_with_local_engine(spark, tmp_path: Path) -> None:
    """A generated provenance corpus (families of versions copied from real articles, as
    `make-bench provenance` makes them): identical links, stories and family trees, and
    the trees are the ones the truth describes for most copies."""
    from tests.conftest import shared_path

    from storytrace.engines.local import update_trees
    from storytrace.eval.make_provenance import make_provenance_set
    from storytrace.ingest import read_sources
    from storytrace.model import Article

    source = shared_path("data", "fakenewsnet-v1-2018")
    articles = [r for r in read_sources([str(source)]) if isinstance(r, Article)]
    make_provenance_set(articles, tmp_path / "set", families=24, seed=5)
    corpus = str(tmp_path / "set" / "corpus.jsonl")
    options = _options(same_story=True, trees=True)
    with Store(tmp_path / "t.db") as store:
        ingest([corpus], store)
        run_trace(store, options)
        stories = build_stories(store)
        trees = update_trees(store, stories)
        local = [s.to_dict() | {"tree": trees[s.id].to_dict()} for s in stories]
    result = run_trace_spark([corpus], options, spark=spark, output=str(tmp_path / "o.jsonl"))
    assert result.story_dicts() == local  # articles, links, tree: node for node, edge for edge
    assert _parts(tmp_path / "o.jsonl") == [json.dumps(s, ensure_ascii=False) for s in local]
    # The corpus exercises the trees: copies hang from their true parents.
    truth = dict(line.split("\t") for line in
                 (tmp_path / "set" / "TRUTH.tsv").read_text().splitlines() if line)
    parents = {n["id"]: n["parent"] for s in local for n in s["tree"]["nodes"]
               if n["kind"] == "article" and not n["context"]}
    right = sum(parents.get(child) == parent for child, parent in truth.items())
    assert len(truth) >= 40 and right >= 0.8 * len(truth)


def test_boilerplate_parity_with_local_engine(spark, tmp_path: Path) -> None:
    """Outlets that print their own footers: both engines learn the same boilerplate,
    set it aside, and give identical links and stories; footers make no link."""
    rng = random.Random(8)
    vocab = [f"w{i}" for i in range(4000)]

    def body(n: int) -> str:
        words = rng.choices(vocab, k=n)
        return " ".join(" ".join(words[i : i + 14]).capitalize() + "." for i in range(0, n, 14))

    records = []
    for o in range(4):
        footer = "\n\n" + " ".join(f"Outlet {o} footer sentence {k} asks readers to share "
                                      f"and subscribe today." for k in range(4))
        for i in range(6):
            records.append({"id": f"o{o}a{i}", "text": body(90) + footer,
                            "outlet": f"Outlet {o}", "url": f"https://outlet{o}.example/{i}"})
    source = body(200)
    records += [{"id": "src", "text": source, "outlet": "Wire"},
                {"id": "cpy", "text": "Update. " + source, "url": "https://copier.example/x"}]
    corpus = tmp_path / "sites.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    options = _options(same_story=True)
    local_report, local_links, local_stories = _local([str(corpus)], tmp_path / "t.db", options)
    result = run_trace_spark([str(corpus)], options, spark=spark)
    assert result.report.boilerplate_blocks == local_report["boilerplate_blocks"] == 16
    assert result.report.boilerplate_sites == local_report["boilerplate_sites"] == 4
    assert result.link_dicts() == local_links
    assert result.story_dicts() == local_stories
    assert {(x["a"], x["b"]) for x in local_links} == {("src", "cpy")}


def test_sketch_blocks_give_the_local_candidates() -> None:
    """The Spark engine's pieces of tier 2 (rows weighed in batches with corpus-wide
    counts, nearest sketches per block of articles) give ``sketch_candidates``'s pairs
    and cosines exactly, ties included: with many exact duplicates and a small ``k``,
    about 200 articles have a tie at their ``k``-th cosine (listing the rows in another
    order than by seq changes which pairs are proposed)."""
    import numpy as np

    rng = random.Random(5)
    words = [f"w{i}" for i in range(300)] + [f"Name{i}" for i in range(60)]
    texts = [" ".join(rng.choices(words, k=rng.randint(5, 80))) for _ in range(250)]
    texts += [texts[rng.randrange(40)] for _ in range(150)] + [""]
    sketches = StorySketcher().sketch_many(texts)
    seqs = np.arange(len(texts), dtype=np.int64) * 7 + 3  # any increasing numbering
    flat = np.concatenate([t for t, _ in sketches]).astype(np.int64)
    counts = dict(zip(*np.unique(flat, return_counts=True), strict=True))
    for max_df, k in ((40, 2), (15, 5), (10_000, 3)):
        want = sketch_candidates(sketches, np.ones(len(texts), bool), k=k, min_cosine=0.1,
                                 max_df=max_df)
        rows = []
        for lo in range(0, len(texts), 37):  # weighed in batches
            part = sketches[lo : lo + 37]
            terms = np.concatenate([t for t, _ in part]).astype(np.int64)
            rows += zip(*weigh_sketches(
                seqs[lo : lo + 37], np.array([len(t) for t, _ in part]), terms,
                np.concatenate([w for _, w in part]), np.array([counts[t] for t in terms]),
                len(texts), max_df), strict=True)
        postings: dict[int, list[tuple[int, float]]] = {}
        for seq, term, v in rows:
            postings.setdefault(term, []).append((seq, v))
        assert max(len(p) for p in postings.values()) <= max_df
        found: dict[tuple[int, int], float] = {}
        order = sorted({seq for seq, _, _ in rows}, key=lambda _: rng.random())
        for lo in range(0, len(order), 23):  # blocks of articles in any order
            block = set(order[lo : lo + 23])
            joined = [(i, term, j, v) for i, term, _ in rows if i in block
                      for j, v in postings[term]]
            a, b, c = nearest_in_block(*(np.array(x) for x in zip(*joined, strict=True)),
                                       k=k, min_cosine=0.1)
            for pair, cos in zip(zip(a.tolist(), b.tolist(), strict=True), c.tolist(),
                                 strict=True):
                found[pair] = max(found.get(pair, 0.0), cos)
        by_seq = {int(s): n for n, s in enumerate(seqs)}
        got = sorted((by_seq[a], by_seq[b], c) for (a, b), c in found.items())
        assert got == want and len(want) > 50, (max_df, k)


def test_giant_bucket_is_capped_and_reported(spark, tmp_path: Path) -> None:
    """Boilerplate shared by 150 articles (max_bucket 50) gives no candidates, and is
    reported, exactly as the local engine caps it; other reuse is still found. Also
    checks mixed inputs (a folder, a .json file, a bad line, a duplicate id) and the
    Parquet output."""
    folder = tmp_path / "in"
    folder.mkdir()
    _generator()(folder / "news.jsonl", 300, 0.2, 5)
    rng = random.Random(3)
    words = [f"w{i}" for i in range(400)]
    boilerplate = " ".join(rng.choice(words) for _ in range(300))
    with open(folder / "boiler.jsonl", "w", encoding="utf-8") as f:
        for i in range(150):
            f.write(json.dumps({"id": f"boiler{i:03d}", "title": f"Notice {i}",
                                "text": boilerplate}) + "\n")
        f.write("{not json\n")
        f.write(json.dumps({"id": "boiler000", "title": "Notice 0",
                            "text": boilerplate}) + "\n")
    (folder / "one.json").write_text(json.dumps(
        {"id": "single", "title": "One", "text": "A short article of its own."}))
    options = _options(max_bucket=50)
    local_report, local_links, local_stories = _local([str(folder)], tmp_path / "t.db",
                                                      options)

    result = run_trace_spark([str(folder)], options, spark=spark,
                             output=str(tmp_path / "stories.parquet"))
    report = result.report
    assert local_report["capped_buckets"] >= 64  # every band of the boilerplate
    assert report.capped_buckets == local_report["capped_buckets"]
    assert report.candidates == local_report["candidates"]
    biggest = report.capped[0]
    assert biggest["size"] == 150 and biggest["first_ids"] == ["boiler000", "boiler001",
                                                               "boiler002"]
    assert report.capped_members >= 150 * 64
    assert not any(x["a"].startswith("boiler") for x in result.link_dicts())
    assert result.link_dicts() == local_links and local_links
    assert result.story_dicts() == local_stories
    # Ingest parity: one bad line rejected, one duplicate kept once, 451 articles.
    assert (report.signed, report.rejected, report.duplicates) == (451, 1, 1)
    assert local_report["articles"] == 451 and local_report["rejected"] == 1
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tmp_path / "stories.parquet")
    assert table.to_pylist() == [story_record(s) for s in local_stories]


def test_connected_components_match_networkx(spark) -> None:
    """A long chain (labels shuffled), a star and a pair, against networkx."""
    import networkx as nx

    rng = random.Random(1)
    chain = rng.sample(range(1000, 2000), 200)
    edges = list(itertools.pairwise(chain))
    edges += [(5, k) for k in range(6, 30)] + [(7000, 42)]
    frame = spark.createDataFrame([(min(e), max(e)) for e in edges], "a long, b long")
    labels, rounds = connected_components(frame)
    got = {r.v: r.component for r in labels.collect()}
    graph = nx.Graph(edges)
    want = {v: min(c) for c in nx.connected_components(graph) for v in c}
    assert got == want
    assert rounds <= 12  # pointer jumping: about log2(200) rounds, not 200


def test_cli_helper_prints_the_local_stories(spark, tmp_path: Path, capsys) -> None:
    """What `storytrace trace --engine spark --format json` prints and writes."""
    from storytrace.cli.spark import trace_spark

    corpus = tmp_path / "corpus.jsonl"
    _generator()(corpus, 80, 0.25, 2)
    options = _options()
    _, _, local_stories = _local([str(corpus)], tmp_path / "t.db", options)
    code = trace_spark([str(corpus)], options=options, out_path=str(tmp_path / "s.jsonl"),
                       fmt="json", limit=0, spark=spark)
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["engine"] == "spark" and printed["articles"] == 80
    assert printed["stories"] == local_stories and printed["stories_total"] == len(local_stories)
    assert _parts(tmp_path / "s.jsonl") == [json.dumps(s, ensure_ascii=False)
                                            for s in local_stories]
    assert trace_spark([], options=options, spark=spark) == 2


def test_candidate_cap_matches_the_local_engine(spark, tmp_path: Path) -> None:
    """30 near-copies of one article with max_candidates 5: the same pairs are dropped."""
    rng = random.Random(7)
    words = [f"v{i}" for i in range(3000)]
    base = [rng.choice(words) for _ in range(200)]
    corpus = tmp_path / "copies.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for i in range(30):
            text = list(base)
            for k in rng.sample(range(200), 4 + i % 7):
                text[k] = rng.choice(words)
            f.write(json.dumps({"id": f"copy{i:02d}", "title": f"Copy {i}",
                                "text": " ".join(text)}) + "\n")
    options = _options(max_candidates=5)
    local_report, local_links, local_stories = _local([str(corpus)], tmp_path / "t.db",
                                                      options)
    result = run_trace_spark([str(corpus)], options, spark=spark)
    report = result.report
    assert local_report["capped_articles"] == report.capped_articles == 30
    assert report.capped_examples == local_report["capped_examples"]
    assert report.verified == local_report["verified"] < 435
    assert result.link_dicts() == local_links
    assert result.story_dicts() == local_stories


def test_trace_command_checks_engine_options(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storytrace.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["trace", "--engine", "dask", "--db", str(tmp_path / "x.db")])
    assert bad.exit_code != 0 and "--engine must be local or spark" in bad.output
    html = runner.invoke(app, ["trace", "x.jsonl", "--engine", "spark", "--html", "r.html"])
    assert html.exit_code != 0 and "--engine local only" in html.output
