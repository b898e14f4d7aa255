"""passim beside our aligner on one PAN-format corpus: plagdet and CPU seconds per pair.

passim (https://github.com/dasmiq/passim, 2.x: PySpark, a JVM underneath) is the reference
tool for text reuse in newspapers. This benchmark runs its pairwise alignment on the pairs
of a PAN-format corpus (by default our generated reuse set, ``storytrace make-bench reuse
--out build/reuse``) and scores its passages with the same PAN measures as ``storytrace eval
align``; then it runs ``storytrace eval align`` on the same corpus, interleaved, ``--runs``
times each.

passim is not installed by the project (it pins an older pyspark and downloads a
graphframes jar at start). To run it, fetch its source and its two Python dependencies
once, outside the project::

    git clone https://github.com/dasmiq/passim /tmp/passim_src
    .venv/bin/pip install --target /tmp/passim_deps --no-deps graphframes-py==0.9.3 intervaltree
    .venv/bin/python bench/passim_align.py --passim /tmp/passim_src --deps /tmp/passim_deps

passim runs as its own ``seriatim.py`` (its ``bin/passim`` launcher calls ``spark-submit
--packages`` for the graphframes jar, which needs the network; the pairwise alignments are
written before the clustering step that needs graphframes, so the run stops with an error
after ``align.json`` exists, and that output is what is scored). Its candidate step is
restricted to the listed pairs (``--fields pair --filterpairs 'pair = pair2 AND uid <
uid2'``), so it aligns what ``eval align`` aligns. Its Spark runs in local mode on all
cores, with the project's pyspark.

CPU seconds are user+sys of the command and every process under it (the JVM, Python
workers), read from /proc while it runs and from the kernel's child accounting at the end
(the larger of the two); peak RSS is the largest sum of the tree's resident memory seen.
Each row says what it includes: start-up (JVM or Python and its imports) is inside every
figure, as a user pays it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import proctree  # noqa: E402  (bench/, the script's folder)
from storytrace.eval.pan import (  # noqa: E402
    Annotation,
    read_pairs,
    read_truth,
    score,
    score_by_obfuscation,
)
from storytrace.ingest.decode import decode  # noqa: E402


def measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
             ) -> dict:
    """Run ``cmd``; its CPU seconds (whole process tree: the larger of the sampled and the
    kernel-accounted figure), wall seconds, peak RSS, exit code and output."""
    m = proctree.measured(cmd, env=env, cwd=cwd, merge_stderr=True)
    return {"cpu_s": round(max(m["cpu_accounted_s"], m["cpu_seen_s"]), 2),
            "wall_s": round(m["wall_s"], 2), "peak_rss_mb": round(m["peak_rss_mb"]),
            "rc": m["rc"], "output": m["stdout"]}


def passim_input(corpus: Path, out: Path) -> dict[str, str]:
    """Write passim's JSON-lines input (``id``, ``pair``, ``text``); the texts by id."""
    texts: dict[str, str] = {}
    with open(out, "w", encoding="utf-8") as fh:
        for k, (susp, src) in enumerate(read_pairs(corpus)):
            for kind, name in (("susp", susp), ("src", src)):
                text = decode((corpus / kind / name).read_bytes())
                texts[name] = text
                fh.write(json.dumps({"id": name, "pair": k, "text": text}) + "\n")
    return texts


def passim_detections(out_dir: Path, corpus: Path) -> list[Annotation]:
    """passim's pairwise alignments (``align.json``) as PAN detections, suspicious side first."""
    wanted = set(read_pairs(corpus))
    found: list[Annotation] = []
    for part in sorted((out_dir / "align.json").glob("part-*")):
        for line in part.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            a = (r["id"], r["begin"], r["end"])
            b = (r["id2"], r["begin2"], r["end2"])
            if (b[0], a[0]) in wanted:
                a, b = b, a
            if (a[0], b[0]) not in wanted:
                continue
            found.append(Annotation(a[0], b[0], a[1], a[2] - a[1], b[1], b[2] - b[1]))
    return found


