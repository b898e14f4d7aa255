"""MinHash signatures and LSH candidates: hashing, estimation accuracy, batching, persistence."""

from __future__ import annotations

import doctest
import hashlib
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import storytrace.index
import storytrace.index.lsh
import storytrace.index.minhash
from storytrace.index import (
    EMPTY,
    LSHIndex,
    MinHasher,
    is_empty,
    jaccard,
    optimal_params,
    shingle_hashes,
    words,
)

NEWS = ("The Senate passed the bill on Tuesday by 52 votes to 48, officials said. "
        "Café owners in Zürich welcomed it.")


def random_words(rng: np.random.Generator, n: int, prefix: str = "w") -> list[str]:
    """Distinct words (no accidental overlap between calls with different prefixes)."""
    return [f"{prefix}{i}x{v}" for i, v in enumerate(rng.integers(0, 10**9, n))]


def pair_with_jaccard(rng: np.random.Generator, size: int, j: float) -> tuple[str, str, float]:
    """Two texts whose word sets (k=1 shingles) have Jaccard similarity close to ``j``."""
    common = round(2 * size * j / (1 + j))
    shared = random_words(rng, common, "s")
    a = shared + random_words(rng, size - common, "a")
    b = shared + random_words(rng, size - common, "b")
    rng.shuffle(a)
    rng.shuffle(b)
    true = common / (2 * size - common)
    return " ".join(a), " ".join(b), true


def true_jaccard(a: str, b: str, k: int) -> float:
    def grams(text: str) -> set[tuple[str, ...]]:
        w = re.findall(r"\w+", text.lower())
        return {tuple(w[i : i + k]) for i in range(max(len(w) - k + 1, 1))}

    sa, sb = grams(a), grams(b)
    return len(sa & sb) / len(sa | sb)


# --- tokenising and shingle hashing -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    NEWS,
    "Привет, МИР! Это тест: 2024 год — «новости».",
    "don't stop_me now... Ελλάδα ÅNGSTRÖM œuvre",
    "",
    "   ,,, —— ...",
])
def test_words_match_the_re_module(text: str) -> None:
    joined = re.sub(r"(?<=\w)['’.–-](?=\w)", "", text)
    assert words(text) == re.findall(r"\w+", joined.lower())


def test_minhash_words_are_the_doc_words_without_joiners() -> None:
    """One definition of a word: the vectorised signer shingles the words a Doc reads
    (storytrace.text.words.WORD), joiners removed, on random texts of letters, digits,
    apostrophes, dots, dashes and their look-alikes."""
    from storytrace.index.minhash import shingle_count
    from storytrace.text.doc import Doc
    from storytrace.text.words import plain_word

    rng = np.random.default_rng(5)
    alphabet = [*"ab Zé19'.-’‘–—−´,;\n", "  "]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet, size=rng.integers(0, 40)))
        doc_words = [plain_word(w) for w in Doc(text).words]
        assert words(text) == doc_words, text
        expected = (np.concatenate([shingle_hashes(w, k=1) for w in doc_words])
                    if doc_words else np.zeros(0, np.uint64))
        assert np.array_equal(shingle_hashes(text, k=1), expected), text
        assert shingle_count(text, 3) == max(1, len(doc_words) - 2)


def test_vectorised_words_on_characters_of_every_utf8_length() -> None:
    # 1- to 4-byte word characters (some whose lower case differs, one that changes length),
    # non-word characters and joiners of each length, mixed at random: the signer hashes
    # exactly the reference words, each as it would hash alone.
    rng = np.random.default_rng(17)
    alphabet = [*"aZ9_ ,.'-", "é", "Ä", "Σ", "ς", "ж", "’", "–", "\u00b4", "Ꮳ", "東", "—",
                "\u2032", "𝐀", "𐐀", "😀", "𝟘", "İ", "  "]
    for _ in range(300):
        text = "".join(rng.choice(alphabet, size=rng.integers(0, 30)))
        ws = words(text)
        expected = (np.concatenate([shingle_hashes(w, k=1) for w in ws])
                    if ws else np.zeros(0, np.uint64))
        assert np.array_equal(shingle_hashes(text, k=1), expected), text
        if "İ" not in text:  # its lower case is two characters, "i" and a combining dot
            assert np.array_equal(shingle_hashes(text.lower(), k=1), expected), text


