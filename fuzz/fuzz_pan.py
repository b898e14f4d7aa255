"""Fuzz the PAN 2013 XML reader.

Run: ``python fuzz/fuzz_pan.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("pan")