def run_passim(args: argparse.Namespace, corpus: Path, work: Path) -> dict:
    out = work / "passim-out"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=f"{args.passim}:{args.deps}",
               PYSPARK_PYTHON=sys.executable, PYSPARK_SUBMIT_ARGS=
               f"--master local[{args.cores}] --driver-memory 4g "
               # passim was written for pyspark 4.0, whose Python UDFs did not go through
               # Arrow; 4.3 does by default and rejects its tuple-valued arrays
               "--conf spark.sql.execution.pythonUDF.arrow.enabled=false pyspark-shell")
    cmd = [sys.executable, str(Path(args.passim) / "passim" / "seriatim.py"), "--pairwise",
           "--all-pairs", "--fields", "pair", "--filterpairs", "pair = pair2 AND uid < uid2",
           str(work / "input.json"), str(out)]
    row = measured(cmd, env=env)
    if not (out / "align.json" / "_SUCCESS").exists():
        raise SystemExit("passim wrote no align.json:\n" + row["output"][-3000:])
    row["detections"] = passim_detections(out, corpus)
    return row


def run_ours(corpus: Path, work: Path, lexical: bool) -> dict:
    det = work / ("ours-lexical" if lexical else "ours-semantic")
    shutil.rmtree(det, ignore_errors=True)
    cmd = [str(ROOT / ".venv" / "bin" / "storytrace"), "eval", "align", str(corpus), "--out",
           str(det), "--format", "json"] + (["--lexical"] if lexical else [])
    row = measured(cmd)
    if row["rc"] != 0:
        raise SystemExit("storytrace eval align failed:\n" + row["output"][-3000:])
    from storytrace.eval.pan import read_detections

    row["detections"] = read_detections(det)
    return row


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--passim", required=True, help="passim source checkout (has passim/)")
    ap.add_argument("--deps", required=True, help="folder with graphframes and intervaltree")
    ap.add_argument("--set", default=str(ROOT / "build" / "reuse"), help="PAN-format corpus")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cores", type=int, default=2, help="Spark local[N] for passim")
    ap.add_argument("--semantic", action="store_true", help="also our default (semantic) mode")
    args = ap.parse_args(argv)
    corpus = Path(args.set)
    cases = read_truth(corpus)
    pairs = len(read_pairs(corpus))
    work = Path(tempfile.mkdtemp(prefix="passim-bench-"))
    passim_input(corpus, work / "input.json")
    rows: dict[str, list[dict]] = {}
    for _ in range(args.runs):  # interleaved
        rows.setdefault("passim (Spark local)", []).append(run_passim(args, corpus, work))
        rows.setdefault("storytrace --lexical", []).append(run_ours(corpus, work, True))
        if args.semantic:
            rows.setdefault("storytrace (semantic)", []).append(run_ours(corpus, work, False))
    print(f"{corpus}: {pairs} pairs, {len(cases)} cases; medians of {args.runs} run(s)")
    print("| tool | plagdet (all) | recall | precision | granularity | summarised | "
          "CPU s | CPU s/pair | wall s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, runs in rows.items():
        s = score(cases, runs[-1]["detections"])
        by = score_by_obfuscation(cases, runs[-1]["detections"])
        summ = by.get("summarised")
        cpu = statistics.median(r["cpu_s"] for r in runs)
        print(f"| {name} | {s.plagdet:.4f} | {s.recall:.4f} | {s.precision:.4f} | "
              f"{s.granularity:.4f} | {summ.plagdet if summ else float('nan'):.4f} | {cpu:.1f} | "
              f"{cpu / pairs:.3f} | {statistics.median(r['wall_s'] for r in runs):.1f} | "
              f"{max(r['peak_rss_mb'] for r in runs)} |")
    print("levels:", {name: {t: round(v.plagdet, 4) for t, v in
                             score_by_obfuscation(cases, runs[-1]["detections"]).items()}
                      for name, runs in rows.items()})
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