def test_word_hashes_do_not_depend_on_position_case_or_neighbours() -> None:
    text = ("Ünïcode naïve CAFÉ ascii internationalisation internationalisations "
            "supercalifragilisticexpialidocious Ελλάδα x")
    alone = np.concatenate([shingle_hashes(w, k=1) for w in words(text)])
    assert np.array_equal(shingle_hashes(text, k=1), alone)
    assert np.array_equal(shingle_hashes(text.upper(), k=1), alone)
    # Long words that share their first 8 or 16 bytes still differ.
    assert len(np.unique(alone)) == len(set(words(text)))


def test_shingle_hashes_shapes() -> None:
    assert len(shingle_hashes("a b c d e f g", k=5)) == 3
    assert len(shingle_hashes("a b", k=5)) == 1
    assert shingle_hashes("", k=5).dtype == np.uint64
    assert len(shingle_hashes("", k=5)) == 0
    assert len(shingle_hashes("?!", k=5)) == 0
    # A short text is one shingle of all its words, not a padded or truncated one.
    assert shingle_hashes("a b", k=5)[0] != shingle_hashes("a b c", k=5)[0]
    assert not np.array_equal(shingle_hashes(NEWS, seed=0), shingle_hashes(NEWS, seed=1))


def test_signature_slots_come_from_the_shingle_hashes() -> None:
    text = " ".join(random_words(np.random.default_rng(8), 50))
    sig = MinHasher(num_perm=128, shingle=3, seed=4).sign(text)
    low = shingle_hashes(text, k=3, seed=4).astype(np.uint32)
    assert np.isin(sig, low).all()
    # 48 shingles in 128 bins: each filled bin keeps its minimum, so at most 48 distinct.
    assert 20 <= len(np.unique(sig)) <= 48


def test_characters_whose_lower_case_changes_length() -> None:
    # "İ" lower-cases to two characters and the Kelvin sign to one byte: hashed as their
    # folded forms, whatever else the batch holds.
    assert words("İSTANBUL \u212a") == ["istanbul", "k"]
    assert np.array_equal(shingle_hashes("İSTANBUL \u212a", k=1), shingle_hashes("istanbul k", k=1))
    mh = MinHasher(num_perm=32, shingle=1)
    sigs = mh.sign_many(["İSTANBUL \u212a", "plain ascii"])
    assert np.array_equal(sigs[0], mh.sign("istanbul k"))


# --- signatures ---------------------------------------------------------------------------------

def test_signature_is_pinned() -> None:
    # Signatures are persisted: a change here invalidates every stored index.
    sig = MinHasher().sign(NEWS)
    assert sig.dtype == np.uint32 and sig.shape == (128,)
    assert sig[:4].tolist() == [2098930898, 1249736591, 3898425333, 268868528]
    assert hashlib.sha256(sig.tobytes()).hexdigest()[:16] == "08efc9c19d1d64c0"


def pinned_corpus() -> list[str]:
    """Texts that exercise every branch of the vectorised tokeniser: joiners and their
    look-alikes at word edges and inside words, multi-byte and case-changing characters,
    words longer than 8 and 16 bytes, texts shorter than a shingle, and more bytes than one
    internal batch."""
    rng = np.random.default_rng(23)
    pieces = ["the", "Senate", "it's", "U.S.", "re-entered", "52–48", "don’t", "naïve",
              "İSTANBUL", "\u212a", "Ελλάδα", "МИР", "œuvre", "東京", "😀", "snake_case",
              "internationalisation", "supercalifragilisticexpialidocious", "a", "I",
              "—", "...", "“quoted”", ",", "x-", "-y", "'", "’s", "e.g.", "1.5", "3'", "a--b"]
    seps = [" ", " ", " ", "  ", "\n", ", ", ". ", " — "]
    texts = []
    for n in [0, 1, 2, 4, 5, 6, 30, *rng.integers(0, 1500, 120).tolist()]:
        ws, sp = rng.choice(pieces, size=n), rng.choice(seps, size=n)
        texts.append("".join(w + s for w, s in zip(ws, sp, strict=True)))
    return texts


