"""Issue 20's table: every quality figure of docs/results.md, before and after, one sitting.

Run:
  .venv/bin/python bench/issue20_table.py run --tree OLD_WORKTREE --label old [--only NAME ...]
  .venv/bin/python bench/issue20_table.py run --tree NEW_WORKTREE --label new [--only NAME ...]
  .venv/bin/python bench/issue20_table.py table --before old --after new

``run`` executes each measurement's commands with the worktree's code (``PYTHONPATH=TREE/src``,
working directory TREE, this venv's python, ``nice -n 5``) and keeps each command's output and
CPU seconds (user + sys of the child processes, from ``resource.getrusage``) under
``--out`` (default ``/tmp/g20``)/LABEL. Steps marked ``scorer`` run with the ``--scorer``
worktree's code instead (a newer command scoring what the measured code produced, such as
``eval links --db`` over a store the old code traced). ``table`` parses the kept outputs and
prints one markdown row per figure: before, after and the difference. A measurement whose
command the old code lacks is written "n/a (added after)".

Generated sets (``make-bench``) are built once by the scorer's code under the output folder,
so both versions read the same corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PY = str(Path(sys.executable))
DATA = "/work/shared/data"
SEEDS = "/work/shared/examples/seeds"


@dataclass
class Step:
    """One command of a measurement; ``{out}`` is the label's folder, ``{sets}`` the shared one."""

    argv: list[str]
    scorer: bool = False
    stdout: bool = True
    ok: tuple[int, ...] = (0,)  # trace exits 1 when it rejected a record (FakeNewsNet has two)


@dataclass
class Measure:
    """A named measurement: its steps and the figures read from the last step's output."""

    name: str
    steps: list[Step]
    figures: list[tuple[str, str]] = field(default_factory=list)  # (figure, key pattern)
    command: str = ""


def st(*argv: str, scorer: bool = False, stdout: bool = True) -> Step:
    """A ``python -m storytrace`` step (a ``trace`` may exit 1 for rejected records)."""
    ok = (0, 1) if argv[0] in ("trace", "dedup") else (0,)
    return Step([PY, "-m", "storytrace", *argv], scorer=scorer, stdout=stdout, ok=ok)


def bench(script: str, *argv: str, scorer: bool = False) -> Step:
    """A bench script of the worktree (or of the scorer's worktree)."""
    return Step([PY, f"bench/{script}", *argv], scorer=scorer)


def ev(name: str, sub: str, path: str, figures: list[tuple[str, str]], *extra: str) -> Measure:
    """An ``eval`` over a shared data set, with its command as docs/results.md writes it."""
    return Measure(name, [st("eval", sub, f"{DATA}/{path}", *extra)], figures,
                   " ".join(["storytrace eval", sub, f"../shared/data/{path}", *extra]))


def lex_sem(names: tuple[str, str], argv: list[str], figures: list[tuple[str, str]],
            command: str, modes: tuple[str, str] = ("lexical", "semantic")) -> list[Measure]:
    """One eval twice: with ``--lexical`` and without it (the semantic extra)."""
    return [Measure(name, [st(*argv, *flag)], [(f"{fig}, {mode}", pat) for fig, pat in figures],
                    command + " --lexical" * bool(flag))
            for name, flag, mode in ((names[0], ("--lexical",), modes[0]),
                                     (names[1], (), modes[1]))]


FNN = f"{DATA}/fakenewsnet-v1-2018"
WITH, WITHOUT = r"corpus's times\|all\|", r"every time removed\|all\|"  # eval provenance

