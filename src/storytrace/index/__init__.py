"""Corpus-scale near-duplicate candidates: word-shingle MinHash signatures and banded LSH.

>>> from storytrace.index import LSHIndex, MinHasher
>>> mh = MinHasher(num_perm=128, shingle=5, seed=1)
>>> sigs = mh.sign_many(["first article text ...", "second article text ..."])
>>> lsh = LSHIndex(num_perm=128, threshold=0.5, max_bucket=1000)
>>> lsh.add_many(["a1", "a2"], sigs)
"""

from storytrace.index.lsh import LSHIndex, optimal_params
from storytrace.index.minhash import EMPTY, MinHasher, is_empty, jaccard, shingle_hashes, words

__all__ = ["EMPTY", "LSHIndex", "MinHasher", "is_empty", "jaccard", "optimal_params",
           "shingle_hashes", "words"]