@pytest.mark.parametrize(("num_perm", "shingle", "seed", "scheme", "digest"), [
    (128, 5, 1, "oph", "11c568c3ca6d7afa"),
    (64, 3, 7, "oph", "cd3b831cb305a91b"),
    (32, 2, 3, "classic", "6ee17638194a0307"),
    (128, 1, 1, "oph", "1bbde03b9dbb3e0f"),
])
def test_batch_signatures_are_pinned(num_perm: int, shingle: int, seed: int, scheme: str,
                                     digest: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Computed before the signer was optimised: speed work must not change a single bit,
    # whatever the batch size.
    texts = pinned_corpus()
    mh = MinHasher(num_perm=num_perm, shingle=shingle, seed=seed, scheme=scheme)  # type: ignore[arg-type]
    assert hashlib.sha256(mh.sign_many(texts).tobytes()).hexdigest()[:16] == digest
    monkeypatch.setattr(storytrace.index.minhash, "_CHUNK_BYTES", 1 << 16)
    assert hashlib.sha256(mh.sign_many(texts).tobytes()).hexdigest()[:16] == digest


@pytest.mark.parametrize(("table_max_perm", "ranked"), [(0, 0), (1024, 0), (1024, 1 << 40)])
def test_densification_paths_agree(table_max_perm: int, ranked: int,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Tries from a table or computed on the fly (long signatures), settled try by try or
    # all at once from the ranks: the same signature.
    texts = [*pinned_corpus()[:40], "one", "one two three four five six"]
    for p in (128, 96):
        want = MinHasher(num_perm=p, shingle=5, seed=2).sign_many(texts)
        monkeypatch.setattr(storytrace.index.minhash, "_DENSIFY_TABLE_MAX_PERM", table_max_perm)
        monkeypatch.setattr(storytrace.index.minhash, "_DENSIFY_RANKED", ranked)
        assert np.array_equal(MinHasher(num_perm=p, shingle=5, seed=2).sign_many(texts), want)
        monkeypatch.undo()


def test_shingle_hashes_are_pinned() -> None:
    texts = pinned_corpus()[:60]
    sh = np.concatenate([shingle_hashes(t, k=k) for t in texts for k in (1, 5)])
    assert hashlib.sha256(sh.tobytes()).hexdigest()[:16] == "3878cd32ce7def32"


def test_signatures_are_the_same_in_another_process() -> None:
    code = ("import sys; from storytrace.index import MinHasher; "
            "sys.stdout.write(MinHasher(seed=7).sign(sys.argv[1]).tobytes().hex())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, NEWS], capture_output=True, text=True,
                         env=env, check=True).stdout
    assert out == MinHasher(seed=7).sign(NEWS).tobytes().hex()


def test_sign_many_equals_sign_per_document() -> None:
    rng = np.random.default_rng(3)
    big = " ".join(random_words(rng, 100_000))  # longer than one internal batch
    assert len(big) > storytrace.index.minhash._CHUNK_BYTES
    texts = [NEWS, "", "two words", "Ελλάδα και Κύπρος, ΕΛΛΑΔΑ", big, "  ", NEWS.upper(),
             *(" ".join(random_words(rng, int(n))) for n in rng.integers(1, 900, 40))]
    for scheme in ("oph", "classic"):
        mh = MinHasher(num_perm=64, shingle=3, seed=5, scheme=scheme)
        batch = mh.sign_many(texts)
        assert batch.shape == (len(texts), 64)
        for text, row in zip(texts, batch, strict=True):
            assert np.array_equal(row, mh.sign(text))
        assert np.array_equal(mh.sign_many(iter(texts)), batch)  # any iterable
        assert mh.sign_many([]).shape == (0, 64)


def test_sign_hashes_of_shingle_hashes_is_sign_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storytrace.index.minhash, "_CHUNK_HASHES", 1 << 11)  # many chunks
    rng = np.random.default_rng(12)
    texts = [NEWS, "", "one", "  ,, ", *(" ".join(random_words(rng, int(n)))
                                         for n in rng.integers(1, 3000, 60))]
    for scheme in ("oph", "classic"):
        mh = MinHasher(num_perm=64, shingle=3, seed=9, scheme=scheme)
        hashes = [shingle_hashes(t, k=3, seed=9) for t in texts]
        offsets = np.concatenate([[0], np.cumsum([len(h) for h in hashes])])
        # Documents longer than a chunk, and offsets that start past 0.
        assert offsets[-1] > 1 << 13 and max(map(len, hashes)) > 1 << 11
        flat = np.concatenate([np.zeros(5, np.uint64), *hashes])
        assert np.array_equal(mh.sign_hashes(flat, offsets + 5), mh.sign_many(texts))
    assert mh.sign_hashes(np.zeros(0, np.uint64), [0]).shape == (0, 64)
    with pytest.raises(ValueError):
        mh.sign_hashes(np.zeros(3, np.uint64), [0, 2, 1])
    with pytest.raises(ValueError):
        mh.sign_hashes(np.zeros(3, np.uint64), [0, 4])


def test_sign_shingles_is_a_set_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storytrace.index.minhash, "_CHUNK_BYTES", 1 << 16)  # many batches
    rng = np.random.default_rng(13)
    mh = MinHasher(num_perm=128, seed=3)
    sets = [[f"s{i} x{v}" for i, v in enumerate(rng.integers(0, 99, int(n)))]
            for n in rng.integers(1, 400, 300)]
    sigs = mh.sign_shingles(sets)
    assert sigs.shape == (300, 128) and not np.any(sigs == EMPTY)
    # Order, repeats and empty strings do not matter; every slot is one shingle's value.
    again = mh.sign_shingles([[*reversed(s), s[0], ""] for s in sets])
    assert np.array_equal(sigs, again)
    for i in (0, 150, 299):
        assert np.array_equal(sigs[i], mh.sign_shingles([sets[i]])[0])
    assert is_empty(mh.sign_shingles([[]])[0]) and mh.sign_shingles([]).shape == (0, 128)
    a, b, j = pair_with_jaccard(rng, 300, 0.6)
    est = jaccard(*mh.sign_shingles([a.split(), b.split()]))
    assert abs(est - j) <= 5 * math.sqrt(j * (1 - j) / 128)
    assert not np.array_equal(mh.sign_shingles(sets[:1]), MinHasher(seed=4).sign_shingles(sets[:1]))