MEASURES: list[Measure] = [
    Measure("help", [st("--help")], [], "storytrace --help"),
    *lex_sem(("attr_lex", "attr_ctx"),
             ["eval", "attribution", f"{DATA}/polnear-attribution/dev"],
             [(f"attribution {span} overlap F1", rf"overlap match\|{span}\|f1")
              for span in ("Source", "Cue", "Content")],
             "storytrace eval attribution ../shared/data/polnear-attribution/dev",
             ("word features", "contextual")),
    *lex_sem(("para_lex", "para_sem"),
             ["eval", "paraphrase", f"{DATA}/mt-metrics-paraphrase-pan/pan-test"],
             [("paraphrase accuracy", "accuracy"), ("paraphrase F1", r"\bf1\b")],
             "storytrace eval paraphrase ../shared/data/mt-metrics-paraphrase-pan/pan-test"),
    ev("clickbait", "clickbait", "clickbait-chakraborty",
       [("clickbait accuracy (Chakraborty)", r"accuracy"), ("clickbait F1", r"\bf1\b")]),
    ev("webis", "clickbait", "webis-clickbait17/train.json",
       [("clickbait strength MSE (Webis-17; lower is better)", r"\bmse\b")]),
    ev("hyperpartisan", "hyperpartisan", "hyperpartisan-semeval2019",
       [("hyperpartisan accuracy (5-fold CV)", r"accuracy"), ("hyperpartisan F1", r"\bf1\b")]),
    ev("propaganda", "propaganda", "ptc-semeval2020-task11",
       [("propaganda span F1 (PTC)", r"\bf1\b")]),
    ev("pan13", "align", "pan13-02-no-obfuscation",
       [("PAN13 plagdet, lexical", r"plagdet"), ("PAN13 precision, lexical", r"precision"),
        ("PAN13 recall, lexical", r"recall")], "--lexical"),
    *lex_sem(("reuse_lex", "reuse_sem"), ["eval", "align", "{sets}/reuse", "--by-obfuscation"],
             [(f"reuse set plagdet {lv}", rf"{lv}\|plagdet")
              for lv in ("none", "light", "reordered", "heavy", "summarised", "all")],
             "storytrace make-bench reuse --out build/reuse; "
             "storytrace eval align build/reuse --by-obfuscation"),
    *lex_sem(("sim_lex", "sim_sem"),
             ["eval", "similarity", f"{DATA}/semeval2022-task8/training_set.csv"],
             [(f"same-story Pearson, {sub}, CV",
               rf"cross validated\|{sub.split()[0].lower()}\|pearson")
              for sub in ("official ids", "English", "all rows")],
             "storytrace eval similarity ../shared/data/semeval2022-task8/training_set.csv"),
    Measure("clusters", [st("eval", "clusters", f"{DATA}/googlenews-story-clusters/TS.jsonl",
                            "--lexical")],
            [("GoogleNews clustering NMI, lexical", r"\bnmi\b"),
             ("GoogleNews clustering ARI, lexical", r"\bari\b"),
             ("GoogleNews clustering B-cubed F1, lexical", r"b-?cubed.*f1|bcubed_f1")],
            "storytrace eval clusters ../shared/data/googlenews-story-clusters/TS.jsonl"
            " --lexical"),
    Measure("provenance", [bench("provenance_seeds.py", "--jobs", "2")],
            [("provenance parent accuracy, pooled 11/19/23/29, with times",
              r"pooled\|with_times\|parent"),
             ("provenance parent accuracy, pooled, without times",
              r"pooled\|without_times\|parent"),
             ("provenance root accuracy, pooled, with times", r"pooled\|with_times\|root"),
             ("provenance root accuracy, pooled, without times", r"pooled\|without_times\|root")],
            "bench/provenance_seeds.py"),
    Measure("prov11", [bench("provenance_seeds.py", "--seeds", "11", "--jobs", "1")],
            [(f"provenance seed 11 (held out): {what}, {mode.replace('_', ' ')}",
              rf"pooled\|{mode}\|{what}")
             for what in ("parent", "root") for mode in ("with_times", "without_times")],
            "bench/provenance_seeds.py --seeds 11"),
    Measure("readings", [bench("readings_votes.py")],
            [("readings: family pairs voting for the copy", r"families.*\|second"),
             ("readings: PAN-PC-10 rewrites given no vote", r"pan-pc-10.*\|none")],
            "bench/readings_votes.py"),
    Measure("fnn_links",
            [st("trace", FNN, "--db", "{out}/fnn.db", "--limit", "0", "--no-trees", stdout=False),
             st("eval", "links", "bench/labels/fakenewsnet_links.tsv", "--db", "{out}/fnn.db",
                scorer=True)],
            [("FakeNewsNet reuse precision", r"^reuse links\|precision"),
             ("FakeNewsNet same-story precision", r"^same_story links\|precision"),
             ("FakeNewsNet shared-quote precision", r"^shared_quote links\|precision")],
            "storytrace trace ../shared/data/fakenewsnet-v1-2018 --db DB; "
            "storytrace eval links bench/labels/fakenewsnet_links.tsv --db DB"),
    Measure("bp7_links",
            [st("trace", "{sets}/bp7/corpus.jsonl", "--db", "{out}/bp7.db", "--limit", "0",
                "--no-trees", stdout=False),
             st("eval", "links", "{sets}/bp7/LABELS.tsv", "--db", "{out}/bp7.db", "--closed",
                scorer=True)],
            [("bp7 links of every kind (a closed set: 40 planted copies)", r"^links$"),
             ("bp7 reuse precision", r"^reuse links\|precision"),
             ("bp7 same-story precision", r"^same_story links\|precision"),
             ("bp7 planted copies (reuse pairs) linked", r"^reuse pairs\|linked"),
             ("bp7 same-story pairs linked", r"^same_story pairs\|linked"),
             ("bp7 unrelated pairs linked (lower is better)", r"^unrelated pairs\|linked")],
            "storytrace make-bench boilerplate --out build/bp7 --seed 7; storytrace trace "
            "build/bp7/corpus.jsonl --db DB; "
            "storytrace eval links build/bp7/LABELS.tsv --db DB --closed"),
    Measure("trace_scale", [bench("trace_scale.py", "--n", "2000", "--format", "json")],
            [("trace_scale n=2000: link recall", r"link_recall"),
             ("trace_scale n=2000: spurious links (lower is better)", r"spurious")],
            "bench/trace_scale.py --n 2000 --format json"),
    Measure("entities", [bench("entity_counts.py", "{out}/entities.json")],
            [("facts diff: rule-layer entities in the seeds and FakeNewsNet", r"^entities$")],
            "bench/entity_counts.py OUT.json (copied beside the old code)"),
    Measure("pan_unann", [bench("pan_unannotated.py")],
            [("PAN13 precision, identical runs >= 20 words counted", r"runs>=20\|precision")],
            "bench/pan_unannotated.py"),
    Measure("branching", [bench("branching_pairs.py", "--families", "{sets}/prov7")],
            [("branching test: true parent-copy pairs flagged (seed 7; lower is better)",
              r"shared_losses\|direct_flagged"),
             ("branching test: other pairs flagged (seed 7)", r"shared_losses\|other_flagged")],
            "bench/branching_pairs.py --families build/prov7"),
    *[Measure(f"fam_{model}_{seed}",
              [st("eval", "provenance", f"{{sets}}/fam-{model}-{seed}/corpus.jsonl",
                  f"{{sets}}/fam-{model}-{seed}/TRUTH.tsv")],
              [(f"family trees {model} {seed} (held out): parent, with times", WITH + "parent$"),
               (f"family trees {model} {seed}: parent, without times", WITHOUT + "parent$"),
               (f"family trees {model} {seed}: root, with times", WITH + "root$"),
               (f"family trees {model} {seed}: root, without times", WITHOUT + "root$")],
              f"storytrace make-bench families --model {model} --seed {seed} --out D; "
              "storytrace eval provenance D/corpus.jsonl D/TRUTH.tsv")
      for model in ("cutadd", "rewrite") for seed in (11, 12)],
    *lex_sem(("claims_lex", "claims"), ["eval", "claims", "bench/labels/claims_seeds.tsv",
                                         "bench/labels/claims_heavy.tsv"],
             [("claims: seed pairs found", r"seeds.*\|found"),
              ("claims: false claims on the seeds", r"seeds.*\|false"),
              ("claims: heavy paraphrase pairs found", r"heavy.*\|found")],
             "storytrace eval claims bench/labels/claims_seeds.tsv bench/labels/claims_heavy.tsv"),
    Measure("claims_reuse", [bench("claims_reuse.py", "--corpus", "{sets}/reuse")],
            [(f"claims joined, reuse set {lv}, lexical", rf"^{lv}\|joined")
             for lv in ("none", "heavy", "summarised")],
            "bench/claims_reuse.py"),
    Measure("credits", [bench("credits.py")],
            [("credits (word features) over FakeNewsNet + seeds", r"^credits$"),
             ("credits shown as a pronoun (lower is better)", r"^pronoun$"),
             ("credits shown as a bare title (lower is better)", r"^bare.title$")],
            "bench/credits.py"),
    Measure("dedup", [st("dedup", FNN, "--db", "{out}/dedup.db", "--out", "{out}/dedup.jsonl")],
            [("dedup FakeNewsNet: articles dropped of 418", r"^dropped$")],
            "storytrace dedup ../shared/data/fakenewsnet-v1-2018 --db D --out OUT"),
    Measure("fnn_chains", [bench("families_fakenews.py")],
            [("real FakeNewsNet chains: versions right of 7", r"^right$"),
             ("real FakeNewsNet chains: versions wrong of 7 (lower is better)", r"^wrong$")],
            "bench/families_fakenews.py"),
]

