"""Fuzz the JSON Lines reader.

Run: ``python fuzz/fuzz_jsonl.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("jsonl")