def test_identical_disjoint_and_empty() -> None:
    rng = np.random.default_rng(0)
    mh = MinHasher()
    a, b = " ".join(random_words(rng, 500, "p")), " ".join(random_words(rng, 500, "q"))
    assert jaccard(mh.sign(a), mh.sign(a)) == 1.0
    # Case and punctuation are not part of the shingles.
    assert jaccard(mh.sign(NEWS), mh.sign(NEWS.upper().replace(",", " ;"))) == 1.0
    assert jaccard(mh.sign(a), mh.sign(b)) < 0.02
    empty = mh.sign("")
    assert is_empty(empty) and np.all(empty == EMPTY)
    assert is_empty(mh.sign(" -- ")) and not is_empty(mh.sign("word"))
    assert jaccard(empty, empty) == 0.0 and jaccard(empty, mh.sign(a)) == 0.0
    # No real signature slot ever takes the reserved value.
    assert not np.any(mh.sign_many([a, b, NEWS, "x"]) == EMPTY)
    with pytest.raises(ValueError):
        jaccard(mh.sign(a), MinHasher(num_perm=64).sign(a))


def test_short_texts() -> None:
    mh = MinHasher(shingle=5)
    one = mh.sign("Breaking")
    assert not is_empty(one)
    assert jaccard(one, mh.sign("BREAKING!")) == 1.0
    assert jaccard(mh.sign("storm hits coast"), mh.sign("storm hits the coast")) < 0.1


