"""Fuzz targets for every storytrace parser and for `compare`, with two drivers.

Each target takes ``bytes`` and raises only when an invariant breaks:

* ingest formats (``text html json jsonl csv warc``): no exception escapes; every
  result is an Article or a one-line IngestError naming the input; every article
  has text within the cap and can be stored;
* ``pan``: valid annotations, or one ValueError naming the file;
* ``brat``: every annotation fragment slices the article text;
* ``compare``: every passage and repeat slices its text; the result is JSON-ready.

The input is cut in two at the first ``\\x00\\x00`` (or in the middle) where a
target needs two parts; text is decoded as UTF-16-LE with ``surrogatepass``, so
any code point (lone surrogates included) can come out of the fuzzer's bytes.

Drivers: atheris (coverage-guided, libFuzzer) when it is installed, else a plain
random driver (seeds, mutations of them, random bytes) — see ``fuzz/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # the plain driver needs nothing
    atheris = None

if atheris is not None and "--plain" not in sys.argv:
    with atheris.instrument_imports(include=["storytrace"]):
        from storytrace.align import Aligner
        from storytrace.comparison import compare
        from storytrace.eval.attribution import read_ann
        from storytrace.eval.pan import read_annotations
        from storytrace.ingest import IngestError, IngestOptions, read_bytes
        from storytrace.model import Article
        from storytrace.store import Store
else:
    from storytrace.align import Aligner
    from storytrace.comparison import compare
    from storytrace.eval.attribution import read_ann
    from storytrace.eval.pan import read_annotations
    from storytrace.ingest import IngestError, IngestOptions, read_bytes
    from storytrace.model import Article
    from storytrace.store import Store

OPTIONS = IngestOptions(max_bytes=2_000_000, max_chars=200_000)
_ALIGNER = Aligner(semantic=False)
_TMP = Path(tempfile.mkdtemp(prefix="storytrace-fuzz-"))


def split(data: bytes) -> tuple[bytes, bytes]:
    cut = data.find(b"\x00\x00")
    if cut < 0:
        cut = len(data) // 2
        return data[:cut], data[cut:]
    return data[:cut], data[cut + 2 :]


def text_of(data: bytes) -> str:
    return data[: len(data) // 2 * 2].decode("utf-16-le", "surrogatepass")


def _ingest(fmt: str) -> Callable[[bytes], None]:
    def target(data: bytes) -> None:
        options = IngestOptions(format=fmt, max_bytes=OPTIONS.max_bytes,
                                max_chars=OPTIONS.max_chars)
        articles = []
        for r in read_bytes(data, "fuzz", options):
            if isinstance(r, IngestError):
                message = str(r)
                assert message.startswith("fuzz") and "\n" not in message, message
                continue
            assert isinstance(r, Article), type(r)
            assert r.text.strip() and len(r.text) <= options.max_chars
            articles.append(r)
        with Store(":memory:") as store:
            report = store.add(articles)
            assert len(report.added) + len(report.unchanged) + len(report.conflicts) == \
                len(articles)
    target.__name__ = f"ingest_{fmt}"
    return target


def pan(data: bytes) -> None:
    path = _TMP / "pair.xml"
    path.write_bytes(data)
    try:
        found = read_annotations(path)
    except ValueError as exc:
        assert str(path) in str(exc), exc
        return
    for a in found:
        assert min(a.this_offset, a.this_length, a.source_offset, a.source_length) >= 0


def brat(data: bytes) -> None:
    text_part, ann_part = split(data)
    text = text_of(text_part)
    path = _TMP / "a.ann"
    path.write_bytes(ann_part)
    errors: list[str] = []
    for a in read_ann(path, text, on_error=errors.append):
        for span in a.fragments:
            assert 0 <= span.start <= span.end <= len(text), (span, len(text))
    assert all("\n" not in e for e in errors)


def compare_target(data: bytes) -> None:
    a_part, b_part = split(data)
    a, b = text_of(a_part), text_of(b_part)
    result = compare(Article(text=a), Article(text=b), _ALIGNER)
    json.dumps(result.to_dict())
    for p in result.alignment.passages:
        assert 0 <= p.a_start <= p.a_end <= len(a) and 0 <= p.b_start <= p.b_end <= len(b), p
    for text, repeats in ((a, result.alignment.repeats_a), (b, result.alignment.repeats_b)):
        for r in repeats:
            assert all(0 <= s < e <= len(text) for s, e in r.occurrences), r


TARGETS: dict[str, Callable[[bytes], None]] = {
    **{fmt: _ingest(fmt) for fmt in ("text", "html", "json", "jsonl", "csv", "warc")},
    "pan": pan, "brat": brat, "compare": compare_target,
}


def _u16(s: str) -> bytes:
    return s.encode("utf-16-le", "surrogatepass")


_NEWS = ("The council said on Tuesday that the bridge will close for repairs after "
         "inspectors found cracks in two of its main supports.")
SEEDS: dict[str, list[bytes]] = {
    "text": [f"Bridge closes\n\n{_NEWS}\n".encode(), "e\u0301\u200b😀 \u05e9\u05dc".encode()],
    "html": [f"<html><head><title>T</title></head><body><article><p>{_NEWS}</p>"
             f"</article></body></html>".encode()],
    "json": [json.dumps([{"title": "T", "text": _NEWS, "published": "2024-01-02"}]).encode(),
             b'{"text": "\\ud800 x", "id": 1}'],
    "jsonl": [(json.dumps({"text": _NEWS}) + "\n" + json.dumps({"body": "x"})).encode()],
    "csv": [f'title,text,published\nT,"{_NEWS}",2024-01-01\n'.encode()],
    "warc": [b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://e.org/\r\n"
             b"Content-Type: application/http; msgtype=response\r\nContent-Length: 120\r\n\r\n"
             b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
             + f"<html><body><p>{_NEWS}</p></body></html>".encode()[:72] + b"\r\n\r\n"],
    "pan": [b'<?xml version="1.0"?><document reference="s.txt"><feature name="plagiarism" '
            b'this_offset="5" this_length="10" source_reference="r.txt" source_offset="0" '
            b'source_length="12"/></document>'],
    "brat": [_u16("We said no.") + b"\x00\x00" + b"T1\tSource 0 2\tWe\nT2\tCue 3 7\tsaid\n"
             b"E1\tAttribution:T2 Cue:T2 Source:T1\n"],
    "compare": [_u16(_NEWS) + b"\x00\x00" + _u16("Intro. " + _NEWS.replace(" ", " \u200b")),
                _u16("\ud800 " + _NEWS) + b"\x00\x00" + _u16(_NEWS + " \u202e")],
}
_HOSTILE = [_u16(x) for x in ("\u0301", "\u202e", "\u200b", "\x00", "\ud800", "😀")] + [
    b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"\r\n", b". . .", b"A. B. ", b"\x1f\x8b", b"<", b'"']


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A random edit: flip, insert, delete, duplicate, truncate or splice in a hostile piece."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif op == 2:
            del b[pos : pos + rng.randint(1, 32)]
        elif op == 3 and b:
            start = rng.randrange(len(b))
            b[pos:pos] = b[start : start + rng.randint(1, 256)] * rng.randint(1, 8)
        elif op == 4:
            del b[pos:]
        else:
            b[pos:pos] = rng.choice(_HOSTILE) * rng.randint(1, 50)
    return bytes(b)


def plain_driver(name: str, runs: int, seconds: float, seed: int, slow: float) -> int:
    """Seeds, then mutants of the inputs seen so far, then random bytes; stop on a failure."""
    target, rng = TARGETS[name], random.Random(seed)
    pool = list(SEEDS.get(name, [b""]))
    start, done, slowest = time.monotonic(), 0, 0.0
    while done < runs and time.monotonic() - start < seconds:
        if done < len(SEEDS.get(name, [])):
            data = pool[done]
        elif rng.random() < 0.1:
            data = rng.randbytes(rng.randint(0, 4096))
        else:
            data = mutate(rng.choice(pool), rng)
        t = time.monotonic()
        try:
            target(data)
        except Exception:
            _save(name, data)
            raise
        took = time.monotonic() - t
        slowest = max(slowest, took)
        if took > slow:
            _save(name, data, kind="slow")
            raise AssertionError(f"{name}: one input took {took:.1f} s (> {slow} s)")
        if len(pool) < 500 and rng.random() < 0.2:
            pool.append(data)
        done += 1
    print(f"{name}: {done} inputs in {time.monotonic() - start:.1f} s, no failure "
          f"(slowest {slowest:.2f} s, seed {seed})")
    return done


def _save(name: str, data: bytes, kind: str = "crash") -> None:
    out = Path(__file__).resolve().parent / "findings"
    out.mkdir(exist_ok=True)
    path = out / f"{kind}-{name}-{os.getpid()}-{int(time.time())}.bin"
    path.write_bytes(data)
    print(f"input saved to {path}", file=sys.stderr)


def main(name: str | None = None) -> None:
    """``python fuzz/fuzz_NAME.py [libFuzzer flags]`` or ``python fuzz/targets.py --plain``."""
    if name is None or "--plain" in sys.argv or atheris is None:
        ap = argparse.ArgumentParser(description="plain random driver (no atheris needed)")
        ap.add_argument("--plain", action="store_true")
        ap.add_argument("--target", choices=sorted(TARGETS), action="append",
                        default=[name] if name else None)
        ap.add_argument("--runs", type=int, default=2000)
        ap.add_argument("--seconds", type=float, default=60.0, help="per target")
        ap.add_argument("--seed", type=int, default=None)
        ap.add_argument("--slow", type=float, default=10.0,
                        help="fail when one input takes longer (seconds)")
        ap.add_argument("--write-seeds", type=Path, metavar="DIR",
                        help="write the seed inputs to DIR/TARGET/ (an atheris corpus) and exit")
        args, _ = ap.parse_known_args()
        if args.write_seeds:
            for target, seeds in SEEDS.items():
                folder = args.write_seeds / target
                folder.mkdir(parents=True, exist_ok=True)
                for i, data in enumerate(seeds):
                    (folder / f"seed{i}").write_bytes(data)
            return
        seed = args.seed if args.seed is not None else random.randrange(1 << 30)
        for target in args.target or sorted(TARGETS):
            plain_driver(target, args.runs, args.seconds, seed, args.slow)
        return
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
