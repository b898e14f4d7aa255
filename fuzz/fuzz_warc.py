"""Fuzz the WARC reader (warcio).

Run: ``python fuzz/fuzz_warc.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("warc")
