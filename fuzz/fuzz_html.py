"""Fuzz the HTML reader (trafilatura).

Run: ``python fuzz/fuzz_html.py [libFuzzer flags]`` (see fuzz/README.md).
"""

from targets import main

if __name__ == "__main__":
    main("html")
