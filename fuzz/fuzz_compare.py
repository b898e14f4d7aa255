"""Fuzz compare (the aligner) on arbitrary Unicode.

Run: ``python fuzz/fuzz_compare.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("compare")