# Measurements whose command (or the code it measures) the old commit lacks.
ADDED_AFTER: set[str] = {"claims", "claims_lex", "claims_reuse", "credits", "dedup", "fnn_chains"}


def run_step(step: Step, tree: Path, scorer: Path, out: Path, sets: Path, log: Path) -> dict:
    """Run one step under nice; its output goes to ``log``; CPU from the children's rusage."""
    code = scorer if step.scorer else tree
    argv = [a.replace("{out}", str(out)).replace("{sets}", str(sets)) for a in step.argv]
    env = dict(os.environ, PYTHONPATH=str(code / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    with open(log, "w") as fh:
        proc = subprocess.run(["nice", "-n", "5", *argv], cwd=code, env=env,
                              stdout=fh if step.stdout else subprocess.DEVNULL,
                              stderr=subprocess.STDOUT if step.stdout else fh)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"argv": argv, "code": str(code), "rc": proc.returncode, "cpu_s": round(cpu, 2),
            "wall_s": round(time.time() - start, 1)}


def commit_of(tree: Path) -> str:
    """The worktree's commit (short)."""
    return subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def run(args: argparse.Namespace) -> None:
    """Run the chosen measurements with one worktree's code; keep outputs and CPU seconds."""
    tree, scorer = Path(args.tree).resolve(), Path(args.scorer).resolve()
    out = Path(args.out) / args.label
    sets = Path(args.out) / "sets"
    out.mkdir(parents=True, exist_ok=True)
    for m in MEASURES:
        if args.only and m.name not in args.only:
            continue
        for step in m.steps:  # a store left by an earlier run would make trace incremental
            for arg in step.argv:
                if arg.startswith("{out}/") and arg.endswith(".db"):
                    for suffix in ("", "-wal", "-shm"):
                        Path(arg.replace("{out}", str(out)) + suffix).unlink(missing_ok=True)
        runs = []
        for i, step in enumerate(m.steps):
            r = run_step(step, tree, scorer, out, sets, out / f"{m.name}.{i}.txt")
            runs.append(r)
            print(f"{args.label} {m.name} step {i}: rc {r['rc']} cpu {r['cpu_s']} s "
                  f"wall {r['wall_s']} s", flush=True)
            if r["rc"] not in step.ok:
                break
        meta = {"commit": commit_of(tree), "scorer": commit_of(scorer), "runs": runs,
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        (out / f"{m.name}.json").write_text(json.dumps(meta, indent=1))


Values = dict[str, float | int | str]  # a share or a count, and "11/60" under KEY|count
NUM = re.compile(r"-?\d+\.\d+|-?\d+")


def flatten(obj: object, prefix: str = "") -> dict[str, float]:
    """A JSON value's numbers keyed by their path, ``a|b|c``."""
    if isinstance(obj, dict):
        out: dict[str, float] = {}
        for k, v in obj.items():
            out |= flatten(v, f"{prefix}|{k}" if prefix else str(k).lower())
        return out
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return {prefix.lower(): obj}
    return {}


POOLED = re.compile(r"^\s*(parent|root)\s+(with_times|without_times)\s+\d+/\d+ = ([\d.]+)")
COUNT = re.compile(r"^([A-Za-z][\w \-]*): (\d+)\s*$")
LINES = {"credits": re.compile(r"(\d+) credits with a source"),
         "right": re.compile(r"labelled versions: right (\d+) "),
         "wrong": re.compile(r"labelled versions: .*, wrong (\d+)"),
         "links": re.compile(r"^(\d+) links scored against"),
         "entities": re.compile(r"^\d+ texts, (\d+) entities"),
         "dropped": re.compile(r"kept \d+ of \d+ articles, dropped (\d+)")}
PRECISION = re.compile(r"^(\w+) links: precision [\d.]+ \[.*?\] \((\d+) of (\d+) labelled")
LINKED = re.compile(r"^\s*(\w+) pairs: (\d+) of (\d+) linked")
CLAIMS = re.compile(r"^(\S+) \((\w+)\): found (\d+)/(\d+) labelled pairs; (\d+) false of (\d+)")
LEVEL = re.compile(r"^(none|light|reordered|heavy|summarised)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$")
RUNS = re.compile(r">= ?(\d+) words counted as shared: precision ([\d.]+)\s+plagdet ([\d.]+)")


def parse(text: str) -> Values:
    """The numbers of a command's output: its JSON, its rich tables, or a bench line."""
    values: Values = dict(parse_tables(text))
    start = text.find("\n{")
    if text.startswith("{") or start >= 0:
        try:
            values |= flatten(json.loads(text[max(start, 0):]))
        except json.JSONDecodeError:
            pass
    for line in text.splitlines():
        if m := POOLED.match(line):
            values[f"pooled|{m[2]}|{m[1]}"] = float(m[3])
        if m := COUNT.match(line.strip()):
            values[m[1].lower()] = int(m[2])
        for key, rx in LINES.items():
            if m := rx.search(line):
                values[key] = int(m[1])
        if m := PRECISION.match(line):
            k, n = int(m[2]), int(m[3])
            values[f"{m[1]} links|precision"] = k / n if n else float("nan")
            values[f"{m[1]} links|precision|count"] = f"{k}/{n}"
        if m := LINKED.match(line):
            k, n = int(m[2]), int(m[3])
            values[f"{m[1]} pairs|linked"] = k / n if n else float("nan")
            values[f"{m[1]} pairs|linked|count"] = f"{k}/{n}"
        if m := CLAIMS.match(line):
            values[f"{m[1]}|found"], values[f"{m[1]}|found|count"] = int(m[3]), f"{m[3]}/{m[4]}"
            values[f"{m[1]}|false"], values[f"{m[1]}|false|count"] = int(m[5]), f"{m[5]}/{m[6]}"
        if m := LEVEL.match(line.strip()):
            for col, val in zip(("passages", "claims", "joined"), m.groups()[1:], strict=True):
                values[f"{m[1]}|{col}"] = float(val)
        if m := RUNS.search(line):
            values[f"runs>={m[1]}|precision"] = float(m[2])
            values[f"runs>={m[1]}|plagdet"] = float(m[3])
    return values


def parse_tables(text: str) -> dict[str, float]:
    """Every number of a rich table or a ``key: value`` line, keyed section|row|column.

    A rich table's header row (``┃``) names the columns and its body rows (``│``) start with
    the row's name; a line outside any table names the section that follows."""
    values: dict[str, float] = {}
    section, header = "", []
    for raw in text.splitlines():
        line = raw.strip()
        if "┃" in line:
            header = [c.strip().lower() for c in line.split("┃")]
        elif "│" in line:
            cells = [c.strip() for c in line.split("│")]
            row = cells[0].lower()
            for col, cell in zip(header[1:], cells[1:], strict=False):
                m = NUM.match(cell.replace(",", ""))
                if m:
                    num = m.group()
                    values[f"{section}|{row}|{col}"] = float(num) if "." in num else int(num)
        elif line and not set(line) <= set("━─╇╈┡┩┏┓┗┛┃│ "):
            header = []
            section = line.lower()
            for key, val in re.findall(r"([A-Za-z][\w \-/]*?)\s*[:=]\s*(-?\d+\.\d+)", line):
                values[f"{section}|{key.strip().lower()}"] = float(val)
    return values


# Why a figure moved, by the start of its name (found with git log -S and by measuring
# the family sets at commits between the two; see docs/results.md, "Issue 20").
NOTES: dict[str, str] = {
    "`storytrace --help`": "77a5c25 (heavy libraries imported lazily; speed, not quality)",
    "attribution Source overlap F1, word": "within noise: d78b97f (the tagger reads the shared "
                                           "WORD, 0.7653 -> 0.7650), 6df64ba",
    "hyperpartisan F1": "within noise: c68430e (retrained on the shared WORD, issue 20)",
    "FakeNewsNet reuse precision": "on purpose: 683c26f (site boilerplate, shared quotations "
                                   "their own kind: 0.183 -> 0.579), 9f60d21 (issue 21: a reuse "
                                   "link needs copied article content)",
    "FakeNewsNet same-story precision": "on purpose: 683c26f (boilerplate blanked), 2e85856, "
                                        "ad89c35, 59dcbd1 (session 11: same story = same event, "
                                        "calibrated probability, 14-day gate)",
    "FakeNewsNet shared-quote": "683c26f: the link kind is new",
    "bp7 links of every kind": "on purpose: 683c26f (site boilerplate learnt per site)",
    "bp7 reuse precision": "on purpose: 683c26f, 9aa3e6b, 9f60d21 (issue 21)",
    "bp7 same-story pairs linked": "on purpose: 811ed87 (sketches without boilerplate), "
                                   "2e85856 (session 11)",
    "bp7 unrelated pairs linked": "on purpose: 683c26f (boilerplate), 9f60d21",
    "facts diff": "287e287, d89a841 (issue 20: entity words on the shared WORD; every "
                  "differing text read by hand, see Facts diff)",
    "GoogleNews clustering": "on purpose: 712f96d (issue 20 item 4: eval scores the stories "
                             "trace makes, not the UPGMA path trace never ran; the product "
                             "at 712f96d: NMI 0.6722), then c662bf2 (caseless same-story gate)",
    "same-story Pearson": "on purpose: ad89c35 (session 11 model: Doc names, leads, sketch "
                          "cosine), d262e56",
    "family trees": "on purpose: issue 25 (c428ecf, b614107: a reworded sentence is no "
                    "innovation, outside credits in added text held back, 'parent unknown'; "
                    "6b11e94 turned its copy-evidence bonus off again)",
    "family trees cutadd 11: root": "issue 25, kept on purpose: 6b11e94 (copy-evidence bonus "
                                    "off) lost these roots (see the bisection below)",
    "family trees cutadd 12: root": "issue 25 (as cutadd 11)",
    "family trees rewrite 11: root": "issue 25, kept on purpose: 6b11e94 lost 2 roots, "
                                     "c428ecf..b614107 1 without times (bisection below)",
    "family trees rewrite 12: root": "issue 25 (as rewrite 11)",
    "bp7 same-story precision": "the old tier made 1 same-story link (every same-site pair was "
                                "reuse); see the text",
    "readings": "on purpose: f52c1a6, 9b94d5b (issue 20: readings on the shared WORD and the "
                "Doc, counts rebuilt)",
}
NOISE = 0.005


def note_for(figure: str) -> str:
    """The note of the longest NOTES key the figure's name starts with."""
    keys = [k for k in NOTES if figure.startswith(k)]
    return NOTES[max(keys, key=len)] if keys else ""


def figures_of(out: Path, m: Measure) -> Values | None:
    """The parsed numbers of a measurement's last step, or None when it did not run or failed."""
    meta = out / f"{m.name}.json"
    if not meta.is_file():
        return None
    runs = json.loads(meta.read_text())["runs"]
    if len(runs) < len(m.steps) or runs[-1]["rc"] not in m.steps[-1].ok:
        return None
    return parse((out / f"{m.name}.{len(m.steps) - 1}.txt").read_text())


def pick(values: Values | None, pattern: str) -> tuple[float | int | None, str]:
    """The first number whose key matches ``pattern`` (case-insensitive), with its counts."""
    if values is None:
        return None, ""
    rx = re.compile(pattern, re.I)
    for k, v in values.items():
        if not isinstance(v, str) and rx.search(k):
            return v, str(values.get(f"{k}|count", ""))
    return None, ""


def cpu_of(out: Path, m: Measure) -> float | None:
    """CPU seconds of the measured code's steps (scorer steps left out)."""
    meta = out / f"{m.name}.json"
    if not meta.is_file():
        return None
    runs = json.loads(meta.read_text())["runs"]
    return round(sum(r["cpu_s"] for r, s in zip(runs, m.steps, strict=False) if not s.scorer), 2)


def commit_cell(out: Path, m: Measure) -> str:
    """The measured commit and when."""
    meta = out / f"{m.name}.json"
    if not meta.is_file():
        return "not run"
    d = json.loads(meta.read_text())
    return f"{d['commit']} ({d['when'][11:16]})"


def fmt(v: float | int | None, missing: str) -> str:
    """Four places, or the reason there is no value."""
    if v is None:
        return missing
    if v != v:
        return "none"
    return str(v) if isinstance(v, int) else f"{v:.4f}"


def cell(v: float | int | None, count: str, missing: str) -> str:
    """A figure with its counts: "8/13" for a count, "0.1833 (11/60)" for a share."""
    if isinstance(v, int) and count:
        return count
    return fmt(v, missing) + (f" ({count})" if count else "")


def table(args: argparse.Namespace) -> None:
    """One markdown row per figure: before, after, difference, why it moved."""
    before, after = Path(args.out) / args.before, Path(args.out) / args.after
    print("| figure | command | 26ab7ea | HEAD | delta | measured at (HEAD) | moved by |")
    print("|---|---|---|---|---|---|---|")
    last_note = ""
    for m in MEASURES:
        b_vals, a_vals = figures_of(before, m), figures_of(after, m)
        rows = m.figures or [("`storytrace --help` CPU-s (sanity)", "")]
        for fig, pattern in rows:
            (b, b_n), (a, a_n) = pick(b_vals, pattern), pick(a_vals, pattern)
            if not pattern:
                b, a = cpu_of(before, m), cpu_of(after, m)
            if a is None and b is None and not args.all:
                continue  # measured at neither end: listed under "not re-measured" instead
            missing_b = "n/a (added after)" if m.name in ADDED_AFTER else "not run"
            delta = "" if a is None or b is None or a != a or b != b else f"{a - b:+.4f}"
            share = pattern and delta and isinstance(a, float) and isinstance(b, float)
            flag = " **beyond noise**" if share and abs(a - b) > NOISE else ""
            if delta and isinstance(a, int) and isinstance(b, int):
                delta = f"{a - b:+.0f}"
            b_cell, a_cell = cell(b, b_n, missing_b), cell(a, a_n, "not run")
            note = note_for(fig)
            shown, last_note = ("same" if note and note == last_note else note), note
            command = f"`{m.command}`" if fig == rows[0][0] else "same"
            print(f"| {fig} | {command} | {b_cell} | {a_cell} | "
                  f"{delta}{flag} | {commit_cell(after, m)} | {shown} |")


def main() -> None:
    """Parse the command line and run ``run`` or ``table``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run")
    p.add_argument("--tree", required=True, help="worktree whose code is measured")
    p.add_argument("--scorer", default=str(Path(__file__).resolve().parent.parent),
                   help="worktree whose code runs the scorer steps (default: this checkout)")
    p.add_argument("--label", required=True)
    p.add_argument("--only", nargs="*")
    p.add_argument("--out", default="/tmp/g20")
    t = sub.add_parser("table")
    t.add_argument("--before", required=True)
    t.add_argument("--after", required=True)
    t.add_argument("--out", default="/tmp/g20")
    t.add_argument("--all", action="store_true", help="also rows measured at neither end")
    args = parser.parse_args()
    if args.cmd == "run":
        run(args)
    else:
        table(args)


if __name__ == "__main__":
    main()