@pytest.mark.parametrize("scheme", ["oph", "classic"])
@pytest.mark.parametrize("target", [0.2, 0.5, 0.8, 0.95])
def test_estimate_is_unbiased_and_within_sampling_error(scheme: str, target: float) -> None:
    rng = np.random.default_rng(int(target * 100))
    mh = MinHasher(num_perm=128, shingle=1, seed=11, scheme=scheme)
    pairs = [pair_with_jaccard(rng, 400, target) for _ in range(40)]
    sigs = mh.sign_many([t for a, b, _ in pairs for t in (a, b)])
    est = np.array([jaccard(sigs[2 * i], sigs[2 * i + 1]) for i in range(len(pairs))])
    true = np.array([j for *_, j in pairs])
    # A classic MinHash estimate is Binomial(128, J) / 128; OPH's variance is no larger.
    sd = np.sqrt(true * (1 - true) / 128)
    assert np.all(np.abs(est - true) <= 5 * sd + 1e-9)
    assert abs(float(np.mean(est - true))) <= 4 * float(np.mean(sd)) / math.sqrt(len(pairs))


def test_densified_slots_are_unbiased_for_small_sets() -> None:
    # 30 shingles in 128 bins: most bins are empty and filled by densification.
    rng = np.random.default_rng(9)
    mh = MinHasher(num_perm=128, shingle=1)
    pairs = [pair_with_jaccard(rng, 30, 0.5) for _ in range(300)]
    sigs = mh.sign_many([t for a, b, _ in pairs for t in (a, b)])
    match = sigs[0::2] == sigs[1::2]  # (pairs, slots)
    true = float(np.mean([j for *_, j in pairs]))
    assert abs(match.mean() - true) < 0.02
    # Every slot, densified or not, collides with probability ~J (300 pairs: sd ~0.029).
    assert np.all(np.abs(match.mean(axis=0) - true) < 6 * math.sqrt(true * (1 - true) / 300))


def test_estimate_on_word_five_grams() -> None:
    rng = np.random.default_rng(4)
    base = random_words(rng, 600)
    mh = MinHasher()
    for q in (0.02, 0.05, 0.1, 0.2):
        edited = [w if rng.random() > q else "edit" + w for w in base]
        a, b = " ".join(base), " ".join(edited)
        j = true_jaccard(a, b, 5)
        assert abs(jaccard(mh.sign(a), mh.sign(b)) - j) <= 5 * math.sqrt(j * (1 - j) / 128)


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError):
        MinHasher(num_perm=0)
    with pytest.raises(ValueError):
        MinHasher(shingle=0)
    with pytest.raises(ValueError):
        MinHasher(scheme="bbit")  # type: ignore[arg-type]


# --- LSH ----------------------------------------------------------------------------------------

def corpus(rng: np.random.Generator, n: int) -> list[str]:
    return [" ".join(random_words(rng, 300, f"d{i}_")) for i in range(n)]


def near_copy(text: str, rng: np.random.Generator, q: float) -> str:
    return " ".join(w if rng.random() > q else "new" + w for w in text.split())


def test_lsh_finds_a_planted_pair_and_not_unrelated_documents() -> None:
    rng = np.random.default_rng(1)
    texts = corpus(rng, 200)
    texts.append(near_copy(texts[17], rng, 0.03))  # J ~ 0.75 on 5-grams
    mh = MinHasher()
    lsh = LSHIndex(num_perm=128, threshold=0.5)
    keys = [f"doc{i}" for i in range(len(texts))]
    lsh.add_many(keys, mh.sign_many(texts))
    assert list(lsh.candidate_pairs()) == [("doc17", "doc200")]
    assert lsh.query(mh.sign(texts[200])) == ["doc17", "doc200"]
    assert lsh.query(mh.sign(texts[5])) == ["doc5"]
    assert lsh.query(mh.sign("something else entirely, never indexed")) == []
    assert lsh.capped_buckets == 0 and len(lsh) == 201 and "doc3" in lsh


def test_lsh_add_one_by_one_and_query_in_between() -> None:
    rng = np.random.default_rng(2)
    texts = corpus(rng, 20)
    mh = MinHasher(num_perm=64)
    lsh = LSHIndex(num_perm=64, bands=16, rows=4)
    for i, text in enumerate(texts):
        assert lsh.query(mh.sign(text)) == []
        lsh.add(f"k{i}", mh.sign(text))
    assert lsh.query(mh.sign(texts[3])) == ["k3"]
    lsh.add("copy", mh.sign(texts[3]))
    assert lsh.query(mh.sign(texts[3])) == ["k3", "copy"]
    with pytest.raises(ValueError, match="duplicate"):
        lsh.add("k1", mh.sign(texts[1]))
    with pytest.raises(ValueError):
        lsh.add_many(["a", "a"], mh.sign_many(texts[:2]))
    assert "a" not in lsh
    with pytest.raises(ValueError):
        lsh.add("wrong", MinHasher(num_perm=128).sign(texts[0]))


