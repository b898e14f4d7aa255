"""Fuzz the CSV reader.

Run: ``python fuzz/fuzz_csv.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("csv")
