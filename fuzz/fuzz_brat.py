"""Fuzz the brat .ann reader.

Run: ``python fuzz/fuzz_brat.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("brat")
