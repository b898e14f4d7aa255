"""Fuzz the plain-text reader.

Run: ``python fuzz/fuzz_text.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("text")