def test_empty_signatures_never_match() -> None:
    mh = MinHasher()
    lsh = LSHIndex()
    lsh.add_many(["e1", "e2", "x"], mh.sign_many(["", "...", "a real text of some words"]))
    assert list(lsh.candidate_pairs()) == []
    assert lsh.query(mh.sign("")) == []
    assert len(lsh) == 3


def test_max_bucket_caps_boilerplate_buckets() -> None:
    rng = np.random.default_rng(5)
    boiler = "Subscribe to our newsletter for the latest news and offers from our partners"
    texts = [boiler] * 30 + corpus(rng, 50)
    texts.append(near_copy(texts[40], rng, 0.03))
    mh = MinHasher()
    sigs = mh.sign_many(texts)
    keys = [str(i) for i in range(len(texts))]
    capped = LSHIndex(max_bucket=10)
    capped.add_many(keys, sigs)
    pairs = list(capped.candidate_pairs())
    assert pairs == [("40", str(len(texts) - 1))]
    # Thirty identical texts share every band: one oversized bucket per band.
    assert capped.capped_buckets == capped.bands
    assert capped.capped_members == 30 * capped.bands
    uncapped = LSHIndex()
    uncapped.add_many(keys, sigs)
    assert len(list(uncapped.candidate_pairs())) == 30 * 29 // 2 + 1
    assert uncapped.capped_buckets == 0


def test_lsh_serialisation_round_trip() -> None:
    rng = np.random.default_rng(6)
    texts = corpus(rng, 40)
    texts += [near_copy(texts[i], rng, 0.02) for i in range(5)] + [""]
    mh = MinHasher()
    lsh = LSHIndex(threshold=0.6, max_bucket=100)
    keys = [f"https://example.org/é/{i}" for i in range(len(texts))]
    lsh.add_many(keys[:30], mh.sign_many(texts[:30]))
    lsh.add_many(keys[30:], mh.sign_many(texts[30:]))
    data = lsh.to_bytes()
    assert data == lsh.to_bytes()  # deterministic: safe to store and compare
    back = LSHIndex.from_bytes(data)
    assert (back.bands, back.rows, back.max_bucket) == (lsh.bands, lsh.rows, 100)
    assert back.keys == keys
    assert list(back.candidate_pairs()) == list(lsh.candidate_pairs())
    assert len(list(back.candidate_pairs())) == 5
    for text in texts[:3] + texts[40:]:
        assert back.query(mh.sign(text)) == lsh.query(mh.sign(text))
    back.add("late", mh.sign(texts[0]))
    assert back.query(mh.sign(texts[0])) == [keys[0], keys[40], "late"]
    assert LSHIndex.from_bytes(LSHIndex().to_bytes()).keys == []
    with pytest.raises(ValueError):
        LSHIndex.from_bytes(data[:-3])
    with pytest.raises(ValueError):
        LSHIndex.from_bytes(b"nonsense")


def test_banding_parameters() -> None:
    assert optimal_params(0.5, 128) == (25, 5)
    assert LSHIndex(num_perm=128, bands=20).rows == 6
    assert LSHIndex(num_perm=128, rows=4).bands == 32
    with pytest.raises(ValueError):
        LSHIndex(num_perm=128, bands=20, rows=7)
    datasketch = pytest.importorskip("datasketch.lsh")
    for threshold in (0.3, 0.5, 0.7, 0.9):
        for weights in ((0.5, 0.5), (0.1, 0.9)):
            assert optimal_params(threshold, 128, weights) == datasketch._optimal_param(
                threshold, 128, *weights)


@pytest.mark.parametrize("module", [storytrace.index, storytrace.index.minhash,
                                    storytrace.index.lsh])
def test_docstring_examples_run(module: object) -> None:
    # The normal test run collects tests/ only; the API examples must not rot either.
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
